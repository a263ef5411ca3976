import type { Intelligence } from "../analysis/intelligence.js";
import { reportDocument } from "./compose.js";
import type { ReportDocument } from "./document.js";

/** The cmo report (placeholder until implemented). */
export function assembleCmoReport(intelligence: Intelligence): ReportDocument {
  return reportDocument(intelligence, "cmo", "Cmo report", "Cmo report", []);
}
