import type { Intelligence } from "../analysis/intelligence.js";
import { reportDocument } from "./compose.js";
import type { ReportDocument } from "./document.js";

/** Section ids of the rental-property report (issue 9 is in progress: none yet). */
export const RENTAL_PROPERTY_SECTIONS: readonly string[] = [];

/**
 * Not built yet (issue 9): an empty rental-property report, which the coverage gate blocks (no figures), so
 * a role configured for it never sends an empty email.
 */
export function assembleRentalPropertyReport(
  intelligence: Intelligence,
  role: string,
): ReportDocument {
  return reportDocument(intelligence, role, "rental-property", "rental-property", []);
}
