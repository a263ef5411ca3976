import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { appendFile, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { scanSecrets } from "../src/adapters/secrets/secret-scanner.js";
import type { RunManifest } from "../src/core/archive/manifest.js";
import type { ManifestRef, RunRecord } from "../src/core/history/ports.js";
import type { DeliverySummary } from "../src/deliver.js";
import { type CliRun, portfolioCopies, runCli } from "./helpers/cli.js";
import {
  filesUnder,
  type LogFile,
  type LogLine,
  logsInsights,
  readLogFile,
} from "./helpers/log-lines.js";
import { plantSecrets } from "./secrets/plant.js";
import { PLANTED } from "./secrets/planted.js";

// Issue 7's audit log, read the way CloudWatch Logs would read it: every line of
// `.exec-intel/logs/<runId>.jsonl` is one flat JSON event with Powertools-style keys, every step of
// `exec-intel run` is there, what it says agrees with the JSON summary and the archive's manifests,
// a Logs Insights query can count by its fields, `--log-format json` echoes it on stdout, EMF
// metric lines come when asked for, a dry run keeps no log, and no planted credential gets in.

/** What the tests read from `run --json`. */
interface RunSummary {
  runId: string;
  dryRun: boolean;
  tenants: {
    id: string;
    reports: { role: string }[];
    validation: {
      problems: { gate: string; message: string }[];
      warnings: { gate: string; message: string }[];
    };
  }[];
  archive: { location: string; manifests: ManifestRef[] } | null;
  deliveries: DeliverySummary[];
}

const PERIOD = "2026-10";
/** The day of runCli's fixed clock: the archive's date folder. */
const DAY = "2026-11-21";
/** The steps `run` goes through today (follow-up is not built yet). */
const STEPS = ["run", "collect", "analyse", "render", "validate", "archive", "deliver"];
/** Every step the audit-log port knows. */
const KNOWN_STEPS = [...STEPS, "follow-up"];
const LEVELS = ["DEBUG", "INFO", "WARN", "ERROR"];
/** CloudWatch Logs' limit on one log event. */
const MAX_EVENT_BYTES = 256 * 1024;
/** The EMF metric names: CloudWatch's PascalCase, the only keys that are not snake_case. */
const METRICS = ["ReportsGenerated", "MessagesSent", "MessagesFailed", "RunDuration"];

/** A copy of the portfolio without PDFs (they have their own tests), `yaml` appended to its config. */
const workspace = portfolioCopies();

function run(dir: string, ...extra: string[]): Promise<CliRun> {
  return runCli(["run", "-w", dir, "--period", PERIOD, ...extra]);
}

/** The one log file a run left in `folder`, named after its run id. */
async function onlyLog(folder: string, runId: string): Promise<LogFile> {
  expect(await filesUnder(folder)).toEqual([`${runId}.jsonl`]);
  return readLogFile(path.join(folder, `${runId}.jsonl`));
}

function sha256(bytes: Buffer): string {
  return createHash("sha256").update(bytes).digest("hex");
}

describe("the audit log of a delivered run (run --json, log.metrics on)", () => {
  let dir: string;
  let result: CliRun;
  let summary: RunSummary;
  let log: LogFile;
  let lines: LogLine[];

  beforeAll(async () => {
    dir = await workspace("log:\n  metrics: true\n");
    result = await run(dir, "--json");
    summary = JSON.parse(result.stdout) as RunSummary;
    log = await onlyLog(path.join(dir, ".exec-intel", "logs"), summary.runId);
    lines = log.lines;
  }, 60_000);

  it("writes one small JSON object per line with the Powertools keys, all of this run", () => {
    expect(result.code, result.stderr).toBe(0);
    expect(lines.length).toBeGreaterThan(20);
    for (const [i, line] of lines.entries()) {
      const where = `line ${i + 1}: ${log.raw[i]?.slice(0, 200)}`;
      expect(Buffer.byteLength(log.raw[i] ?? ""), where).toBeLessThan(MAX_EVENT_BYTES);
      expect(line.timestamp, where).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(new Date(line.timestamp as string).toISOString(), where).toBe(line.timestamp);
      expect(LEVELS, where).toContain(line.level);
      expect(typeof line.message === "string" && line.message !== "", where).toBe(true);
      expect(line.service, where).toBe("exec-intel");
      expect(line.run_id, where).toBe(summary.runId);
      expect(KNOWN_STEPS, where).toContain(line.step);
    }
  });

  it("keeps every field flat (only EMF's _aws is an object), so Logs Insights discovers each one", () => {
    const nested = lines.flatMap((line, i) =>
      Object.entries(line)
        .filter(([key, value]) => key !== "_aws" && typeof value === "object" && value !== null)
        .map(([key]) => `line ${i + 1}: ${key}`),
    );
    expect(nested).toEqual([]);
    const keys = new Set(lines.flatMap((line) => Object.keys(line)));
    for (const key of ["tenant", "report", "recipient", "message_id", "duration_ms"])
      expect(keys).toContain(key);
    expect([...keys].filter((key) => /[A-Z]/.test(key) && !METRICS.includes(key))).toEqual([]);
  });

  it("is the log file the run history points at", async () => {
    const history = await runCli(["history", "-w", dir, "--json"]);
    const runs = JSON.parse(history.stdout) as RunRecord[];
    expect(runs.map((r) => [r.runId, r.logFile])).toEqual([
      [summary.runId, path.join(dir, ".exec-intel", "logs", `${summary.runId}.jsonl`)],
    ]);
  });

  it("logs every step of the run, and ends with the run's status", () => {
    expect([...new Set(lines.map((l) => l.step))]).toEqual(expect.arrayContaining(STEPS));
    expect(lines[0]).toMatchObject({ step: "run", level: "INFO", period: PERIOD });
    expect(lines.at(-1)).toMatchObject({ step: "run", level: "INFO", status: "finished" });
    for (const tenant of summary.tenants) {
      for (const step of ["collect", "analyse", "validate"])
        expect(lines.filter((l) => l.step === step && l.tenant === tenant.id)).not.toEqual([]);
      const rendered = lines.filter((l) => l.step === "render" && l.tenant === tenant.id);
      expect(rendered.map((l) => l.report)).toEqual(tenant.reports.map((r) => r.role));
    }
  });

  it("has exactly one deliver INFO event per delivery, with the summary's message id", () => {
    expect(summary.deliveries).toHaveLength(11);
    const events = lines.filter((l) => l.step === "deliver" && l.recipient !== undefined);
    const keyOf = (tenant: unknown, report: unknown, recipient: unknown) =>
      `${tenant} ${report} ${recipient}`;
    expect(events.map((e) => keyOf(e.tenant, e.report, e.recipient)).sort()).toEqual(
      summary.deliveries.map((d) => keyOf(d.tenant, d.report, d.recipient)).sort(),
    );
    for (const delivery of summary.deliveries) {
      const event = events.find(
        (e) =>
          keyOf(e.tenant, e.report, e.recipient) ===
          keyOf(delivery.tenant, delivery.report, delivery.recipient),
      );
      expect(event).toMatchObject({
        level: "INFO",
        message_id: delivery.messageId,
        provider_message_id: delivery.providerMessageId,
        attempts: delivery.attempts,
      });
      expect(delivery.messageId).toMatch(/^<.+@.+>$/);
    }
  });

  it("logs each archived object's key and SHA-256 exactly as the manifest the run wrote", async () => {
    const manifests = summary.archive?.manifests ?? [];
    expect(manifests.map((m) => m.key).sort()).toEqual(
      summary.tenants.map((t) => `${t.id}/${DAY}/manifest.json`).sort(),
    );
    for (const ref of manifests) {
      const bytes = await readFile(path.join(dir, ".exec-intel", "archive", ref.key));
      expect(sha256(bytes)).toBe(ref.sha256);
      const manifest = JSON.parse(bytes.toString("utf8")) as RunManifest;
      expect(manifest.runId).toBe(summary.runId);
      const logged = lines.filter(
        (l) => l.step === "archive" && l.tenant === ref.tenant && l.report !== undefined,
      );
      expect(logged.map((l) => `${l.key} ${l.sha256}`).sort()).toEqual(
        manifest.objects.map((o) => `${o.key} ${o.sha256}`).sort(),
      );
      // The manifest itself is logged too, with the hash of the bytes that were written.
      expect(lines.filter((l) => l.step === "archive" && l.key === ref.key)).toEqual([
        expect.objectContaining({ tenant: ref.tenant, sha256: ref.sha256 }),
      ]);
    }
  });

  it("answers a Logs Insights query with the summary's deliveries per report", () => {
    const rows = logsInsights(
      lines,
      'filter step = "deliver" and level = "INFO" and ispresent(recipient) | stats count() by tenant, report',
    );
    const expected = new Map<string, number>();
    for (const d of summary.deliveries) {
      const key = `${d.tenant} ${d.report}`;
      expected.set(key, (expected.get(key) ?? 0) + 1);
    }
    expect(rows.map((r) => [`${r.tenant} ${r.report}`, r["count()"]])).toEqual(
      [...expected].sort(([a], [b]) => a.localeCompare(b)),
    );
    expect(logsInsights(lines, 'filter level = "ERROR" | stats count()')).toEqual([]);
  });

  it("writes one Embedded Metric Format line per tenant whose values agree with the summary", () => {
    const emf = lines.filter((l) => l._aws !== undefined);
    expect(emf.map((l) => l.tenant).sort()).toEqual(summary.tenants.map((t) => t.id).sort());
    for (const line of emf) {
      const aws = line._aws as {
        Timestamp: unknown;
        CloudWatchMetrics: {
          Namespace: string;
          Dimensions: string[][];
          Metrics: { Name: string; Unit: string }[];
        }[];
      };
      expect(aws.Timestamp).toBe(Date.parse(line.timestamp as string));
      expect(aws.CloudWatchMetrics).toHaveLength(1);
      const [directive] = aws.CloudWatchMetrics;
      expect(directive?.Namespace).toBe("ExecIntel");
      expect(directive?.Dimensions).toEqual([["service", "tenant"]]);
      expect(directive?.Metrics).toEqual([
        { Name: "ReportsGenerated", Unit: "Count" },
        { Name: "MessagesSent", Unit: "Count" },
        { Name: "MessagesFailed", Unit: "Count" },
        { Name: "RunDuration", Unit: "Milliseconds" },
      ]);
      for (const key of directive?.Dimensions.flat() ?? []) expect(typeof line[key]).toBe("string");
      for (const { Name } of directive?.Metrics ?? []) expect(typeof line[Name]).toBe("number");
      const tenant = summary.tenants.find((t) => t.id === line.tenant);
      const mine = summary.deliveries.filter((d) => d.tenant === line.tenant);
      expect(line).toMatchObject({
        ReportsGenerated: tenant?.reports.length,
        MessagesSent: mine.filter((d) => d.sentNow).length,
        MessagesFailed: mine.filter((d) => d.status !== "sent").length,
      });
      expect(line.RunDuration).toBeGreaterThanOrEqual(0);
    }
  });
});

describe("run --log-format json", () => {
  let dir: string;
  let result: CliRun;
  let log: LogFile;
  let runId: string;

  beforeAll(async () => {
    // log.dir moves the log; without log.metrics there is no EMF line.
    dir = await workspace("log:\n  dir: audit\n");
    result = await run(dir, "--log-format", "json");
    runId = String(result.stdout.match(/"run_id":"([^"]+)"/)?.[1]);
    log = await onlyLog(path.join(dir, "audit"), runId);
  }, 60_000);

  it("prints the same JSON lines on stdout as in the file, and the human summary on stderr", () => {
    expect(result.code, result.stderr).toBe(0);
    expect(log.lines.length).toBeGreaterThan(20);
    expect(result.stdout).toBe(`${log.raw.join("\n")}\n`);
    expect(result.stderr).toContain(`Run ${runId} for ${PERIOD}.`);
    expect(existsSync(path.join(dir, ".exec-intel", "logs"))).toBe(false);
  });

  it("writes no EMF line when log.metrics is off", () => {
    expect(log.lines.filter((l) => "_aws" in l)).toEqual([]);
    expect(log.lines.filter((l) => l.step === "deliver" && l.recipient !== undefined)).toHaveLength(
      11,
    );
  });

  it("is a usage error together with --json (exit 2), and then nothing runs", async () => {
    const fresh = await workspace();
    const both = await run(fresh, "--log-format", "json", "--json");
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--log-format.*cannot be used with.*--json/);
    expect(both.stdout).toBe("");
    expect(existsSync(path.join(fresh, ".exec-intel"))).toBe(false);
  });
});

/**
 * The spellings of a credential a log line could carry: as is, JSON-escaped, and each long piece
 * of a value made of parts (a PEM block's body lines, whatever whitespace separates).
 */
function spellings(value: string): string[] {
  const pieces = value
    .split(/\s+|\\n/)
    .filter((piece) => piece.length >= 12 && /[0-9]/.test(piece) && /[A-Za-z]/.test(piece));
  return [...new Set([value, ...pieces].flatMap((s) => [s, JSON.stringify(s).slice(1, -1)]))];
}

/** The planted credentials any of `texts` holds, by kind. */
function plantedIn(...texts: string[]): string[] {
  return PLANTED.filter((secret) =>
    spellings(secret.value).some((spelling) => texts.some((text) => text.includes(spelling))),
  ).map((secret) => secret.kind);
}

/**
 * Every planted credential as the amount of a bank row the ledger skips (`onBadRow: skip`): each
 * becomes a collect warning quoting the cell, which the run logs before the gate has run.
 */
async function plantInSkippedRows(dir: string): Promise<void> {
  const config = path.join(dir, "exec-intel.yaml");
  const source = "        path: data/ledger/jada-checking.csv\n";
  const text = await readFile(config, "utf8");
  expect(text.split(source)).toHaveLength(2);
  await writeFile(config, text.replace(source, `${source}        onBadRow: skip\n`));
  const rows = PLANTED.map((secret, i) => {
    // As the corpus plants it: a password is one only next to the word.
    const cell = secret.kind.startsWith("password") ? `password: ${secret.value}` : secret.value;
    const day = String(1 + (i % 28)).padStart(2, "0");
    return `10/${day}/2026,DEPOSIT,"${cell.replaceAll('"', '""')}",0.00\n`;
  });
  await appendFile(path.join(dir, "data/ledger/jada-checking.csv"), rows.join(""));
}

interface PlantedRun {
  dir: string;
  result: CliRun;
  summary: RunSummary;
  text: string;
  lines: LogLine[];
}

describe("planted credentials never reach the audit log", () => {
  let blocked: PlantedRun;
  let allowed: PlantedRun;
  let skipped: PlantedRun;

  async function plantedRun(
    yaml: string,
    plant: (dir: string) => Promise<unknown>,
  ): Promise<PlantedRun> {
    const dir = await workspace(yaml);
    await plant(dir);
    const result = await run(dir, "--json");
    const summary = JSON.parse(result.stdout) as RunSummary;
    const folder = path.join(dir, ".exec-intel", "logs");
    const { lines } = await onlyLog(folder, summary.runId);
    const text = await readFile(path.join(folder, `${summary.runId}.jsonl`), "utf8");
    return { dir, result, summary, text, lines };
  }

  beforeAll(async () => {
    const inReports = (dir: string) => plantSecrets(dir, PLANTED);
    blocked = await plantedRun("", inReports);
    // The planted values make two reports' HTML too big for Gmail, so limits is downgraded too.
    allowed = await plantedRun("validation:\n  downgrade: [credentials, limits]\n", inReports);
    skipped = await plantedRun("", plantInSkippedRows);
  }, 120_000);

  it("blocks (exit 3) and still logs the gate's error events, one per summary problem", () => {
    expect(blocked.result.code, blocked.result.stderr.slice(0, 2000)).toBe(3);
    const problems = blocked.summary.tenants.flatMap((t) => t.validation.problems);
    expect(problems.filter((p) => p.gate === "credentials").length).toBeGreaterThanOrEqual(30);
    const errors = blocked.lines.filter(
      (l) => l.step === "validate" && l.level === "ERROR" && l.gate !== undefined,
    );
    expect(errors.map((e) => `${e.gate}: ${e.message}`).sort()).toEqual(
      problems.map((p) => `${p.gate}: ${p.message}`).sort(),
    );
    expect(blocked.lines.filter((l) => l.step === "archive" || l.step === "deliver")).toEqual([]);
    expect(blocked.lines.at(-1)).toMatchObject({ step: "run", status: "blocked" });
  });

  it("holds no planted value in the log of the blocked run", () => {
    expect(plantedIn(blocked.text)).toEqual([]);
  });

  it("delivers when the gate is told to let them through, and the reports do carry them", async () => {
    expect(allowed.result.code, allowed.result.stderr.slice(0, 2000)).toBe(0);
    const warnings = allowed.summary.tenants.flatMap((t) => t.validation.warnings);
    const logged = allowed.lines.filter(
      (l) => l.step === "validate" && l.level === "WARN" && l.gate !== undefined,
    );
    expect(logged.map((e) => `${e.gate}: ${e.message}`).sort()).toEqual(
      warnings.map((p) => `${p.gate}: ${p.message}`).sort(),
    );
    expect(
      allowed.lines.filter((l) => l.step === "deliver" && l.recipient !== undefined),
    ).toHaveLength(11);
    // What the log must not repeat is really in the archived reports.
    const archive = path.join(allowed.dir, ".exec-intel", "archive");
    const texts = await Promise.all(
      (await filesUnder(archive))
        .filter((file) => /\.(txt|md|json|html)$/.test(file))
        .map((file) => readFile(path.join(archive, file), "utf8")),
    );
    expect(plantedIn(...texts).length).toBeGreaterThanOrEqual(30);
  });

  it("holds no planted value in the log of the delivered run", () => {
    expect(plantedIn(allowed.text)).toEqual([]);
  });

  it("holds no planted value quoted by a skipped row's warning, logged before the gate runs", () => {
    expect(skipped.result.code, skipped.result.stderr.slice(0, 2000)).toBe(3);
    const warnings = skipped.lines.filter((l) => l.step === "collect" && l.level === "WARN");
    expect(warnings).toHaveLength(PLANTED.length);
    expect(plantedIn(skipped.text)).toEqual([]);
  });

  it("prints no planted value either, and the scanner finds no credential in the logs", async () => {
    const printed = [blocked, allowed, skipped].flatMap((r) => [r.result.stdout, r.result.stderr]);
    expect(plantedIn(...printed)).toEqual([]);
    const hits = await scanSecrets([
      { report: "log", output: "blocked run", text: blocked.text },
      { report: "log", output: "delivered run", text: allowed.text },
    ]);
    expect(hits.map((h) => `${h.output}:${h.line} ${h.kind} ${h.fingerprint}`)).toEqual([]);
  });
});

describe("run --dry-run", () => {
  it("keeps no log, no archive and no history row", async () => {
    const dir = await workspace();
    const result = await run(dir, "--dry-run", "--json");
    expect(result.code, result.stderr).toBe(0);
    expect((JSON.parse(result.stdout) as RunSummary).dryRun).toBe(true);
    expect(await filesUnder(path.join(dir, ".exec-intel", "logs"))).toEqual([]);
    expect(await filesUnder(path.join(dir, ".exec-intel", "archive"))).toEqual([]);
    const history = await runCli(["history", "-w", dir, "--json"]);
    expect(history.code, history.stderr).toBe(0);
    expect(JSON.parse(history.stdout)).toEqual([]);
  }, 60_000);
});
