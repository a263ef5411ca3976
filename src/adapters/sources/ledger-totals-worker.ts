// Worker thread for totalTenantLedgers: folds the ledger sources the main thread hands it, one
// message per source, and answers with that source's totals (a few hundred rows, cheap to copy).
import { parentPort } from "node:worker_threads";
import type { LedgerSourceConfig, TenantConfig } from "../../core/config.js";
import { totalLedgerSource } from "./ledger-totals.js";

/** One source to fold, as the main thread posts it. */
export interface LedgerTotalsJob {
  index: number;
  workspace: string;
  tenant: TenantConfig;
  source: LedgerSourceConfig;
  through?: string;
}

parentPort?.on("message", (job: LedgerTotalsJob) => {
  totalLedgerSource(job.workspace, job.tenant, job.source, job.through).then(
    (totals) => parentPort?.postMessage({ index: job.index, totals }),
    (error: unknown) =>
      parentPort?.postMessage({
        index: job.index,
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      }),
  );
});
