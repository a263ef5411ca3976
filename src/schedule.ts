import path from "node:path";
import type { Config } from "./core/config.js";
import { InputError } from "./core/errors.js";
import { nextFireTime } from "./core/schedule/cron.js";
import {
  type DueRun,
  type FreshnessDecision,
  judgeFreshness,
  type TenantSchedule,
  tenantSchedules,
} from "./core/schedule/due.js";
import type { ScheduleOutcome, ScheduleStore } from "./core/schedule/ports.js";
import type { StateStores } from "./core/state-stores.js";
import type { ExecuteRunRequest } from "./execute-run.js";
import { newRunId } from "./run-id.js";

// The scheduler's side effects: claim a due (tenant, period), check that its data is fresh,
// run the pipeline for it, and settle the claim. The local `exec-intel schedule` loop and the
// Lambda worker both go through `runScheduledPeriod`, so a restart, a second scheduler or a
// redelivered queue message all meet the same claim and never start a period twice.

type Env = Readonly<Record<string, string | undefined>>;

const MINUTE_MS = 60_000;
/** How long a claim stands without a heartbeat: long enough for the slowest run's longest step. */
export const LEASE_MS = 15 * MINUTE_MS;
/** When messages stayed pending (transient failures), the next attempt. */
const RETRY_UNSENT_MS = 60 * MINUTE_MS;
/** When the run failed on bad data or a bug: look again, so a fix is picked up by itself. */
const RETRY_FAILED_MS = 60 * MINUTE_MS;
/** When another process held the workspace's delivery lock. */
const RETRY_LOCKED_MS = 5 * MINUTE_MS;

/** What a scheduled period came to. */
export interface ScheduledOutcome {
  tenant: string;
  period: string;
  /** done/waiting/stopped: as settled in the store; held: someone else has it, or it is settled. */
  result: "done" | "waiting" | "stopped" | "held";
  detail: string;
  runId?: string;
  nextAttemptAt?: string;
}

/** What one scheduled period needs. */
export interface ScheduledPeriodRequest {
  workspace: string;
  env: Env;
  now: () => Date;
  toolVersion: string;
  schedule: TenantSchedule;
  due: DueRun;
  /** Who claims: `<host>:<pid>` locally, `lambda:<request id>` on AWS. */
  owner: string;
  /** Whether a claim's owner died (locally: a pid on this host that no longer runs). */
  ownerGone?: (owner: string) => boolean;
  scheduleStore: ScheduleStore;
  /**
   * Locally, the workspace's run lock (throws RunLockedError when another process holds it),
   * taken before the claim: a second scheduler then passes over a period another process is
   * running, instead of claiming it and failing at delivery after writing an archive.
   */
  lock?: () => () => void;
  /** The stores the run records in (DynamoDB on AWS); the workspace's SQLite file otherwise. */
  stores?: ExecuteRunRequest["stores"];
  log: (line: string) => void;
  /** Every audit-log line too (on Lambda: CloudWatch, since /tmp goes with the container). */
  echoLog?: (line: string) => void;
}

/** Raised from the run's request check to stop a run before anything is written. */
class NotFreshError extends Error {
  override readonly name = "NotFreshError";
  constructor(readonly decision: Exclude<FreshnessDecision, { action: "run" }>) {
    super(`sources not fresh: ${decision.stale.join(", ")}`);
  }
}

/** Claims the period, checks freshness, runs the pipeline for the tenant and settles the claim. */
export async function runScheduledPeriod(
  request: ScheduledPeriodRequest,
): Promise<ScheduledOutcome> {
  const { tenant, period } = request.due;
  let release: (() => void) | undefined;
  try {
    release = request.lock?.();
  } catch (error) {
    if (!(error instanceof Error && error.name === "RunLockedError")) throw error;
    return {
      tenant,
      period,
      result: "held",
      detail: "another exec-intel run is using the workspace",
    };
  }
  try {
    return await claimAndRun(request);
  } finally {
    release?.();
  }
}

async function claimAndRun(request: ScheduledPeriodRequest): Promise<ScheduledOutcome> {
  const { tenant, period } = request.due;
  const store = request.scheduleStore;
  const started = request.now();
  const claimed = await store.claim(
    {
      tenant,
      period,
      slot: request.due.slot.toISOString(),
      owner: request.owner,
      now: started.toISOString(),
      leaseUntil: new Date(started.getTime() + LEASE_MS).toISOString(),
    },
    request.ownerGone,
  );
  if (claimed === undefined) {
    const existing = await store.find(tenant, period);
    return {
      tenant,
      period,
      result: "held",
      detail:
        existing === undefined
          ? "claimed by another scheduler"
          : `${existing.state} (${existing.owner}): ${existing.detail}`,
    };
  }
  // The lease is renewed while the run goes on; a crashed owner's claim lapses by itself.
  const heartbeat = setInterval(() => {
    const leaseUntil = new Date(request.now().getTime() + LEASE_MS).toISOString();
    Promise.resolve(store.renew(tenant, period, request.owner, leaseUntil)).catch(() => undefined);
  }, LEASE_MS / 3);
  heartbeat.unref();
  // The deadline counts from the slot that first made the period due, not from this attempt.
  const slot = new Date(claimed.slot);
  const settle = async (outcome: ScheduleOutcome, runId?: string): Promise<ScheduledOutcome> => {
    await store.settle(tenant, period, request.owner, outcome, request.now().toISOString());
    request.log(`${tenant} ${period}: ${outcome.state}: ${outcome.detail}`);
    return {
      tenant,
      period,
      result: outcome.state,
      detail: outcome.detail,
      ...(runId !== undefined ? { runId } : {}),
      ...(outcome.nextAttemptAt !== undefined ? { nextAttemptAt: outcome.nextAttemptAt } : {}),
    };
  };
  const later = (ms: number) => new Date(request.now().getTime() + ms).toISOString();
  const runId = newRunId(request.now());
  let stale: string[] = [];
  try {
    const { executeRun } = await import("./execute-run.js");
    const run = await executeRun({
      workspace: request.workspace,
      env: request.env,
      now: request.now,
      runId,
      toolVersion: request.toolVersion,
      period,
      tenant,
      dryRun: false,
      resend: false,
      deliveryNote: (line) => request.log(`${tenant} ${period}: ${line}`),
      checkRequest: (collected) => {
        const model = collected.models.find((m) => m.tenant.id === tenant);
        const decision = judgeFreshness(
          request.schedule,
          slot,
          request.now(),
          model?.freshness ?? [],
        );
        // Named with what they hold, so the owner knows which export is behind.
        stale = decision.stale.map((id) => {
          const asOf = model?.freshness.find((f) => f.sourceId === id)?.asOf;
          return asOf === undefined ? `${id} (no records)` : `${id} (latest ${asOf})`;
        });
        if (decision.action !== "run") throw new NotFreshError({ ...decision, stale });
      },
      judgeGate: async (gated) => gated.ok,
      ...(request.echoLog !== undefined ? { echoLog: request.echoLog } : {}),
      ...(request.stores !== undefined ? { stores: request.stores } : {}),
    });
    if (!run.passed)
      return await settle(
        {
          state: "stopped",
          detail: `the validation gate blocked the reports; see why with: exec-intel run --tenant ${tenant} --period ${period} --dry-run`,
        },
        runId,
      );
    const deliveries = run.deliveries?.deliveries ?? [];
    const unsent = deliveries.filter((d) => d.status === "pending" || d.status === "uncertain");
    const sent = deliveries.filter((d) => d.sentNow).length;
    const flagged =
      stale.length > 0 ? `; sent with stale sources flagged: ${stale.join(", ")}` : "";
    if (unsent.length > 0)
      return await settle(
        {
          state: "waiting",
          detail: `sent ${sent}, ${unsent.length} not sent yet (${run.deliveries?.stopped?.code ?? "transient failures"})${flagged}`,
          nextAttemptAt: later(RETRY_UNSENT_MS),
        },
        runId,
      );
    const failed = deliveries.filter((d) => d.status === "failed").length;
    return await settle(
      {
        state: "done",
        detail: `sent ${sent} message(s)${failed > 0 ? `, ${failed} failed for good` : ""}${flagged}`,
      },
      runId,
    );
  } catch (error) {
    if (error instanceof NotFreshError) {
      const { decision } = error;
      if (decision.action === "wait")
        return await settle({
          state: "waiting",
          detail: `waiting for fresh data from ${decision.stale.join(", ")}`,
          nextAttemptAt: decision.until.toISOString(),
        });
      const alerted = await alertOwners(request, decision.stale);
      return await settle({
        state: "stopped",
        detail: `deadline passed with stale sources (${decision.stale.join(", ")}); nothing sent; alerted ${alerted.join(", ") || "nobody (no owner address)"}`,
      });
    }
    if (error instanceof Error && error.name === "RunLockedError")
      return await settle({
        state: "waiting",
        detail: "another exec-intel run was delivering from this workspace",
        nextAttemptAt: later(RETRY_LOCKED_MS),
      });
    const reason =
      error instanceof InputError
        ? `bad input: ${error.problems.map((p) => p.message).join("; ")}`
        : `failed: ${error instanceof Error ? error.message : String(error)}`;
    return await settle({
      state: "waiting",
      detail: reason,
      nextAttemptAt: later(RETRY_FAILED_MS),
    });
  } finally {
    clearInterval(heartbeat);
  }
}

/** Emails the tenant's owners (the recipients of its full-access roles) that nothing was sent. */
async function alertOwners(request: ScheduledPeriodRequest, stale: string[]): Promise<string[]> {
  const { loadWorkspaceConfig } = await import("./adapters/workspace/config-file.js");
  const config = await loadWorkspaceConfig(request.workspace, request.env);
  const owners = ownersOf(config, request.due.tenant);
  const { sendNotice } = await import("./deliver.js");
  for (const to of owners) {
    await sendNotice(config, path.join(request.workspace, config.stateDir), request.env, {
      tenant: request.due.tenant,
      kind: "schedule",
      name: `alert-${request.due.period}`,
      to,
      subject: `exec-intel: the ${request.due.period} reports were not sent (stale data)`,
      text: [
        `The scheduled ${request.due.period} reports of ${request.due.tenant} were not sent: these sources still do not cover the month after the deadline:`,
        "",
        ...stale.map((s) => `  - ${s}`),
        "",
        `Update them, then send by hand: exec-intel run --tenant ${request.due.tenant} --period ${request.due.period}`,
        "",
      ].join("\n"),
      now: request.now(),
    });
  }
  return owners;
}

/** Email addresses of the tenant's owners: the recipients of its dashboard full-access roles. */
function ownersOf(config: Config, tenant: string): string[] {
  const found = config.tenants.find((t) => t.id === tenant);
  if (found === undefined) return [];
  const emails = found.dashboard.fullAccess.flatMap(
    (role) => found.roles[role]?.recipients.map((r) => r.email) ?? [],
  );
  return [...new Set(emails)];
}

/** One pass of the local scheduler over a workspace. */
export interface SchedulePassRequest {
  workspace: string;
  env: Env;
  now: () => Date;
  toolVersion: string;
  owner: string;
  ownerGone?: (owner: string) => boolean;
  scheduleStore: ScheduleStore;
  lock?: () => () => void;
  stores?: Omit<StateStores, "close" | "schedule">;
  log: (line: string) => void;
}

/** What a pass did, and when the next one is worth making. */
export interface SchedulePass {
  outcomes: ScheduledOutcome[];
  nextWake: Date | undefined;
  /** Tenants that have a schedule. */
  scheduled: number;
}

/**
 * Runs every period that is due now, once: for each tenant with a schedule, the latest slot at
 * or before now (after the tenant was first seen) names a period; settled periods are skipped.
 * The config is read afresh each pass, so an edit applies without a restart.
 */
export async function runDueSchedules(request: SchedulePassRequest): Promise<SchedulePass> {
  const { loadWorkspaceConfig } = await import("./adapters/workspace/config-file.js");
  const config = await loadWorkspaceConfig(request.workspace, request.env);
  const schedules = tenantSchedules(config);
  const outcomes: ScheduledOutcome[] = [];
  const wakes: Date[] = [];
  const { dueRun } = await import("./core/schedule/due.js");
  for (const schedule of schedules) {
    const now = request.now();
    const since = new Date(await request.scheduleStore.since(schedule.tenant, now.toISOString()));
    const due = dueRun(schedule, now, since);
    if (due !== undefined) {
      const existing = await request.scheduleStore.find(due.tenant, due.period);
      const settled = existing?.state === "done" || existing?.state === "stopped";
      const notYet =
        existing?.state === "waiting" &&
        existing.nextAttemptAt !== null &&
        existing.nextAttemptAt > now.toISOString();
      if (!settled && !notYet) {
        outcomes.push(await runScheduledPeriod({ ...request, schedule, due }));
      }
      const after = await request.scheduleStore.find(due.tenant, due.period);
      if (after?.state === "waiting" && after.nextAttemptAt !== null)
        wakes.push(new Date(after.nextAttemptAt));
      if (after?.state === "running") wakes.push(new Date(after.leaseUntil));
    }
    const next = nextFireTime(schedule.expression, schedule.timeZone, request.now(), since);
    if (next !== undefined) wakes.push(next);
  }
  const nextWake = wakes.reduce<Date | undefined>(
    (earliest, wake) => (earliest === undefined || wake < earliest ? wake : earliest),
    undefined,
  );
  return { outcomes, nextWake, scheduled: schedules.length };
}
