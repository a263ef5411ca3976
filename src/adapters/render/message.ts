import type { RenderedReport } from "../../core/render/rendered.js";

/** A mailbox: display name (may be empty) and address. */
export interface Address {
  name: string;
  email: string;
}

/** Who a report message is from and to, and its fixed identity when the caller has one. */
export interface Envelope {
  from: Address;
  to: Address[];
  replyTo?: Address;
  /** Validated and handed to the composer, which by design leaves Bcc out of the message text. */
  bcc?: Address[];
  /** `<local@domain>`; deterministic ids let a retried delivery be recognised. Generated if absent. */
  messageId?: string;
  date?: Date;
  /** Attach the report's PDF (the report must carry one). */
  attachPdf?: boolean;
}

// C0 and C1 controls plus the Unicode line and paragraph separators: any of them in a header
// value could end the header line in some parser, so runs of them become one space.
const CONTROL_RUN = /[\p{Cc}\p{Zl}\p{Zp}]+/gu;

/** Collapses control characters (CR, LF, tab, ...) in a header value from data to single spaces. */
export function headerText(value: string): string {
  return value.replace(CONTROL_RUN, " ").replace(/ {2,}/g, " ").trim();
}

// Deliberately narrower than RFC 5321: no quoted local parts, comments or whitespace, so an
// address can never carry a second address, a display name or a header break.
const NOT_IN_EMAIL = /[\s<>,;:"()[\]\\\p{Cc}\p{Zl}\p{Zp}]/u;
const EMAIL_SHAPE = /^[^@]+@[^@]+\.[^@.]+$/;

/** Returns the address trimmed, or throws naming the field when it is not one plain mailbox. */
export function checkEmail(email: string, field: string): string {
  const trimmed = email.trim();
  if (NOT_IN_EMAIL.test(trimmed) || !EMAIL_SHAPE.test(trimmed)) {
    throw new Error(
      `${field}: ${JSON.stringify(email)} is not a plain email address (local@domain, without spaces, line breaks, commas, quotes or angle brackets)`,
    );
  }
  return trimmed;
}

const MESSAGE_ID = /^<[^\s<>@\p{Cc}]+@[^\s<>@\p{Cc}]+>$/u;

/** Returns the Message-ID when it is `<local@domain>` with nothing that could break the header. */
export function checkMessageId(messageId: string): string {
  if (!MESSAGE_ID.test(messageId)) {
    throw new Error(
      `messageId: ${JSON.stringify(messageId)} is not of the form <local@domain> without spaces or line breaks`,
    );
  }
  return messageId;
}

/** A mailbox in nodemailer's shape, with the name cleaned and the address checked. */
export function mailbox(address: Address, field: string): { name: string; address: string } {
  return { name: headerText(address.name), address: checkEmail(address.email, field) };
}

/** The PDF attachment's file name, `{role}-report-{period}.pdf`, reduced to safe characters. */
export function pdfFileName(role: string, period: string): string {
  const safe = (part: string) => part.toLowerCase().replace(/[^a-z0-9-]+/g, "-");
  return `${safe(role)}-report-${safe(period)}.pdf`;
}

/** What every recipient's copy of a report message shares: all but To, Message-ID and Date. */
export type SharedEnvelope = Omit<Envelope, "to" | "messageId" | "date">;

/** A report's message built once; each recipient's copy differs only in its top-level headers. */
export interface MessageTemplate {
  /** The full RFC 5322 message for these recipients, with this Message-ID and Date. */
  /** The message for `to`; `replyTo` replaces the shared Reply-To (a per-recipient reply token). */
  forRecipients(to: Address[], messageId?: string, date?: Date, replyTo?: Address): Buffer;
}

const HEADER_END = Buffer.from("\r\n\r\n");

/**
 * Builds a report's message body once (the MIME tree with its base64 charts and PDF is most of
 * the cost of a message) and returns a template that writes only the header block per recipient.
 */
export async function prepareMessage(
  report: RenderedReport,
  shared: SharedEnvelope,
): Promise<MessageTemplate> {
  if (shared.attachPdf === true && report.pdf === undefined) {
    throw new Error(`${report.document.id}: a PDF attachment was asked for but none was rendered`);
  }
  const { document } = report;
  const charts = report.charts.map((chart) => ({
    filename: chart.fileName,
    content: Buffer.from(chart.png),
    contentType: "image/png",
    cid: chart.cid,
    contentDisposition: "inline",
  }));
  const pdf =
    shared.attachPdf === true && report.pdf !== undefined
      ? [
          {
            filename: pdfFileName(document.role, document.period),
            content: Buffer.from(report.pdf),
            contentType: "application/pdf",
          },
        ]
      : [];
  const { default: MailComposer } = await import("nodemailer/lib/mail-composer");
  const root = new MailComposer({
    from: mailbox(shared.from, "from"),
    ...(shared.replyTo !== undefined ? { replyTo: mailbox(shared.replyTo, "replyTo") } : {}),
    ...(shared.bcc !== undefined
      ? { bcc: shared.bcc.map((address, i) => mailbox(address, `bcc[${i}]`)) }
      : {}),
    subject: headerText(document.subject),
    headers: { "X-Exec-Intel-Report": headerText(document.id) },
    text: report.text,
    html: report.html,
    attachments: [...charts, ...pdf],
    // Content comes only from memory: a path or URL smuggled into an option must not be read.
    disableFileAccess: true,
    disableUrlAccess: true,
    newline: "win",
  }).compile();
  // The MIME boundaries are fixed when the tree is compiled, so the body built here is valid
  // under every header block the root node writes later.
  const whole = await root.build();
  const body = whole.subarray(whole.indexOf(HEADER_END) + HEADER_END.length);
  return {
    forRecipients(to, messageId, date, replyTo) {
      if (to.length === 0) throw new Error("to: a report message needs at least one recipient");
      if (replyTo !== undefined) root.setHeader("Reply-To", mailbox(replyTo, "replyTo"));
      root.setHeader(
        "To",
        to.map((address, i) => mailbox(address, `to[${i}]`)),
      );
      root.setHeader("Message-ID", messageId !== undefined ? checkMessageId(messageId) : "");
      root.setHeader("Date", (date ?? new Date()).toUTCString().replace(/GMT/, "+0000"));
      const head = root.buildHeaders();
      return Buffer.concat([Buffer.from(`${head}\r\n\r\n`), body]);
    },
  };
}

/**
 * Assembles a rendered report into an RFC 5322 message: text and HTML alternatives, the charts
 * inline in multipart/related by Content-ID, and the PDF attached when asked.
 */
export async function assembleMessage(report: RenderedReport, envelope: Envelope): Promise<Buffer> {
  if (envelope.to.length === 0)
    throw new Error("to: a report message needs at least one recipient");
  const { to, messageId, date, ...shared } = envelope;
  const template = await prepareMessage(report, shared);
  return template.forRecipients(to, messageId, date);
}
