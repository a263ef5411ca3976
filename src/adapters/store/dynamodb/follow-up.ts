import type {
  AppliedChange,
  FollowUpStore,
  TaskAction,
  TaskEvent,
} from "../../../core/follow-up/ports.js";
import type { PeriodSnapshot } from "../../../core/follow-up/since-last-report.js";
import {
  describeRefresh,
  type Task,
  type TaskContent,
  type TaskStatus,
} from "../../../core/follow-up/tasks.js";
import {
  contendedError,
  type DynamoTable,
  Expression,
  getItem,
  type Item,
  keyPart,
  MAX_RACES,
  padded,
  putIf,
  putItem,
  putNew,
  queryPrefix,
  readJson,
  readNumber,
  readString,
  tenantPk,
  toItem,
} from "./table.js";

// Tasks and period snapshots on DynamoDB. All tasks of a tenant are ONE item with a version:
// `sync` and `setStatus` read it, decide, and put it back on condition that the version is still
// the one read, re-reading and re-planning after a lost race, so a person's change made meanwhile
// is planned against, never overwritten. The item also numbers the tenant's events (`eventSeq`)
// and keeps the last write's events, which go to the append-only log after it (see table.ts).
// The item caps a tenant at what 400 KB holds: about a thousand tasks.

/** A task as the tenant's item keeps it. */
interface StoredTask {
  number: number;
  status: TaskStatus;
  content: TaskContent;
  firstPeriod: string;
  updatedAt: string;
}

/** The tenant's tasks item as read. */
interface TaskBoard {
  tasks: StoredTask[];
  /** 0 when the item does not exist yet. */
  version: number;
  /** The last event number given out. */
  eventSeq: number;
  /** The events of the last write, possibly not yet in the log. */
  lastEvents: TaskEvent[];
}

const TASKS = "TASKS";
const EVENT = "TEVENT#";
const SNAPSHOT = "SNAPSHOT#";

/** Opens the follow-up store (tasks and period snapshots) on `table`. */
export function openDynamoFollowUpStore(table: DynamoTable): FollowUpStore {
  const read = async (tenant: string): Promise<TaskBoard> => {
    const item = await getItem(table, tenantPk(tenant), TASKS);
    if (item === undefined) return { tasks: [], version: 0, eventSeq: 0, lastEvents: [] };
    return {
      tasks: readJson<StoredTask[]>(item, "tasks"),
      version: readNumber(item, "version"),
      eventSeq: readNumber(item, "eventSeq"),
      lastEvents: readJson<TaskEvent[]>(item, "lastEvents"),
    };
  };

  const logEvents = async (events: readonly TaskEvent[]) => {
    for (const event of events) await putNew(table, eventItem(event));
  };

  /**
   * Reads the tenant's tasks, lets `decide` change a copy and log events, and writes it back only
   * if no one wrote in between; after a lost race it decides again on the fresh tasks.
   */
  const update = async <T>(
    tenant: string,
    decide: (tasks: StoredTask[], log: (event: Omit<TaskEvent, "seq" | "tenant">) => void) => T,
  ): Promise<T> => {
    for (let race = 0; race < MAX_RACES; race++) {
      const board = await read(tenant);
      const tasks = structuredClone(board.tasks);
      const events: TaskEvent[] = [];
      const result = decide(tasks, (event) =>
        events.push({ ...event, tenant, seq: board.eventSeq + events.length + 1 }),
      );
      if (events.length === 0) return result;
      // The previous writer may have died before logging its events: log them first, in order.
      await logEvents(board.lastEvents);
      const expression = new Expression();
      const unchanged =
        board.version === 0
          ? "attribute_not_exists(pk)"
          : `${expression.name("version")} = ${expression.value(board.version)}`;
      const item = toItem({
        pk: tenantPk(tenant),
        sk: TASKS,
        tasks: JSON.stringify(tasks),
        version: board.version + 1,
        eventSeq: board.eventSeq + events.length,
        lastEvents: JSON.stringify(events),
      });
      if (await putIf(table, item, unchanged, expression)) {
        await logEvents(events);
        return result;
      }
    }
    throw contendedError(`the tasks of ${tenant}`);
  };

  return {
    list: async (tenant) => (await read(tenant)).tasks.map((t) => toTask(tenant, t)),

    async find(tenant, id) {
      const number = numberOf(id);
      const task = (await read(tenant)).tasks.find((t) => t.number === number);
      return task === undefined ? undefined : toTask(tenant, task);
    },

    sync: (tenant, plan, actor, at) =>
      update(tenant, (tasks, log) => {
        const changes = plan(tasks.map((t) => toTask(tenant, t)));
        const applied: AppliedChange[] = [];
        for (const change of changes) {
          if (change.kind === "create") {
            const { fingerprint } = change.content;
            if (tasks.some((t) => t.content.fingerprint === fingerprint)) {
              throw new Error(`task plan creates ${fingerprint} again for ${tenant}`);
            }
            const number = Math.max(0, ...tasks.map((t) => t.number)) + 1;
            const task: StoredTask = {
              number,
              status: "open",
              content: change.content,
              firstPeriod: change.content.lastPeriod,
              updatedAt: at,
            };
            tasks.push(task);
            log({
              taskId: `T-${number}`,
              at,
              actor,
              action: "created",
              from: null,
              to: "open",
              detail: `${change.content.severity}: ${change.content.title}`,
            });
            applied.push({ change, task: toTask(tenant, task) });
            continue;
          }
          const task = tasks.find((t) => t.number === numberOf(change.id));
          if (task === undefined)
            throw new Error(`task plan names ${change.id}, which ${tenant} does not have`);
          const from = task.status;
          let action: TaskAction;
          let detail: string;
          if (change.kind === "refresh") {
            action = "refreshed";
            detail = describeRefresh(task.content, change.content);
            task.content = change.content;
          } else if (change.kind === "reopen") {
            action = "reopened";
            detail = `fires again in ${change.content.lastPeriod}`;
            task.content = change.content;
            task.status = "open";
          } else {
            action = "resolved-in-data";
            detail = `no longer fires in ${change.period}`;
            task.status = "resolved-in-data";
          }
          task.updatedAt = at;
          log({ taskId: change.id, at, actor, action, from, to: task.status, detail });
          applied.push({ change, task: toTask(tenant, task) });
        }
        return applied;
      }),

    setStatus: (tenant, id, status, actor, at, note) =>
      update(tenant, (tasks, log) => {
        const task = tasks.find((t) => t.number === numberOf(id));
        if (task === undefined) return undefined;
        if (task.status !== status) {
          const from = task.status;
          task.status = status;
          task.updatedAt = at;
          log({ taskId: id, at, actor, action: "status", from, to: status, detail: note ?? "" });
        }
        return toTask(tenant, task);
      }),

    async events(tenant, id) {
      if (id !== undefined && numberOf(id) === undefined) return [];
      const [items, board] = await Promise.all([
        queryPrefix(table, tenantPk(tenant), EVENT),
        read(tenant),
      ]);
      const logged = items.map(fromEventItem);
      // Events a crashed writer left only on the tasks item.
      const seen = new Set(logged.map((e) => e.seq));
      logged.push(...board.lastEvents.filter((e) => !seen.has(e.seq)));
      return logged
        .filter((e) => id === undefined || e.taskId === id)
        .sort((a, b) => a.seq - b.seq);
    },

    async saveSnapshot(tenant, snapshot) {
      await putItem(
        table,
        toItem({
          pk: tenantPk(tenant),
          sk: `${SNAPSHOT}${keyPart(snapshot.period)}`,
          period: snapshot.period,
          runId: snapshot.runId,
          snapshot: JSON.stringify(snapshot),
        }),
      );
    },

    async snapshot(tenant, period) {
      const item = await getItem(table, tenantPk(tenant), `${SNAPSHOT}${keyPart(period)}`);
      return item === undefined ? undefined : readJson<PeriodSnapshot>(item, "snapshot");
    },

    snapshots: async (tenant) =>
      (await queryPrefix(table, tenantPk(tenant), SNAPSHOT)).map((item) =>
        readJson<PeriodSnapshot>(item, "snapshot"),
      ),

    async snapshotStamp(tenant) {
      const items = await queryPrefix(table, tenantPk(tenant), SNAPSHOT, {
        projection: ["period", "runId"],
      });
      return items.map((i) => `${readString(i, "period")}:${readString(i, "runId")}`).join(",");
    },

    close: () => {},
  };
}

/** `T-12` → 12; anything else → undefined. */
function numberOf(id: string): number | undefined {
  const match = /^T-([1-9]\d{0,9})$/.exec(id);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

function toTask(tenant: string, task: StoredTask): Task {
  return {
    ...task.content,
    id: `T-${task.number}`,
    tenant,
    status: task.status,
    firstPeriod: task.firstPeriod,
    updatedAt: task.updatedAt,
  };
}

function eventItem(event: TaskEvent): Item {
  return toItem({
    pk: tenantPk(event.tenant),
    sk: `${EVENT}${padded(event.seq)}`,
    event: JSON.stringify(event),
  });
}

function fromEventItem(item: Item): TaskEvent {
  return readJson<TaskEvent>(item, "event");
}

/** Which fields a run changed, e.g. "severity high → critical; due 2026-11-12 → 2026-11-15". */
