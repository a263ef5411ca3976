import { existsSync } from "node:fs";
import path from "node:path";
import { loadWorkspaceConfig } from "../adapters/workspace/config-file.js";
import type { RunManifest } from "../core/archive/manifest.js";
import type { Config } from "../core/config.js";
import { InputError, problem } from "../core/errors.js";
import type { FollowUpStore, PersonStatus, TaskEvent } from "../core/follow-up/ports.js";
import { PERSON_STATUSES, TASK_STATUSES, type Task } from "../core/follow-up/tasks.js";
import { announceTaskChanges } from "../follow-up.js";

// `exec-intel tasks` lists the follow-up tasks runs made from findings; `exec-intel task ID`
// shows one with its change log, and `--status` moves it (logged with the actor and time).

type Env = Readonly<Record<string, string | undefined>>;

async function withTasks<T>(
  workspace: string,
  env: Env,
  use: (store: FollowUpStore | undefined, config: Config) => Promise<T>,
): Promise<T> {
  const config = await loadWorkspaceConfig(workspace, env);
  const file = path.join(workspace, config.stateDir, "state.sqlite");
  // Reading must not create the state database: no run yet means no task yet.
  if (!existsSync(file)) return await use(undefined, config);
  const { openFollowUpStore } = await import("../adapters/store/follow-up-store.js");
  const store = openFollowUpStore(file);
  try {
    return await use(store, config);
  } finally {
    store.close();
  }
}

/** The tenants a command covers: the one named, else every configured tenant. */
function tenantsOf(config: Config, tenant: string | undefined): string[] {
  if (tenant === undefined) return config.tenants.map((t) => t.id);
  if (!config.tenants.some((t) => t.id === tenant))
    throw new InputError([
      problem(
        "exec-intel.yaml",
        undefined,
        `no tenant "${tenant}"`,
        `use one of: ${config.tenants.map((t) => t.id).join(", ")}`,
      ),
    ]);
  return [tenant];
}

/** Tasks of the workspace, filtered by tenant, status and owner role. */
export function listTasks(
  workspace: string,
  env: Env,
  filter: { tenant?: string; status?: string; owner?: string },
): Promise<Task[]> {
  if (filter.status !== undefined && !(TASK_STATUSES as readonly string[]).includes(filter.status))
    throw new InputError([
      problem(
        "--status",
        undefined,
        `unknown status "${filter.status}"`,
        `use one of: ${TASK_STATUSES.join(", ")}`,
      ),
    ]);
  return withTasks(workspace, env, async (store, config) => {
    const tasks: Task[] = [];
    for (const tenant of tenantsOf(config, filter.tenant))
      tasks.push(...((await store?.list(tenant)) ?? []));
    return tasks.filter(
      (t) =>
        (filter.status === undefined || t.status === filter.status) &&
        (filter.owner === undefined || t.owner === filter.owner),
    );
  });
}

/** Tasks as a table: id, status, severity, due date, owner and title. */
export function formatTaskList(tasks: readonly Task[]): string {
  if (tasks.length === 0) return "no tasks (a run that passes the gate makes them from findings)\n";
  const rows = tasks.map((t) => [
    `${t.tenant}/${t.id}`,
    t.status,
    t.severity,
    t.due,
    t.owner,
    t.title,
  ]);
  const header = ["task", "status", "severity", "due", "owner", "title"];
  const widths = header.map((h, i) =>
    i === header.length - 1 ? 0 : Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return `${[line(header), ...rows.map(line)].join("\n")}\n`;
}

/** Splits `portfolio/T-3` into tenant and id; a bare `T-3` takes `--tenant` or the only tenant. */
function taskRef(config: Config, ref: string, tenant: string | undefined) {
  const [named, id] = ref.includes("/") ? ref.split("/", 2) : [tenant, ref];
  if (named === undefined) {
    if (config.tenants.length === 1 && config.tenants[0] !== undefined)
      return { tenant: config.tenants[0].id, id: ref };
    throw new InputError([
      problem(
        ref,
        undefined,
        "this workspace has several tenants",
        `name the tenant: exec-intel task ${config.tenants[0]?.id ?? "TENANT"}/${ref}, or --tenant`,
      ),
    ]);
  }
  return { tenant: tenantsOf(config, named)[0] ?? named, id: id ?? ref };
}

/** One task with its change log; with `status`, moves it first (as `by`). */
export async function showTask(
  workspace: string,
  env: Env,
  request: {
    ref: string;
    tenant?: string;
    status?: string;
    by?: string;
    note?: string;
    now: () => Date;
  },
): Promise<{
  task: Task;
  events: TaskEvent[];
  webhookFailures: string[];
  links: TaskLinks;
}> {
  if (
    request.status !== undefined &&
    !(PERSON_STATUSES as readonly string[]).includes(request.status)
  )
    throw new InputError([
      problem(
        "--status",
        undefined,
        `"${request.status}" is not a status a person sets`,
        `use one of: ${PERSON_STATUSES.join(", ")} (runs set resolved-in-data)`,
      ),
    ]);
  const actor = request.by ?? env.EXEC_INTEL_ACTOR ?? env.USER ?? "cli";
  const at = request.now().toISOString();
  const shown = await withTasks(workspace, env, async (store, config) => {
    const { tenant, id } = taskRef(config, request.ref, request.tenant);
    const before = await store?.find(tenant, id);
    const found =
      request.status !== undefined
        ? await store?.setStatus(
            tenant,
            id,
            request.status as PersonStatus,
            actor,
            at,
            request.note,
          )
        : before;
    if (store === undefined || found === undefined)
      throw new InputError([
        problem(
          request.ref,
          undefined,
          `tenant ${tenant} has no task ${id}`,
          "list the tasks with: exec-intel tasks",
        ),
      ]);
    return {
      config,
      tenant,
      moved: before !== undefined && before.status !== found.status,
      task: found,
      events: await store.events(tenant, found.id),
    };
  });
  const { config, tenant, moved, task, events } = shown;
  // The user's board hears of a person's change as it hears of a run's.
  const [hook] = moved
    ? await announceTaskChanges(config, env, [
        { tenant, events: [{ event: "task.status", tenant, actor, at, task }] },
      ])
    : [];
  return {
    task,
    events,
    webhookFailures: hook?.failures ?? [],
    links: await linksOf(workspace, env, config, task),
  };
}

/** Where a task's section can be read: on the dashboard, and in the archive as emailed. */
export interface TaskLinks {
  /** Path on the dashboard (`exec-intel serve`). */
  dashboard: string;
  /** The archived HTML of the newest run that kept the report, with the section anchor. */
  archive?: string;
}

async function linksOf(
  workspace: string,
  env: Env,
  config: Config,
  task: Task,
): Promise<TaskLinks> {
  const [tenant, period, role] = task.report.split("/");
  const dashboard = `/t/${tenant}/r/${period}/${role}#${task.section}`;
  const { openRunHistory } = await import("../adapters/store/run-history.js");
  const { openArchive } = await import("../archive.js");
  const history = openRunHistory(path.join(workspace, config.stateDir, "state.sqlite"));
  try {
    const archive = await openArchive(config, workspace, env);
    for (const run of await history.list(500)) {
      for (const ref of run.manifests.filter((m) => m.tenant === task.tenant)) {
        const bytes = await archive.get(ref.key);
        if (bytes === undefined) continue;
        const manifest = JSON.parse(Buffer.from(bytes).toString("utf8")) as RunManifest;
        const html = manifest.objects.find((o) => o.report === task.report && o.format === "html");
        if (html !== undefined)
          return { dashboard, archive: `${archive.uri(html.key)}#${task.section}` };
      }
    }
    return { dashboard };
  } finally {
    history.close();
  }
}

/** A task and its log as text. */
export function formatTask({
  task,
  events,
  links,
}: {
  task: Task;
  events: readonly TaskEvent[];
  links?: TaskLinks;
}): string {
  const lines = [
    `${task.tenant}/${task.id} ${task.status}: ${task.title}`,
    `  severity ${task.severity}, owner ${task.owner}, due ${task.due}${task.entity !== undefined ? `, entity ${task.entity}` : ""}`,
    `  action: ${task.action}`,
    `  shown in ${task.report}#${task.section}; finding ${task.fingerprint}`,
    ...(links !== undefined
      ? [
          `  dashboard: ${links.dashboard}`,
          ...(links.archive !== undefined ? [`  archived: ${links.archive}`] : []),
        ]
      : []),
    `  first seen ${task.firstPeriod}, last seen ${task.lastPeriod}`,
    "log:",
    ...events.map(
      (e) =>
        `  ${e.at}  ${e.actor}  ${e.action}${e.from !== null ? ` ${e.from} →` : ""} ${e.to}${e.detail !== "" ? ` (${e.detail})` : ""}`,
    ),
  ];
  return `${lines.join("\n")}\n`;
}
