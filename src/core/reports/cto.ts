import type { Intelligence } from "../analysis/intelligence.js";
import { reportDocument } from "./compose.js";
import type { ReportDocument } from "./document.js";

/** The cto report (placeholder until implemented). */
export function assembleCtoReport(intelligence: Intelligence): ReportDocument {
  return reportDocument(intelligence, "cto", "Cto report", "Cto report", []);
}
