import type { Config, TenantConfig } from "../config.js";
import type { SourceFreshness } from "../model/index.js";
import { parseScheduleExpression, previousFireTime, type ScheduleExpression } from "./cron.js";

// What the scheduler decides, without touching a clock, a file or a store: which period a
// tenant's schedule makes due now, and whether the data is fresh enough to send it.

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** A tenant's effective schedule: its own, else the workspace's, in its time zone. */
export interface TenantSchedule {
  tenant: string;
  source: string;
  expression: ScheduleExpression;
  timeZone: string;
  requireFresh?: NonNullable<NonNullable<Config["schedule"]>["requireFresh"]>;
}

/** Every tenant that has a schedule (its own or the workspace's), in config order. */
export function tenantSchedules(config: Pick<Config, "schedule" | "tenants">): TenantSchedule[] {
  return config.tenants.flatMap((tenant: TenantConfig) => {
    const schedule = tenant.schedule ?? config.schedule;
    if (schedule === undefined) return [];
    return [
      {
        tenant: tenant.id,
        source: schedule.cron,
        expression: parseScheduleExpression(schedule.cron),
        timeZone: schedule.timezone ?? tenant.timezone,
        ...(schedule.requireFresh !== undefined ? { requireFresh: schedule.requireFresh } : {}),
      },
    ];
  });
}

/** The slot that makes a period due, and that period. */
export interface DueRun {
  tenant: string;
  /** The fire time (the latest at or before now). */
  slot: Date;
  /** The month before the slot's local date: a run on 1 November reports on October. */
  period: string;
}

/**
 * The period due at `now`: the one of the latest fire time at or before `now`, unless that slot
 * is before `since` (when the scheduler first saw the tenant). Missed slots are not replayed one
 * by one: after downtime only the latest runs, once.
 */
export function dueRun(schedule: TenantSchedule, now: Date, since: Date): DueRun | undefined {
  // rate(…) counts from when the scheduler first saw the tenant, as AWS counts from creation.
  const slot = previousFireTime(schedule.expression, schedule.timeZone, now, since);
  if (slot === undefined || slot < since) return undefined;
  return { tenant: schedule.tenant, slot, period: periodBefore(slot, schedule.timeZone) };
}

/** The month before the local date of `at` in `timeZone`, as YYYY-MM. */
export function periodBefore(at: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone,
    year: "numeric",
    month: "2-digit",
  }).formatToParts(at);
  const year = Number(parts.find((p) => p.type === "year")?.value);
  const month = Number(parts.find((p) => p.type === "month")?.value);
  const previous = new Date(Date.UTC(year, month - 2, 1));
  return previous.toISOString().slice(0, 7);
}

/** What to do with a due run given how fresh its sources are. */
export type FreshnessDecision =
  | { action: "run"; stale: string[] }
  | { action: "wait"; until: Date; stale: string[] }
  | { action: "alert"; stale: string[] };

/**
 * Send when fresh: run when every source covers the period, its latest record no more than
 * `withinDays` before the period's end (or the schedule does not ask); else wait and
 * look again every `retryEveryHours` until `deadlineDays` after the slot; past the deadline, send
 * with the stale sources flagged or alert the owner, as configured.
 */
export function judgeFreshness(
  schedule: TenantSchedule,
  slot: Date,
  now: Date,
  freshness: readonly SourceFreshness[],
): FreshnessDecision {
  const policy = schedule.requireFresh;
  if (policy === undefined)
    return {
      action: "run",
      stale: freshness.filter((f) => f.status !== "fresh").map((f) => f.sourceId),
    };
  const stale = freshness
    .filter((f) => f.ageDays === undefined || f.ageDays > policy.withinDays)
    .map((f) => f.sourceId);
  if (stale.length === 0) return { action: "run", stale };
  const deadline = slot.getTime() + policy.deadlineDays * DAY_MS;
  if (now.getTime() < deadline) {
    const until = Math.min(now.getTime() + policy.retryEveryHours * HOUR_MS, deadline);
    return { action: "wait", until: new Date(until), stale };
  }
  return policy.afterDeadline === "alert-owner"
    ? { action: "alert", stale }
    : { action: "run", stale };
}
