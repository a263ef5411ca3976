import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { once } from "node:events";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  openSqliteLedger,
  type SqliteDeliveryLedger,
} from "../../src/adapters/store/sqlite-store.js";
import { STATE_SCHEMA_VERSION } from "../../src/adapters/store/state-database.js";
import { IllegalTransitionError } from "../../src/core/deliver/illegal-transition.js";
import type { DeliveryKey, DeliveryState } from "../../src/core/deliver/ports.js";
import { makeTempDir } from "../helpers/cli.js";
import { ledgerKey } from "./keys.js";

/**
 * The SQLite delivery ledger against real database files: planning, every transition of the
 * state machine, claims racing across connections and processes, crash recovery, the event log,
 * and a worker SIGKILLed mid-loop.
 */

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const WORKER = fileURLToPath(new URL("./ledger-worker.ts", import.meta.url));
const LEGAL_STATES: readonly DeliveryState[] = [
  "pending",
  "sending",
  "sent",
  "failed",
  "uncertain",
];

const at = (second: number) => new Date(Date.UTC(2026, 10, 1, 8, 0, second));
const KEY = ledgerKey(0);

let dir: string;
let cleanup: () => Promise<void>;
let opened: SqliteDeliveryLedger[];

beforeEach(async () => {
  ({ dir, cleanup } = await makeTempDir());
  opened = [];
});

afterEach(async () => {
  for (const ledger of opened) ledger.close();
  await cleanup();
});

/** Opens a ledger on `file` (default: the test's own file) that afterEach closes. */
function open(file = path.join(dir, "state", "ledger.sqlite")): SqliteDeliveryLedger {
  const ledger = openSqliteLedger(file);
  opened.push(ledger);
  return ledger;
}

/** Closes a ledger early (to reopen its file), so afterEach does not close it twice. */
function closeEarly(ledger: SqliteDeliveryLedger): void {
  opened.splice(opened.indexOf(ledger), 1);
  ledger.close();
}

/** Plans r0..r2 in run-1, sends r0 and claims r1 (left sending). */
function sendFirstClaimSecond(ledger: SqliteDeliveryLedger): void {
  ledger.plan([ledgerKey(0), ledgerKey(1), ledgerKey(2)], "run-1", at(0));
  ledger.claim(ledgerKey(0), "run-1", "<m0>", at(1));
  ledger.markSent(ledgerKey(0), "p0", at(2));
  ledger.claim(ledgerKey(1), "run-1", "<m1>", at(3));
}

function only(ledger: SqliteDeliveryLedger, key: DeliveryKey) {
  const [row, ...rest] = ledger.rows(key);
  expect(rest).toEqual([]);
  if (row === undefined) throw new Error("row missing");
  return row;
}

describe("opening", () => {
  it("creates the folder and a versioned WAL database", () => {
    const file = path.join(dir, "a", "b", "ledger.sqlite");
    const ledger = open(file);
    expect(ledger.rows()).toEqual([]);
    const raw = new Database(file, { readonly: true });
    expect(raw.pragma("user_version", { simple: true })).toBe(STATE_SCHEMA_VERSION);
    expect(raw.pragma("journal_mode", { simple: true })).toBe("wal");
    raw.close();
  });

  it("refuses a file written by a newer schema version", () => {
    const file = path.join(dir, "ledger.sqlite");
    closeEarly(open(file));
    const raw = new Database(file);
    raw.pragma(`user_version = ${STATE_SCHEMA_VERSION + 1}`);
    raw.close();
    expect(() => openSqliteLedger(file)).toThrow(
      new RegExp(`schema version ${STATE_SCHEMA_VERSION + 1}`),
    );
  });
});

describe("plan", () => {
  it("inserts each key once and leaves known rows alone", () => {
    const ledger = open();
    const first = ledger.plan([ledgerKey(0), ledgerKey(1)], "run-1", at(0));
    expect(first.map((row) => [row.recipient, row.state, row.attempts, row.runId])).toEqual([
      ["r0@example.com", "pending", 0, "run-1"],
      ["r1@example.com", "pending", 0, "run-1"],
    ]);
    expect(ledger.claim(ledgerKey(0), "run-1", "<m0>", at(1))).toBe(true);
    ledger.markSent(ledgerKey(0), "p0", at(2));

    const second = ledger.plan([ledgerKey(0), ledgerKey(2), ledgerKey(2)], "run-2", at(3));
    expect(second.map((row) => [row.recipient, row.state, row.runId, row.updatedAt])).toEqual([
      ["r0@example.com", "sent", "run-1", at(2).toISOString()],
      ["r2@example.com", "pending", "run-2", at(3).toISOString()],
    ]);
    expect(only(ledger, ledgerKey(1)).updatedAt).toBe(at(0).toISOString());
    const planned = ledger.events().filter((event) => event.reason === "planned");
    expect(planned.map((event) => event.recipient)).toEqual([
      "r0@example.com",
      "r1@example.com",
      "r2@example.com",
    ]);
  });

  it("filters rows by any part of the key", () => {
    const ledger = open();
    const cfo = { ...ledgerKey(0), report: "cfo" };
    const other = { ...ledgerKey(0), tenant: "globex" };
    ledger.plan([ledgerKey(0), ledgerKey(1), cfo, other], "run-1", at(0));
    expect(ledger.rows()).toHaveLength(4);
    expect(ledger.rows({ tenant: "acme" })).toHaveLength(3);
    expect(ledger.rows({ tenant: "acme", report: "cfo" }).map((row) => row.recipient)).toEqual([
      "r0@example.com",
    ]);
    expect(ledger.rows({ recipient: "r0@example.com" })).toHaveLength(3);
    expect(ledger.rows({ period: "2026-09" })).toEqual([]);
  });
});

describe("state machine", () => {
  type Start =
    | "pending"
    | "sending"
    | "sent"
    | "failed-transient"
    | "failed-permanent"
    | "uncertain";
  type Operation = "claim" | "markSent" | "markFailed-transient" | "markFailed-permanent";
  type Op = Operation | "release" | "reset";
  /** Where the row ends up: a state, "refused" (claim returns false) or "illegal" (throws). */
  type Outcome = Start | "refused" | "illegal";

  // Only a row being sent can have its outcome recorded.
  const ONLY_SENDING_RECORDS = {
    markSent: "illegal",
    "markFailed-transient": "illegal",
    "markFailed-permanent": "illegal",
  } as const;

  // Rows are starting states, columns are operations; read it as the specification.
  const TABLE: Record<Start, Record<Op, Outcome>> = {
    pending: {
      claim: "sending",
      ...ONLY_SENDING_RECORDS,
      release: "illegal",
      reset: "pending",
    },
    sending: {
      claim: "refused",
      markSent: "sent",
      "markFailed-transient": "failed-transient",
      "markFailed-permanent": "failed-permanent",
      release: "pending",
      reset: "illegal",
    },
    sent: {
      claim: "refused",
      ...ONLY_SENDING_RECORDS,
      release: "illegal",
      reset: "pending",
    },
    "failed-transient": {
      claim: "sending",
      ...ONLY_SENDING_RECORDS,
      release: "pending",
      reset: "pending",
    },
    "failed-permanent": {
      claim: "refused",
      ...ONLY_SENDING_RECORDS,
      release: "illegal",
      reset: "pending",
    },
    uncertain: {
      claim: "sending",
      ...ONLY_SENDING_RECORDS,
      release: "pending",
      reset: "pending",
    },
  };

  /** Drives a fresh row to `start` through legal operations only. */
  function bring(ledger: SqliteDeliveryLedger, start: Start): void {
    ledger.plan([KEY], "run-1", at(0));
    if (start === "pending") return;
    ledger.claim(KEY, "run-1", "<m1>", at(1));
    if (start === "sent") ledger.markSent(KEY, "p1", at(2));
    if (start === "failed-transient") ledger.markFailed(KEY, false, "421 try later", at(2));
    if (start === "failed-permanent") ledger.markFailed(KEY, true, "550 no such user", at(2));
    if (start === "uncertain") ledger.recoverInterrupted(at(2));
  }

  function apply(ledger: SqliteDeliveryLedger, op: Op): boolean | undefined {
    const now = at(10);
    if (op === "claim") return ledger.claim(KEY, "run-2", "<m2>", now);
    if (op === "markSent") ledger.markSent(KEY, "p2", now);
    if (op === "markFailed-transient") ledger.markFailed(KEY, false, "timeout", now);
    if (op === "markFailed-permanent") ledger.markFailed(KEY, true, "rejected", now);
    if (op === "release") ledger.release(KEY, "account paused", now);
    if (op === "reset") ledger.reset(KEY, now);
    return undefined;
  }

  /** The row's state, telling the two kinds of failure apart by the stored flag. */
  function stateOf(ledger: SqliteDeliveryLedger, file: string): Start {
    const state = only(ledger, KEY).state;
    if (state !== "failed") return state;
    const raw = new Database(file, { readonly: true });
    const { permanent } = raw
      .prepare("SELECT permanent FROM deliveries WHERE recipient = ?")
      .get(KEY.recipient) as { permanent: number };
    raw.close();
    return permanent === 1 ? "failed-permanent" : "failed-transient";
  }

  const cases = Object.entries(TABLE).flatMap(([start, row]) =>
    Object.entries(row).map(
      ([op, outcome]) =>
        ({ start, op, outcome }) as {
          start: Start;
          op: Op;
          outcome: Outcome;
        },
    ),
  );

  it.each(cases)("$start + $op → $outcome", ({ start, op, outcome }) => {
    const file = path.join(dir, "machine.sqlite");
    const ledger = open(file);
    bring(ledger, start);
    expect(stateOf(ledger, file)).toBe(start);
    const before = only(ledger, KEY);
    const eventsBefore = ledger.events().length;

    if (outcome === "illegal") {
      expect(() => apply(ledger, op)).toThrow(IllegalTransitionError);
    } else {
      const result = apply(ledger, op);
      if (op === "claim") expect(result).toBe(outcome !== "refused");
    }

    const after = only(ledger, KEY);
    const events = ledger.events();
    const unchanged = outcome === "illegal" || outcome === "refused" || outcome === start;
    if (unchanged) {
      expect(after).toEqual(before);
      expect(events).toHaveLength(eventsBefore);
      return;
    }
    expect(stateOf(ledger, file)).toBe(outcome);
    expect(after.updatedAt).toBe(at(10).toISOString());
    expect(after.attempts).toBe(before.attempts + (op === "claim" ? 1 : 0));
    expect(events).toHaveLength(eventsBefore + 1);
    expect(events.at(-1)).toMatchObject({
      fromState: before.state,
      toState: after.state,
      attempt: after.attempts,
      runId: after.runId,
      at: at(10).toISOString(),
    });
    if (op === "claim") expect(after).toMatchObject({ messageId: "<m2>", runId: "run-2" });
    if (op === "markSent") expect(after.providerMessageId).toBe("p2");
    if (op.startsWith("markFailed") || op === "release") expect(after.error).toBeDefined();
    if (op === "reset") expect(after.providerMessageId).toBeUndefined();
  });

  it("refuses transitions on a key that was never planned", () => {
    const ledger = open();
    expect(() => ledger.claim(KEY, "run-1", "<m>", at(0))).toThrow(/not planned/);
    expect(() => ledger.markSent(KEY, "p", at(0))).toThrow(IllegalTransitionError);
    expect(ledger.rows()).toEqual([]);
  });
});

describe("claims across connections", () => {
  it("lets only one of two ledgers on the same file claim a row", () => {
    const file = path.join(dir, "shared.sqlite");
    const a = open(file);
    const b = open(file);
    const keys = Array.from({ length: 50 }, (_, index) => ledgerKey(index));
    a.plan(keys, "run-a", at(0));
    expect(b.plan(keys, "run-b", at(1)).every((row) => row.runId === "run-a")).toBe(true);

    const winners = keys.map((key, index) => {
      const [first, second] = index % 2 === 0 ? [a, b] : [b, a];
      const firstWon = first.claim(key, first === a ? "run-a" : "run-b", "<m>", at(2));
      const secondWon = second.claim(key, second === a ? "run-a" : "run-b", "<m>", at(2));
      return [firstWon, secondWon];
    });
    expect(winners.every(([first, second]) => first === true && second === false)).toBe(true);
    expect(a.rows().every((row) => row.state === "sending" && row.attempts === 1)).toBe(true);
    const owners = Object.fromEntries(b.rows().map((row) => [row.recipient, row.runId]));
    expect(owners).toEqual(
      Object.fromEntries(keys.map((key, i) => [key.recipient, i % 2 === 0 ? "run-a" : "run-b"])),
    );

    // A transient failure seen through one connection makes the row claimable from the other.
    a.markFailed(ledgerKey(0), false, "throttled", at(3));
    expect(b.claim(ledgerKey(0), "run-b", "<m2>", at(4))).toBe(true);
    expect(a.claim(ledgerKey(0), "run-a", "<m3>", at(4))).toBe(false);
    expect(only(a, ledgerKey(0))).toMatchObject({ state: "sending", attempts: 2, runId: "run-b" });
  });

  it("never lets two racing processes claim the same row", async () => {
    const file = path.join(dir, "race.sqlite");
    const count = 1000;
    const workers = [
      startWorker(file, "run-a", count, true),
      startWorker(file, "run-b", count, true),
    ];
    await Promise.all(workers.map((worker) => worker.waitFor((out) => out.includes("ready\n"))));
    for (const worker of workers) worker.child.stdin.write("go\n");
    const results = await Promise.all(workers.map((worker) => worker.exit));
    expect(results.map((result) => result.code)).toEqual([0, 0]);

    const [claimsA, claimsB] = workers.map((worker) => linesStarting(worker.output(), "claimed"));
    if (claimsA === undefined || claimsB === undefined) throw new Error("no output");
    // Both got work (they really raced) and none was claimed by both.
    expect(claimsA.length, "worker b took every row").toBeGreaterThan(0);
    expect(claimsB.length, "worker a took every row").toBeGreaterThan(0);
    expect(claimsA.filter((index) => claimsB.includes(index))).toEqual([]);
    expect(claimsA.length + claimsB.length).toBe(count);

    const ledger = open(file);
    const rows = ledger.rows();
    expect(rows).toHaveLength(count);
    expect(rows.every((row) => row.state === "sent" && row.attempts === 1)).toBe(true);
    expect(ledger.events().filter((event) => event.toState === "sending")).toHaveLength(count);
  });
});

describe("recoverInterrupted", () => {
  it("turns rows left sending into uncertain ones, logged, and a resend into a logged duplicate", () => {
    const file = path.join(dir, "ledger.sqlite");
    const crashed = open(file);
    sendFirstClaimSecond(crashed);
    closeEarly(crashed); // the process dies after claiming r1, before recording the send

    const next = open(file);
    const recovered = next.recoverInterrupted(at(10));
    expect(recovered).toHaveLength(1);
    expect(recovered[0]).toMatchObject({
      recipient: "r1@example.com",
      state: "uncertain",
      attempts: 1,
      messageId: "<m1>",
      runId: "run-1",
    });
    expect(recovered[0]?.error).toMatch(/interrupted/);
    expect(next.rows().map((row) => row.state)).toEqual(["sent", "uncertain", "pending"]);
    expect(next.recoverInterrupted(at(11))).toEqual([]);

    expect(next.claim(ledgerKey(1), "run-2", "<m1b>", at(12))).toBe(true);
    next.markSent(ledgerKey(1), "p1b", at(13));
    const history = next
      .events(ledgerKey(1))
      .map((e) => [e.fromState, e.toState, e.attempt, e.runId]);
    expect(history).toEqual([
      [undefined, "pending", 0, "run-1"],
      ["pending", "sending", 1, "run-1"],
      ["sending", "uncertain", 1, "run-1"],
      ["uncertain", "sending", 2, "run-2"],
      ["sending", "sent", 2, "run-2"],
    ]);
  });
});

describe("durability", () => {
  it("keeps every row and event across a reopen", () => {
    const file = path.join(dir, "ledger.sqlite");
    const first = open(file);
    sendFirstClaimSecond(first);
    first.markFailed(ledgerKey(1), true, "550 mailbox unavailable", at(4));
    const rows = first.rows();
    const events = first.events();
    closeEarly(first);

    const reopened = open(file);
    expect(reopened.rows()).toEqual(rows);
    expect(reopened.events()).toEqual(events);
    expect(events).toHaveLength(3 + 2 + 2);
    expect(reopened.claim(ledgerKey(1), "run-2", "<m1b>", at(5))).toBe(false);
  });

  it("keeps the event log append-only", () => {
    const file = path.join(dir, "ledger.sqlite");
    closeEarly(open(file));
    const ledger = open(file);
    ledger.plan([KEY], "run-1", at(0));
    const raw = new Database(file);
    expect(() => raw.prepare("UPDATE delivery_events SET reason = 'x'").run()).toThrow(
      /append-only/,
    );
    expect(() => raw.prepare("DELETE FROM delivery_events").run()).toThrow(/append-only/);
    raw.close();
    expect(ledger.events()).toHaveLength(1);
  });

  it("stays consistent when the sending process is SIGKILLed mid-loop, again and again", async () => {
    const file = path.join(dir, "crash.sqlite");
    const count = 1000;
    const rounds = 10;
    let interruptedSends = 0;
    for (let round = 0; round < rounds; round++) {
      const worker = startWorker(file, `run-${round}`, count, false);
      await worker.waitFor((out) => linesStarting(out, "sent").length >= 5);
      await sleep(Math.random() * 30);
      worker.child.kill("SIGKILL");
      const { signal } = await worker.exit;
      expect(signal, "the worker finished before the kill").toBe("SIGKILL");

      const check = checkConsistency(file);
      expect(check.sending).toBeLessThanOrEqual(1);
      interruptedSends += check.sending;
      // Every send the worker reported as recorded survived the kill.
      const reported = linesStarting(worker.output(), "sent");
      const sent = new Set(
        check.rows.filter((row) => row.state === "sent").map((r) => r.recipient),
      );
      expect(reported.filter((index) => !sent.has(ledgerKey(index).recipient))).toEqual([]);
    }
    // The kills did land between a claim and its record at least once.
    expect(interruptedSends, "no kill landed between claim and record").toBeGreaterThan(0);

    const last = startWorker(file, "run-final", count, false);
    expect((await last.exit).code).toBe(0);
    const final = checkConsistency(file);
    expect(final.rows.every((row) => row.state === "sent")).toBe(true);
    // Sent more than once only where a row was found uncertain, and every such duplicate logged.
    const duplicated = final.rows.filter((row) => row.attempts > 1).map((row) => row.recipient);
    expect(duplicated.sort()).toEqual([...final.uncertain].sort());
    expect(final.uncertainEvents).toBe(interruptedSends);
  }, 120_000);
});

interface Worker {
  child: ChildProcessWithoutNullStreams;
  output: () => string;
  /** Resolves once the output so far satisfies `done`; rejects if the worker exits first. */
  waitFor: (done: (stdout: string) => boolean) => Promise<void>;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts test/store/ledger-worker.ts in its own node process. */
function startWorker(file: string, runId: string, count: number, waitGo: boolean): Worker {
  const args = ["--import", "tsx", WORKER, file, runId, String(count)];
  const child = spawn(process.execPath, waitGo ? [...args, "--wait-go"] : args, { cwd: REPO });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exit = once(child, "exit").then(([code, signal]) => {
    if (code !== 0 && signal === null) throw new Error(`worker ${runId} failed: ${stderr}`);
    return { code: code as number | null, signal: signal as NodeJS.Signals | null };
  });
  const waitFor = async (done: (stdout: string) => boolean) => {
    while (!done(stdout)) {
      const exited = await Promise.race([once(child.stdout, "data").then(() => false), exit]);
      if (exited !== false) throw new Error(`worker ${runId} exited early: ${stderr}`);
    }
  };
  return { child, output: () => stdout, waitFor, exit };
}

function linesStarting(output: string, word: string): number[] {
  return [...output.matchAll(new RegExp(`^${word} (\\d+)$`, "gm"))].map((match) =>
    Number(match[1]),
  );
}

/**
 * Reads the file as a bystander would after a crash and checks it: SQLite integrity, legal
 * states only, and every row agreeing with its own event history (the history is a connected
 * chain, it ends in the row's state, and it counts one claim per attempt).
 */
function checkConsistency(file: string) {
  const raw = new Database(file);
  expect(raw.pragma("integrity_check", { simple: true })).toBe("ok");
  raw.close();
  const ledger = openSqliteLedger(file);
  const rows = ledger.rows();
  const events = ledger.events();
  ledger.close();
  const uncertain = new Set<string>();
  const uncertainEvents = events.filter((event) => event.toState === "uncertain").length;
  for (const row of rows) {
    expect(LEGAL_STATES).toContain(row.state);
    const history = events.filter((event) => event.recipient === row.recipient);
    const chain = [undefined, ...history.map((event) => event.toState)];
    expect(history.map((event) => event.fromState)).toEqual(chain.slice(0, -1));
    expect(history.at(-1)).toMatchObject({ toState: row.state, attempt: row.attempts });
    expect(history.filter((event) => event.toState === "sending")).toHaveLength(row.attempts);
    if (history.some((event) => event.toState === "uncertain")) uncertain.add(row.recipient);
  }
  return {
    rows,
    uncertain,
    uncertainEvents,
    sending: rows.filter((row) => row.state === "sending").length,
  };
}
