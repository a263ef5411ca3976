import type { Synchronous } from "../../core/awaitable.js";
import type {
  AppliedChange,
  FollowUpStore,
  PersonStatus,
  TaskAction,
  TaskEvent,
} from "../../core/follow-up/ports.js";
import type { PeriodSnapshot } from "../../core/follow-up/since-last-report.js";
import {
  describeRefresh,
  type Task,
  type TaskChange,
  type TaskContent,
  type TaskStatus,
} from "../../core/follow-up/tasks.js";
import { openStateDatabase } from "./state-database.js";

// Tasks and period snapshots in the workspace's state database. A task's id is `T-<n>`, numbered per tenant; its
// content is the JSON the latest run wrote. Every write happens in an IMMEDIATE transaction
// together with its event, so the log and the tasks cannot disagree.

interface StoredTask {
  tenant: string;
  number: number;
  fingerprint: string;
  status: TaskStatus;
  content: string;
  first_period: string;
  updated_at: string;
}

interface StoredEvent {
  seq: number;
  tenant: string;
  number: number;
  at: string;
  actor: string;
  action: TaskAction;
  from_status: TaskStatus | null;
  to_status: TaskStatus;
  detail: string;
}

/** Opens the follow-up store (tasks and period snapshots) in the workspace's state database (`state.sqlite`). */
export function openFollowUpStore(file: string): Synchronous<FollowUpStore> {
  const db = openStateDatabase(file);
  const all = db.prepare<{ tenant: string }, StoredTask>(
    "SELECT * FROM tasks WHERE tenant = @tenant ORDER BY number",
  );
  const one = db.prepare<{ tenant: string; number: number }, StoredTask>(
    "SELECT * FROM tasks WHERE tenant = @tenant AND number = @number",
  );
  const next = db.prepare<{ tenant: string }, { next: number }>(
    "SELECT COALESCE(MAX(number), 0) + 1 AS next FROM tasks WHERE tenant = @tenant",
  );
  const insert = db.prepare(
    `INSERT INTO tasks (tenant, number, fingerprint, status, content, first_period, updated_at)
     VALUES (@tenant, @number, @fingerprint, 'open', @content, @period, @at)`,
  );
  const update = db.prepare(
    `UPDATE tasks SET status = @status, content = COALESCE(@content, content), updated_at = @at
     WHERE tenant = @tenant AND number = @number`,
  );
  const log = db.prepare(
    `INSERT INTO task_events (tenant, number, at, actor, action, from_status, to_status, detail)
     VALUES (@tenant, @number, @at, @actor, @action, @from, @to, @detail)`,
  );
  const eventsOfTenant = db.prepare<{ tenant: string }, StoredEvent>(
    "SELECT * FROM task_events WHERE tenant = @tenant ORDER BY seq",
  );
  const putSnapshot = db.prepare(
    `INSERT INTO period_snapshots (tenant, period, run_id, recorded_at, snapshot)
     VALUES (@tenant, @period, @runId, @recordedAt, @snapshot)
     ON CONFLICT (tenant, period) DO UPDATE SET run_id = excluded.run_id,
       recorded_at = excluded.recorded_at, snapshot = excluded.snapshot`,
  );
  const getSnapshot = db.prepare<{ tenant: string; period: string }, { snapshot: string }>(
    "SELECT snapshot FROM period_snapshots WHERE tenant = @tenant AND period = @period",
  );
  const allSnapshots = db.prepare<{ tenant: string }, { snapshot: string }>(
    "SELECT snapshot FROM period_snapshots WHERE tenant = @tenant ORDER BY period",
  );
  const stamp = db.prepare<{ tenant: string }, { stamp: string | null }>(
    `SELECT group_concat(period || ':' || run_id, ',') AS stamp
     FROM (SELECT period, run_id FROM period_snapshots WHERE tenant = @tenant ORDER BY period)`,
  );
  const eventsOfTask = db.prepare<{ tenant: string; number: number }, StoredEvent>(
    "SELECT * FROM task_events WHERE tenant = @tenant AND number = @number ORDER BY seq",
  );

  const find = (tenant: string, id: string): Task | undefined => {
    const number = numberOf(id);
    if (number === undefined) return undefined;
    const row = one.get({ tenant, number });
    return row === undefined ? undefined : toTask(row);
  };

  const write = (
    tenant: string,
    number: number,
    change: { status: TaskStatus; content?: TaskContent; from: TaskStatus | null },
    event: { actor: string; action: TaskAction; at: string; detail: string },
  ) => {
    update.run({
      tenant,
      number,
      status: change.status,
      content: change.content !== undefined ? JSON.stringify(change.content) : null,
      at: event.at,
    });
    log.run({ tenant, number, ...event, from: change.from, to: change.status });
  };

  const sync: Synchronous<FollowUpStore>["sync"] = (tenant, plan, actor, at) =>
    db
      .transaction(() => {
        const existing = all.all({ tenant }).map(toTask);
        const changes = plan(existing);
        const byId = new Map(existing.map((t) => [t.id, t]));
        const applied: AppliedChange[] = [];
        const record = (change: TaskChange, number: number) => {
          const row = one.get({ tenant, number });
          if (row !== undefined) applied.push({ change, task: toTask(row) });
        };
        for (const change of changes) {
          if (change.kind === "create") {
            const number = next.get({ tenant })?.next ?? 1;
            insert.run({
              tenant,
              number,
              fingerprint: change.content.fingerprint,
              content: JSON.stringify(change.content),
              period: change.content.lastPeriod,
              at,
            });
            log.run({
              tenant,
              number,
              at,
              actor,
              action: "created",
              from: null,
              to: "open",
              detail: `${change.content.severity}: ${change.content.title}`,
            });
            record(change, number);
            continue;
          }
          const task = byId.get(change.id);
          const number = numberOf(change.id);
          if (task === undefined || number === undefined)
            throw new Error(`task plan names ${change.id}, which ${tenant} does not have`);
          if (change.kind === "refresh") {
            write(
              tenant,
              number,
              { status: task.status, content: change.content, from: task.status },
              { actor, action: "refreshed", at, detail: describeRefresh(task, change.content) },
            );
          } else if (change.kind === "reopen") {
            write(
              tenant,
              number,
              { status: "open", content: change.content, from: task.status },
              {
                actor,
                action: "reopened",
                at,
                detail: `fires again in ${change.content.lastPeriod}`,
              },
            );
          } else {
            write(
              tenant,
              number,
              { status: "resolved-in-data", from: task.status },
              {
                actor,
                action: "resolved-in-data",
                at,
                detail: `no longer fires in ${change.period}`,
              },
            );
          }
          record(change, number);
        }
        return applied;
      })
      .immediate();

  return {
    list: (tenant) => all.all({ tenant }).map(toTask),
    find,
    sync,
    setStatus: (tenant, id, status: PersonStatus, actor, at, note) =>
      db
        .transaction(() => {
          const task = find(tenant, id);
          const number = numberOf(id);
          if (task === undefined || number === undefined) return undefined;
          if (task.status === status) return task;
          write(
            tenant,
            number,
            { status, from: task.status },
            { actor, action: "status", at, detail: note ?? "" },
          );
          return find(tenant, id);
        })
        .immediate(),
    events: (tenant, id) => {
      if (id === undefined) return eventsOfTenant.all({ tenant }).map(toEvent);
      const number = numberOf(id);
      return number === undefined ? [] : eventsOfTask.all({ tenant, number }).map(toEvent);
    },
    saveSnapshot: (tenant, snapshot) => {
      putSnapshot.run({
        tenant,
        period: snapshot.period,
        runId: snapshot.runId,
        recordedAt: snapshot.recordedAt,
        snapshot: JSON.stringify(snapshot),
      });
    },
    snapshot: (tenant, period) => {
      const row = getSnapshot.get({ tenant, period });
      return row === undefined ? undefined : (JSON.parse(row.snapshot) as PeriodSnapshot);
    },
    snapshotStamp: (tenant) => stamp.get({ tenant })?.stamp ?? "",
    snapshots: (tenant) =>
      allSnapshots.all({ tenant }).map((row) => JSON.parse(row.snapshot) as PeriodSnapshot),
    close: () => db.close(),
  };
}

/** `T-12` → 12; anything else → undefined. */
function numberOf(id: string): number | undefined {
  const match = /^T-([1-9]\d{0,9})$/.exec(id);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

function toTask(row: StoredTask): Task {
  const content = JSON.parse(row.content) as TaskContent;
  return {
    ...content,
    id: `T-${row.number}`,
    tenant: row.tenant,
    status: row.status,
    firstPeriod: row.first_period,
    updatedAt: row.updated_at,
  };
}

function toEvent(row: StoredEvent): TaskEvent {
  return {
    seq: row.seq,
    tenant: row.tenant,
    taskId: `T-${row.number}`,
    at: row.at,
    actor: row.actor,
    action: row.action,
    from: row.from_status,
    to: row.to_status,
    detail: row.detail,
  };
}

/** Which fields a run changed, e.g. "severity high → critical; due 2026-11-12 → 2026-11-15". */
