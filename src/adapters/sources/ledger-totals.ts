import { stat } from "node:fs/promises";
import { availableParallelism } from "node:os";
import path from "node:path";
import { Worker } from "node:worker_threads";
import { createCategoriser } from "../../core/categorise.js";
import type { LedgerSourceConfig, TenantConfig } from "../../core/config.js";
import type { Problem } from "../../core/errors.js";
import { createTotalsAccumulator, type TotalRow } from "../../core/export/totals.js";
import { visitLedgerCsv } from "./ledger-csv.js";
import type { LedgerTotalsJob } from "./ledger-totals-worker.js";
import { readWorkspaceText, toPosix } from "./workspace-files.js";

/** A tenant's income and expense totals and what reading its ledger sources met. */
export interface TenantLedgerTotals {
  rows: TotalRow[];
  /** Transactions read (before the --period cut), for the summary line. */
  transactions: number;
  problems: Problem[];
}

/**
 * Reads every ledger source of a tenant and folds it into totals as it is parsed, with the same
 * parsing, validation and categorisation as the run's collector: the figures equal
 * ledgerTotals(model.transactions) without holding a million transactions in memory.
 * `through` (YYYY-MM) leaves out transactions after that month.
 */
export async function totalTenantLedgers(
  workspace: string,
  tenant: TenantConfig,
  through?: string,
): Promise<TenantLedgerTotals> {
  const sources = tenant.sources.filter((s): s is LedgerSourceConfig => s.type === "ledger");
  const sizes = await Promise.all(
    sources.map((s) =>
      stat(path.resolve(workspace, s.path)).then(
        (info) => info.size,
        () => 0,
      ),
    ),
  );
  const threads = Math.min(availableParallelism(), sources.length);
  const bytes = sizes.reduce((sum, size) => sum + size, 0);
  // A worker costs ~50 ms to start and load the parser: worth it only for big ledgers, and only
  // from the built JavaScript (tests run the TypeScript sources, which a worker cannot load).
  const parallel = threads > 1 && bytes >= PARALLEL_FROM_BYTES && WORKER_URL !== undefined;
  const each = parallel
    ? await inWorkers(sources, sizes, threads, (source, index) => ({
        index,
        workspace,
        tenant,
        source,
        ...(through !== undefined ? { through } : {}),
      }))
    : await Promise.all(sources.map((s) => totalLedgerSource(workspace, tenant, s, through)));
  const totals = createTotalsAccumulator();
  const problems: Problem[] = [];
  let transactions = 0;
  // Merged in config order, so rows and problems do not depend on which worker finished first.
  for (const read of each) {
    totals.merge(read.rows);
    transactions += read.transactions;
    problems.push(...read.problems);
  }
  return { rows: totals.rows(), transactions, problems };
}

/** Below this many bytes of ledger CSV one thread is faster than starting workers. */
const PARALLEL_FROM_BYTES = 8 * 1024 * 1024;

const WORKER_URL = import.meta.url.endsWith(".js")
  ? new URL("./ledger-totals-worker.js", import.meta.url)
  : undefined;

/**
 * Folds the sources on `threads` worker threads, biggest file first, each worker taking the next
 * source when it finishes one; answers in the sources' order.
 */
async function inWorkers(
  sources: readonly LedgerSourceConfig[],
  sizes: readonly number[],
  threads: number,
  job: (source: LedgerSourceConfig, index: number) => LedgerTotalsJob,
): Promise<TenantLedgerTotals[]> {
  const queue = sources.map((_, i) => i).sort((a, b) => (sizes[b] ?? 0) - (sizes[a] ?? 0));
  const results: TenantLedgerTotals[] = new Array(sources.length);
  const workers = Array.from({ length: threads }, () => new Worker(WORKER_URL as URL));
  try {
    await Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            const next = () => {
              const index = queue.shift();
              if (index === undefined) return resolve();
              worker.postMessage(job(sources[index] as LedgerSourceConfig, index));
            };
            worker.on("message", (answer: WorkerAnswer) => {
              if ("error" in answer) return reject(new Error(answer.error));
              results[answer.index] = answer.totals;
              next();
            });
            worker.on("error", reject);
            next();
          }),
      ),
    );
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
  return results;
}

type WorkerAnswer =
  | { index: number; totals: TenantLedgerTotals }
  | { index: number; error: string };

/** One ledger source folded into totals (the unit of work a worker thread can take). */
export async function totalLedgerSource(
  workspace: string,
  tenant: TenantConfig,
  source: LedgerSourceConfig,
  through?: string,
): Promise<TenantLedgerTotals> {
  const decoded = await readWorkspaceText(workspace, source.path, source.encoding);
  if (decoded.text === undefined) return { rows: [], transactions: 0, problems: decoded.problems };
  const totals = createTotalsAccumulator();
  // ISO dates compare as text; every day of the month sorts before `${through}-32`.
  const end = through !== undefined ? `${through}-32` : undefined;
  let transactions = 0;
  const { problems } = visitLedgerCsv(
    decoded.text,
    source,
    toPosix(source.path),
    createCategoriser(tenant.categories),
    (t) => {
      transactions++;
      if (end === undefined || t.date < end) totals.add(t);
    },
  );
  return { rows: totals.rows(), transactions, problems };
}
