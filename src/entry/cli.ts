import { randomUUID } from "node:crypto";
import path from "node:path";
import { Command, CommanderError, Option } from "commander";
import { isPeriod } from "../adapters/sources/values.js";
import { formatProblem, InputError, type Problem, problem } from "../core/errors.js";
import { formatModelSummary } from "./summary-text.js";
import { readPackageVersion } from "./version.js";

/** Exit codes of the command-line contract (PRODUCT.md). */
export const EXIT = { ok: 0, failure: 1, badInput: 2, gateBlocked: 3 } as const;

/** The process edges the CLI touches, injectable for tests. */
export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Progress lines go to a terminal only, never into pipes or --json output. */
  isTty: boolean;
  env: Readonly<Record<string, string | undefined>>;
  now: () => Date;
}

const defaultIo: Io = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  isTty: process.stderr.isTTY === true,
  env: process.env,
  now: () => new Date(),
};

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function main(argv: readonly string[], io: Io = defaultIo): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = new Command()
    .name("exec-intel")
    .description(
      "Monthly executive reports computed from your own records, checked, archived and delivered once.",
    )
    .version(readPackageVersion(), "-V, --version")
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError("(run exec-intel --help for usage)");

  program
    .command("init")
    .description("scaffold a small working workspace in DIR (default: current folder)")
    .argument("[dir]", "folder to create the workspace in", ".")
    .action(async (dir: string) => {
      const { scaffoldWorkspace } = await import("./init.js");
      const created = await scaffoldWorkspace(dir);
      io.stdout(
        `Created a workspace in ${dir} (${created.length} files).\nNext: exec-intel validate -w ${dir}\n`,
      );
    });

  program
    .command("validate")
    .description("load config and data, report every problem, write nothing")
    .option("-w, --workspace <dir>", "workspace folder", ".")
    .option("--period <YYYY-MM>", "period to judge freshness against (default: last month)")
    .action(async (options: { workspace: string; period?: string }) => {
      const period = resolvePeriod(options.period, io.now());
      const { collectWorkspace } = await loadPipeline();
      const collected = await collectWorkspace({
        workspace: options.workspace,
        environment: io.env,
        period,
        onProgress: progress(io, false),
      });
      reportWarnings(io, collected.warnings);
      const sources = collected.models.reduce((sum, m) => sum + m.freshness.length, 0);
      const records = collected.models.reduce(
        (sum, m) => sum + m.freshness.reduce((s, f) => s + f.records, 0),
        0,
      );
      io.stdout(
        `ok: ${collected.models.length} tenant(s), ${sources} sources, ${records} records, ${collected.warnings.length} warning(s)\n`,
      );
    });

  program
    .command("run")
    .description(
      "collect → analyse → report → validate → archive → deliver (this build: collect and summarise; requires --dry-run)",
    )
    .option("-w, --workspace <dir>", "workspace folder", ".")
    .option("--tenant <id>", "only this tenant")
    .option("--report <role>", "only this report")
    .option("--period <YYYY-MM>", "month to report on (default: last month)")
    .option("--dry-run", "collect and summarise without writing or sending anything")
    .addOption(new Option("--json", "print one machine-readable JSON summary on stdout"))
    .action(async (options: RunOptions & { dryRun?: boolean; json?: boolean }) => {
      if (options.dryRun !== true) {
        throw new InputError([
          problem(
            "(command line)",
            undefined,
            "this build can only run with --dry-run: validation gate, archive and delivery are not implemented yet",
            "add --dry-run, or use `exec-intel preview` to write the reports to files",
          ),
        ]);
      }
      const { composed, collected, pipeline } = await collectAndCompose(
        options,
        io,
        options.json === true,
      );
      const summary = pipeline.summariseRun(collected, composed, newRunId(io.now()));
      if (options.json === true) io.stdout(`${JSON.stringify(summary, null, 2)}\n`);
      else {
        reportWarnings(io, collected.warnings);
        io.stdout(formatModelSummary(summary));
      }
    });

  program
    .command("preview")
    .description(
      "compute and render the reports (HTML, text, Markdown, JSON, .eml, PDF) to files, sending nothing",
    )
    .option("-w, --workspace <dir>", "workspace folder", ".")
    .option("--tenant <id>", "only this tenant")
    .option("--report <role>", "only this report")
    .option("--period <YYYY-MM>", "month to report on (default: last month)")
    .option("--out <dir>", "output folder (default: <stateDir>/preview inside the workspace)")
    .option("--no-pdf", "skip the PDF even when Chromium is installed")
    .action(async (options: RunOptions & { out?: string; pdf: boolean }) => {
      const { composed, collected } = await collectAndCompose(options, io, false);
      const { writePreview } = await import("./preview.js");
      const out = options.out ?? path.join(options.workspace, collected.config.stateDir, "preview");
      const result = await writePreview(
        out,
        composed.flatMap((t) => t.reports),
        { config: collected.config, pdf: options.pdf, now: io.now() },
      );
      const lines = result.written.map((file) => `wrote ${file}`);
      if (result.pdf === "no-chromium") {
        lines.push(
          "PDF skipped: Chromium not found (install Debian's chromium or set CHROMIUM_PATH)",
        );
      }
      io.stdout(`${lines.join("\n")}\n`);
    });

  try {
    await program.parseAsync(argv as string[], { from: "user" });
  } catch (error) {
    exitCode = handleError(error, io);
  }
  return exitCode;
}

interface RunOptions {
  workspace: string;
  tenant?: string;
  report?: string;
  period?: string;
}

/** Collects the workspace and composes its reports; an unknown --report is bad input. */
async function collectAndCompose(options: RunOptions, io: Io, json: boolean) {
  const period = resolvePeriod(options.period, io.now());
  const pipeline = await loadPipeline();
  const collected = await pipeline.collectWorkspace({
    workspace: options.workspace,
    environment: io.env,
    period,
    ...(options.tenant !== undefined ? { tenant: options.tenant } : {}),
    onProgress: progress(io, json),
  });
  if (options.report !== undefined) {
    const roles = [...new Set(collected.config.tenants.flatMap((t) => Object.keys(t.roles)))];
    if (!roles.includes(options.report)) {
      throw new InputError([
        problem(
          "(command line)",
          undefined,
          `no report "${options.report}" in the config`,
          `use one of: ${roles.join(", ")}`,
        ),
      ]);
    }
  }
  const composed = pipeline.composeReports(collected, options.report);
  return { collected, composed, pipeline };
}

/** The pipeline pulls in zod, remark and the CSV parser; `--help` should not pay for them. */
function loadPipeline(): Promise<typeof import("../run.js")> {
  return import("../run.js");
}

function handleError(error: unknown, io: Io): number {
  if (error instanceof CommanderError) {
    // --help and --version exit through here with code 0; usage errors are bad input.
    return error.exitCode === 0 ? EXIT.ok : EXIT.badInput;
  }
  if (error instanceof InputError) {
    const errors = error.problems.filter((p) => p.severity === "error");
    io.stderr(
      `${error.problems.map(formatProblem).join("\n")}\n\n${errors.length} error(s); nothing was written or sent.\n`,
    );
    return EXIT.badInput;
  }
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  io.stderr(`internal error (a bug in exec-intel, not in your data): ${message}\n`);
  return EXIT.failure;
}

function resolvePeriod(option: string | undefined, now: Date): string {
  if (option === undefined) {
    const previous = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
    return previous.toISOString().slice(0, 7);
  }
  if (!isPeriod(option)) {
    throw new InputError([
      problem(
        "(command line)",
        undefined,
        `--period "${option}" is not a YYYY-MM month`,
        "write it like --period 2026-10",
      ),
    ]);
  }
  return option;
}

function reportWarnings(io: Io, warnings: readonly Problem[]): void {
  if (warnings.length > 0) io.stderr(`${warnings.map(formatProblem).join("\n")}\n`);
}

function progress(io: Io, json: boolean): ((message: string) => void) | undefined {
  return io.isTty && !json ? (message) => io.stderr(`… ${message}\n`) : undefined;
}

function newRunId(now: Date): string {
  return `${now
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z")}-${randomUUID().slice(0, 8)}`;
}
