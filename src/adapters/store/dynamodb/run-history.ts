import { UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import type { ManifestRef, RunHistory, RunRecord, RunStatus } from "../../../core/history/ports.js";
import {
  type DynamoTable,
  Expression,
  getItem,
  type Item,
  isConditionFailure,
  keyPart,
  putItem,
  putNew,
  queryPrefix,
  readJson,
  readNumber,
  readOptionalString,
  readString,
  toItem,
} from "./table.js";

// The run history on DynamoDB. Runs live in one partition sorted by start time, so `list` is one
// Query read backwards; a second item per run, sorted by id, answers `find` by id or by prefix
// and doubles as the guard that a run id is started only once.

const RUNS = "RUNS";
const IDS = "RUN-IDS";

/** Opens the run history on `table`. */
export function openDynamoRunHistory(table: DynamoTable): RunHistory {
  const list = async (limit = 50): Promise<RunRecord[]> => {
    if (limit <= 0) return [];
    const items = await queryPrefix(table, RUNS, "RUN#", { newestFirst: true, limit });
    return items.map(toRecord);
  };

  /** The run's record, found through its id item. */
  const byId = async (id: Item | undefined): Promise<RunRecord | undefined> => {
    if (id === undefined) return undefined;
    const runId = readString(id, "runId");
    const item = await getItem(table, RUNS, runSk(readString(id, "startedAt"), runId));
    return item === undefined ? undefined : toRecord(item);
  };

  return {
    async start(run) {
      const id = toItem({
        pk: IDS,
        sk: idSk(run.runId),
        runId: run.runId,
        startedAt: run.startedAt,
      });
      if (!(await putNew(table, id))) {
        throw new Error(`run ${run.runId} is already in the history`);
      }
      await putItem(
        table,
        toItem({
          pk: RUNS,
          sk: runSk(run.startedAt, run.runId),
          runId: run.runId,
          startedAt: run.startedAt,
          finishedAt: null,
          period: run.period,
          tenants: JSON.stringify(run.tenants),
          status: "running",
          validation: "not-run",
          reports: 0,
          sent: 0,
          failed: 0,
          archive: null,
          manifests: "[]",
          logFile: run.logFile,
        }),
      );
    },

    async finish(runId, outcome) {
      const id = await getItem(table, IDS, idSk(runId));
      const refused = new Error(`run ${runId} is not a running run in the history`);
      if (id === undefined) throw refused;
      const expression = new Expression();
      const update = expression.set({
        finishedAt: outcome.finishedAt,
        status: outcome.status,
        validation: outcome.validation,
        reports: outcome.reports,
        sent: outcome.sent,
        failed: outcome.failed,
        archive: outcome.archive,
        manifests: JSON.stringify(outcome.manifests),
      });
      const running = `${expression.name("status")} = ${expression.value("running")}`;
      try {
        await table.client.send(
          new UpdateItemCommand({
            TableName: table.name,
            Key: toItem({ pk: RUNS, sk: runSk(readString(id, "startedAt"), runId) }),
            UpdateExpression: update,
            ConditionExpression: running,
            ...expression.parts(),
          }),
        );
      } catch (error) {
        if (isConditionFailure(error)) throw refused;
        throw error;
      }
    },

    list,

    async find(runIdOrPrefix) {
      if (runIdOrPrefix === "latest") return (await list(1))[0];
      const exact = await getItem(table, IDS, idSk(runIdOrPrefix));
      if (exact !== undefined) return byId(exact);
      const candidates = await queryPrefix(table, IDS, idSk(runIdOrPrefix), { limit: 2 });
      return candidates.length === 1 ? byId(candidates[0]) : undefined;
    },

    close: () => {},
  };
}

function runSk(startedAt: string, runId: string): string {
  return `RUN#${keyPart(startedAt)}#${keyPart(runId)}`;
}

function idSk(runId: string): string {
  return `ID#${keyPart(runId)}`;
}

function toRecord(item: Item): RunRecord {
  return {
    runId: readString(item, "runId"),
    startedAt: readString(item, "startedAt"),
    finishedAt: readOptionalString(item, "finishedAt") ?? null,
    period: readString(item, "period"),
    tenants: readJson<string[]>(item, "tenants"),
    status: readString(item, "status") as RunStatus,
    validation: readString(item, "validation") as RunRecord["validation"],
    reports: readNumber(item, "reports"),
    sent: readNumber(item, "sent"),
    failed: readNumber(item, "failed"),
    archive: readOptionalString(item, "archive") ?? null,
    manifests: readJson<ManifestRef[]>(item, "manifests"),
    logFile: readOptionalString(item, "logFile") ?? null,
  };
}
