import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { type Address, assembleMessage } from "../adapters/render/message.js";
import type { Paper } from "../adapters/render/pdf.js";
import { renderReports } from "../adapters/render/render-report.js";
import type { Config } from "../core/config.js";
import type { RenderedReport } from "../core/render/rendered.js";
import type { ReportDocument } from "../core/reports/document.js";

/** What a preview needs from the workspace configuration and the command line. */
export interface PreviewOptions {
  config: Pick<Config, "tenants" | "transport" | "render">;
  /** `false` when `--no-pdf` was given. */
  pdf: boolean;
  now: Date;
}

/** The result of a preview: files written, and whether PDFs were printed. */
export interface PreviewResult {
  written: string[];
  pdf: "printed" | "off" | "no-chromium";
}

/**
 * Renders every report and writes `{tenant}/{period}/{role}-report.{html,txt,md,json,eml,pdf}`
 * plus each chart as `{role}-{chart}.{svg,png}` under `out`. Nothing is sent.
 */
export async function writePreview(
  out: string,
  documents: readonly ReportDocument[],
  options: PreviewOptions,
): Promise<PreviewResult> {
  const paper: Paper = options.config.render.paper;
  const { reports, pdf } = await renderReports(documents, {
    pdf: options.pdf && options.config.render.pdf === "auto",
    paper,
  });
  const written: string[] = [];
  for (const report of reports) {
    const { document } = report;
    const dir = path.join(out, document.tenant.id, document.period);
    await mkdir(dir, { recursive: true });
    const eml = await assembleMessage(report, {
      from: options.config.transport.from,
      to: previewRecipients(options.config, document),
      ...(options.config.transport.replyTo ? { replyTo: options.config.transport.replyTo } : {}),
      date: options.now,
      attachPdf: report.pdf !== undefined,
    });
    const files: [string, string | Uint8Array][] = [
      [`${document.role}-report.html`, previewHtml(report)],
      [`${document.role}-report.txt`, report.text],
      [`${document.role}-report.md`, report.markdown],
      [`${document.role}-report.json`, report.json],
      [`${document.role}-report.eml`, eml],
      ...(report.pdf ? [[`${document.role}-report.pdf`, report.pdf] as [string, Uint8Array]] : []),
      ...report.charts.flatMap((c): [string, string | Uint8Array][] => [
        [c.fileName, c.png],
        [c.fileName.replace(/\.png$/, ".svg"), c.svg],
      ]),
    ];
    for (const [name, content] of files) {
      const file = path.join(dir, name);
      await writeFile(file, content);
      written.push(file);
    }
  }
  return { written, pdf };
}

/** The email HTML with `cid:` images pointed at the PNG files beside it, so a browser shows them. */
function previewHtml(report: RenderedReport): string {
  return report.charts.reduce(
    (html, chart) => html.replaceAll(`src="cid:${chart.cid}"`, `src="${chart.fileName}"`),
    report.html,
  );
}

/** A preview message goes to the role's configured recipients (delivery sends one message each). */
function previewRecipients(config: PreviewOptions["config"], document: ReportDocument): Address[] {
  const tenant = config.tenants.find((t) => t.id === document.tenant.id);
  const recipients = tenant?.roles[document.role]?.recipients ?? [];
  return recipients.length > 0 ? recipients : [config.transport.from];
}
