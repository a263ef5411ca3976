import type { Intelligence } from "../analysis/intelligence.js";
import { reportDocument } from "./compose.js";
import type { ReportDocument } from "./document.js";

/** The cfo report (placeholder until implemented). */
export function assembleCfoReport(intelligence: Intelligence): ReportDocument {
  return reportDocument(intelligence, "cfo", "Cfo report", "Cfo report", []);
}
