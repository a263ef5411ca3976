import type { Config } from "./core/config.js";
import { followUpAgenda } from "./core/follow-up/agenda.js";
import type { AppliedChange, TaskStore } from "./core/follow-up/ports.js";
import { planTasks } from "./core/follow-up/tasks.js";
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

/** Creates, refreshes, resolves and reopens each tenant's tasks; logs every change as `actor`. */
export function followUp(
  store: TaskStore,
  config: Pick<Config, "tenants">,
  composed: readonly TenantReports[],
  actor: string,
  at: string,
): TenantTasks[] {
  return composed.map(({ model, intelligence, reports }) => {
    const tenant = model.tenant.id;
    const minSeverity = config.tenants.find((t) => t.id === tenant)?.tasks.minSeverity ?? "high";
    const applied = store.sync(
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
    const open = store
      .list(tenant)
      .filter((t) => t.status === "open" || t.status === "doing").length;
    return { tenant, applied, open };
  });
}
