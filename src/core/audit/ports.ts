// The audit log port: one structured event per step of a run, so that what happened, to which
// report and recipient, with which message id and how long it took can be found afterwards.

/** The steps of a run, in the order the data flows through them. */
export type AuditStep =
  | "run"
  | "collect"
  | "analyse"
  | "render"
  | "validate"
  | "archive"
  | "deliver"
  | "follow-up";

/** Severity of an event. */
export type AuditLevel = "debug" | "info" | "warn" | "error";

/** What an event is about; every field is optional and written only when given. */
export interface AuditFields {
  tenant?: string;
  report?: string;
  recipient?: string;
  messageId?: string;
  durationMs?: number;
  /** Anything else worth a column in a log query (counts, keys, codes). */
  [extra: string]: string | number | boolean | null | undefined;
}

/** Where a run's events go. */
export interface AuditLog {
  event(level: AuditLevel, step: AuditStep, message: string, fields?: AuditFields): void;
  /** Counts and durations as CloudWatch metrics (Embedded Metric Format), when enabled. */
  metrics(
    values: Record<string, { value: number; unit: "Count" | "Milliseconds" }>,
    dimensions: Record<string, string>,
  ): void;
}

/** An audit log that drops everything (tests, and commands that keep no log). */
export const SILENT_AUDIT_LOG: AuditLog = { event: () => undefined, metrics: () => undefined };
