import { mkdir, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { totalTenantLedgers } from "../adapters/sources/ledger-totals.js";
import { isPeriod } from "../adapters/sources/values.js";
import { loadWorkspaceConfig } from "../adapters/workspace/config-file.js";
import { selectTenants } from "../core/config.js";
import { hasErrors, InputError, type Problem, problem } from "../core/errors.js";
import {
  JOURNAL_EXTENSIONS,
  JOURNAL_FORMATS,
  type JournalFormat,
  renderJournal,
  transactionsThrough,
} from "../core/export/journal.js";
import {
  renderTotals,
  TOTALS_EXTENSIONS,
  TOTALS_FORMATS,
  type TotalsFormat,
} from "../core/export/totals.js";

/** What `exec-intel export ledger|totals` was asked for, as the command line gave it. */
export interface ExportRequest {
  workspace: string;
  /** Unchecked: checked here so a wrong value gets a hint like every other bad input. */
  format: string;
  tenant?: string;
  /** YYYY-MM: only transactions through the end of this month (default: all). */
  period?: string;
  /** Folder for one file per tenant; without it the one tenant's text is returned. */
  out?: string;
  env: Readonly<Record<string, string | undefined>>;
  now: Date;
}

/** The export's result: the text to print, or the files written; plus collection warnings. */
export interface ExportResult {
  /** The exported text, when no --out was given. */
  text?: string;
  /** Paths written under --out, in tenant order. */
  written: string[];
  warnings: Problem[];
}

/** One kind of export: its formats, their file extensions, and how each tenant's text is made. */
interface ExportKind<F extends string> {
  formats: readonly F[];
  extensions: Record<F, string>;
  /** What the formats are, for the error message: "a journal format". */
  noun: string;
  /** What one tenant's output is, for the error message: "journal". */
  output: string;
  /** Reads what the export needs; InputError when the records have errors. */
  produce: (format: F, request: ExportRequest) => Promise<Produced>;
}

/** Each tenant's exported text, and the warnings met reading the records. */
interface Produced {
  texts: { tenant: string; text: string }[];
  warnings: Problem[];
}

const LEDGER: ExportKind<JournalFormat> = {
  formats: JOURNAL_FORMATS,
  extensions: JOURNAL_EXTENSIONS,
  noun: "a journal format",
  output: "journal",
  produce: async (format, request) => {
    const { collectWorkspace } = await import("../run.js");
    const collected = await collectWorkspace({
      workspace: request.workspace,
      environment: request.env,
      // Freshness is judged against this month; the export itself is cut only by --period.
      period: request.period ?? previousMonth(request.now),
      ...(request.tenant !== undefined ? { tenant: request.tenant } : {}),
    });
    const texts = collected.models.map((model) => ({
      tenant: model.tenant.id,
      text: renderJournal(format, {
        tenant: model.tenant,
        transactions:
          request.period !== undefined
            ? transactionsThrough(model.transactions, request.period)
            : model.transactions,
      }),
    }));
    return { texts, warnings: collected.warnings };
  },
};

const TOTALS: ExportKind<TotalsFormat> = {
  formats: TOTALS_FORMATS,
  extensions: TOTALS_EXTENSIONS,
  noun: "a totals format",
  output: "table of totals",
  // Only the ledger sources are read, and folded into totals as they are parsed: the other
  // sources play no part in the figures, and a million transactions are never all held.
  produce: async (format, request) => {
    const config = await loadWorkspaceConfig(request.workspace, request.env);
    const texts: Produced["texts"] = [];
    const problems: Problem[] = [];
    for (const tenant of selectTenants(config, request.tenant)) {
      const totals = await totalTenantLedgers(request.workspace, tenant, request.period);
      problems.push(...totals.problems);
      texts.push({ tenant: tenant.id, text: renderTotals(format, { tenant, rows: totals.rows }) });
    }
    if (hasErrors(problems)) throw new InputError(problems);
    return { texts, warnings: problems };
  },
};

/**
 * Collects the workspace and writes each tenant's categorised ledger as a plain-text accounting
 * journal. Bad options are InputError before anything is read; nothing is written on error.
 */
export function exportLedger(request: ExportRequest): Promise<ExportResult> {
  return exportEachTenant(LEDGER, request);
}

/**
 * Collects the workspace and writes each tenant's income and expense totals by month, entity
 * and account. Bad options are InputError before anything is read; nothing is written on error.
 */
export function exportTotals(request: ExportRequest): Promise<ExportResult> {
  return exportEachTenant(TOTALS, request);
}

async function exportEachTenant<F extends string>(
  kind: ExportKind<F>,
  request: ExportRequest,
): Promise<ExportResult> {
  const format = request.format;
  if (!(kind.formats as readonly string[]).includes(format)) {
    throw new InputError([
      problem(
        "(command line)",
        undefined,
        `--format "${format}" is not ${kind.noun}`,
        `use ${kind.formats.map((f) => `--format ${f}`).join(" or ")}`,
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
  const { texts, warnings } = await kind.produce(format as F, request);
  if (request.out === undefined && texts.length > 1) {
    throw new InputError([
      problem(
        "(command line)",
        undefined,
        `the workspace has ${texts.length} tenants (${texts.map((t) => t.tenant).join(", ")}) and stdout takes one ${kind.output}`,
        "pass --tenant ID to print one, or --out DIR to write one file per tenant",
      ),
    ]);
  }
  if (request.out === undefined) {
    return { text: texts[0]?.text ?? "", written: [], warnings };
  }
  await mkdir(request.out, { recursive: true });
  const written: string[] = [];
  for (const { tenant, text } of texts) {
    const file = path.join(request.out, `${tenant}.${kind.extensions[format as F]}`);
    // Written beside and renamed: a reader (or hledger in a watch loop) never sees half a file.
    const partial = `${file}.partial`;
    await writeFile(partial, text);
    await rename(partial, file);
    written.push(file);
  }
  return { written, warnings };
}

/** The month before `now`, as the other commands default to. */
function previousMonth(now: Date): string {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1))
    .toISOString()
    .slice(0, 7);
}
