import type { Synchronous } from "../../core/awaitable.js";
import type { ManifestRef, RunHistory, RunRecord, RunStatus } from "../../core/history/ports.js";
import { openStateDatabase } from "./state-database.js";

interface StoredRun {
  run_id: string;
  started_at: string;
  finished_at: string | null;
  period: string;
  tenants: string;
  status: RunStatus;
  validation: RunRecord["validation"];
  reports: number;
  sent: number;
  failed: number;
  archive: string | null;
  manifests: string;
  log_file: string | null;
}

/** Opens the run history in the workspace's state database (`state.sqlite`). */
export function openRunHistory(file: string): Synchronous<RunHistory> {
  const db = openStateDatabase(file);
  const insert = db.prepare(
    `INSERT INTO runs (run_id, started_at, period, tenants, status, validation, log_file)
     VALUES (@runId, @startedAt, @period, @tenants, 'running', 'not-run', @logFile)`,
  );
  const update = db.prepare(
    `UPDATE runs SET finished_at = @finishedAt, status = @status, validation = @validation,
       reports = @reports, sent = @sent, failed = @failed, archive = @archive,
       manifests = @manifests
     WHERE run_id = @runId AND status = 'running'`,
  );
  const newest = db.prepare<[number], StoredRun>(
    "SELECT * FROM runs ORDER BY started_at DESC, rowid DESC LIMIT ?",
  );
  const byPrefix = db.prepare<{ prefix: string }, StoredRun>(
    "SELECT * FROM runs WHERE substr(run_id, 1, length(@prefix)) = @prefix ORDER BY run_id LIMIT 2",
  );
  return {
    start: (run) => {
      insert.run({ ...run, tenants: JSON.stringify(run.tenants) });
    },
    finish: (runId, outcome) => {
      const changed = update.run({
        runId,
        ...outcome,
        manifests: JSON.stringify(outcome.manifests),
      }).changes;
      if (changed !== 1) throw new Error(`run ${runId} is not a running run in the history`);
    },
    list: (limit = 50) => newest.all(limit).map(toRecord),
    find: (runIdOrPrefix) => {
      if (runIdOrPrefix === "latest") {
        const [row] = newest.all(1);
        return row === undefined ? undefined : toRecord(row);
      }
      const rows = byPrefix.all({ prefix: runIdOrPrefix });
      const exact = rows.find((r) => r.run_id === runIdOrPrefix);
      if (exact !== undefined) return toRecord(exact);
      return rows.length === 1 && rows[0] !== undefined ? toRecord(rows[0]) : undefined;
    },
    close: () => db.close(),
  };
}

function toRecord(row: StoredRun): RunRecord {
  return {
    runId: row.run_id,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    period: row.period,
    tenants: JSON.parse(row.tenants) as string[],
    status: row.status,
    validation: row.validation,
    reports: row.reports,
    sent: row.sent,
    failed: row.failed,
    archive: row.archive,
    manifests: JSON.parse(row.manifests) as ManifestRef[],
    logFile: row.log_file,
  };
}
