import { describe, expect, it } from "vitest";
import type { FollowUpStore } from "../../../src/core/follow-up/ports.js";
import type { PeriodSnapshot } from "../../../src/core/follow-up/since-last-report.js";
import type { Task, TaskChange, TaskContent } from "../../../src/core/follow-up/tasks.js";
import { failure, iso, type StoreFixture } from "./fixture.js";

// The follow-up store's contract: tasks numbered per tenant, planned and applied atomically
// against what is on record, every change logged in order, and the period snapshots.

/** A task's content as a run of `lastPeriod` describes finding `fingerprint`. */
function content(fingerprint: string, parts: Partial<TaskContent> = {}): TaskContent {
  return {
    fingerprint,
    title: `Finding ${fingerprint}`,
    action: "Look into it",
    owner: "ceo",
    severity: "high",
    due: "2026-11-15",
    report: "acme/2026-10/ceo",
    section: "findings",
    lastPeriod: "2026-10",
    ...parts,
  };
}

/** A plan creating one task per fingerprint. */
const creating =
  (...fingerprints: string[]) =>
  (): TaskChange[] =>
    fingerprints.map((f) => ({ kind: "create", content: content(f) }));

/** A gated run's snapshot of a period. */
function snapshot(period: string, runId: string, value = 1): PeriodSnapshot {
  return {
    period,
    runId,
    recordedAt: iso(value),
    findings: [{ fingerprint: "f-cash", title: "Cash is low", severity: "high", shownTo: ["ceo"] }],
    figures: [{ id: "revenue", label: "Revenue", value, unit: "USD" }],
  };
}

const RUN = "run:r1";

/** Registers the follow-up store's contract. */
export function describeFollowUpContract(fixture: () => StoreFixture): void {
  const store = (): FollowUpStore => fixture().stores.followUp;

  describe("follow-up store: sync", () => {
    it("creates open tasks numbered T-1, T-2… first seen in their period, and answers them", async () => {
      const applied = await store().sync("acme", creating("f-a", "f-b"), RUN, iso(1));
      const expected = (id: string, f: string): Task => ({
        ...content(f),
        id,
        tenant: "acme",
        status: "open",
        firstPeriod: "2026-10",
        updatedAt: iso(1),
      });
      expect(applied).toEqual([
        { change: { kind: "create", content: content("f-a") }, task: expected("T-1", "f-a") },
        { change: { kind: "create", content: content("f-b") }, task: expected("T-2", "f-b") },
      ]);
      expect(await store().list("acme")).toEqual([expected("T-1", "f-a"), expected("T-2", "f-b")]);
      expect(await store().find("acme", "T-2")).toEqual(expected("T-2", "f-b"));
      await store().sync("acme", creating("f-c"), RUN, iso(2));
      expect((await store().list("acme")).map((t) => t.id)).toEqual(["T-1", "T-2", "T-3"]);
    });

    it("hands the plan the tasks on record", async () => {
      await store().sync("acme", creating("f-a", "f-b"), RUN, iso(1));
      await store().setStatus("acme", "T-2", "doing", "ann@acme.example", iso(2));
      let seen: readonly Task[] = [];
      await store().sync(
        "acme",
        (existing) => {
          seen = existing;
          return [];
        },
        RUN,
        iso(3),
      );
      expect(seen.map((t) => [t.id, t.fingerprint, t.status])).toEqual([
        ["T-1", "f-a", "open"],
        ["T-2", "f-b", "doing"],
      ]);
    });

    it("refreshes content keeping a person's status, resolves in data and reopens", async () => {
      await store().sync("acme", creating("f-a", "f-b"), RUN, iso(1));
      await store().setStatus("acme", "T-1", "doing", "ann@acme.example", iso(2));
      const refreshed = content("f-a", { severity: "critical", due: "2026-11-20" });
      const applied = await store().sync(
        "acme",
        () => [
          { kind: "refresh", id: "T-1", content: refreshed },
          { kind: "resolve", id: "T-2", period: "2026-11" },
        ],
        "run:r2",
        iso(3),
      );
      expect(applied.map((a) => [a.task.id, a.task.status, a.task.severity])).toEqual([
        ["T-1", "doing", "critical"],
        ["T-2", "resolved-in-data", "high"],
      ]);
      expect(await store().find("acme", "T-1")).toMatchObject({
        ...refreshed,
        status: "doing",
        firstPeriod: "2026-10",
        updatedAt: iso(3),
      });
      expect(await store().find("acme", "T-2")).toMatchObject({
        ...content("f-b"),
        status: "resolved-in-data",
        updatedAt: iso(3),
      });

      const again = content("f-b", { lastPeriod: "2026-12", title: "Finding f-b, again" });
      await store().sync(
        "acme",
        () => [{ kind: "reopen", id: "T-2", content: again }],
        "run:r3",
        iso(4),
      );
      expect(await store().find("acme", "T-2")).toMatchObject({
        ...again,
        status: "open",
        firstPeriod: "2026-10",
        updatedAt: iso(4),
      });
    });

    it("applies nothing of a plan that names a task the tenant does not have", async () => {
      const plan = (): TaskChange[] => [
        { kind: "create", content: content("f-a") },
        { kind: "refresh", id: "T-9", content: content("f-z") },
      ];
      expect(await failure(() => store().sync("acme", plan, RUN, iso(1)))).toBeInstanceOf(Error);
      expect(await store().list("acme")).toEqual([]);
      expect(await store().events("acme")).toEqual([]);
    });

    it("writes and logs nothing for an empty plan", async () => {
      await store().sync("acme", creating("f-a"), RUN, iso(1));
      const before = await store().list("acme");
      expect(await store().sync("acme", () => [], RUN, iso(2))).toEqual([]);
      expect(await store().list("acme")).toEqual(before);
      expect(await store().events("acme")).toHaveLength(1);
    });

    it("never overwrites a person's status change that races a sync", async () => {
      const fingerprints = Array.from({ length: 6 }, (_, i) => `f-${i}`);
      await store().sync("acme", creating(...fingerprints), RUN, iso(1));
      const person = await fixture().another();
      const critical = (existing: readonly Task[]): TaskChange[] =>
        existing.map((t) => ({
          kind: "refresh",
          id: t.id,
          content: content(t.fingerprint, { severity: "critical" }),
        }));
      await Promise.all([
        store().sync("acme", critical, "run:r2", iso(2)),
        ...fingerprints.map((_, i) =>
          person.followUp.setStatus("acme", `T-${i + 1}`, "done", "ann@acme.example", iso(2)),
        ),
      ]);
      const tasks = await store().list("acme");
      expect(tasks.map((t) => [t.status, t.severity])).toEqual(
        fingerprints.map(() => ["done", "critical"]),
      );
      const events = await store().events("acme");
      expect(events.filter((e) => e.action === "status")).toHaveLength(fingerprints.length);
      expect(events.filter((e) => e.action === "refreshed")).toHaveLength(fingerprints.length);
    });
  });

  describe("follow-up store: setStatus", () => {
    it("changes the status, logs who and why, and answers the task", async () => {
      await store().sync("acme", creating("f-a"), RUN, iso(1));
      const task = await store().setStatus(
        "acme",
        "T-1",
        "wont-do",
        "ann@acme.example",
        iso(2),
        "sold the van",
      );
      expect(task).toMatchObject({ id: "T-1", status: "wont-do", updatedAt: iso(2) });
      expect(await store().find("acme", "T-1")).toEqual(task);
      expect((await store().events("acme", "T-1")).at(-1)).toMatchObject({
        tenant: "acme",
        taskId: "T-1",
        at: iso(2),
        actor: "ann@acme.example",
        action: "status",
        from: "open",
        to: "wont-do",
        detail: "sold the van",
      });
    });

    it("logs nothing when the task already has that status", async () => {
      await store().sync("acme", creating("f-a"), RUN, iso(1));
      const task = await store().setStatus("acme", "T-1", "open", "ann@acme.example", iso(2));
      expect(task).toMatchObject({ status: "open", updatedAt: iso(1) });
      expect(await store().events("acme")).toHaveLength(1);
    });

    it("answers undefined for an unknown, malformed or other tenant's task id", async () => {
      await store().sync("acme", creating("f-a"), RUN, iso(1));
      expect(await store().setStatus("acme", "T-2", "done", "a@x", iso(2))).toBeUndefined();
      expect(await store().setStatus("acme", "X-1", "done", "a@x", iso(2))).toBeUndefined();
      expect(await store().setStatus("acme", "T-01", "done", "a@x", iso(2))).toBeUndefined();
      expect(await store().setStatus("globex", "T-1", "done", "a@x", iso(2))).toBeUndefined();
      expect(await store().find("acme", "T-1")).toMatchObject({ status: "open" });
      expect(await store().find("acme", "nope")).toBeUndefined();
    });
  });

  describe("follow-up store: events", () => {
    it("logs every change oldest first with increasing seq, for the tenant or one task", async () => {
      await store().sync("acme", creating("f-a", "f-b"), RUN, iso(1));
      await store().setStatus("acme", "T-1", "doing", "ann@acme.example", iso(2));
      await store().sync(
        "acme",
        () => [
          { kind: "refresh", id: "T-1", content: content("f-a", { severity: "critical" }) },
          { kind: "resolve", id: "T-2", period: "2026-11" },
        ],
        "run:r2",
        iso(3),
      );
      await store().sync(
        "acme",
        () => [{ kind: "reopen", id: "T-2", content: content("f-b", { lastPeriod: "2026-12" }) }],
        "run:r3",
        iso(4),
      );
      const events = await store().events("acme");
      expect(events.map((e) => [e.taskId, e.action, e.from, e.to, e.actor, e.at])).toEqual([
        ["T-1", "created", null, "open", RUN, iso(1)],
        ["T-2", "created", null, "open", RUN, iso(1)],
        ["T-1", "status", "open", "doing", "ann@acme.example", iso(2)],
        ["T-1", "refreshed", "doing", "doing", "run:r2", iso(3)],
        ["T-2", "resolved-in-data", "open", "resolved-in-data", "run:r2", iso(3)],
        ["T-2", "reopened", "resolved-in-data", "open", "run:r3", iso(4)],
      ]);
      const seqs = events.map((e) => e.seq);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      expect(new Set(seqs).size).toBe(seqs.length);
      expect(events[0]?.detail).toBe("high: Finding f-a");
      expect(events[3]?.detail).toContain("severity high → critical");
      expect(events.every((e) => e.tenant === "acme")).toBe(true);

      const ofT2 = await store().events("acme", "T-2");
      expect(ofT2.map((e) => e.action)).toEqual(["created", "resolved-in-data", "reopened"]);
      expect(await store().events("acme", "T-9")).toEqual([]);
    });
  });

  describe("follow-up store: snapshots", () => {
    it("keeps one snapshot per period, replaced by a later run's", async () => {
      expect(await store().snapshot("acme", "2026-10")).toBeUndefined();
      await store().saveSnapshot("acme", snapshot("2026-10", "r1", 1));
      expect(await store().snapshot("acme", "2026-10")).toEqual(snapshot("2026-10", "r1", 1));
      await store().saveSnapshot("acme", snapshot("2026-10", "r2", 2));
      expect(await store().snapshot("acme", "2026-10")).toEqual(snapshot("2026-10", "r2", 2));
      expect(await store().snapshots("acme")).toHaveLength(1);
    });

    it("lists every period's snapshot, oldest period first", async () => {
      await store().saveSnapshot("acme", snapshot("2026-10", "r3"));
      await store().saveSnapshot("acme", snapshot("2026-08", "r1"));
      await store().saveSnapshot("acme", snapshot("2026-09", "r2"));
      expect((await store().snapshots("acme")).map((s) => s.period)).toEqual([
        "2026-08",
        "2026-09",
        "2026-10",
      ]);
    });

    it("changes the stamp whenever the snapshots change, and only then", async () => {
      const stamps = [await store().snapshotStamp("acme")];
      await store().saveSnapshot("acme", snapshot("2026-09", "r1"));
      stamps.push(await store().snapshotStamp("acme"));
      await store().saveSnapshot("acme", snapshot("2026-10", "r2"));
      stamps.push(await store().snapshotStamp("acme"));
      await store().saveSnapshot("acme", snapshot("2026-10", "r3"));
      stamps.push(await store().snapshotStamp("acme"));
      expect(new Set(stamps).size).toBe(4);
      await store().saveSnapshot("globex", snapshot("2026-10", "r4"));
      expect(await store().snapshotStamp("acme")).toBe(stamps.at(-1));
      expect(await store().snapshotStamp("acme")).toBe(stamps.at(-1));
    });
  });

  describe("follow-up store: tenants", () => {
    it("never shows one tenant another's tasks, events or snapshots", async () => {
      await store().sync("acme", creating("f-a", "f-b"), RUN, iso(1));
      await store().saveSnapshot("acme", snapshot("2026-10", "r1"));
      expect(await store().list("globex")).toEqual([]);
      expect(await store().find("globex", "T-1")).toBeUndefined();
      expect(await store().events("globex")).toEqual([]);
      expect(await store().events("globex", "T-1")).toEqual([]);
      expect(await store().snapshot("globex", "2026-10")).toBeUndefined();
      expect(await store().snapshots("globex")).toEqual([]);
      expect(await store().snapshotStamp("globex")).toBe(await store().snapshotStamp("initech"));

      const globex = await store().sync("globex", creating("f-a"), RUN, iso(2));
      expect(globex.map((a) => [a.task.id, a.task.tenant])).toEqual([["T-1", "globex"]]);
      expect((await store().list("acme")).map((t) => t.tenant)).toEqual(["acme", "acme"]);
      expect(await store().events("acme")).toHaveLength(2);
    });
  });
}
