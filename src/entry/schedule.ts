import { hostname } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { acquireRunLock, isAlive } from "../adapters/store/run-lock.js";
import { loadWorkspaceConfig } from "../adapters/workspace/config-file.js";
import { InputError, problem } from "../core/errors.js";
import { nextFireTime } from "../core/schedule/cron.js";
import { tenantSchedules } from "../core/schedule/due.js";
import type { ScheduledRun } from "../core/schedule/ports.js";
import type { SchedulePass } from "../schedule.js";

// `exec-intel schedule`: the local scheduler, in the foreground (for systemd or launchd). Each
// pass runs what is due, then it sleeps until the next slot or retry, waking at least every few
// minutes to pick up config changes. Claims live in the state database, so a restart, a second
// scheduler or catch-up after downtime never runs a period twice.

type Env = Readonly<Record<string, string | undefined>>;

/** A pass at least this often: the config is re-read, and a changed schedule applies. */
const MAX_SLEEP_MS = 5 * 60_000;

/** How the scheduler was started. */
export interface SchedulerOptions {
  workspace: string;
  env: Env;
  now: () => Date;
  toolVersion: string;
  /** One pass, then return (a systemd timer or cron may call it instead of the loop). */
  once: boolean;
  log: (line: string) => void;
  /** Stops the loop between passes (Ctrl-C, SIGTERM); a run in progress finishes first. */
  signal: AbortSignal;
}

/** Runs the scheduler until stopped (or one pass with `once`); returns every pass's outcome. */
export async function runScheduler(options: SchedulerOptions): Promise<SchedulePass[]> {
  const config = await loadWorkspaceConfig(options.workspace, options.env);
  if (tenantSchedules(config).length === 0) throw noSchedule();
  const { openScheduleStore } = await import("../adapters/store/schedule-store.js");
  const { runDueSchedules } = await import("../schedule.js");
  const stateDir = path.join(options.workspace, config.stateDir);
  const store = openScheduleStore(path.join(stateDir, "state.sqlite"));
  const host = hostname();
  const passes: SchedulePass[] = [];
  try {
    while (!options.signal.aborted) {
      const pass = await runDueSchedules({
        workspace: options.workspace,
        env: options.env,
        now: options.now,
        toolVersion: options.toolVersion,
        owner: `${host}:${process.pid}`,
        ownerGone: (owner) => ownerGoneOn(host, owner),
        scheduleStore: store,
        lock: () => acquireRunLock(stateDir),
        log: options.log,
      });
      passes.push(pass);
      if (options.once) break;
      const now = options.now().getTime();
      const wake = pass.nextWake?.getTime() ?? now + MAX_SLEEP_MS;
      const ms = Math.min(Math.max(wake - now, 1_000), MAX_SLEEP_MS);
      if (pass.nextWake !== undefined && wake - now <= MAX_SLEEP_MS)
        options.log(`next: ${pass.nextWake.toISOString()}`);
      await sleep(ms, undefined, { signal: options.signal }).catch(() => undefined);
    }
  } finally {
    store.close();
  }
  return passes;
}

/** A claim's owner on this host whose process is gone: its claim may be taken over at once. */
function ownerGoneOn(host: string, owner: string): boolean {
  const at = owner.lastIndexOf(":");
  const pid = Number(owner.slice(at + 1));
  return (
    owner.slice(0, at) === host && Number.isInteger(pid) && pid !== process.pid && !isAlive(pid)
  );
}

/** Each scheduled tenant's next slot and its scheduled runs, newest period first. */
export async function scheduleStatus(
  workspace: string,
  env: Env,
  now: Date,
): Promise<
  { tenant: string; schedule: string; timeZone: string; next?: string; runs: ScheduledRun[] }[]
> {
  const config = await loadWorkspaceConfig(workspace, env);
  const schedules = tenantSchedules(config);
  if (schedules.length === 0) throw noSchedule();
  const { existsSync } = await import("node:fs");
  const file = path.join(workspace, config.stateDir, "state.sqlite");
  const { openScheduleStore } = await import("../adapters/store/schedule-store.js");
  // Reading must not create the state database.
  const store = existsSync(file) ? openScheduleStore(file) : undefined;
  try {
    return schedules.map((schedule) => {
      const next = nextFireTime(schedule.expression, schedule.timeZone, now);
      return {
        tenant: schedule.tenant,
        schedule: schedule.source,
        timeZone: schedule.timeZone,
        ...(next !== undefined ? { next: next.toISOString() } : {}),
        runs: store?.list(schedule.tenant) ?? [],
      };
    });
  } finally {
    store?.close();
  }
}

function noSchedule(): InputError {
  return new InputError([
    problem(
      "exec-intel.yaml",
      undefined,
      "no tenant has a schedule",
      "add one for every tenant, e.g. schedule: { cron: cron(0 8 1 * ? *), timezone: Europe/London }, or under a tenant for that tenant alone",
    ),
  ]);
}

/** The status as text: per tenant, its schedule and next slot, then its runs. */
export function formatScheduleStatus(status: Awaited<ReturnType<typeof scheduleStatus>>): string {
  const lines = status.flatMap((tenant) => [
    `${tenant.tenant}: ${tenant.schedule} in ${tenant.timeZone}; next ${tenant.next ?? "— (the schedule has ended)"}`,
    ...(tenant.runs.length === 0
      ? ["  no scheduled run yet"]
      : tenant.runs.map(
          (run) =>
            `  ${run.period}  ${run.state.padEnd(7)}  attempts ${run.attempts}${run.nextAttemptAt !== null ? `, next try ${run.nextAttemptAt}` : ""}  ${run.detail}`,
        )),
  ]);
  return `${lines.join("\n")}\n`;
}
