import { describeKey, keyOf } from "../../../core/deliver/delivery-key.js";
import { IllegalTransitionError } from "../../../core/deliver/illegal-transition.js";
import type {
  DeliveryKey,
  DeliveryLedger,
  DeliveryRow,
  DeliveryState,
  MailEvent,
  MailEventKind,
} from "../../../core/deliver/ports.js";
import {
  contendedError,
  type DynamoTable,
  Expression,
  getItem,
  type Item,
  keyPart,
  MAX_RACES,
  padded,
  putIf,
  putItem,
  putNew,
  queryPrefix,
  readBoolean,
  readJson,
  readNumber,
  readOptionalString,
  readString,
  scanPrefix,
  tenantPk,
  toItem,
} from "./table.js";

// The delivery ledger on DynamoDB. A row is one item; every transition reads it, decides, and
// puts the new row on condition that its `seq` (one per logged event) is still the one read, so
// of two Lambdas claiming the same row exactly one wins and the other re-reads and sees `sending`.
// The row carries the event of its latest transition (`lastEvent`); the event item is put after
// the row, and re-put by the next transition before it writes, so a crash between the two writes
// delays an event but never loses one, and no event is logged for a write that lost its race.

/** One line of the append-only audit log: a row moved from one state to another. */
export interface DynamoDeliveryEvent extends DeliveryKey {
  /** The row's event number: 1 for the insert that planned it, then one per transition. */
  seq: number;
  /** Absent for the insert that planned the row. */
  fromState?: DeliveryState;
  toState: DeliveryState;
  /** The row's attempt count after the transition. */
  attempt: number;
  runId: string;
  reason: string;
  at: string;
}

/** The DynamoDB ledger: the port plus read access to the event log for audits and tests. */
export interface DynamoDeliveryLedger extends DeliveryLedger {
  /** Every event for the matching keys, in key order and oldest first within a key. */
  events(filter?: Partial<DeliveryKey>): Promise<DynamoDeliveryEvent[]>;
}

interface StoredRow extends DeliveryRow {
  /** A permanent failure is final until a reset; a transient one may be claimed again. */
  permanent: boolean;
  seq: number;
  lastEvent: DynamoDeliveryEvent;
}

/** What a transition decided: write `next` and log it, or answer without writing. */
type Decision<T> = { next: StoredRow; reason: string; at: string; result: T } | { result: T };

const ROW = "DELIVERY#";
const EVENT = "DEVENT#";

/** Opens the delivery ledger on `table`. */
export function openDynamoLedger(table: DynamoTable): DynamoDeliveryLedger {
  const read = async (key: DeliveryKey): Promise<StoredRow | undefined> => {
    const item = await getItem(table, tenantPk(key.tenant), rowSk(key));
    return item === undefined ? undefined : fromRowItem(item);
  };

  const putEvent = (event: DynamoDeliveryEvent) => putNew(table, eventItem(event));

  /**
   * Reads the row, lets `decide` choose, and writes its choice only if nobody wrote the row in
   * between; after a lost race it decides again on the fresh row.
   */
  const change = async <T>(
    key: DeliveryKey,
    decide: (row: StoredRow) => Decision<T>,
    missing: () => T = () => {
      throw new IllegalTransitionError(`${describeKey(key)}: not planned`);
    },
  ): Promise<T> => {
    for (let race = 0; race < MAX_RACES; race++) {
      const row = await read(key);
      if (row === undefined) return missing();
      const decision = decide(row);
      if (!("next" in decision)) return decision.result;
      // The previous writer may have died before logging its event: log it first, in order.
      await putEvent(row.lastEvent);
      const event: DynamoDeliveryEvent = {
        ...keyOf(row),
        seq: row.seq + 1,
        fromState: row.state,
        toState: decision.next.state,
        attempt: decision.next.attempts,
        runId: decision.next.runId,
        reason: decision.reason,
        at: decision.at,
      };
      const next: StoredRow = { ...decision.next, seq: event.seq, lastEvent: event };
      const expression = new Expression();
      const unchanged = `${expression.name("seq")} = ${expression.value(row.seq)}`;
      if (await putIf(table, rowItem(next), unchanged, expression)) {
        await putEvent(event);
        return decision.result;
      }
    }
    throw contendedError(`ledger row ${describeKey(key)}`);
  };

  /** Moves the row to `state` when `allowed`; throws IllegalTransitionError otherwise. */
  const transition = (
    key: DeliveryKey,
    allowed: (row: StoredRow) => boolean,
    state: DeliveryState,
    next: (row: StoredRow) => StoredRow,
    reason: string,
    at: string,
  ): Promise<void> =>
    change(key, (row) => {
      if (!allowed(row)) {
        throw new IllegalTransitionError(
          `${describeKey(key)}: cannot go from ${describeState(row)} to ${state}`,
        );
      }
      return { next: { ...next(row), state, updatedAt: at }, reason, at, result: undefined };
    });

  const planOne = async (key: DeliveryKey, runId: string, at: string): Promise<DeliveryRow> => {
    const planned: StoredRow = {
      ...keyOf(key),
      state: "pending",
      attempts: 0,
      permanent: false,
      runId,
      updatedAt: at,
      seq: 1,
      lastEvent: {
        ...keyOf(key),
        seq: 1,
        toState: "pending",
        attempt: 0,
        runId,
        reason: "planned",
        at,
      },
    };
    if (await putNew(table, rowItem(planned))) {
      await putEvent(planned.lastEvent);
      return toDeliveryRow(planned);
    }
    const existing = await read(key);
    if (existing === undefined) throw new Error(`${describeKey(key)}: planned row vanished`);
    return toDeliveryRow(existing);
  };

  const rows = async (filter: Partial<DeliveryKey> = {}): Promise<StoredRow[]> => {
    // With a tenant, one Query narrowed by the key parts given in order; without, a Scan, which
    // is fine for a deployment's small table and is only asked for by audits and crash recovery.
    const items =
      filter.tenant === undefined
        ? await scanPrefix(table, ROW)
        : await queryPrefix(table, tenantPk(filter.tenant), `${ROW}${keyPrefix(filter)}`);
    return items.map(fromRowItem).filter(matches(filter)).sort(byKey);
  };

  return {
    async plan(keys, runId, now) {
      const unique = new Map(keys.map((key) => [describeKey(key), keyOf(key)]));
      const planned: DeliveryRow[] = [];
      // A few at a time: a period has tens of recipients, not thousands.
      const batch = 16;
      const all = [...unique.values()];
      for (let i = 0; i < all.length; i += batch) {
        const slice = all.slice(i, i + batch);
        planned.push(
          ...(await Promise.all(slice.map((key) => planOne(key, runId, now.toISOString())))),
        );
      }
      return planned;
    },

    async recoverInterrupted(now, tenants) {
      const at = now.toISOString();
      // Named tenants: one Query each. Otherwise rows of every tenant: a scan (see scanPrefix).
      const candidates =
        tenants === undefined
          ? await rows()
          : (await Promise.all(tenants.map((tenant) => rows({ tenant })))).flat();
      const sending = candidates.filter((row) => row.state === "sending");
      const recovered: DeliveryRow[] = [];
      for (const stuck of sending) {
        const row = await change(stuck, (row): Decision<DeliveryRow | undefined> => {
          if (row.state !== "sending") return { result: undefined };
          const reason = `interrupted while sending attempt ${row.attempts}`;
          const next: StoredRow = { ...row, state: "uncertain", error: reason, updatedAt: at };
          return { next, reason, at, result: toDeliveryRow(next) };
        });
        if (row !== undefined) recovered.push(row);
      }
      return recovered;
    },

    claim: (key, runId, messageId, now) =>
      change(key, (row): Decision<boolean> => {
        const claimable =
          row.state === "pending" ||
          row.state === "uncertain" ||
          (row.state === "failed" && !row.permanent);
        if (!claimable) return { result: false };
        const at = now.toISOString();
        const { providerMessageId: _sent, error: _error, ...rest } = row;
        const next: StoredRow = {
          ...rest,
          state: "sending",
          attempts: row.attempts + 1,
          permanent: false,
          messageId,
          runId,
          updatedAt: at,
        };
        return { next, reason: `claimed as ${messageId}`, at, result: true };
      }),

    async markSent(key, providerMessageId, now) {
      // The lookup first: a pointer to a row that never became `sent` under this id is ignored
      // by recordMailEvent, while a sent row without its pointer would lose its mail events.
      await putItem(table, messageItem(providerMessageId, key));
      await transition(
        key,
        isIn("sending"),
        "sent",
        ({ error: _error, ...row }) => ({ ...row, providerMessageId }),
        `sent as ${providerMessageId}`,
        now.toISOString(),
      );
    },

    markFailed: (key, permanent, reason, now) =>
      transition(
        key,
        isIn("sending"),
        "failed",
        (row) => ({ ...row, permanent, error: reason }),
        `${permanent ? "permanent" : "transient"}: ${reason}`,
        now.toISOString(),
      ),

    release: (key, reason, now) =>
      transition(
        key,
        // A permanent failure is final until an explicit reset; releasing it would retry it.
        (row) => isIn("sending", "uncertain")(row) || (row.state === "failed" && !row.permanent),
        "pending",
        (row) => ({ ...row, error: reason }),
        reason,
        now.toISOString(),
      ),

    reset: (key, now) =>
      change(key, (row): Decision<void> => {
        // Already pending: nothing to force, and `--resend` over a partly sent period stays simple.
        if (row.state === "pending") return { result: undefined };
        if (!isIn("sent", "failed", "uncertain")(row)) {
          throw new IllegalTransitionError(
            `${describeKey(key)}: cannot go from ${describeState(row)} to pending`,
          );
        }
        const at = now.toISOString();
        const { providerMessageId: _sent, error: _error, ...rest } = row;
        const next: StoredRow = { ...rest, state: "pending", permanent: false, updatedAt: at };
        return { next, reason: "reset for resend", at, result: undefined };
      }),

    async recordMailEvent(event: MailEvent) {
      const pointer = await getItem(table, messagePk(event.providerMessageId), "MESSAGE");
      if (pointer === undefined) return undefined;
      const key = readKey(pointer);
      return change(
        key,
        (row): Decision<DeliveryRow | undefined> => {
          // The row was claimed or reset since: that id is no longer what it was sent as.
          if (row.providerMessageId !== event.providerMessageId) return { result: undefined };
          // Providers may deliver events late and out of order: an older event never hides a newer one.
          const newer = row.mailEvent === undefined || row.mailEvent.at <= event.at;
          const mailEvent = { kind: event.kind, detail: event.detail, at: event.at };
          const next: StoredRow = newer ? { ...row, mailEvent } : row;
          const reason = `${event.kind}: ${event.detail}`;
          return { next, reason, at: event.at, result: toDeliveryRow(next) };
        },
        () => undefined,
      );
    },

    rows: async (filter) => (await rows(filter)).map(toDeliveryRow),

    async events(filter = {}) {
      const items =
        filter.tenant === undefined
          ? await scanPrefix(table, EVENT)
          : await queryPrefix(table, tenantPk(filter.tenant), `${EVENT}${keyPrefix(filter)}`);
      const logged = items.map(fromEventItem).filter(matches(filter));
      // Events a crashed writer left only on its row.
      const seen = new Set(logged.map((e) => `${describeKey(e)}#${e.seq}`));
      for (const row of await rows(filter)) {
        if (!seen.has(`${describeKey(row)}#${row.lastEvent.seq}`)) logged.push(row.lastEvent);
      }
      return logged.sort((a, b) => byKey(a, b) || a.seq - b.seq);
    },

    close: () => {},
  };
}

function rowSk(key: DeliveryKey): string {
  return `${ROW}${keyPart(key.period)}#${keyPart(key.report)}#${keyPart(key.recipient)}`;
}

/**
 * The longest sort-key prefix the filter pins down (period, then report, then recipient). A
 * recipient prefix also matches longer addresses: callers filter the items they get.
 */
function keyPrefix(filter: Partial<DeliveryKey>): string {
  if (filter.period === undefined) return "";
  if (filter.report === undefined) return `${keyPart(filter.period)}#`;
  const head = `${keyPart(filter.period)}#${keyPart(filter.report)}#`;
  return filter.recipient === undefined ? head : `${head}${keyPart(filter.recipient)}`;
}

function messagePk(providerMessageId: string): string {
  return `MESSAGE#${keyPart(providerMessageId)}`;
}

function messageItem(providerMessageId: string, key: DeliveryKey): Item {
  return toItem({ pk: messagePk(providerMessageId), sk: "MESSAGE", ...keyOf(key) });
}

function rowItem(row: StoredRow): Item {
  return toItem({
    pk: tenantPk(row.tenant),
    sk: rowSk(row),
    ...keyOf(row),
    state: row.state,
    attempts: row.attempts,
    permanent: row.permanent,
    messageId: row.messageId,
    providerMessageId: row.providerMessageId,
    error: row.error,
    runId: row.runId,
    updatedAt: row.updatedAt,
    mailEventKind: row.mailEvent?.kind,
    mailEventDetail: row.mailEvent?.detail,
    mailEventAt: row.mailEvent?.at,
    seq: row.seq,
    lastEvent: JSON.stringify(row.lastEvent),
  });
}

function fromRowItem(item: Item): StoredRow {
  const kind = readOptionalString(item, "mailEventKind") as MailEventKind | undefined;
  const optional = (name: string) => {
    const value = readOptionalString(item, name);
    return value === undefined ? {} : { [name]: value };
  };
  return {
    ...readKey(item),
    state: readString(item, "state") as DeliveryState,
    attempts: readNumber(item, "attempts"),
    permanent: readBoolean(item, "permanent"),
    ...optional("messageId"),
    ...optional("providerMessageId"),
    ...optional("error"),
    runId: readString(item, "runId"),
    updatedAt: readString(item, "updatedAt"),
    ...(kind === undefined
      ? {}
      : {
          mailEvent: {
            kind,
            detail: readOptionalString(item, "mailEventDetail") ?? "",
            at: readString(item, "mailEventAt"),
          },
        }),
    seq: readNumber(item, "seq"),
    lastEvent: readJson<DynamoDeliveryEvent>(item, "lastEvent"),
  };
}

function eventItem(event: DynamoDeliveryEvent): Item {
  return toItem({
    pk: tenantPk(event.tenant),
    sk: `${EVENT}${keyPart(event.period)}#${keyPart(event.report)}#${keyPart(event.recipient)}#${padded(event.seq)}`,
    ...keyOf(event),
    seq: event.seq,
    fromState: event.fromState,
    toState: event.toState,
    attempt: event.attempt,
    runId: event.runId,
    reason: event.reason,
    at: event.at,
  });
}

function fromEventItem(item: Item): DynamoDeliveryEvent {
  const fromState = readOptionalString(item, "fromState") as DeliveryState | undefined;
  return {
    ...readKey(item),
    seq: readNumber(item, "seq"),
    ...(fromState === undefined ? {} : { fromState }),
    toState: readString(item, "toState") as DeliveryState,
    attempt: readNumber(item, "attempt"),
    runId: readString(item, "runId"),
    reason: readString(item, "reason"),
    at: readString(item, "at"),
  };
}

function readKey(item: Item): DeliveryKey {
  return {
    tenant: readString(item, "tenant"),
    period: readString(item, "period"),
    report: readString(item, "report"),
    recipient: readString(item, "recipient"),
  };
}

function toDeliveryRow(row: StoredRow): DeliveryRow {
  const { permanent: _permanent, seq: _seq, lastEvent: _lastEvent, ...visible } = row;
  return visible;
}

function matches(filter: Partial<DeliveryKey>): (row: DeliveryKey) => boolean {
  return (row) =>
    (filter.tenant === undefined || row.tenant === filter.tenant) &&
    (filter.period === undefined || row.period === filter.period) &&
    (filter.report === undefined || row.report === filter.report) &&
    (filter.recipient === undefined || row.recipient === filter.recipient);
}

/** Tenant, period, report, recipient: the order every driver lists rows in. */
function byKey(a: DeliveryKey, b: DeliveryKey): number {
  for (const part of ["tenant", "period", "report", "recipient"] as const) {
    if (a[part] !== b[part]) return a[part] < b[part] ? -1 : 1;
  }
  return 0;
}

function isIn(...states: DeliveryState[]): (row: StoredRow) => boolean {
  return (row) => states.includes(row.state);
}

function describeState(row: StoredRow): string {
  if (row.state !== "failed") return row.state;
  return row.permanent ? "failed (permanent)" : "failed (transient)";
}
