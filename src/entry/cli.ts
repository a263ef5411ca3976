import { existsSync } from "node:fs";
import path from "node:path";
import { Command, CommanderError, Option } from "commander";
import { isPeriod } from "../adapters/sources/values.js";
import {
  formatProblem,
  InputError,
  InterruptedError,
  type Problem,
  problem,
} from "../core/errors.js";
import { newRunId } from "../run-id.js";
import { explainFailure } from "./explain-failure.js";
import type { ExportResult } from "./export.js";
import { colourWanted, shapeOutput } from "./output.js";
import { formatModelSummary } from "./summary-text.js";
import { readPackageVersion } from "./version.js";

/** Exit codes of the command-line contract (PRODUCT.md). */
export const EXIT = { ok: 0, failure: 1, badInput: 2, gateBlocked: 3, interrupted: 130 } as const;

/** The process edges the CLI touches, injectable for tests. */
export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Progress lines go to a terminal only, never into pipes or --json output. */
  isTty: boolean;
  env: Readonly<Record<string, string | undefined>>;
  now: () => Date;
  /** --quiet: only errors reach stderr (set by the global flags). */
  quiet?: boolean;
  /** Asks a question on the terminal; absent when stdin or stdout is not a terminal. */
  ask?: (question: string) => Promise<string>;
}

const defaultIo: Io = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  isTty: process.stderr.isTTY === true,
  env: process.env,
  now: () => new Date(),
  ...(process.stdin.isTTY === true && process.stdout.isTTY === true ? { ask: askOnTerminal } : {}),
};

/** One question on the terminal, through readline; Ctrl-C or Ctrl-D ends the answers. */
async function askOnTerminal(question: string): Promise<string> {
  const { createInterface } = await import("node:readline/promises");
  const terminal = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await new Promise<string>((resolve, reject) => {
      terminal.once("close", () =>
        reject(new InterruptedError("init was interrupted; nothing was written")),
      );
      terminal.question(question).then(resolve, reject);
    });
  } finally {
    terminal.close();
  }
}

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function main(argv: readonly string[], terminal: Io = defaultIo): Promise<number> {
  let exitCode: number = EXIT.ok;
  // The global flags (--quiet, --no-color, --debug) reshape this copy before any action runs.
  const io: Io = { ...terminal };
  const program = new Command()
    .name("exec-intel")
    .description(
      "Monthly executive reports computed from your own records, checked, archived and delivered once.",
    )
    .version(readPackageVersion(), "-V, --version")
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError("(run exec-intel --help for usage)")
    .option("-q, --quiet", "print only errors (and what --json asks for)")
    .option("--no-color", "no colours, even on a terminal (NO_COLOR=1 does the same)")
    .option("--debug", "on an unexpected error, print its stack trace")
    .hook("preAction", async (_program, command) => {
      const global = program.opts<{ quiet?: boolean; color: boolean }>();
      const workspace = command.opts<{ workspace?: string }>().workspace;
      if (workspace !== undefined && existsSync(workspace)) {
        const { workspaceEnvironment } = await import("../adapters/workspace/config-file.js");
        io.env = await workspaceEnvironment(workspace, terminal.env);
      }
      shapeOutput(io, terminal, {
        quiet: global.quiet === true,
        json: command.opts<{ json?: boolean }>().json === true,
        color: global.color && colourWanted(terminal),
      });
    });

  program
    .command("init")
    .description(
      "create a working workspace in DIR with sample data for each source: asks on a terminal, or takes flags",
    )
    .argument("[dir]", "folder to create the workspace in", ".")
    .option("--tenant <name>", "name of your group of businesses (default: My Business)")
    .option(
      "--entity <name>",
      "a business, property or client to report on; repeat for more (default: Main Street Cafe)",
      collect,
    )
    .option(
      "--role <report>",
      "a report to send: ceo, cto, accounting, cmo or cfo; repeat or comma-separate (default: ceo, cfo)",
      collect,
    )
    .option(
      "--recipient <report=email>",
      "who receives a report, e.g. ceo=jane@example.com; repeat for more (default: owner@example.com)",
      collect,
    )
    .option("--currency <code>", "the tenant's currency (default: USD)")
    .option("--timezone <zone>", "the tenant's time zone (default: this machine's)")
    .option("--no-input", "never ask: take the flags and the defaults (the default off a terminal)")
    .action(async (dir: string, options: InitOptions) => {
      const { scaffoldWorkspace } = await import("./init.js");
      const timezone = Intl.DateTimeFormat().resolvedOptions().timeZone;
      const given = initAnswers(options);
      let answers = given.answers;
      if (options.input && io.ask !== undefined && given.problems.length === 0) {
        const { askStarterAnswers } = await import("./init-prompt.js");
        answers = await askStarterAnswers(io.ask, answers, io.stderr, timezone);
      }
      // Every bad flag at once: the unreadable --recipient pairs and what the plan refuses.
      const { checkStarter } = await import("../core/init/starter.js");
      const refused = checkStarter(answers, "(command line)", timezone).problems;
      if (given.problems.length + refused.length > 0)
        throw new InputError([...given.problems, ...refused.map((p) => p.problem)]);
      const period = resolvePeriod(undefined, io.now());
      const created = await scaffoldWorkspace(dir, { answers, period, timezone });
      const cli = io.env.npm_command === "exec" ? "npx exec-intel" : "exec-intel";
      const w = /\s/.test(dir) ? `"${dir}"` : dir;
      const reports = created.plan.roles.map((r) => r.id).join(", ");
      io.stdout(
        [
          `Created the workspace "${created.plan.tenant.name}" in ${dir}: ${created.files.length} files, sample data for ${created.period}, reports: ${reports}.`,
          "",
          "Next:",
          `  ${cli} validate -w ${w}    check the config and the data`,
          `  ${cli} preview -w ${w}     render the reports to files under ${path.join(dir, ".exec-intel", "preview")}, sending nothing`,
          `  ${cli} run -w ${w}         check, archive and deliver them (into ${path.join(dir, ".exec-intel", "outbox")} until you set up email)`,
          "",
          `Then put your own records in place of the samples under ${path.join(dir, "data")} (see docs/data-formats.md).`,
          "",
        ].join("\n"),
      );
    });

  program
    .command("validate")
    .description("load config and data, report every problem, write nothing")
    .option("-w, --workspace <dir>", "workspace folder", ".")
    .option("--period <YYYY-MM>", "period to judge freshness against (default: last month)")
    .option("--reports", "also compose and render the reports and run the validation gate on them")
    .action(async (options: { workspace: string; period?: string; reports?: boolean }) => {
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
      if (options.reports === true) {
        const pipeline = await loadPipeline();
        const composed = pipeline.composeReports(
          collected,
          undefined,
          await pipeline.historiesOf(options.workspace, collected),
        );
        const gated = await pipeline.renderAndValidate(collected, composed, { pdf: false });
        exitCode = await reportGate(io, gated, "text");
      }
    });

  program
    .command("run")
    .description("collect → analyse → report → render → validate → archive → deliver")
    .option("-w, --workspace <dir>", "workspace folder", ".")
    .option("--tenant <id>", "only this tenant")
    .option("--report <role>", "only this report")
    .option("--recipient <email>", "only this recipient")
    .option("--period <YYYY-MM>", "month to report on (default: last month)")
    .option(
      "--dry-run",
      "collect, render and run the validation gate without writing or sending anything",
    )
    .option("--resend", "send again what the delivery ledger says was already sent (needs --yes)")
    .option("--yes", "confirm --resend")
    .addOption(new Option("--json", "print one machine-readable JSON summary on stdout"))
    .addOption(
      new Option("--log-format <format>", "also print the audit log on stdout as JSON lines")
        .choices(["text", "json"])
        .default("text")
        .conflicts("json"),
    )
    .action(
      async (
        options: RunOptions & {
          dryRun?: boolean;
          json?: boolean;
          recipient?: string;
          resend?: boolean;
          yes?: boolean;
          logFormat: "text" | "json";
        },
      ) => {
        if (options.resend === true && options.yes !== true) {
          throw new InputError([
            problem(
              "(command line)",
              undefined,
              "--resend sends reports again to people who already have them",
              "add --yes to confirm, and narrow it with --report and --recipient",
            ),
          ]);
        }
        const json = options.json === true;
        const logJson = options.logFormat === "json";
        const period = resolvePeriod(options.period, io.now());
        const runId = newRunId(io.now());
        const { executeRun } = await import("../execute-run.js");
        let redact = (text: string) => text;
        const interrupt = stopOnSignal(io);
        const run = await executeRun({
          signal: interrupt.signal,
          workspace: options.workspace,
          env: io.env,
          now: io.now,
          runId,
          toolVersion: readPackageVersion(),
          period,
          ...(options.tenant !== undefined ? { tenant: options.tenant } : {}),
          ...(options.report !== undefined ? { report: options.report } : {}),
          ...(options.recipient !== undefined ? { recipient: options.recipient } : {}),
          dryRun: options.dryRun === true,
          resend: options.resend === true,
          ...(logJson ? { echoLog: io.stdout } : {}),
          deliveryNote: (line) => io.stderr(redact(`${line}\n`)),
          ...(progress(io, json || logJson) !== undefined
            ? { onProgress: progress(io, json || logJson) }
            : {}),
          checkRequest: (collected) => checkReportOption(collected, options.report),
          judgeGate: async (gated) => {
            redact = (await gateOutput(gated)).redact;
            return (await reportGate(io, gated, json || logJson ? "json" : "text")) === EXIT.ok;
          },
        }).finally(interrupt.release);
        exitCode = run.passed ? EXIT.ok : EXIT.gateBlocked;
        const pipeline = await loadPipeline();
        const summary = pipeline.summariseRun(run.collected, run.composed, runId, {
          dryRun: options.dryRun === true,
          gated: run.gated,
          ...(run.deliveries !== undefined ? { delivered: run.deliveries } : {}),
          ...(run.archive !== undefined ? { archived: run.archive } : {}),
          ...(run.tasks !== undefined ? { tasks: run.tasks } : {}),
        });
        if (json) {
          // The summary carries the warnings too; stderr still shows them to the person.
          reportWarnings(io, run.collected.warnings, redact);
          io.stdout(redact(`${JSON.stringify(summary, null, 2)}\n`));
        } else {
          reportWarnings(io, run.collected.warnings, redact);
          const text = redact(formatModelSummary(summary));
          if (logJson) io.stderr(text);
          else io.stdout(text);
        }
        if (run.deliveries !== undefined) {
          const undelivered = run.deliveries.deliveries.filter((d) => d.status !== "sent");
          if (run.deliveries.stopped !== undefined || undelivered.length > 0) {
            exitCode = EXIT.failure;
            const { adviseOnDelivery } = await import("../core/deliver/advice.js");
            for (const advice of adviseOnDelivery(undelivered, run.deliveries.stopped))
              io.stderr(redact(`error: not sent: ${advice.message}\n    hint: ${advice.hint}\n`));
          }
        }
      },
    );

  program
    .command("send-test")
    .description("send one report to one address now, outside the delivery ledger (after the gate)")
    .requiredOption("--to <email>", "address to send the test to")
    .requiredOption("--report <role>", "which report")
    .option("-w, --workspace <dir>", "workspace folder", ".")
    .option("--tenant <id>", "tenant (default: the first)")
    .option("--period <YYYY-MM>", "month to report on (default: last month)")
    .action(async (options: RunOptions & { to: string; report: string }) => {
      const { composed, collected, pipeline } = await collectAndCompose(options, io, false);
      const gated = await pipeline.renderAndValidate(collected, composed, {
        pdf: true,
        requestedRoles: [options.report],
      });
      exitCode = await reportGate(io, gated, "text");
      if (exitCode !== EXIT.ok) return;
      const report = gated.tenants[0]?.reports.find((r) => r.document.role === options.report);
      if (report === undefined) throw new Error(`no ${options.report} report was rendered`);
      const { sendTest } = await import("../deliver.js");
      const result = await sendTest({
        config: collected.config,
        workspace: options.workspace,
        report,
        to: options.to,
        env: io.env,
        now: io.now(),
      });
      if (result.status === "sent") {
        io.stdout(`sent ${report.document.id} to ${options.to} (${result.providerMessageId})\n`);
      } else {
        io.stderr(`not sent: ${result.kind} error ${result.code}: ${result.message}\n`);
        exitCode = EXIT.failure;
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
      const { composed, collected, pipeline } = await collectAndCompose(options, io, false);
      const gated = await pipeline.renderAndValidate(collected, composed, {
        pdf: options.pdf,
        ...requested(options),
      });
      reportWarnings(io, collected.warnings, (await gateOutput(gated)).redact);
      exitCode = await reportGate(io, gated, "text");
      // A blocked batch is not written at all: a preview folder is still an output.
      if (exitCode !== EXIT.ok) return;
      const { writePreview } = await import("./preview.js");
      const out = options.out ?? path.join(options.workspace, collected.config.stateDir, "preview");
      const written = await writePreview(
        out,
        gated.tenants.flatMap((t) => t.reports),
        { config: collected.config, now: io.now() },
      );
      const lines = written.map((file) => `wrote ${file}`);
      if (gated.tenants.some((t) => t.pdf === "no-chromium")) {
        lines.push(
          "PDF skipped: Chromium not found (install Debian's chromium or set CHROMIUM_PATH)",
        );
      }
      io.stdout(`${lines.join("\n")}\n`);
    });

  program
    .command("history")
    .description("list the runs of this workspace, newest first")
    .option("-w, --workspace <dir>", "workspace folder", ".")
    .option("--limit <n>", "how many runs", "20")
    .option("--json", "print the runs as JSON")
    .action(async (options: { workspace: string; limit: string; json?: boolean }) => {
      const { listRuns, formatHistory } = await import("./history.js");
      const runs = await listRuns(options.workspace, io.env, Number(options.limit));
      io.stdout(options.json === true ? `${JSON.stringify(runs, null, 2)}\n` : formatHistory(runs));
    });

  program
    .command("tasks")
    .description("list the follow-up tasks runs made from findings")
    .option("-w, --workspace <dir>", "workspace folder", ".")
    .option("--tenant <id>", "only this tenant")
    .option("--status <status>", "open, doing, done, wont-do or resolved-in-data")
    .option("--owner <role>", "only tasks this role owns")
    .option("--json", "print the tasks as JSON")
    .action(
      async (options: {
        workspace: string;
        tenant?: string;
        status?: string;
        owner?: string;
        json?: boolean;
      }) => {
        const { listTasks, formatTaskList } = await import("./tasks.js");
        const tasks = await listTasks(options.workspace, io.env, options);
        io.stdout(
          options.json === true ? `${JSON.stringify(tasks, null, 2)}\n` : formatTaskList(tasks),
        );
      },
    );

  program
    .command("task")
    .description("show a task and its change log; --status moves it")
    .argument("<task>", "task id, e.g. T-3 or portfolio/T-3")
    .option("-w, --workspace <dir>", "workspace folder", ".")
    .option("--tenant <id>", "the task's tenant (when the workspace has several)")
    .option("--status <status>", "open, doing, done or wont-do")
    .option("--by <who>", "who made the change, for the log (default: $EXEC_INTEL_ACTOR or $USER)")
    .option("--note <text>", "why, for the log")
    .option("--json", "print the task and its log as JSON")
    .action(
      async (
        ref: string,
        options: {
          workspace: string;
          tenant?: string;
          status?: string;
          by?: string;
          note?: string;
          json?: boolean;
        },
      ) => {
        const { showTask, formatTask } = await import("./tasks.js");
        const shown = await showTask(options.workspace, io.env, { ...options, ref, now: io.now });
        io.stdout(
          options.json === true
            ? `${JSON.stringify({ task: shown.task, events: shown.events, links: shown.links }, null, 2)}\n`
            : formatTask(shown),
        );
        for (const failure of shown.webhookFailures) io.stderr(`warning: ${failure}\n`);
      },
    );

  program
    .command("serve")
    .description("the dashboard: reports, KPIs, tasks, deliveries and notes, behind a sign-in link")
    .option("-w, --workspace <dir>", "workspace folder", ".")
    .option("--host <host>", "address to listen on", "127.0.0.1")
    .option("--port <n>", "port to listen on (0: any free port)", "8787")
    .option(
      "--origin <url>",
      "public URL of the dashboard, for sign-in links (default: http://HOST:PORT)",
    )
    .action(async (options: { workspace: string; host: string; port: string; origin?: string }) => {
      const port = Number(options.port);
      if (!Number.isInteger(port) || port < 0 || port > 65_535)
        throw new InputError([
          problem(
            "--port",
            undefined,
            `"${options.port}" is not a port`,
            "use a number from 0 to 65535",
          ),
        ]);
      const { serveDashboard } = await import("./serve.js");
      const { url, stop } = await serveDashboard({
        workspace: options.workspace,
        env: io.env,
        host: options.host,
        port,
        ...(options.origin !== undefined ? { origin: options.origin } : {}),
        now: io.now,
        onOutboxLink: (email, link) =>
          io.stderr(
            `sign-in link for ${email} (outbox transport: written to the outbox, not emailed):\n  ${link}\n`,
          ),
      });
      io.stderr(`exec-intel dashboard on ${url} (Ctrl-C to stop)\n`);
      await new Promise<void>((resolve) => {
        const done = () => resolve();
        process.once("SIGINT", done);
        process.once("SIGTERM", done);
      });
      await stop();
    });

  program
    .command("schedule")
    .description(
      "run each tenant's schedule in the foreground: every due period once, whatever restarts or runs beside it",
    )
    .option("-w, --workspace <dir>", "workspace folder", ".")
    .option("--once", "run what is due now, then exit (for a systemd timer or cron)")
    .option("--status", "show each tenant's next slot and its scheduled runs, then exit")
    .option("--json", "with --status or --once: print JSON on stdout")
    .addOption(
      new Option("--clock <iso>", "start the clock at this time (tests, what-if)").hideHelp(),
    )
    .action(
      async (options: {
        workspace: string;
        once?: boolean;
        status?: boolean;
        json?: boolean;
        clock?: string;
      }) => {
        const now = clockFrom(options.clock, io.now);
        const json = options.json === true;
        const { runScheduler, scheduleStatus, formatScheduleStatus } = await import(
          "./schedule.js"
        );
        if (options.status === true) {
          const status = await scheduleStatus(options.workspace, io.env, now());
          io.stdout(json ? `${JSON.stringify(status, null, 2)}\n` : formatScheduleStatus(status));
          return;
        }
        const stop = new AbortController();
        const onSignal = () => stop.abort();
        process.once("SIGINT", onSignal);
        process.once("SIGTERM", onSignal);
        try {
          const passes = await runScheduler({
            workspace: options.workspace,
            env: io.env,
            now,
            toolVersion: readPackageVersion(),
            once: options.once === true,
            log: (line) => io.stderr(`${now().toISOString()} ${line}\n`),
            signal: stop.signal,
          });
          const outcomes = passes.flatMap((p) => p.outcomes);
          if (json) io.stdout(`${JSON.stringify(outcomes, null, 2)}\n`);
          if (outcomes.some((o) => o.result === "stopped")) exitCode = EXIT.failure;
        } finally {
          process.removeListener("SIGINT", onSignal);
          process.removeListener("SIGTERM", onSignal);
        }
      },
    );

  const exporter = program
    .command("export")
    .description("write your records in another tool's format");
  const exportOptions = (command: Command, format: string, files: string, fallback?: string) =>
    (fallback === undefined
      ? command.requiredOption("--format <format>", format)
      : command.option("--format <format>", format, fallback)
    )
      .option("-w, --workspace <dir>", "workspace folder", ".")
      .option("--tenant <id>", "only this tenant")
      .option(
        "--period <YYYY-MM>",
        "only transactions through the end of this month (default: all)",
      )
      .option("--out <dir>", `write ${files} here (default: stdout)`);
  type ExportOptions = {
    format: string;
    workspace: string;
    tenant?: string;
    period?: string;
    out?: string;
  };
  const printExport = (result: ExportResult) => {
    reportWarnings(io, result.warnings);
    io.stdout(result.text ?? result.written.map((file) => `wrote ${file}\n`).join(""));
  };
  exportOptions(
    exporter
      .command("ledger")
      .description(
        "the categorised ledger as a plain-text accounting journal (hledger/ledger-cli or beancount), one per tenant",
      ),
    "hledger or beancount",
    "<tenant>.journal or <tenant>.beancount",
  ).action(async (options: ExportOptions) => {
    const { exportLedger } = await import("./export.js");
    printExport(await exportLedger({ ...options, env: io.env, now: io.now() }));
  });
  exportOptions(
    exporter
      .command("totals")
      .description(
        "income and expense totals by month, entity and account (amounts as the bank saw them: income positive, expenses negative), one per tenant",
      ),
    "csv or json",
    "<tenant>.csv or <tenant>.json",
    "csv",
  ).action(async (options: ExportOptions) => {
    const { exportTotals } = await import("./export.js");
    printExport(await exportTotals({ ...options, env: io.env, now: io.now() }));
  });

  program
    .command("inbox")
    .description("attach replies to report emails (.eml files, or received by SMTP) as notes")
    .argument("[files...]", "reply messages as .eml files")
    .option("-w, --workspace <dir>", "workspace folder", ".")
    .option("--listen [port]", "receive replies by SMTP on 127.0.0.1 (default port 2525)")
    .option("--json", "print what became of each reply as JSON")
    .action(
      async (
        files: string[],
        options: { workspace: string; json?: boolean; listen?: string | boolean },
      ) => {
        const { readReplies, formatInbox, listenForReplies } = await import("./inbox.js");
        if (options.listen !== undefined) {
          const wanted = options.listen === true ? 2525 : Number(options.listen);
          const { port, stop } = await listenForReplies({
            workspace: options.workspace,
            env: io.env,
            host: "127.0.0.1",
            port: wanted,
            now: io.now,
            onOutcome: (outcome) => io.stderr(formatInbox([outcome])),
          });
          io.stderr(`exec-intel inbox listening on smtp://127.0.0.1:${port} (Ctrl-C to stop)\n`);
          await new Promise<void>((resolve) => {
            process.once("SIGINT", () => resolve());
            process.once("SIGTERM", () => resolve());
          });
          await stop();
          return;
        }
        if (files.length === 0)
          throw new InputError([
            problem("inbox", undefined, "no reply files given", "name .eml files, or use --listen"),
          ]);
        const outcomes = await readReplies(options.workspace, io.env, files, io.now);
        io.stdout(
          options.json === true ? `${JSON.stringify(outcomes, null, 2)}\n` : formatInbox(outcomes),
        );
        // A reply that could not be verified is bad input: said, logged above, never attached.
        if (outcomes.some((o) => o.status === "rejected")) exitCode = EXIT.badInput;
      },
    );

  program
    .command("show")
    .description("print a run's manifests and deliveries")
    .argument("<run>", "run id, a unique prefix of one, or latest")
    .option("-w, --workspace <dir>", "workspace folder", ".")
    .action(async (runId: string, options: { workspace: string }) => {
      const { showRun } = await import("./history.js");
      io.stdout(await showRun(options.workspace, io.env, runId));
    });

  program
    .command("verify")
    .description("re-hash a run's archived objects against its manifests")
    .argument("<run>", "run id, a unique prefix of one, or latest")
    .option("-w, --workspace <dir>", "workspace folder", ".")
    .action(async (runId: string, options: { workspace: string }) => {
      const { verifyRun } = await import("./history.js");
      const result = await verifyRun(options.workspace, io.env, runId);
      io.stdout(result.text);
      if (!result.ok) exitCode = EXIT.failure;
    });

  try {
    await program.parseAsync(argv as string[], { from: "user" });
  } catch (error) {
    exitCode = handleError(error, io, program.opts<{ debug?: boolean }>().debug === true);
  }
  return exitCode;
}

interface InitOptions {
  tenant?: string;
  entity?: string[];
  role?: string[];
  recipient?: string[];
  currency?: string;
  timezone?: string;
  input: boolean;
}

/** Commander's collector for a repeatable option. */
function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** The init flags as answers; `--recipient ceo=a@x.com` and comma lists are spread out. */
function initAnswers(options: InitOptions): {
  answers: import("../core/init/starter.js").StarterAnswers;
  problems: Problem[];
} {
  const problems: Problem[] = [];
  const split = (values: readonly string[]) =>
    values
      .flatMap((v) => v.split(","))
      .map((v) => v.trim())
      .filter((v) => v !== "");
  let recipients: Record<string, string[]> | undefined;
  for (const pair of options.recipient ?? []) {
    const at = pair.indexOf("=");
    if (at <= 0) {
      problems.push(
        problem(
          "--recipient",
          undefined,
          `"${pair}" does not say which report`,
          "write it as REPORT=EMAIL, e.g. --recipient ceo=jane@example.com",
        ),
      );
      continue;
    }
    const role = pair.slice(0, at).trim().toLowerCase();
    recipients ??= {};
    recipients[role] = [...(recipients[role] ?? []), ...split([pair.slice(at + 1)])];
  }
  const answers = {
    ...(options.tenant !== undefined ? { tenant: options.tenant } : {}),
    ...(options.entity !== undefined ? { entities: options.entity } : {}),
    ...(options.role !== undefined ? { roles: split(options.role) } : {}),
    ...(recipients !== undefined ? { recipients } : {}),
    ...(options.currency !== undefined ? { currency: options.currency } : {}),
    ...(options.timezone !== undefined ? { timezone: options.timezone } : {}),
  };
  return { answers, problems };
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
  checkReportOption(collected, options.report);
  const composed = pipeline.composeReports(
    collected,
    options.report,
    await pipeline.historiesOf(options.workspace, collected),
  );
  return { collected, composed, pipeline };
}

/** An unknown --report is bad input, named with the reports the config has. */
function checkReportOption(
  collected: { config: { tenants: readonly { roles: Record<string, unknown> }[] } },
  report: string | undefined,
): void {
  if (report === undefined) return;
  const roles = [...new Set(collected.config.tenants.flatMap((t) => Object.keys(t.roles)))];
  if (!roles.includes(report)) {
    throw new InputError([
      problem(
        "(command line)",
        undefined,
        `no report "${report}" in the config`,
        `use one of: ${roles.join(", ")}`,
      ),
    ]);
  }
}

/** The pipeline pulls in zod, remark and the CSV parser; `--help` should not pay for them. */
function loadPipeline(): Promise<typeof import("../run.js")> {
  return import("../run.js");
}

function handleError(error: unknown, io: Io, debug: boolean): number {
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
  if (error instanceof InterruptedError) {
    io.stderr(`interrupted: ${error.message}\n`);
    return EXIT.interrupted;
  }
  if (error instanceof Error && error.name === "RunLockedError") {
    io.stderr(`error: ${error.message}\nnothing was sent by this run.\n`);
    return EXIT.failure;
  }
  const explained = explainFailure(error);
  if (explained !== undefined) {
    io.stderr(
      `error: ${explained.message}\n    hint: ${explained.hint}\n${debug && error instanceof Error && error.stack !== undefined ? `${error.stack}\n` : ""}`,
    );
    return explained.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  const stack =
    debug && error instanceof Error && error.stack !== undefined ? `\n${error.stack}` : "";
  io.stderr(
    `internal error (a bug in exec-intel, not in your data): ${message}${stack}\n    hint: ${debug ? "please report it with the lines above" : "run the command again with --debug to see where it happened, and report it"}\n`,
  );
  return EXIT.failure;
}

/**
 * The first Ctrl-C (or SIGTERM) asks the run to stop at its next safe point; a second one quits
 * at once, which the delivery ledger also survives (a message in flight becomes "uncertain").
 */
function stopOnSignal(io: Io): { signal: AbortSignal; release: () => void } {
  const controller = new AbortController();
  const onSignal = () => {
    if (controller.signal.aborted) process.exit(EXIT.interrupted);
    io.stderr("stopping at the next safe point… (Ctrl-C again to quit at once)\n");
    controller.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  return {
    signal: controller.signal,
    release: () => {
      process.removeListener("SIGINT", onSignal);
      process.removeListener("SIGTERM", onSignal);
    },
  };
}

/** The clock: real time, or real time shifted to start at `--clock`. */
function clockFrom(option: string | undefined, now: () => Date): () => Date {
  if (option === undefined) return now;
  const start = Date.parse(option);
  if (Number.isNaN(start))
    throw new InputError([
      problem(
        "--clock",
        undefined,
        `"${option}" is not a time`,
        "write it like 2026-11-01T08:00:00Z",
      ),
    ]);
  const offset = start - now().getTime();
  return () => new Date(now().getTime() + offset);
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

function reportWarnings(
  io: Io,
  warnings: readonly Problem[],
  redact: (text: string) => string = (text) => text,
): void {
  if (warnings.length > 0 && io.quiet !== true)
    io.stderr(redact(`${warnings.map(formatProblem).join("\n")}\n`));
}

type GatedBatch = Awaited<
  ReturnType<Awaited<ReturnType<typeof loadPipeline>>["renderAndValidate"]>
>;

/** `--report` narrows the coverage check to that role. */
function requested(options: RunOptions): { requestedRoles?: string[] } {
  return options.report !== undefined ? { requestedRoles: [options.report] } : {};
}

/** A redactor for everything printed after the gate: found credentials become their masks. */
async function gateOutput(gated: GatedBatch): Promise<{ redact: (text: string) => string }> {
  const { redactSecrets } = await import("../core/validate/redact.js");
  return { redact: (text) => redactSecrets(text, gated.secrets) };
}

/**
 * Prints the gate's verdict on stderr (problems, then warnings and downgraded gates, never a
 * secret's value) and returns the exit code: 3 when the gate blocks.
 */
async function reportGate(io: Io, gated: GatedBatch, mode: "text" | "json"): Promise<number> {
  const { redact } = await gateOutput(gated);
  const { formatGateProblem } = await import("./summary-text.js");
  const lines: string[] = [];
  for (const tenant of gated.tenants) {
    const { verdict } = tenant;
    if (verdict.downgraded.length > 0) {
      lines.push(
        `gate: ${tenant.tenant}: downgraded to warnings: ${verdict.downgraded.join(", ")}`,
      );
    }
    lines.push(...verdict.warnings.map((p) => `warning: ${formatGateProblem(p)}`));
    lines.push(...verdict.problems.map((p) => `error: ${formatGateProblem(p)}`));
  }
  const problems = gated.tenants.reduce((n, t) => n + t.verdict.problems.length, 0);
  const reports = gated.tenants.reduce((n, t) => n + t.reports.length, 0);
  lines.push(
    problems === 0
      ? `gate: passed (${reports} report(s), ${gated.tenants.length} tenant(s))`
      : `gate: blocked by ${problems} problem(s); no report was archived or sent.`,
  );
  // With --json the verdict is in the summary; stderr still says why the exit code is 3, and a
  // downgraded gate or a warning is never silent.
  const noteworthy = gated.tenants.some(
    (t) => t.verdict.downgraded.length > 0 || t.verdict.warnings.length > 0,
  );
  const said = io.quiet === true ? problems > 0 : mode === "text" || problems > 0 || noteworthy;
  if (said) io.stderr(redact(`${lines.join("\n")}\n`));
  return problems === 0 ? EXIT.ok : EXIT.gateBlocked;
}

function progress(io: Io, json: boolean): ((message: string) => void) | undefined {
  return io.isTty && !json ? (message) => io.stderr(`… ${message}\n`) : undefined;
}
