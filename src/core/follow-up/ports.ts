import type { Awaitable } from "../awaitable.js";
import type { PeriodSnapshot } from "./since-last-report.js";
import type { PERSON_STATUSES, Task, TaskChange, TaskStatus } from "./tasks.js";

// The follow-up store port: tasks per tenant, one per finding fingerprint, with an append-only
// log of every change and its actor (a run, or a person); and per tenant and period, the snapshot
// of what the last gated run reported, for the next period's "Since last report".

/** A status a person may set. */
export type PersonStatus = (typeof PERSON_STATUSES)[number];

/** What changed a task. */
export type TaskAction = "created" | "refreshed" | "reopened" | "resolved-in-data" | "status";

/** One logged change of a task. */
export interface TaskEvent {
  /** Increasing across the store: the order changes happened in. */
  seq: number;
  tenant: string;
  taskId: string;
  at: string;
  /** `run:<run id>` for a run; a person's email address for a person. */
  actor: string;
  action: TaskAction;
  from: TaskStatus | null;
  to: TaskStatus;
  detail: string;
}

/** One applied change and the task it left. */
export interface AppliedChange {
  change: TaskChange;
  task: Task;
}

/** Where tasks and snapshots live. Every method is scoped to one tenant: no call reads another's. */
export interface FollowUpStore {
  list(tenant: string): Awaitable<Task[]>;
  find(tenant: string, id: string): Awaitable<Task | undefined>;
  /**
   * Plans against the tasks on record and applies the plan in one transaction, so a person's
   * change made meanwhile is never overwritten; logs each change. Returns each change with the
   * task as it now stands.
   */
  sync(
    tenant: string,
    plan: (existing: readonly Task[]) => TaskChange[],
    actor: string,
    at: string,
  ): Awaitable<AppliedChange[]>;
  /** A person's status change, logged; undefined when the tenant has no such task. */
  setStatus(
    tenant: string,
    id: string,
    status: PersonStatus,
    actor: string,
    at: string,
    note?: string,
  ): Awaitable<Task | undefined>;
  /** The change log, oldest first: of one task, or of every task of the tenant. */
  events(tenant: string, id?: string): Awaitable<TaskEvent[]>;
  /** Keeps a gated run's snapshot of its period, replacing an earlier run's of the same period. */
  saveSnapshot(tenant: string, snapshot: PeriodSnapshot): Awaitable<void>;
  /** The snapshot of a period, if a gated run recorded one. */
  snapshot(tenant: string, period: string): Awaitable<PeriodSnapshot | undefined>;
  /** Every period's snapshot of the tenant, oldest period first (the dashboard's trends). */
  snapshots(tenant: string): Awaitable<PeriodSnapshot[]>;
  /** Which runs' snapshots the tenant has: changes whenever `snapshots` would (a cache key). */
  snapshotStamp(tenant: string): Awaitable<string>;
  close(): Awaitable<void>;
}
