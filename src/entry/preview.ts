import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { type Address, assembleMessage } from "../adapters/render/message.js";
import type { Config } from "../core/config.js";
import type { RenderedReport } from "../core/render/rendered.js";
import type { ReportDocument } from "../core/reports/document.js";

/** What a preview needs from the workspace configuration. */
export interface PreviewOptions {
  config: Pick<Config, "tenants" | "transport">;
  now: Date;
}

/**
 * Writes rendered reports that passed the gate as `{tenant}/{period}/{role}-report.{html,txt,md,
 * json,eml,pdf}` plus each chart as `{role}-{chart}.{svg,png}` under `out`; returns the paths.
 */
export async function writePreview(
  out: string,
  reports: readonly RenderedReport[],
  options: PreviewOptions,
): Promise<string[]> {
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
  return written;
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
