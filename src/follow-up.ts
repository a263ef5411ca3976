import { existsSync } from "node:fs";
import path from "node:path";
import type { TaskWebhookEvent, TaskWebhookEventName } from "./adapters/tasks/webhook.js";
import type { Config } from "./core/config.js";
import { type Problem, problem } from "./core/errors.js";
import { followUpAgenda } from "./core/follow-up/agenda.js";
import type { AppliedChange, FollowUpStore } from "./core/follow-up/ports.js";
import {
  previousPeriod,
  type ReportHistory,
  snapshotOf,
} from "./core/follow-up/since-last-report.js";
import { planTasks, type TaskChange } from "./core/follow-up/tasks.js";
import type { StateStores } from "./core/state-stores.js";
import type { TenantReports } from "./run.js";

// The follow-up step: once the gate has passed, each tenant's findings at or above its
// `tasks.minSeverity` become tasks, planned by the pure core against the tasks on record.

/** What the follow-up step did for one tenant. */
export interface TenantTasks {
  tenant: string;
  /** Each change with the task as it now stands. */
  applied: AppliedChange[];
  /** Tasks still open or in progress after the step. */
  open: number;
}

/**
 * Creates, refreshes, resolves and reopens each tenant's tasks, logging every change as the run
 * `runId`, and keeps the snapshot its next period's "Since last report" compares with.
 */
export async function followUp(
  store: FollowUpStore,
  config: Pick<Config, "tenants">,
  composed: readonly TenantReports[],
  runId: string,
  at: string,
): Promise<TenantTasks[]> {
  const actor = `run:${runId}`;
  const done: TenantTasks[] = [];
  for (const { model, intelligence, reports } of composed) {
    const tenant = model.tenant.id;
    const minSeverity = config.tenants.find((t) => t.id === tenant)?.tasks.minSeverity ?? "high";
    const applied = await store.sync(
      tenant,
      (existing) =>
        planTasks({
          period: intelligence.context.period,
          agenda: followUpAgenda(intelligence),
          findings: intelligence.findings,
          documents: reports,
          minSeverity,
          existing,
        }),
      actor,
      at,
    );
    // A run limited to one report saw only part of the batch: it must not stand for the period.
    if (complete(config, tenant, reports.length))
      await store.saveSnapshot(tenant, snapshotOf(intelligence, reports, runId, at));
    const open = (await store.list(tenant)).filter(
      (t) => t.status === "open" || t.status === "doing",
    ).length;
    done.push({ tenant, applied, open });
  }
  return done;
}

function complete(config: Pick<Config, "tenants">, tenant: string, reports: number): boolean {
  const roles = config.tenants.find((t) => t.id === tenant)?.roles ?? {};
  return reports === Object.keys(roles).length;
}

/**
 * Each tenant's history for `period`'s reports: the previous period's snapshot and the tasks on
 * record, from the given stores or the workspace's state database file. Reading never creates
 * that file: a workspace without one has no history.
 */
export async function readHistories(
  from: string | Pick<StateStores, "followUp" | "annotations">,
  tenants: readonly string[],
  period: string,
): Promise<Map<string, ReportHistory>> {
  if (typeof from !== "string") return await historiesOf(from, tenants, period);
  if (!existsSync(from)) return new Map();
  const { openFollowUpStore } = await import("./adapters/store/follow-up-store.js");
  const { openAnnotationStore } = await import("./adapters/store/session-store.js");
  const followUp = openFollowUpStore(from);
  const annotations = openAnnotationStore(from);
  try {
    return await historiesOf({ followUp, annotations }, tenants, period);
  } finally {
    followUp.close();
    annotations.close();
  }
}

async function historiesOf(
  stores: Pick<StateStores, "followUp" | "annotations">,
  tenants: readonly string[],
  period: string,
): Promise<Map<string, ReportHistory>> {
  const before = previousPeriod(period);
  const histories = new Map<string, ReportHistory>();
  for (const tenant of tenants) {
    const previous = await stores.followUp.snapshot(tenant, before);
    histories.set(tenant, {
      tasks: await stores.followUp.list(tenant),
      annotations: await stores.annotations.list(tenant, { period: before }),
      ...(previous !== undefined ? { previous } : {}),
    });
  }
  return histories;
}

/** The workspace's state database file. */
export function stateFileOf(workspace: string, config: Pick<Config, "stateDir">): string {
  return path.join(workspace, config.stateDir, "state.sqlite");
}

const EVENT_OF: Readonly<Record<TaskChange["kind"], TaskWebhookEventName>> = {
  create: "task.created",
  refresh: "task.refreshed",
  reopen: "task.reopened",
  resolve: "task.resolved-in-data",
};

/** How a tenant's task changes fared at its webhook. */
export interface WebhookReport {
  tenant: string;
  delivered: number;
  /** One line per event that could not be delivered, with why. */
  failures: string[];
}

/**
 * Secrets the configuration names but the environment lacks (a tenant's `tasks.webhook`, the
 * reply tokens of `feedback`): bad configuration, found before a run writes anything.
 */
export function missingSecrets(
  config: Pick<Config, "tenants" | "feedback"> & {
    transport?: Pick<Config["transport"], "driver" | "smtp">;
  },
  env: Readonly<Record<string, string | undefined>>,
): Problem[] {
  const unset = (name: string) => (env[name] ?? "") === "";
  // Without these nodemailer connects without logging in, and the server's refusal comes only
  // after the reports were archived: said here, before anything is written.
  const smtp = config.transport?.driver === "smtp" ? config.transport.smtp : undefined;
  const logins = (["userEnv", "passwordEnv"] as const).flatMap((key) => {
    const name = smtp?.[key];
    if (name === undefined || !unset(name)) return [];
    return [
      problem(
        "exec-intel.yaml",
        undefined,
        `transport.smtp.${key} names ${name}, which is not set`,
        `set ${name} in the environment or the workspace's .env to the SMTP ${key === "userEnv" ? "user" : "password"}`,
      ),
    ];
  });
  const hooks = config.tenants.flatMap((tenant) => {
    const hook = tenant.tasks.webhook;
    if (hook === undefined || !unset(hook.secretEnv)) return [];
    return [
      problem(
        "exec-intel.yaml",
        undefined,
        `tenant ${tenant.id}: tasks.webhook.secretEnv names ${hook.secretEnv}, which is not set`,
        `set ${hook.secretEnv} in the environment or the workspace's .env to the signing secret your board expects`,
      ),
    ];
  });
  const feedback = config.feedback;
  const replies =
    feedback !== undefined && unset(feedback.secretEnv)
      ? [
          problem(
            "exec-intel.yaml",
            undefined,
            `feedback.secretEnv names ${feedback.secretEnv}, which is not set`,
            `set ${feedback.secretEnv} in the environment or the workspace's .env to a long random secret (e.g. openssl rand -hex 32); keep it, or earlier replies stop verifying`,
          ),
        ]
      : [];
  return [...logins, ...hooks, ...replies];
}

/** Posts task changes to each tenant's webhook, when it has one; never throws for a failed post. */
export async function announceTaskChanges(
  config: Pick<Config, "tenants">,
  env: Readonly<Record<string, string | undefined>>,
  changes: readonly { tenant: string; events: TaskWebhookEvent[] }[],
): Promise<WebhookReport[]> {
  const reports: WebhookReport[] = [];
  for (const { tenant, events } of changes) {
    const hook = config.tenants.find((t) => t.id === tenant)?.tasks.webhook;
    const secret = hook === undefined ? undefined : env[hook.secretEnv];
    if (hook === undefined || secret === undefined || secret === "" || events.length === 0)
      continue;
    const { createTaskWebhook } = await import("./adapters/tasks/webhook.js");
    const outcomes = await createTaskWebhook({ ...hook, secret }).post(events);
    reports.push({
      tenant,
      delivered: outcomes.filter((o) => o.status === "delivered").length,
      failures: outcomes
        .filter((o) => o.status === "failed")
        .map(
          (o) =>
            `task ${o.event.task.id} (${o.event.event}) not posted after ${o.attempts} attempt(s): ${o.error ?? "no answer"}`,
        ),
    });
  }
  return reports;
}

/** A run's applied changes as webhook events. */
export function runEvents(tasks: readonly TenantTasks[], runId: string, at: string) {
  return tasks.map((t) => ({
    tenant: t.tenant,
    events: t.applied.map(
      ({ change, task }): TaskWebhookEvent => ({
        event: EVENT_OF[change.kind],
        tenant: t.tenant,
        actor: `run:${runId}`,
        at,
        runId,
        task,
      }),
    ),
  }));
}
