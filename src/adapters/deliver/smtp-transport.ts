import type { Transporter } from "nodemailer";
import type { NodemailerError } from "nodemailer/lib/errors";
import type { SMTPSentMessageInfo } from "nodemailer/lib/smtp-transport";
import { classifySmtpError } from "../../core/deliver/classify.js";
import type { OutgoingMessage, SendResult, Transport } from "../../core/deliver/ports.js";

/** How to reach and log in to an SMTP server. */
export interface SmtpOptions {
  host: string;
  port: number;
  /** TLS from the first byte (port 465); otherwise STARTTLS when the server offers it. */
  secure?: boolean;
  /** Refuse to send unless the connection was upgraded with STARTTLS. */
  requireTLS?: boolean;
  /** Verify the server's certificate (default true); false only for a test or a private relay. */
  rejectUnauthorized?: boolean;
  user?: string;
  pass?: string;
  /** Reuse a few connections for many messages instead of one connection per message. */
  pool?: boolean;
  /** Give up on an unresponsive server after this long (default 60 s for connect, greeting, idle). */
  timeoutMs?: number;
}

/** The facts classifySmtpError needs from whatever nodemailer threw. */
function smtpFailure(error: unknown): SendResult {
  const e = (error ?? {}) as NodemailerError;
  return classifySmtpError({
    ...(e.code !== undefined ? { code: e.code } : {}),
    ...(e.originalCode !== undefined ? { originalCode: e.originalCode } : {}),
    ...(e.responseCode !== undefined ? { responseCode: e.responseCode } : {}),
    ...(e.command !== undefined ? { command: e.command } : {}),
    message: error instanceof Error ? error.message : String(error),
  });
}

/**
 * The result for a message the server took for some recipients only: what counts is the report's
 * recipient (the first envelope address); the archive copy missing does not fail the delivery.
 */
function partialResult(message: OutgoingMessage, info: SMTPSentMessageInfo): SendResult {
  const recipient = message.to[0]?.toLowerCase();
  const refused = info.rejectedErrors?.find((e) => e.recipient?.toLowerCase() === recipient);
  if (refused !== undefined) return smtpFailure(refused);
  return { status: "sent", providerMessageId: info.serverMessageId ?? info.response };
}

/**
 * SMTP through nodemailer: the message goes byte for byte as assembled (`raw`), with the envelope
 * given separately so the BCC archive address is a recipient without being a header. Errors are
 * classified by reply code: 4xx transient, 5xx permanent, login refused (535) account-level.
 */
export function createSmtpTransport(options: SmtpOptions): Transport {
  const timeout = options.timeoutMs ?? 60_000;
  let transporter: Promise<Transporter<SMTPSentMessageInfo>> | undefined;
  // nodemailer is imported on first send so the CLI starts without it.
  const connect = () => {
    transporter ??= import("nodemailer").then(
      ({ createTransport }) =>
        createTransport({
          host: options.host,
          port: options.port,
          secure: options.secure ?? false,
          requireTLS: options.requireTLS ?? false,
          tls: { rejectUnauthorized: options.rejectUnauthorized ?? true },
          ...(options.user !== undefined
            ? { auth: { user: options.user, pass: options.pass ?? "" } }
            : {}),
          ...(options.pool === true ? { pool: true as const } : {}),
          connectionTimeout: timeout,
          greetingTimeout: timeout,
          socketTimeout: timeout,
          // The raw message is final: nothing may be read from disk or the network into it.
          disableFileAccess: true,
          disableUrlAccess: true,
        }) as Transporter<SMTPSentMessageInfo>,
    );
    return transporter;
  };
  return {
    name: "smtp",
    maxSendRate: async () => undefined,
    remainingQuota: async () => undefined,
    async send(message: OutgoingMessage): Promise<SendResult> {
      try {
        const smtp = await connect();
        const info = await smtp.sendMail({
          envelope: { from: message.from, to: message.to },
          raw: message.raw,
        });
        return partialResult(message, info);
      } catch (error) {
        return smtpFailure(error);
      }
    },
    async close() {
      if (transporter === undefined) return;
      (await transporter).close();
    },
  };
}
