import type { Awaitable } from "../awaitable.js";

// The run history port: one row per run that got past collecting, so `exec-intel history` can list
// what happened and `show`/`verify` can find each run's manifests.

/** How a run ended (`running`: still going, or killed before it could say). */
export type RunStatus = "running" | "finished" | "failed" | "blocked";

/** One tenant's manifest as the run wrote it: where, and the hash of its bytes. */
export interface ManifestRef {
  tenant: string;
  key: string;
  sha256: string;
}

/** One run as the history keeps it. */
export interface RunRecord {
  runId: string;
  startedAt: string;
  finishedAt: string | null;
  period: string;
  tenants: string[];
  status: RunStatus;
  validation: "passed" | "blocked" | "not-run";
  reports: number;
  sent: number;
  failed: number;
  /** The archive root the run wrote to, e.g. a folder or `s3://bucket/prefix/`. */
  archive: string | null;
  manifests: ManifestRef[];
  /** The run's JSON-lines audit log file. */
  logFile: string | null;
}

/** Where runs are recorded: started once, finished once. */
export interface RunHistory {
  start(
    run: Pick<RunRecord, "runId" | "startedAt" | "period" | "tenants" | "logFile">,
  ): Awaitable<void>;
  finish(
    runId: string,
    outcome: Omit<RunRecord, "runId" | "startedAt" | "period" | "tenants" | "logFile">,
  ): Awaitable<void>;
  /** Newest first. */
  list(limit?: number): Awaitable<RunRecord[]>;
  /** One run by id, by a unique prefix of its id, or `latest`. */
  find(runIdOrPrefix: string): Awaitable<RunRecord | undefined>;
  close(): Awaitable<void>;
}
