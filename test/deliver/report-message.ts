import { assembleMessage } from "../../src/adapters/render/message.js";
import { renderReport } from "../../src/adapters/render/render-report.js";
import type { OutgoingMessage } from "../../src/core/deliver/ports.js";
import type { RenderedReport } from "../../src/core/render/rendered.js";
import { PORTFOLIO } from "../helpers/cli.js";
import { computeTenant } from "../helpers/pipeline.js";

/** The sender every delivery test uses. */
export const FROM = { name: "Exec Intel", email: "reports@example.com" };

/** The reference portfolio's CEO report, rendered once (charts included) for the delivery tests. */
export async function referenceReport(): Promise<RenderedReport> {
  const { report } = await computeTenant(PORTFOLIO);
  return renderReport(report("ceo"));
}

/**
 * The rendered report as one outgoing message to `recipient`, with the BCC archive address as an
 * extra envelope recipient (never a header), the way the delivery step builds it.
 */
export async function outgoing(
  report: RenderedReport,
  recipient: string,
  options: { archive?: string; messageId?: string; tags?: Record<string, string> } = {},
): Promise<OutgoingMessage> {
  const { document } = report;
  const messageId =
    options.messageId ?? `<${document.period}.${document.tenant.id}.${document.role}.t@exec-intel>`;
  const raw = await assembleMessage(report, {
    from: FROM,
    to: [{ name: "", email: recipient }],
    messageId,
    date: new Date("2026-11-01T07:00:00Z"),
  });
  return {
    key: { tenant: document.tenant.id, period: document.period, report: document.role, recipient },
    raw,
    from: FROM.email,
    to: [recipient, ...(options.archive !== undefined ? [options.archive] : [])],
    messageId,
    tags: options.tags ?? {},
  };
}
