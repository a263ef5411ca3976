import type Database from "better-sqlite3";
import type { Synchronous } from "../../core/awaitable.js";
import { describeKey, keyOf } from "../../core/deliver/delivery-key.js";
import { IllegalTransitionError } from "../../core/deliver/illegal-transition.js";
import type {
  DeliveryKey,
  DeliveryLedger,
  DeliveryRow,
  DeliveryState,
  MailEvent,
  MailEventKind,
} from "../../core/deliver/ports.js";
import { openStateDatabase } from "./state-database.js";

// The delivery ledger on SQLite. Every transition is one IMMEDIATE transaction holding a
// conditional UPDATE (the guard) and an INSERT into the append-only event log, so a row and its
// history never disagree, and two processes sharing the file serialise on the write lock instead
// of both sending the same row.

/** One line of the append-only audit log: a row moved from one state to another. */
export interface DeliveryEvent extends DeliveryKey {
  id: number;
  /** Absent for the insert that planned the row. */
  fromState?: DeliveryState;
  toState: DeliveryState;
  /** The row's attempt count after the transition. */
  attempt: number;
  runId: string;
  reason: string;
  at: string;
}

/** The SQLite ledger: the port plus read access to the event log for audits and tests. */
export interface SqliteDeliveryLedger extends Synchronous<DeliveryLedger> {
  /** Every event for the matching keys, oldest first. */
  events(filter?: Partial<DeliveryKey>): DeliveryEvent[];
}

const KEY_COLUMNS = ["tenant", "period", "report", "recipient"] as const;
const KEY_MATCH =
  "tenant = @tenant AND period = @period AND report = @report AND recipient = @recipient";

interface StoredRow {
  tenant: string;
  period: string;
  report: string;
  recipient: string;
  state: DeliveryState;
  attempts: number;
  permanent: 0 | 1;
  message_id: string | null;
  provider_message_id: string | null;
  error: string | null;
  run_id: string;
  updated_at: string;
  mail_event: MailEventKind | null;
  mail_event_detail: string | null;
  mail_event_at: string | null;
}

/** The columns a transition may change; `state` and `updated_at` always change. */
type Change = Partial<Omit<StoredRow, (typeof KEY_COLUMNS)[number]>> &
  Pick<StoredRow, "state" | "updated_at">;

interface StoredEvent {
  id: number;
  tenant: string;
  period: string;
  report: string;
  recipient: string;
  from_state: DeliveryState | null;
  to_state: DeliveryState;
  attempt: number;
  run_id: string;
  reason: string;
  at: string;
}

/** Opens (creating or migrating) the ledger database at `file`, creating its folder if missing. */
export function openSqliteLedger(file: string): SqliteDeliveryLedger {
  const db = openStateDatabase(file);

  const select = db.prepare<DeliveryKey, StoredRow>(`SELECT * FROM deliveries WHERE ${KEY_MATCH}`);
  const insertPlanned = db.prepare(
    `INSERT INTO deliveries (tenant, period, report, recipient, state, run_id, updated_at)
     VALUES (@tenant, @period, @report, @recipient, 'pending', @runId, @at)
     ON CONFLICT DO NOTHING`,
  );
  const insertEvent = db.prepare(
    `INSERT INTO delivery_events
       (tenant, period, report, recipient, from_state, to_state, attempt, run_id, reason, at)
     VALUES (@tenant, @period, @report, @recipient, @from, @to, @attempt, @runId, @reason, @at)`,
  );
  const claimRow = db.prepare(
    `UPDATE deliveries SET state = 'sending', attempts = attempts + 1, permanent = 0,
       message_id = @messageId, provider_message_id = NULL, error = NULL, run_id = @runId,
       updated_at = @at
     WHERE ${KEY_MATCH}
       AND (state IN ('pending', 'uncertain') OR (state = 'failed' AND permanent = 0))`,
  );
  const updateRow = db.prepare(
    `UPDATE deliveries SET state = @state, attempts = @attempts, permanent = @permanent,
       message_id = @message_id, provider_message_id = @provider_message_id, error = @error,
       run_id = @run_id, updated_at = @updated_at
     WHERE ${KEY_MATCH} AND state = @was`,
  );
  const byProviderId = db.prepare<{ id: string }, StoredRow>(
    "SELECT * FROM deliveries WHERE provider_message_id = @id",
  );
  const setMailEvent = db.prepare(
    `UPDATE deliveries SET mail_event = @kind, mail_event_detail = @detail, mail_event_at = @at
     WHERE ${KEY_MATCH}`,
  );
  const sendingRows = db.prepare<[], StoredRow>(
    "SELECT * FROM deliveries WHERE state = 'sending' ORDER BY tenant, period, report, recipient",
  );

  /** Logs one transition of `row` (as it is after the change). */
  const logEvent = (row: StoredRow, from: DeliveryState | null, reason: string): void => {
    insertEvent.run({
      ...keyOf(row),
      from,
      to: row.state,
      attempt: row.attempts,
      runId: row.run_id,
      reason,
      at: row.updated_at,
    });
  };

  const existing = (key: DeliveryKey): StoredRow => {
    const row = select.get(keyOf(key));
    if (row === undefined) throw new IllegalTransitionError(`${describeKey(key)}: not planned`);
    return row;
  };

  /** Applies `change` to the row if `allowed` accepts its current state; throws otherwise. */
  const transition = db.transaction(
    (key: DeliveryKey, allowed: (row: StoredRow) => boolean, change: Change, reason: string) => {
      const before = existing(key);
      if (!allowed(before)) {
        throw new IllegalTransitionError(
          `${describeKey(key)}: cannot go from ${describeState(before)} to ${change.state}`,
        );
      }
      const after: StoredRow = { ...before, ...change };
      if (updateRow.run({ ...after, was: before.state }).changes !== 1) {
        throw new Error(`${describeKey(key)}: row changed underneath the transaction`);
      }
      logEvent(after, before.state, reason);
      return toDeliveryRow(after);
    },
  );

  const plan = db.transaction((keys: DeliveryKey[], runId: string, at: string): DeliveryRow[] => {
    const seen = new Map<string, DeliveryRow>();
    for (const key of keys) {
      const id = describeKey(key);
      if (seen.has(id)) continue;
      if (insertPlanned.run({ ...keyOf(key), runId, at }).changes === 1) {
        logEvent(existing(key), null, "planned");
      }
      seen.set(id, toDeliveryRow(existing(key)));
    }
    return [...seen.values()];
  });

  const claim = db.transaction(
    (key: DeliveryKey, runId: string, messageId: string, at: string): boolean => {
      const before = existing(key);
      // The conditional UPDATE is the guard: only one connection can move the row out of a
      // claimable state, whatever the other one read before.
      if (claimRow.run({ ...keyOf(key), runId, messageId, at }).changes !== 1) return false;
      logEvent(existing(key), before.state, `claimed as ${messageId}`);
      return true;
    },
  );

  const recoverInterrupted = db.transaction((at: string, tenants?: readonly string[]) =>
    sendingRows.all().flatMap((row) => {
      if (tenants !== undefined && !tenants.includes(row.tenant)) return [];
      const reason = `interrupted while sending attempt ${row.attempts}`;
      const change = { state: "uncertain" as const, error: reason, updated_at: at };
      return transition(row, isIn("sending"), change, reason);
    }),
  );

  const reset = db.transaction((key: DeliveryKey, at: string): void => {
    // Already pending: nothing to force, and `--resend` over a partly sent period stays simple.
    if (existing(key).state === "pending") return;
    const change = {
      state: "pending" as const,
      permanent: 0 as const,
      provider_message_id: null,
      error: null,
      updated_at: at,
    };
    transition(key, isIn("sent", "failed", "uncertain"), change, "reset for resend");
  });

  const recordMailEvent = db.transaction((event: MailEvent): DeliveryRow | undefined => {
    const row = byProviderId.get({ id: event.providerMessageId });
    if (row === undefined) return undefined;
    // Providers may deliver events late and out of order: an older event never hides a newer one.
    if (row.mail_event_at === null || row.mail_event_at <= event.at) {
      setMailEvent.run({ ...keyOf(row), kind: event.kind, detail: event.detail, at: event.at });
    }
    logEvent({ ...row, updated_at: event.at }, row.state, `${event.kind}: ${event.detail}`);
    return toDeliveryRow(existing(row));
  });

  return {
    plan: (keys, runId, now) => plan.immediate(keys, runId, now.toISOString()),
    recoverInterrupted: (now, tenants) => recoverInterrupted.immediate(now.toISOString(), tenants),
    claim: (key, runId, messageId, now) =>
      claim.immediate(key, runId, messageId, now.toISOString()),
    markSent(key, providerMessageId, now) {
      const change = {
        state: "sent" as const,
        provider_message_id: providerMessageId,
        error: null,
        updated_at: now.toISOString(),
      };
      transition.immediate(key, isIn("sending"), change, `sent as ${providerMessageId}`);
    },
    markFailed(key, permanent, reason, now) {
      const change = {
        state: "failed" as const,
        permanent: permanent ? (1 as const) : (0 as const),
        error: reason,
        updated_at: now.toISOString(),
      };
      const kind = permanent ? "permanent" : "transient";
      transition.immediate(key, isIn("sending"), change, `${kind}: ${reason}`);
    },
    release(key, reason, now) {
      // A permanent failure is final until an explicit reset; releasing it would retry it.
      const releasable = (row: StoredRow) =>
        isIn("sending", "uncertain")(row) || (row.state === "failed" && row.permanent === 0);
      const change = { state: "pending" as const, error: reason, updated_at: now.toISOString() };
      transition.immediate(key, releasable, change, reason);
    },
    reset: (key, now) => reset.immediate(key, now.toISOString()),
    recordMailEvent: (event) => recordMailEvent.immediate(event),
    rows: (filter) =>
      queryByKey<StoredRow>(db, "deliveries", filter, "tenant, period, report, recipient").map(
        toDeliveryRow,
      ),
    events: (filter) => queryByKey<StoredEvent>(db, "delivery_events", filter, "id").map(toEvent),
    close: () => db.close(),
  };
}

function queryByKey<T>(
  db: Database.Database,
  table: "deliveries" | "delivery_events",
  filter: Partial<DeliveryKey> = {},
  orderBy: string,
): T[] {
  const given = KEY_COLUMNS.filter((column) => filter[column] !== undefined);
  const where = given.length === 0 ? "" : `WHERE ${given.map((c) => `${c} = @${c}`).join(" AND ")}`;
  const values = Object.fromEntries(given.map((column) => [column, filter[column]]));
  return db
    .prepare<Record<string, unknown>, T>(`SELECT * FROM ${table} ${where} ORDER BY ${orderBy}`)
    .all(values);
}

function isIn(...states: DeliveryState[]): (row: StoredRow) => boolean {
  return (row) => states.includes(row.state);
}

function describeState(row: StoredRow): string {
  if (row.state !== "failed") return row.state;
  return row.permanent === 1 ? "failed (permanent)" : "failed (transient)";
}

function toDeliveryRow(row: StoredRow): DeliveryRow {
  return {
    ...keyOf(row),
    state: row.state,
    attempts: row.attempts,
    ...(row.message_id === null ? {} : { messageId: row.message_id }),
    ...(row.provider_message_id === null ? {} : { providerMessageId: row.provider_message_id }),
    ...(row.error === null ? {} : { error: row.error }),
    runId: row.run_id,
    updatedAt: row.updated_at,
    ...(row.mail_event === null
      ? {}
      : {
          mailEvent: {
            kind: row.mail_event,
            detail: row.mail_event_detail ?? "",
            at: row.mail_event_at ?? row.updated_at,
          },
        }),
  };
}

function toEvent(event: StoredEvent): DeliveryEvent {
  return {
    id: event.id,
    ...keyOf(event),
    ...(event.from_state === null ? {} : { fromState: event.from_state }),
    toState: event.to_state,
    attempt: event.attempt,
    runId: event.run_id,
    reason: event.reason,
    at: event.at,
  };
}
