import type { Synchronous } from "../../core/awaitable.js";
import { claimable } from "../../core/schedule/claims.js";
import type {
  ScheduleClaim,
  ScheduledRun,
  ScheduledRunState,
  ScheduleStore,
} from "../../core/schedule/ports.js";
import { openStateDatabase } from "./state-database.js";

// The scheduler's claims in the workspace's state database. A claim is read and replaced in one
// IMMEDIATE transaction, so two scheduler processes sharing the file serialise on the write lock
// and only one of them sees the period as claimable.

interface StoredRun {
  tenant: string;
  period: string;
  slot: string;
  state: ScheduledRunState;
  owner: string;
  lease_until: string;
  attempts: number;
  next_attempt_at: string | null;
  detail: string;
  updated_at: string;
}

/** Opens the schedule store in the state database at `file`. */
export function openScheduleStore(file: string): Synchronous<ScheduleStore> {
  const db = openStateDatabase(file);
  const mark = db.prepare(
    "INSERT INTO schedule_marks (tenant, since) VALUES (?, ?) ON CONFLICT DO NOTHING",
  );
  const markOf = db.prepare<[string], { since: string }>(
    "SELECT since FROM schedule_marks WHERE tenant = ?",
  );
  const one = db.prepare<[string, string], StoredRun>(
    "SELECT * FROM scheduled_runs WHERE tenant = ? AND period = ?",
  );
  const all = db.prepare<[string], StoredRun>(
    "SELECT * FROM scheduled_runs WHERE tenant = ? ORDER BY period DESC",
  );
  const upsert = db.prepare(
    `INSERT INTO scheduled_runs
       (tenant, period, slot, state, owner, lease_until, attempts, next_attempt_at, detail, updated_at)
     VALUES (@tenant, @period, @slot, 'running', @owner, @leaseUntil, 1, NULL, 'claimed', @now)
     ON CONFLICT (tenant, period) DO UPDATE SET
       state = 'running', owner = @owner, lease_until = @leaseUntil,
       attempts = attempts + 1, next_attempt_at = NULL, detail = 'claimed', updated_at = @now`,
  );
  const renewLease = db.prepare(
    `UPDATE scheduled_runs SET lease_until = ?
     WHERE tenant = ? AND period = ? AND owner = ? AND state = 'running'`,
  );
  const settleRun = db.prepare(
    `UPDATE scheduled_runs SET state = @state, detail = @detail, next_attempt_at = @next,
       updated_at = @now
     WHERE tenant = @tenant AND period = @period AND owner = @owner AND state = 'running'`,
  );

  const claim = db.transaction(
    (request: ScheduleClaim, ownerGone?: (owner: string) => boolean): ScheduledRun | undefined => {
      const before = one.get(request.tenant, request.period);
      if (before !== undefined && !claimable(toRun(before), request.now, ownerGone))
        return undefined;
      upsert.run(request);
      const after = one.get(request.tenant, request.period);
      return after === undefined ? undefined : toRun(after);
    },
  );

  return {
    since: (tenant, now) => {
      mark.run(tenant, now);
      return markOf.get(tenant)?.since ?? now;
    },
    claim: (request, ownerGone) => claim.immediate(request, ownerGone),
    renew: (tenant, period, owner, leaseUntil) =>
      renewLease.run(leaseUntil, tenant, period, owner).changes === 1,
    settle: (tenant, period, owner, outcome, now) => {
      if (outcome.state === "waiting" && outcome.nextAttemptAt === undefined)
        throw new Error("a waiting run needs the time of its next attempt");
      return (
        settleRun.run({
          tenant,
          period,
          owner,
          state: outcome.state,
          detail: outcome.detail,
          next: outcome.nextAttemptAt ?? null,
          now,
        }).changes === 1
      );
    },
    find: (tenant, period) => {
      const row = one.get(tenant, period);
      return row === undefined ? undefined : toRun(row);
    },
    list: (tenant) => all.all(tenant).map(toRun),
    close: () => db.close(),
  };
}

function toRun(row: StoredRun): ScheduledRun {
  return {
    tenant: row.tenant,
    period: row.period,
    slot: row.slot,
    state: row.state,
    owner: row.owner,
    leaseUntil: row.lease_until,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    detail: row.detail,
    updatedAt: row.updated_at,
  };
}
