import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openFollowUpStore } from "../../src/adapters/store/follow-up-store.js";
import type { Synchronous } from "../../src/core/awaitable.js";
import type { FollowUpStore } from "../../src/core/follow-up/ports.js";
import type { TaskContent } from "../../src/core/follow-up/tasks.js";
import { makeTempDir } from "../helpers/cli.js";

// The task store against a real SQLite file: numbering per tenant, one task per fingerprint,
// every change logged in order with its actor, the log append-only, tenants kept apart, and a
// person's change made between two runs never undone by the second run's plan.

const content = (fingerprint: string, extra: Partial<TaskContent> = {}): TaskContent => ({
  fingerprint,
  title: `title ${fingerprint}`,
  action: `act on ${fingerprint}`,
  owner: "cto",
  severity: "high",
  due: "2026-11-10",
  report: "acme/2026-10/cto",
  section: "security-gaps",
  lastPeriod: "2026-10",
  ...extra,
});

let dir: string;
let cleanup: () => Promise<void>;
let file: string;
let store: Synchronous<FollowUpStore>;

beforeEach(async () => {
  ({ dir, cleanup } = await makeTempDir());
  file = path.join(dir, "state.sqlite");
  store = openFollowUpStore(file);
});

afterEach(async () => {
  store.close();
  await cleanup();
});

describe("the SQLite task store", () => {
  it("numbers tasks per tenant and logs who created them", () => {
    const applied = store.sync(
      "acme",
      () => [
        { kind: "create", content: content("a:1") },
        { kind: "create", content: content("b:1") },
      ],
      "run:R1",
      "2026-11-21T08:00:00.000Z",
    );
    expect(applied.map(({ task }) => [task.id, task.status, task.firstPeriod])).toEqual([
      ["T-1", "open", "2026-10"],
      ["T-2", "open", "2026-10"],
    ]);
    store.sync("other", () => [{ kind: "create", content: content("a:1") }], "run:R1", "x");
    expect(store.list("other").map((t) => t.id)).toEqual(["T-1"]);
    expect(store.events("acme").map((e) => [e.taskId, e.actor, e.action, e.from, e.to])).toEqual([
      ["T-1", "run:R1", "created", null, "open"],
      ["T-2", "run:R1", "created", null, "open"],
    ]);
  });

  it("keeps one task per tenant and fingerprint: a second create of the same finding fails", () => {
    store.sync("acme", () => [{ kind: "create", content: content("a:1") }], "run:R1", "t1");
    expect(() =>
      store.sync("acme", () => [{ kind: "create", content: content("a:1") }], "run:R2", "t2"),
    ).toThrow(/UNIQUE/);
    // The failed transaction left nothing behind: one task, one event.
    expect(store.list("acme")).toHaveLength(1);
    expect(store.events("acme")).toHaveLength(1);
  });

  it("refreshes, resolves and reopens with one event each, oldest first", () => {
    store.sync("acme", () => [{ kind: "create", content: content("a:1") }], "run:R1", "t1");
    store.sync(
      "acme",
      () => [{ kind: "refresh", id: "T-1", content: content("a:1", { severity: "critical" }) }],
      "run:R2",
      "t2",
    );
    store.sync("acme", () => [{ kind: "resolve", id: "T-1", period: "2026-11" }], "run:R3", "t3");
    store.sync(
      "acme",
      () => [{ kind: "reopen", id: "T-1", content: content("a:1", { lastPeriod: "2026-12" }) }],
      "run:R4",
      "t4",
    );
    // The reopening run's content replaces the refreshed one.
    expect(store.find("acme", "T-1")).toMatchObject({
      status: "open",
      severity: "high",
      lastPeriod: "2026-12",
      updatedAt: "t4",
    });
    expect(
      store.events("acme", "T-1").map((e) => [e.at, e.action, e.from, e.to, e.detail]),
    ).toEqual([
      ["t1", "created", null, "open", "high: title a:1"],
      ["t2", "refreshed", "open", "open", "severity high → critical"],
      ["t3", "resolved-in-data", "open", "resolved-in-data", "no longer fires in 2026-11"],
      ["t4", "reopened", "resolved-in-data", "open", "fires again in 2026-12"],
    ]);
  });

  it("logs a person's status change with the actor and note; the same status twice logs once", () => {
    store.sync("acme", () => [{ kind: "create", content: content("a:1") }], "run:R1", "t1");
    expect(store.setStatus("acme", "T-1", "doing", "sam@example.com", "t2", "on it")?.status).toBe(
      "doing",
    );
    store.setStatus("acme", "T-1", "doing", "sam@example.com", "t3");
    expect(store.events("acme", "T-1").slice(1)).toEqual([
      expect.objectContaining({
        actor: "sam@example.com",
        action: "status",
        from: "open",
        to: "doing",
        detail: "on it",
        at: "t2",
      }),
    ]);
  });

  it("never shows or changes another tenant's task", () => {
    store.sync("acme", () => [{ kind: "create", content: content("a:1") }], "run:R1", "t1");
    expect(store.find("other", "T-1")).toBeUndefined();
    expect(store.setStatus("other", "T-1", "done", "mallory@example.com", "t2")).toBeUndefined();
    expect(store.find("acme", "T-1")?.status).toBe("open");
    expect(store.events("other")).toEqual([]);
    expect(store.find("acme", "T-0")).toBeUndefined();
    expect(store.find("acme", "1; DROP TABLE tasks")).toBeUndefined();
  });

  it("plans against what is on record inside the transaction: a person's change made since is seen", () => {
    store.sync("acme", () => [{ kind: "create", content: content("a:1") }], "run:R1", "t1");
    // Another connection (the dashboard, say) marks the task done.
    const other = openFollowUpStore(file);
    other.setStatus("acme", "T-1", "done", "owner@example.com", "t2");
    other.close();
    let seen: string | undefined;
    store.sync(
      "acme",
      (existing) => {
        seen = existing[0]?.status;
        return [];
      },
      "run:R2",
      "t3",
    );
    expect(seen).toBe("done");
  });

  it("keeps one snapshot per tenant and period, and a stamp that changes with them", () => {
    const snapshot = (period: string, runId: string) => ({
      period,
      runId,
      recordedAt: "t",
      findings: [],
      figures: [{ id: "x", label: "x", value: 1, unit: "USD" as const }],
    });
    expect(store.snapshotStamp("acme")).toBe("");
    store.saveSnapshot("acme", snapshot("2026-10", "R1"));
    store.saveSnapshot("acme", snapshot("2026-09", "R0"));
    const stamp = store.snapshotStamp("acme");
    expect(stamp).toBe("2026-09:R0,2026-10:R1");
    store.saveSnapshot("acme", snapshot("2026-10", "R2"));
    expect(store.snapshotStamp("acme")).toBe("2026-09:R0,2026-10:R2");
    expect(store.snapshots("acme").map((s) => [s.period, s.runId])).toEqual([
      ["2026-09", "R0"],
      ["2026-10", "R2"],
    ]);
    expect(store.snapshot("other", "2026-10")).toBeUndefined();
    expect(store.snapshotStamp("other")).toBe("");
  });

  it("keeps the change log append-only in the database itself", () => {
    store.sync("acme", () => [{ kind: "create", content: content("a:1") }], "run:R1", "t1");
    const raw = new Database(file);
    try {
      expect(() => raw.exec("UPDATE task_events SET actor = 'someone else'")).toThrow(
        /append-only/,
      );
      expect(() => raw.exec("DELETE FROM task_events")).toThrow(/append-only/);
    } finally {
      raw.close();
    }
  });
});
