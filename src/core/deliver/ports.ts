import type { Awaitable } from "../awaitable.js";

// The delivery ports: a transport sends one message, a ledger remembers every (tenant, period,
// report, recipient) so that a re-run sends only what is not yet sent.

/** A mailbox: display name (may be empty) and address. */
export interface Address {
  name: string;
  email: string;
}

/** What one ledger row is about: one report of one period to one recipient. */
export interface DeliveryKey {
  tenant: string;
  period: string;
  /** The report's role. */
  report: string;
  /** The recipient's email address. */
  recipient: string;
}

/** One message to send: the raw RFC 5322 bytes and the SMTP envelope. */
export interface OutgoingMessage {
  key: DeliveryKey;
  raw: Buffer;
  /** Envelope sender (email). */
  from: string;
  /** Envelope recipients: the recipient, plus the BCC archive address if any. */
  to: string[];
  /** The Message-ID header value, e.g. `<run.report.hash@exec-intel>`. */
  messageId: string;
  /** tenant, report, role, run (SES message tags). */
  tags: Record<string, string>;
}

/** What a transport made of one message; send errors are classified, never thrown. */
export type SendResult =
  | { status: "sent"; providerMessageId: string }
  | {
      status: "failed";
      kind: "transient" | "permanent" | "account";
      code: string;
      message: string;
    };

/** A way to send mail: the outbox folder, an SMTP server or Amazon SES. */
export interface Transport {
  readonly name: "outbox" | "smtp" | "ses";
  /** Max messages per second the transport allows now (SES: GetAccount SendQuota.MaxSendRate), if known. */
  maxSendRate(): Promise<number | undefined>;
  /** Remaining 24-hour quota, if the transport has one. */
  remainingQuota(): Promise<number | undefined>;
  send(message: OutgoingMessage): Promise<SendResult>;
  close(): Promise<void>;
}

/** Where a delivery stands. */
export type DeliveryState = "pending" | "sending" | "sent" | "failed" | "uncertain";

/** One ledger row. */
export interface DeliveryRow extends DeliveryKey {
  state: DeliveryState;
  attempts: number;
  messageId?: string;
  providerMessageId?: string;
  error?: string;
  runId: string;
  updatedAt: string;
  /** The provider's latest word on the sent message, if any. */
  mailEvent?: { kind: MailEventKind; detail: string; at: string };
}

/** What the mail provider later said about a sent message (SES events). */
export type MailEventKind = "delivered" | "bounced" | "complained" | "rejected" | "delayed";

/** One provider event about a sent message, matched by the provider's message id. */
export interface MailEvent {
  providerMessageId: string;
  kind: MailEventKind;
  /** E.g. the bounce type and diagnostic; never message content. */
  detail: string;
  at: string;
}

/** The per-recipient delivery ledger (SQLite by default, DynamoDB on AWS). */
export interface DeliveryLedger {
  /** Inserts pending rows for keys not yet known (idempotent); returns all rows for these keys. */
  plan(keys: DeliveryKey[], runId: string, now: Date): Awaitable<DeliveryRow[]>;
  /**
   * Rows left in `sending` by a crashed run become `uncertain`; returns them. Given tenants, only
   * theirs: a run recovers what it is about to deliver, never a concurrent run's (a Lambda worker
   * of another tenant) in-flight messages.
   */
  recoverInterrupted(now: Date, tenants?: readonly string[]): Awaitable<DeliveryRow[]>;
  /** Atomically pending|uncertain|failed(transient) → sending(attempt+1); false if someone else has it or it is sent. */
  claim(key: DeliveryKey, runId: string, messageId: string, now: Date): Awaitable<boolean>;
  markSent(key: DeliveryKey, providerMessageId: string, now: Date): Awaitable<void>;
  markFailed(key: DeliveryKey, permanent: boolean, reason: string, now: Date): Awaitable<void>;
  /** Back to pending (account-level stop, or a transient failure to retry next run). */
  release(key: DeliveryKey, reason: string, now: Date): Awaitable<void>;
  /** Forced resend: sent/failed → pending. */
  reset(key: DeliveryKey, now: Date): Awaitable<void>;
  /**
   * Records a provider event on the row sent under that provider message id (state unchanged;
   * the latest event shows as `mailEvent`); returns the row, or undefined for an unknown id.
   */
  recordMailEvent(event: MailEvent): Awaitable<DeliveryRow | undefined>;
  rows(filter?: Partial<DeliveryKey>): Awaitable<DeliveryRow[]>;
  close(): Awaitable<void>;
}
