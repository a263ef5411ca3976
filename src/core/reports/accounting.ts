import type { Intelligence } from "../analysis/intelligence.js";
import { reportDocument } from "./compose.js";
import type { ReportDocument } from "./document.js";

/** The accounting report (placeholder until implemented). */
export function assembleAccountingReport(intelligence: Intelligence): ReportDocument {
  return reportDocument(intelligence, "accounting", "Accounting report", "Accounting report", []);
}
