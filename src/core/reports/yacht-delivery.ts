import type { Intelligence } from "../analysis/intelligence.js";
import { reportDocument } from "./compose.js";
import type { ReportDocument } from "./document.js";

/** Section ids of the yacht-delivery report (issue 9 is in progress: none yet). */
export const YACHT_DELIVERY_SECTIONS: readonly string[] = [];

/**
 * Not built yet (issue 9): an empty yacht-delivery report, which the coverage gate blocks (no figures), so
 * a role configured for it never sends an empty email.
 */
export function assembleYachtDeliveryReport(
  intelligence: Intelligence,
  role: string,
): ReportDocument {
  return reportDocument(intelligence, role, "yacht-delivery", "yacht-delivery", []);
}
