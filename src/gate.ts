import { spawnSync } from "node:child_process";
import { type Address, assembleMessage } from "./adapters/render/message.js";
import { scanSecrets } from "./adapters/secrets/secret-scanner.js";
import type { Config, TenantConfig } from "./core/config.js";
import type { TenantModel } from "./core/model/index.js";
import type { RenderedReport } from "./core/render/rendered.js";
import {
  type GateOutput,
  type GateReport,
  type GateVerdict,
  runGates,
  type SecretHit,
  type ValidationSettings,
} from "./core/validate/index.js";

/** What the gate needs for one tenant's rendered batch. */
export interface GateRequest {
  config: Config;
  tenant: TenantConfig;
  model: TenantModel;
  period: string;
  reports: readonly RenderedReport[];
  /** Roles asked for with `--report`; coverage checks only these. */
  requestedRoles?: string[];
  /** The run's own output so far (warnings, progress): scanned for credentials too. */
  logLines?: string[];
}

/** The gate's verdict, and the credentials it found (kept only to redact what gets printed). */
export interface GateResult {
  verdict: GateVerdict;
  secrets: SecretHit[];
}

/** Runs the validation gate over one tenant's rendered reports: every output scanned, every gate run. */
export async function validateRendered(request: GateRequest): Promise<GateResult> {
  const { config, tenant } = request;
  const reports: GateReport[] = [];
  for (const report of request.reports) {
    const recipients = tenant.roles[report.document.role]?.recipients ?? [];
    reports.push(
      await gateReportOf(report, {
        from: config.transport.from,
        to: recipients[0] ?? config.transport.from,
      }),
    );
  }
  const secrets = await scanSecrets([
    ...reports.flatMap((r) =>
      r.outputs.map((o) => ({ report: r.document.id, output: o.name, text: o.text })),
    ),
    ...(request.logLines !== undefined && request.logLines.length > 0
      ? [{ report: "log", output: "log", text: request.logLines.join("\n") }]
      : []),
  ]);
  const verdict = runGates({
    tenant,
    period: request.period,
    sources: request.model.freshness,
    // Route 53 zones are canonical too: what the accounts really serve.
    hostedZones: request.model.cloudAccounts.flatMap((account) =>
      account.hostedZones.map((domain) => ({
        domain,
        ...(account.entity !== undefined ? { entity: account.entity } : {}),
      })),
    ),
    reports,
    secrets,
    settings: validationSettings(config),
    ...(request.requestedRoles !== undefined ? { requestedRoles: request.requestedRoles } : {}),
  });
  return { verdict, secrets };
}

/**
 * One rendered report as the gates see it: every rendition by name, and the sizes of its HTML and
 * of the message one recipient would get (messages differ only by the To header).
 */
export async function gateReportOf(
  report: RenderedReport,
  envelope: { from: Address; to: Address },
): Promise<GateReport> {
  const message = await assembleMessage(report, {
    from: envelope.from,
    to: [envelope.to],
    date: new Date(0),
    attachPdf: report.pdf !== undefined,
  });
  return {
    document: report.document,
    outputs: outputsOf(report),
    htmlBytes: Buffer.byteLength(report.html),
    messageBytes: message.byteLength,
    // Delivery sends one message per recipient (and the optional BCC archive copy).
    recipientsPerMessage: 1,
  };
}

/** Every rendition the gates read, by name. */
function outputsOf(report: RenderedReport): GateOutput[] {
  return [
    { name: "subject", text: report.document.subject },
    { name: "html", text: report.html },
    { name: "text", text: report.text },
    { name: "markdown", text: report.markdown },
    { name: "json", text: report.json },
    ...report.charts.map((c) => ({ name: c.fileName.replace(/\.png$/, ".svg"), text: c.svg })),
    ...(report.pdf !== undefined ? pdfText(report.pdf) : []),
  ];
}

/**
 * The PDF's text as Debian's pdftotext reads it back. The PDF is printed from the HTML the gate
 * already reads, so without pdftotext nothing new could hide there; with it, that is checked.
 */
function pdfText(pdf: Uint8Array): GateOutput[] {
  const run = spawnSync("pdftotext", ["-layout", "-", "-"], { input: pdf, encoding: "utf8" });
  return run.error === undefined && run.status === 0
    ? [{ name: "pdf-text", text: run.stdout }]
    : [];
}

/** The gate settings of the workspace configuration. */
export function validationSettings(config: Config): ValidationSettings {
  const v = config.validation;
  return {
    downgrade: v.downgrade,
    allowSecrets: v.allowSecrets.map((a) => ({
      ...(a.fingerprint !== undefined ? { fingerprint: a.fingerprint } : {}),
      ...(a.pattern !== undefined ? { pattern: a.pattern } : {}),
      reason: a.reason,
    })),
    ...(v.freshness.blockAfterDays !== undefined
      ? { blockAfterDays: v.freshness.blockAfterDays }
      : {}),
    sourceBlockAfterDays: v.freshness.sources,
    limits: v.limits,
  };
}
