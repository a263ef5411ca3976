import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { renderJson } from "../core/render/json.js";
import { renderMarkdown } from "../core/render/markdown.js";
import type { ReportDocument } from "../core/reports/document.js";

/** Writes each report as `{tenant}/{period}/{role}-report.{md,json}` under `out`; returns the paths. */
export async function writePreview(
  out: string,
  reports: readonly ReportDocument[],
): Promise<string[]> {
  const written: string[] = [];
  for (const report of reports) {
    const dir = path.join(out, report.tenant.id, report.period);
    await mkdir(dir, { recursive: true });
    for (const [extension, content] of [
      ["md", renderMarkdown(report)],
      ["json", renderJson(report)],
    ] as const) {
      const file = path.join(dir, `${report.role}-report.${extension}`);
      await writeFile(file, content);
      written.push(file);
    }
  }
  return written;
}
