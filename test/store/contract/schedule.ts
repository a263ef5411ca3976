import { describe, expect, it } from "vitest";
import type { ScheduleClaim, ScheduleStore } from "../../../src/core/schedule/ports.js";
import { failure, iso, type StoreFixture } from "./fixture.js";

// The schedule store's contract: a (tenant, period) run is claimed by one owner at a time, taken
// over only when its lease ended or its owner is gone, retried only when due, never again once
// done or stopped; only the owner renews or settles it.

/** Owner `owner` claims acme's October run at second `now`, with a lease of 60 seconds. */
function claimOf(owner: string, now: number, parts: Partial<ScheduleClaim> = {}): ScheduleClaim {
  return {
    tenant: "acme",
    period: "2026-10",
    slot: iso(0),
    owner,
    now: iso(now),
    leaseUntil: iso(now + 60),
    ...parts,
  };
}

/** Registers the schedule store's contract. */
export function describeScheduleContract(fixture: () => StoreFixture): void {
  const schedule = (): ScheduleStore => fixture().stores.schedule;

  describe("schedule: since", () => {
    it("records the first call's time and answers it ever after, per tenant", async () => {
      expect(await schedule().since("acme", iso(5))).toBe(iso(5));
      expect(await schedule().since("acme", iso(9))).toBe(iso(5));
      expect(await schedule().since("globex", iso(7))).toBe(iso(7));
      expect(await schedule().since("acme", iso(1))).toBe(iso(5));
    });
  });

  describe("schedule: claim", () => {
    it("starts a period no one ran: running, first attempt, leased to the owner", async () => {
      const run = await schedule().claim(claimOf("host-a:1", 1));
      const expected = {
        tenant: "acme",
        period: "2026-10",
        slot: iso(0),
        state: "running",
        owner: "host-a:1",
        leaseUntil: iso(61),
        attempts: 1,
        nextAttemptAt: null,
        detail: "claimed",
        updatedAt: iso(1),
      };
      expect(run).toEqual(expected);
      expect(await schedule().find("acme", "2026-10")).toEqual(expected);
    });

    it("refuses a second owner while the lease is live", async () => {
      await schedule().claim(claimOf("host-a:1", 1));
      expect(await schedule().claim(claimOf("host-b:2", 30))).toBeUndefined();
      expect(await schedule().claim(claimOf("host-b:2", 60))).toBeUndefined();
      expect(await schedule().find("acme", "2026-10")).toMatchObject({
        owner: "host-a:1",
        attempts: 1,
      });
    });

    it("lets another owner take over once the lease ended, counting the attempt", async () => {
      await schedule().claim(claimOf("host-a:1", 1));
      const taken = await schedule().claim(claimOf("host-b:2", 61));
      expect(taken).toMatchObject({
        state: "running",
        owner: "host-b:2",
        leaseUntil: iso(121),
        attempts: 2,
        updatedAt: iso(61),
      });
      expect(await schedule().renew("acme", "2026-10", "host-a:1", iso(200))).toBe(false);
    });

    it("lets another owner take over a live lease when ownerGone says its owner died", async () => {
      await schedule().claim(claimOf("host-a:1", 1));
      const asked: string[] = [];
      const alive = (owner: string) => {
        asked.push(owner);
        return false;
      };
      expect(await schedule().claim(claimOf("host-b:2", 10), alive)).toBeUndefined();
      expect(asked).toContain("host-a:1");
      const taken = await schedule().claim(
        claimOf("host-b:2", 11),
        (owner) => owner === "host-a:1",
      );
      expect(taken).toMatchObject({ owner: "host-b:2", attempts: 2 });
    });

    it("refuses a waiting run before its next attempt and claims it when due", async () => {
      await schedule().claim(claimOf("host-a:1", 1));
      await schedule().settle(
        "acme",
        "2026-10",
        "host-a:1",
        { state: "waiting", detail: "sources not in yet", nextAttemptAt: iso(300) },
        iso(2),
      );
      expect(await schedule().claim(claimOf("host-b:2", 299))).toBeUndefined();
      const due = await schedule().claim(claimOf("host-b:2", 300));
      expect(due).toMatchObject({
        state: "running",
        owner: "host-b:2",
        attempts: 2,
        nextAttemptAt: null,
        detail: "claimed",
        updatedAt: iso(300),
      });
    });

    it("never claims a done or stopped run, whatever the lease or the owner", async () => {
      for (const [period, state] of [
        ["2026-09", "done"],
        ["2026-10", "stopped"],
      ] as const) {
        await schedule().claim(claimOf("host-a:1", 1, { period }));
        await schedule().settle("acme", period, "host-a:1", { state, detail: state }, iso(2));
        expect(
          await schedule().claim(claimOf("host-b:2", 5000, { period }), () => true),
        ).toBeUndefined();
        expect(await schedule().claim(claimOf("host-a:1", 5000, { period }))).toBeUndefined();
        expect(await schedule().find("acme", period)).toMatchObject({ state, attempts: 1 });
      }
    });

    it("lets exactly one of two concurrent claims of a period win", async () => {
      const other = await fixture().another();
      // Both handles connected first, so neither starts the race late.
      await Promise.all([
        schedule().find("acme", "2025-01"),
        other.schedule.find("acme", "2025-01"),
      ]);
      const periods = Array.from(
        { length: 12 },
        (_, i) => `2025-${String(i + 1).padStart(2, "0")}`,
      );
      const results = await Promise.all(
        periods.map((period) =>
          Promise.all([
            schedule().claim(claimOf("host-a:1", 1, { period })),
            other.schedule.claim(claimOf("host-b:2", 1, { period })),
          ]),
        ),
      );
      for (const [index, [a, b]] of results.entries()) {
        const winners = [a, b].filter((r) => r !== undefined);
        expect(winners, periods[index]).toHaveLength(1);
        const stored = await schedule().find("acme", periods[index] as string);
        expect(stored).toEqual(winners[0]);
        expect(stored?.attempts).toBe(1);
      }
    });

    it("lets exactly one of two concurrent takeovers of an ended lease win", async () => {
      const other = await fixture().another();
      const periods = Array.from({ length: 8 }, (_, i) => `2025-${String(i + 1).padStart(2, "0")}`);
      for (const period of periods) await schedule().claim(claimOf("host-a:1", 1, { period }));
      await Promise.all([
        schedule().find("acme", "2025-01"),
        other.schedule.find("acme", "2025-01"),
      ]);
      const results = await Promise.all(
        periods.map((period) =>
          Promise.all([
            schedule().claim(claimOf("host-b:2", 100, { period })),
            other.schedule.claim(claimOf("host-c:3", 100, { period })),
          ]),
        ),
      );
      for (const [index, [b, c]] of results.entries()) {
        const winners = [b, c].filter((r) => r !== undefined);
        expect(winners, periods[index]).toHaveLength(1);
        expect(await schedule().find("acme", periods[index] as string)).toEqual(winners[0]);
        expect(winners[0]?.attempts).toBe(2);
      }
    });

    it("keeps the slot that first made the period due when a later claim takes it over", async () => {
      // The send-when-fresh deadline counts from the first slot, not from the latest attempt.
      await schedule().claim(claimOf("host-a:1", 1, { slot: iso(0) }));
      const taken = await schedule().claim(claimOf("host-b:2", 100, { slot: iso(90) }));
      expect(taken).toMatchObject({ owner: "host-b:2", slot: iso(0), attempts: 2 });
    });

    it("counts every claim as an attempt", async () => {
      await schedule().claim(claimOf("host-a:1", 1));
      const waitUntil = (next: number) => ({
        state: "waiting" as const,
        detail: "early",
        nextAttemptAt: iso(next),
      });
      await schedule().settle("acme", "2026-10", "host-a:1", waitUntil(100), iso(2));
      await schedule().claim(claimOf("host-a:1", 100));
      await schedule().settle("acme", "2026-10", "host-a:1", waitUntil(200), iso(101));
      const third = await schedule().claim(claimOf("host-b:2", 200));
      expect(third?.attempts).toBe(3);
    });
  });

  describe("schedule: renew and settle", () => {
    it("renews only the owner's running claim", async () => {
      await schedule().claim(claimOf("host-a:1", 1));
      expect(await schedule().renew("acme", "2026-10", "host-a:1", iso(120))).toBe(true);
      expect((await schedule().find("acme", "2026-10"))?.leaseUntil).toBe(iso(120));
      expect(await schedule().renew("acme", "2026-10", "host-b:2", iso(500))).toBe(false);
      expect(await schedule().renew("acme", "2026-11", "host-a:1", iso(500))).toBe(false);
      expect(await schedule().renew("globex", "2026-10", "host-a:1", iso(500))).toBe(false);
      expect((await schedule().find("acme", "2026-10"))?.leaseUntil).toBe(iso(120));
      // A renewed lease holds off a takeover that the first lease would have allowed.
      expect(await schedule().claim(claimOf("host-b:2", 61))).toBeUndefined();
    });

    it("settles only the owner's running claim, once", async () => {
      await schedule().claim(claimOf("host-a:1", 1));
      const done = { state: "done" as const, detail: "delivered 7" };
      expect(await schedule().settle("acme", "2026-10", "host-b:2", done, iso(5))).toBe(false);
      expect(await schedule().settle("acme", "2026-10", "host-a:1", done, iso(5))).toBe(true);
      expect(await schedule().find("acme", "2026-10")).toMatchObject({
        state: "done",
        owner: "host-a:1",
        detail: "delivered 7",
        nextAttemptAt: null,
        updatedAt: iso(5),
      });
      expect(await schedule().settle("acme", "2026-10", "host-a:1", done, iso(6))).toBe(false);
      expect(await schedule().renew("acme", "2026-10", "host-a:1", iso(500))).toBe(false);
      expect(await schedule().settle("acme", "2026-11", "host-a:1", done, iso(6))).toBe(false);
    });

    it("rejects settling as waiting without the time of the next attempt", async () => {
      await schedule().claim(claimOf("host-a:1", 1));
      const error = await failure(() =>
        schedule().settle(
          "acme",
          "2026-10",
          "host-a:1",
          { state: "waiting", detail: "early" },
          iso(2),
        ),
      );
      expect(error).toBeInstanceOf(Error);
      expect(await schedule().find("acme", "2026-10")).toMatchObject({ state: "running" });
    });
  });

  describe("schedule: find and list", () => {
    it("lists a tenant's runs newest period first, and only that tenant's", async () => {
      for (const period of ["2026-09", "2026-11", "2026-10"]) {
        await schedule().claim(claimOf("host-a:1", 1, { period }));
      }
      await schedule().claim(claimOf("host-a:1", 1, { tenant: "globex", period: "2026-12" }));
      expect((await schedule().list("acme")).map((r) => [r.tenant, r.period])).toEqual([
        ["acme", "2026-11"],
        ["acme", "2026-10"],
        ["acme", "2026-09"],
      ]);
      expect((await schedule().list("globex")).map((r) => r.period)).toEqual(["2026-12"]);
      expect(await schedule().list("initech")).toEqual([]);
    });

    it("finds nothing for a period never claimed or another tenant's period", async () => {
      await schedule().claim(claimOf("host-a:1", 1));
      expect(await schedule().find("acme", "2026-11")).toBeUndefined();
      expect(await schedule().find("globex", "2026-10")).toBeUndefined();
    });

    it("lets two tenants claim the same period independently", async () => {
      await schedule().claim(claimOf("host-a:1", 1));
      expect(await schedule().claim(claimOf("host-b:2", 2, { tenant: "globex" }))).toMatchObject({
        tenant: "globex",
        owner: "host-b:2",
        attempts: 1,
      });
    });
  });
}
