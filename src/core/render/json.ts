import type { ReportDocument } from "../reports/document.js";

/** Renders a report as stable, pretty-printed JSON (the machine-readable archive copy). */
export function renderJson(document: ReportDocument): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}
