import type { Intelligence } from "../analysis/intelligence.js";
import { reportDocument } from "./compose.js";
import type { ReportDocument } from "./document.js";

/** The ceo report (placeholder until implemented). */
export function assembleCeoReport(intelligence: Intelligence): ReportDocument {
  return reportDocument(intelligence, "ceo", "Ceo report", "Ceo report", []);
}
