import path from "node:path";
import { createOutboxTransport } from "./adapters/deliver/outbox-transport.js";
import { sendWithRetry } from "./adapters/deliver/send-with-retry.js";
import {
  type Address,
  assembleMessage,
  type MessageTemplate,
  prepareMessage,
} from "./adapters/render/message.js";
import { acquireRunLock } from "./adapters/store/run-lock.js";
import type { AuditLog } from "./core/audit/ports.js";
import type { Config, TenantConfig } from "./core/config.js";
import type {
  DeliveryKey,
  DeliveryLedger,
  DeliveryRow,
  SendResult,
  Transport,
} from "./core/deliver/ports.js";
import { createTokenBucket, type TokenBucket } from "./core/deliver/token-bucket.js";
import { deliveryHash, replyAddress } from "./core/feedback/reply-token.js";
import type { RenderedReport } from "./core/render/rendered.js";

// The delivery step: one message per recipient per report, claimed in the ledger before it is
// sent and recorded after, paced and retried; a re-run sends only what is not yet sent.

/** Sends one report to one address outside the ledger (`exec-intel send-test`); returns what the transport said. */
export async function sendTest(request: {
  config: Config;
  workspace: string;
  report: RenderedReport;
  to: string;
  env: Readonly<Record<string, string | undefined>>;
  now: Date;
  transport?: Transport;
}): Promise<SendResult> {
  const { config } = request;
  const transport =
    request.transport ??
    (await createTransport(config, path.join(request.workspace, config.stateDir), request.env));
  try {
    const key: DeliveryKey = {
      tenant: request.report.document.tenant.id,
      period: request.report.document.period,
      report: `${request.report.document.role}-test`,
      recipient: request.to.toLowerCase(),
    };
    const raw = await assembleMessage(request.report, {
      from: config.transport.from,
      to: [{ name: "", email: request.to }],
      ...(config.transport.replyTo !== undefined ? { replyTo: config.transport.replyTo } : {}),
      date: request.now,
      attachPdf: request.report.pdf !== undefined,
    });
    const messageId = /^Message-ID: (.*)$/im.exec(raw.toString("latin1"))?.[1]?.trim() ?? "";
    return await transport.send({
      key,
      raw,
      from: config.transport.from.email,
      to: [request.to],
      messageId,
      tags: {
        tenant: key.tenant,
        report: request.report.document.id,
        role: key.report,
        run: "send-test",
      },
    });
  } finally {
    await transport.close();
  }
}

/** One tenant's reports that passed the gate. */
export interface DeliverableTenant {
  tenant: TenantConfig;
  reports: readonly RenderedReport[];
}

/** What to deliver and how. */
export interface DeliveryRequest {
  config: Config;
  workspace: string;
  period: string;
  runId: string;
  tenants: readonly DeliverableTenant[];
  env: Readonly<Record<string, string | undefined>>;
  now: () => Date;
  /** Only this report (role) / this recipient address. */
  report?: string;
  recipient?: string;
  /** Send again even what the ledger says was sent (the CLI asks for confirmation). */
  resend?: boolean;
  /** One line per notable event (uncertain rows, retries, account stops). */
  log: (line: string) => void;
  /** A transport to use instead of the configured one (tests, send-test). */
  transport?: Transport;
  /** One event per message sent or failed (the run's audit log). */
  audit?: AuditLog;
  /** Stops claiming new messages once aborted (Ctrl-C); the one in flight finishes and is recorded. */
  signal?: AbortSignal;
  /**
   * The ledger to record sends in (the DynamoDB one on AWS). Without it, the workspace's SQLite
   * ledger is opened under the workspace's delivery lock.
   */
  ledger?: DeliveryLedger;
}

/** One delivery as the summary shows it. */
export interface DeliverySummary {
  tenant: string;
  period: string;
  report: string;
  recipient: string;
  status: DeliveryRow["state"];
  attempts: number;
  messageId: string | null;
  providerMessageId: string | null;
  error: string | null;
  /** Sent by this run (false: already sent before, held, or not reached). */
  sentNow: boolean;
}

/** The `stopped` code of a delivery the person interrupted (Ctrl-C). */
export const INTERRUPTED = "Interrupted";

/** The outcome: every targeted delivery, and why the run stopped early, if it did. */
export interface DeliveryOutcome {
  deliveries: DeliverySummary[];
  stopped?: { code: string; message: string };
}

/** Delivers the gated reports through the configured transport, recording each send in the ledger. */
export async function deliverReports(request: DeliveryRequest): Promise<DeliveryOutcome> {
  const { config } = request;
  const stateDir = path.join(request.workspace, config.stateDir);
  if (request.ledger !== undefined) return await deliverThrough(request, request.ledger, stateDir);
  const release = acquireRunLock(stateDir);
  try {
    // Loaded here: SQLite is a native module the Lambda bundle leaves out.
    const { openSqliteLedger } = await import("./adapters/store/sqlite-store.js");
    const ledger = openSqliteLedger(path.join(stateDir, "state.sqlite"));
    try {
      return await deliverThrough(request, ledger, stateDir);
    } finally {
      ledger.close();
    }
  } finally {
    release();
  }
}

async function deliverThrough(
  request: DeliveryRequest,
  ledger: DeliveryLedger,
  stateDir: string,
): Promise<DeliveryOutcome> {
  const transport =
    request.transport ?? (await createTransport(request.config, stateDir, request.env));
  try {
    return await deliverWith(request, ledger, transport);
  } finally {
    await transport.close();
  }
}

interface Planned {
  key: DeliveryKey;
  report: RenderedReport;
  to: { name: string; email: string };
}

async function deliverWith(
  request: DeliveryRequest,
  ledger: DeliveryLedger,
  transport: Transport,
): Promise<DeliveryOutcome> {
  const { config } = request;
  const halfSent = new Set<string>();
  const logHalfSent = (row: DeliveryRow) => {
    if (halfSent.has(keyOf(row))) return;
    halfSent.add(keyOf(row));
    request.log(
      `delivery: ${describe(row)} was left half-sent by an interrupted run (attempt ${row.attempts}); policy "${config.transport.uncertain}": ${config.transport.uncertain === "resend" ? "sending it again (the recipient may get it twice; the Message-ID is the same)" : "holding it for a person to check"}`,
    );
  };
  const tenants = request.tenants.map((t) => t.tenant.id);
  for (const row of await ledger.recoverInterrupted(request.now(), tenants)) logHalfSent(row);
  const planned = plan(request);
  const byKey = new Map(
    (
      await ledger.plan(
        planned.map((p) => p.key),
        request.runId,
        request.now(),
      )
    ).map((r) => [keyOf(r), r]),
  );
  // A run that died right after recovering (before its log line) leaves `uncertain` rows that
  // were never announced: every resend of an uncertain row is logged, whichever run finds it.
  for (const row of byKey.values()) if (row.state === "uncertain") logHalfSent(row);
  if (request.resend === true) {
    for (const p of planned) await ledger.reset(p.key, request.now());
  }
  const rate = config.transport.rate ?? (await transport.maxSendRate()) ?? defaultRate(transport);
  const bucket = createTokenBucket({ ratePerSecond: rate, burst: Math.max(1, Math.floor(rate)) });
  let quota = await transport.remainingQuota();
  const sentNow = new Set<string>();
  let stopped: DeliveryOutcome["stopped"];
  const queue = planned.filter((item) => {
    const row = request.resend === true ? undefined : byKey.get(keyOf(item.key));
    if (row?.state === "sent") return false;
    return !(row?.state === "uncertain" && config.transport.uncertain === "hold");
  });
  const templates = new Map<RenderedReport, Promise<MessageTemplate>>();
  // Each report's body is built once for all its recipients: only the header block differs.
  const templateOf = (report: RenderedReport): Promise<MessageTemplate> => {
    let template = templates.get(report);
    if (template === undefined) {
      template = prepareMessage(report, {
        from: config.transport.from,
        ...(config.transport.replyTo !== undefined ? { replyTo: config.transport.replyTo } : {}),
        attachPdf: report.pdf !== undefined,
      });
      templates.set(report, template);
    }
    return template;
  };
  let next = 0;
  // Several senders share the token bucket: one at a time, a 50–100 ms SES round trip would cap
  // a run at 10–20 messages a second whatever the account's rate.
  const sender = async (limit = Number.POSITIVE_INFINITY) => {
    for (let taken = 0; stopped === undefined && taken < limit; taken += 1) {
      if (request.signal?.aborted === true) {
        stopped = {
          code: INTERRUPTED,
          message: "interrupted; the rest stays pending for the next run",
        };
        return;
      }
      const item = queue[next++];
      if (item === undefined) return;
      if (quota !== undefined && quota <= 0) {
        stopped = {
          code: "DailyQuotaExhausted",
          message:
            "the transport's 24-hour sending quota is used up; the rest stays pending for the next run",
        };
        return;
      }
      // Reserved before the first await, so concurrent senders never overshoot the quota.
      if (quota !== undefined) quota -= 1;
      const outcome = await sendOne(request, ledger, transport, item, bucket, templateOf);
      if (outcome.status === "sent") sentNow.add(keyOf(item.key));
      else if (quota !== undefined) quota += 1;
      if (outcome.status === "account" && stopped === undefined) {
        stopped = { code: outcome.code, message: outcome.message };
        request.log(
          `delivery: stopped by an account-level error (${outcome.code}: ${outcome.message}); the remaining messages stay pending for the next run`,
        );
      }
    }
  };
  // The first message goes alone: a refused login, an unverified sender or a paused account then
  // stops the run after one attempt, not one per sender at once (a burst of failed logins can
  // get an account locked by its provider).
  await sender(1);
  await Promise.all(Array.from({ length: config.transport.concurrency }, () => sender()));
  // One query per delivered tenant: on DynamoDB a period alone would scan every tenant's rows.
  const rows = new Map<string, DeliveryRow>();
  for (const tenant of tenants) {
    for (const row of await ledger.rows({ tenant, period: request.period }))
      rows.set(keyOf(row), row);
  }
  return {
    deliveries: planned.map((p) => summaryOf(p.key, rows.get(keyOf(p.key)), sentNow)),
    ...(stopped !== undefined ? { stopped } : {}),
  };
}

type SendOutcome =
  | { status: "sent" | "failed" | "retry-later" | "skipped" }
  | { status: "account"; code: string; message: string };

/** Claims one delivery, builds its message, sends it with pacing and retries, and records the result. */
async function sendOne(
  request: DeliveryRequest,
  ledger: DeliveryLedger,
  transport: Transport,
  item: Planned,
  bucket: TokenBucket,
  templateOf: (report: RenderedReport) => Promise<MessageTemplate>,
): Promise<SendOutcome> {
  const { config } = request;
  const messageId = messageIdOf(item.key, config.transport.from.email);
  if (!(await ledger.claim(item.key, request.runId, messageId, request.now())))
    return { status: "skipped" };
  try {
    const template = await templateOf(item.report);
    const raw = template.forRecipients(
      [item.to],
      messageId,
      request.now(),
      replyToOf(config, item.key, request.env),
    );
    return await sendClaimed(request, ledger, transport, item, bucket, messageId, raw);
  } catch (error) {
    // A bug, not a send error (transports classify those): nothing went out, so un-claim it.
    await ledger.release(item.key, `internal error: ${String(error)}`, request.now());
    throw error;
  }
}

async function sendClaimed(
  request: DeliveryRequest,
  ledger: DeliveryLedger,
  transport: Transport,
  item: Planned,
  bucket: TokenBucket,
  messageId: string,
  raw: Buffer,
): Promise<SendOutcome> {
  const { config } = request;
  const { result } = await sendWithRetry(
    transport,
    {
      key: item.key,
      raw,
      from: config.transport.from.email,
      to: [item.to.email, ...(config.transport.bccArchive ? [config.transport.bccArchive] : [])],
      messageId,
      tags: {
        tenant: item.key.tenant,
        report: item.report.document.id,
        role: item.key.report,
        run: request.runId,
      },
    },
    {
      maxAttempts: config.transport.retry.maxAttempts,
      baseMs: config.transport.retry.baseDelayMs,
      maxMs: config.transport.retry.maxDelayMs,
      bucket,
      onRetry: ({ attempt, result: failed, delayMs }) => {
        if (failed.status === "failed") {
          request.log(
            `delivery: ${describe(item.key)} attempt ${attempt} failed (${failed.code}); retrying in ${Math.round(delayMs)} ms`,
          );
        }
      },
    },
  );
  const outcome = await record(ledger, item.key, result, request.now());
  request.audit?.event(
    result.status === "sent" ? "info" : outcome === "retry-later" ? "warn" : "error",
    "deliver",
    result.status === "sent"
      ? `sent ${describe(item.key)}`
      : `not sent ${describe(item.key)}: ${result.kind} error ${result.code}: ${result.message}`,
    {
      tenant: item.key.tenant,
      report: item.key.report,
      recipient: item.key.recipient,
      messageId,
      transport: transport.name,
      attempts: (await ledger.rows(item.key))[0]?.attempts,
      ...(result.status === "sent"
        ? { providerMessageId: result.providerMessageId }
        : { errorCode: result.code, outcome }),
    },
  );
  return outcome === "account" && result.status === "failed"
    ? { status: "account", code: result.code, message: result.message }
    : { status: outcome === "account" ? "retry-later" : outcome };
}

/** Every (report, recipient) the run targets, in report then recipient order. */
function plan(request: DeliveryRequest): Planned[] {
  return request.tenants.flatMap(({ tenant, reports }) =>
    reports
      .filter((r) => request.report === undefined || r.document.role === request.report)
      .flatMap((report) =>
        (tenant.roles[report.document.role]?.recipients ?? [])
          .filter(
            (to) => request.recipient === undefined || sameAddress(to.email, request.recipient),
          )
          .map((to) => ({
            key: {
              tenant: tenant.id,
              period: request.period,
              report: report.document.role,
              recipient: to.email.toLowerCase(),
            },
            report,
            to,
          })),
      ),
  );
}

async function record(
  ledger: DeliveryLedger,
  key: DeliveryKey,
  result: SendResult,
  now: Date,
): Promise<"sent" | "failed" | "retry-later" | "account"> {
  if (result.status === "sent") {
    await ledger.markSent(key, result.providerMessageId, now);
    return "sent";
  }
  const reason = `${result.code}: ${result.message}`;
  if (result.kind === "permanent") {
    await ledger.markFailed(key, true, reason, now);
    return "failed";
  }
  // Transient after every attempt, or the account stopped us: the next run tries again.
  await ledger.release(key, reason, now);
  return result.kind === "account" ? "account" : "retry-later";
}

/**
 * The same Message-ID for a (tenant, period, report, recipient) on every attempt and run, so a
 * message resent after a crash is recognisable as the same message by the recipient's client.
 */
export function messageIdOf(key: DeliveryKey, fromEmail: string): string {
  const hash = deliveryHash(key);
  const domain = fromEmail.split("@")[1] ?? "exec-intel.local";
  return `<${key.period}.${key.tenant}.${key.report}.${hash}@${domain}>`;
}

/**
 * The Reply-To of one delivery: with feedback on, the configured address plus a token naming
 * the delivery, so `exec-intel inbox` can attach the reply to the report it answers.
 */
function replyToOf(
  config: Config,
  key: DeliveryKey,
  env: Readonly<Record<string, string | undefined>>,
): Address | undefined {
  const base = config.transport.replyTo;
  const secret = config.feedback === undefined ? undefined : env[config.feedback.secretEnv];
  if (base === undefined || secret === undefined || secret === "") return undefined;
  return { name: base.name, email: replyAddress(base.email, key, secret) };
}

/** A short plain-text message the product sends about itself (a sign-in link, a schedule alert). */
export interface Notice {
  tenant: string;
  /** What it is (`sign-in`, `schedule`) and which one (`magic-link`, `alert-2026-10`): the outbox folders and the SES tags. */
  kind: string;
  name: string;
  to: string;
  subject: string;
  text: string;
  now: Date;
}

/**
 * Sends a notice through the workspace's transport (the outbox locally). Notices are not reports:
 * they skip the gate and the ledger, and a failure is thrown for the caller to report.
 */
export async function sendNotice(
  config: Config,
  stateDir: string,
  env: Readonly<Record<string, string | undefined>>,
  notice: Notice,
): Promise<void> {
  const { default: MailComposer } = await import("nodemailer/lib/mail-composer");
  const raw = await new MailComposer({
    from: { name: config.transport.from.name, address: config.transport.from.email },
    to: notice.to,
    subject: notice.subject,
    text: notice.text,
    date: notice.now,
    disableFileAccess: true,
    disableUrlAccess: true,
  })
    .compile()
    .build();
  const transport = await createTransport(config, stateDir, env);
  try {
    const result = await transport.send({
      key: {
        tenant: notice.tenant,
        period: notice.kind,
        report: notice.name,
        recipient: notice.to,
      },
      raw,
      from: config.transport.from.email,
      to: [notice.to],
      messageId: "",
      tags: { tenant: notice.tenant, report: notice.kind, role: notice.name, run: notice.kind },
    });
    if (result.status !== "sent")
      throw new Error(`the ${notice.kind} message to ${notice.to} was not sent: ${result.message}`);
  } finally {
    await transport.close();
  }
}

/** The configured transport (outbox, SMTP or SES), ready to send. */
export async function createTransport(
  config: Config,
  stateDir: string,
  env: Readonly<Record<string, string | undefined>>,
): Promise<Transport> {
  const transport = config.transport;
  switch (transport.driver) {
    case "outbox":
      return createOutboxTransport(path.join(stateDir, "outbox"));
    case "smtp": {
      const { createSmtpTransport } = await import("./adapters/deliver/smtp-transport.js");
      const smtp = transport.smtp;
      if (smtp === undefined) throw new Error("transport.smtp is required for the smtp driver");
      return createSmtpTransport({
        host: smtp.host,
        port: smtp.port,
        secure: smtp.secure,
        requireTLS: smtp.requireTLS,
        rejectUnauthorized: smtp.rejectUnauthorized,
        ...(smtp.userEnv !== undefined ? { user: env[smtp.userEnv] } : {}),
        ...(smtp.passwordEnv !== undefined ? { pass: env[smtp.passwordEnv] } : {}),
      });
    }
    case "ses": {
      const { createSesTransport } = await import("./adapters/deliver/ses-transport.js");
      return createSesTransport({
        ...(transport.ses.region !== undefined ? { region: transport.ses.region } : {}),
        ...(transport.ses.endpoint !== undefined ? { endpoint: transport.ses.endpoint } : {}),
        ...(transport.ses.configurationSet !== undefined
          ? { configurationSet: transport.ses.configurationSet }
          : {}),
      });
    }
  }
}

/** SMTP servers publish no rate; 10 messages a second is polite. The outbox is a folder. */
function defaultRate(transport: Transport): number {
  return transport.name === "outbox" ? 1000 : 10;
}

function summaryOf(
  key: DeliveryKey,
  row: DeliveryRow | undefined,
  sentNow: Set<string>,
): DeliverySummary {
  return {
    ...key,
    status: row?.state ?? "pending",
    attempts: row?.attempts ?? 0,
    messageId: row?.messageId ?? null,
    providerMessageId: row?.providerMessageId ?? null,
    error: row?.error ?? null,
    sentNow: sentNow.has(keyOf(key)),
  };
}

function keyOf(key: DeliveryKey): string {
  return `${key.tenant}\n${key.period}\n${key.report}\n${key.recipient}`;
}

function describe(key: DeliveryKey): string {
  return `${key.tenant}/${key.period}/${key.report} → ${key.recipient}`;
}

function sameAddress(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}
