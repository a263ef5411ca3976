import { describe, expect, it } from "vitest";
import type { SourceFreshness } from "../model/index.js";
import { parseScheduleExpression } from "./cron.js";
import {
  dueRun,
  judgeFreshness,
  periodBefore,
  type TenantSchedule,
  tenantSchedules,
} from "./due.js";

const monthly = (timeZone = "America/Los_Angeles"): TenantSchedule => ({
  tenant: "acme",
  source: "cron(0 8 1 * ? *)",
  expression: parseScheduleExpression("cron(0 8 1 * ? *)"),
  timeZone,
});

const source = (sourceId: string, ageDays: number | undefined): SourceFreshness => ({
  sourceId,
  type: "ledger",
  records: ageDays === undefined ? 0 : 10,
  ...(ageDays !== undefined ? { asOf: "2026-11-20", ageDays } : {}),
  status: ageDays === undefined ? "empty" : ageDays > 45 ? "stale" : "fresh",
});

describe("tenantSchedules", () => {
  const tenant = (id: string, extra: object = {}) => ({
    id,
    timezone: "Europe/London",
    ...extra,
  });
  it("gives each tenant its own schedule, else the workspace's, in the tenant's zone by default", () => {
    const schedules = tenantSchedules({
      schedule: { cron: "cron(0 8 1 * ? *)" },
      tenants: [
        tenant("a"),
        tenant("b", { schedule: { cron: "cron(0 6 2 * ? *)", timezone: "Asia/Tokyo" } }),
      ],
    } as never);
    expect(schedules.map((s) => [s.tenant, s.source, s.timeZone])).toEqual([
      ["a", "cron(0 8 1 * ? *)", "Europe/London"],
      ["b", "cron(0 6 2 * ? *)", "Asia/Tokyo"],
    ]);
  });

  it("leaves out tenants when neither they nor the workspace have a schedule", () => {
    expect(tenantSchedules({ tenants: [tenant("a")] } as never)).toEqual([]);
  });
});

describe("dueRun", () => {
  const since = new Date("2026-08-20T00:00:00Z");

  it("names the month before the latest slot at or before now", () => {
    // 1 Nov 08:00 in Los Angeles is 16:00Z: daylight time ended at 02:00 that morning.
    expect(dueRun(monthly(), new Date("2026-11-01T16:00:00Z"), since)).toEqual({
      tenant: "acme",
      slot: new Date("2026-11-01T16:00:00Z"),
      period: "2026-10",
    });
    expect(dueRun(monthly(), new Date("2026-11-01T15:59:59Z"), since)?.period).toBe("2026-09");
  });

  it("after downtime names only the latest missed slot's period", () => {
    expect(dueRun(monthly(), new Date("2027-02-14T00:00:00Z"), since)).toMatchObject({
      period: "2027-01",
      slot: new Date("2027-02-01T16:00:00Z"),
    });
  });

  it("is undefined for a slot before the tenant was first seen", () => {
    expect(dueRun(monthly(), new Date("2026-08-25T00:00:00Z"), since)).toBeUndefined();
  });

  it("reads the month in the schedule's zone, not UTC", () => {
    // 00:30 on 1 November in Auckland is still 31 October in UTC.
    const auckland = {
      ...monthly("Pacific/Auckland"),
      expression: parseScheduleExpression("cron(30 0 1 * ? *)"),
    };
    const due = dueRun(auckland, new Date("2026-10-31T12:00:00Z"), since);
    expect(due?.slot.toISOString()).toBe("2026-10-31T11:30:00.000Z");
    expect(due?.period).toBe("2026-10");
    expect(periodBefore(new Date("2026-10-31T11:30:00Z"), "UTC")).toBe("2026-09");
  });

  it("counts rate schedules from when the tenant was first seen", () => {
    const weekly = { ...monthly("UTC"), expression: parseScheduleExpression("rate(7 days)") };
    expect(dueRun(weekly, new Date("2026-09-05T00:00:00Z"), since)?.slot).toEqual(
      new Date("2026-09-03T00:00:00Z"),
    );
  });
});

describe("judgeFreshness (send when fresh)", () => {
  const slot = new Date("2026-12-01T16:00:00Z");
  const policy = {
    withinDays: 14,
    retryEveryHours: 6,
    deadlineDays: 5,
    afterDeadline: "alert-owner" as const,
  };
  const strict = { ...monthly(), requireFresh: policy };

  it("runs at once when the schedule does not ask, naming the stale sources to flag", () => {
    expect(judgeFreshness(monthly(), slot, slot, [source("ok", 3), source("old", 60)])).toEqual({
      action: "run",
      stale: ["old"],
    });
  });

  it("runs when every source's latest record is within withinDays of the period's end", () => {
    expect(judgeFreshness(strict, slot, slot, [source("a", 0), source("b", 14)])).toEqual({
      action: "run",
      stale: [],
    });
  });

  it("waits retryEveryHours while a source is behind, never past the deadline", () => {
    const now = new Date("2026-12-01T17:00:00Z");
    expect(judgeFreshness(strict, slot, now, [source("a", 0), source("b", 15)])).toEqual({
      action: "wait",
      until: new Date("2026-12-01T23:00:00Z"),
      stale: ["b"],
    });
    const lastDay = new Date("2026-12-06T13:00:00Z");
    expect(judgeFreshness(strict, slot, lastDay, [source("empty", undefined)])).toEqual({
      action: "wait",
      until: new Date("2026-12-06T16:00:00Z"),
      stale: ["empty"],
    });
  });

  it("past the deadline alerts the owner, or sends flagged, as configured", () => {
    const late = new Date("2026-12-06T16:00:00Z");
    expect(judgeFreshness(strict, slot, late, [source("b", 30)])).toEqual({
      action: "alert",
      stale: ["b"],
    });
    const flagged = {
      ...monthly(),
      requireFresh: { ...policy, afterDeadline: "send-flagged" as const },
    };
    expect(judgeFreshness(flagged, slot, late, [source("b", 30)])).toEqual({
      action: "run",
      stale: ["b"],
    });
  });
});
