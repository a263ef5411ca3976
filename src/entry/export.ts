import { mkdir, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { isPeriod } from "../adapters/sources/values.js";
import { InputError, type Problem, problem } from "../core/errors.js";
import {
  isJournalFormat,
  JOURNAL_EXTENSIONS,
  JOURNAL_FORMATS,
  renderJournal,
  transactionsThrough,
} from "../core/export/journal.js";

/** What `exec-intel export ledger` was asked for, as the command line gave it. */
export interface ExportLedgerRequest {
  workspace: string;
  /** Unchecked: checked here so a wrong value gets a hint like every other bad input. */
  format: string;
  tenant?: string;
  /** YYYY-MM: only transactions through the end of this month (default: all). */
  period?: string;
  /** Folder for one file per tenant; without it the one tenant's journal is returned. */
  out?: string;
  env: Readonly<Record<string, string | undefined>>;
  now: Date;
}

/** The export's result: the journal to print, or the files written; plus collection warnings. */
export interface ExportLedgerResult {
  /** The journal text, when no --out was given. */
  journal?: string;
  /** Paths written under --out, in tenant order. */
  written: string[];
  warnings: Problem[];
}

/**
 * Collects the workspace and writes each tenant's categorised ledger as a plain-text accounting
 * journal. Bad options are InputError before anything is read; nothing is written on error.
 */
export async function exportLedger(request: ExportLedgerRequest): Promise<ExportLedgerResult> {
  const format = request.format;
  if (!isJournalFormat(format)) {
    throw new InputError([
      problem(
        "(command line)",
        undefined,
        `--format "${format}" is not a journal format`,
        `use ${JOURNAL_FORMATS.map((f) => `--format ${f}`).join(" or ")}`,
      ),
    ]);
  }
  if (request.period !== undefined && !isPeriod(request.period)) {
    throw new InputError([
      problem(
        "(command line)",
        undefined,
        `--period "${request.period}" is not a YYYY-MM month`,
        "write it like --period 2026-10, or leave it out to export every transaction",
      ),
    ]);
  }
  const { collectWorkspace } = await import("../run.js");
  const collected = await collectWorkspace({
    workspace: request.workspace,
    environment: request.env,
    // Freshness is judged against this month; the export itself is cut only by --period.
    period: request.period ?? previousMonth(request.now),
    ...(request.tenant !== undefined ? { tenant: request.tenant } : {}),
  });
  if (request.out === undefined && collected.models.length > 1) {
    throw new InputError([
      problem(
        "(command line)",
        undefined,
        `the workspace has ${collected.models.length} tenants (${collected.models.map((m) => m.tenant.id).join(", ")}) and stdout takes one journal`,
        "pass --tenant ID to print one, or --out DIR to write one file per tenant",
      ),
    ]);
  }
  const journals = collected.models.map((model) => ({
    tenant: model.tenant.id,
    text: renderJournal(format, {
      tenant: model.tenant,
      transactions:
        request.period !== undefined
          ? transactionsThrough(model.transactions, request.period)
          : model.transactions,
    }),
  }));
  if (request.out === undefined) {
    return { journal: journals[0]?.text ?? "", written: [], warnings: collected.warnings };
  }
  await mkdir(request.out, { recursive: true });
  const written: string[] = [];
  for (const journal of journals) {
    const file = path.join(request.out, `${journal.tenant}.${JOURNAL_EXTENSIONS[format]}`);
    // Written beside and renamed: a reader (or hledger in a watch loop) never sees half a file.
    const partial = `${file}.partial`;
    await writeFile(partial, journal.text);
    await rename(partial, file);
    written.push(file);
  }
  return { written, warnings: collected.warnings };
}

/** The month before `now`, as the other commands default to. */
function previousMonth(now: Date): string {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1))
    .toISOString()
    .slice(0, 7);
}
