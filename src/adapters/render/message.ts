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

/**
 * Assembles a rendered report into an RFC 5322 message: text and HTML alternatives, the charts
 * inline in multipart/related by Content-ID, and the PDF attached when asked.
 */
export async function assembleMessage(report: RenderedReport, envelope: Envelope): Promise<Buffer> {
  if (envelope.to.length === 0)
    throw new Error("to: a report message needs at least one recipient");
  if (envelope.attachPdf === true && report.pdf === undefined) {
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
    envelope.attachPdf === true && report.pdf !== undefined
      ? [
          {
            filename: pdfFileName(document.role, document.period),
            content: Buffer.from(report.pdf),
            contentType: "application/pdf",
          },
        ]
      : [];
  const { default: MailComposer } = await import("nodemailer/lib/mail-composer");
  const composer = new MailComposer({
    from: mailbox(envelope.from, "from"),
    to: envelope.to.map((address, i) => mailbox(address, `to[${i}]`)),
    ...(envelope.replyTo !== undefined ? { replyTo: mailbox(envelope.replyTo, "replyTo") } : {}),
    ...(envelope.bcc !== undefined
      ? { bcc: envelope.bcc.map((address, i) => mailbox(address, `bcc[${i}]`)) }
      : {}),
    ...(envelope.messageId !== undefined ? { messageId: checkMessageId(envelope.messageId) } : {}),
    date: envelope.date ?? new Date(),
    subject: headerText(document.subject),
    headers: { "X-Exec-Intel-Report": headerText(document.id) },
    text: report.text,
    html: report.html,
    attachments: [...charts, ...pdf],
    // Content comes only from memory: a path or URL smuggled into an option must not be read.
    disableFileAccess: true,
    disableUrlAccess: true,
    newline: "win",
  });
  return composer.compile().build();
}
