// Benchmark: the worker pipeline in-process over BENCH_TENANTS (1,000) synthetic tenants, each with
// 4 entities and 10,000 ledger transactions. Per tenant, exactly what the Lambda worker does per
// SQS message: `runScheduledPeriod` claims the (tenant, period), runs the pipeline (collect →
// analyse → render → validate → archive → deliver) and settles the claim, here with the SQLite
// stores, the folder archive and the outbox transport. Tenants run strictly one at a time: each
// one's workspace is generated, run and deleted before the next, so disk and memory should stay
// flat however many tenants run. Prints per-tenant times (generate vs pipeline), tenants per
// second per core, memory at 10%, 50% and 100% of the tenants and the peak, then a projection of
// Lambda duration and AWS cost per 10,000 tenants a month from a request census of one tenant
// (bench/scale/census.js, DynamoDB stores on dynalite). A human table, then one JSON object; with
// BENCH_RESULT_FILE set, also the result for `npm run bench` (bench/lib.js): the warm tenants'
// pipeline times as runs, the peak RSS, and the target (memory flat as tenants grow) computed.
//
//   BENCH_TENANTS=N         tenants to run (default 1000, about 8 minutes on 2 cores)
//   BENCH_SAMPLE_EVERY=N    memory sample (after global.gc()) every N tenants (default N/20)
//   BENCH_CENSUS=0          skip the census and the projection
//   BENCH_JSON=FILE         also write the JSON summary to FILE
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { median, writeResult } from "./lib.js";
import { LATENCY_MS, PRICES_AS_OF, projectCost, WORKER_MB } from "./scale/projection.js";
import {
  PERIOD,
  SCHEDULE_CRON,
  SLOT,
  TIME_ZONE,
  tenantId,
  writeTenantWorkspace,
} from "./scale/tenant.js";
import { walk } from "./scale/walk.js";

const TENANTS = Number(process.env.BENCH_TENANTS ?? 1000);
const SAMPLE_EVERY = Number(
  process.env.BENCH_SAMPLE_EVERY ?? Math.max(1, Math.round(TENANTS / 20)),
);
const CENSUS = process.env.BENCH_CENSUS !== "0";
const PROGRESS_EVERY = 50;
const MB = 1024 * 1024;
const dist = (file) => new URL(`../dist/${file}`, import.meta.url).href;

if (typeof global.gc !== "function") {
  process.stderr.write("run with node --expose-gc (npm run bench:scale does)\n");
  process.exit(2);
}

const { runScheduledPeriod } = await import(dist("schedule.js"));
const { openScheduleStore } = await import(dist("adapters/store/schedule-store.js"));
const { parseScheduleExpression } = await import(dist("core/schedule/cron.js"));
const { version: toolVersion } = JSON.parse(
  readFileSync(new URL("../package.json", import.meta.url), "utf8"),
);

const schedule = (tenant) => ({
  tenant,
  source: SCHEDULE_CRON,
  expression: parseScheduleExpression(SCHEDULE_CRON),
  timeZone: TIME_ZONE,
});

const bytesOf = (files) => files.reduce((n, f) => n + statSync(f).size, 0);

/** Step times of one run from its audit log (`duration_ms` of each step's closing event). */
function stepsOf(logFile) {
  const steps = {};
  for (const line of readFileSync(logFile, "utf8").split("\n")) {
    if (line === "") continue;
    const event = JSON.parse(line);
    if (event.duration_ms === undefined) continue;
    // The run's own closing line and each step's summary line carry the step's duration.
    steps[event.step] = event.duration_ms;
  }
  return steps;
}

function memory() {
  const { rss, heapUsed, external, arrayBuffers } = process.memoryUsage();
  return { rss, heapUsed, external, arrayBuffers };
}

const loadBefore = loadavg()[0];
const root = mkdtempSync(path.join(tmpdir(), "exec-intel-bench-scale-"));
const tenants = [];
const samples = [];
let peakRss = process.memoryUsage.rss();
global.gc();
const baseline = { tenants: 0, ...memory() };
samples.push(baseline);
const cpuStart = process.cpuUsage();
const wallStart = performance.now();
/** A failed tenant's workspace is kept for a look; otherwise the temp folder goes. */
let keep = false;
try {
  for (let i = 0; i < TENANTS; i++) {
    const id = tenantId(i);
    const dir = path.join(root, id);
    const t0 = performance.now();
    const { bytes: inputBytes } = writeTenantWorkspace(dir, i);
    const t1 = performance.now();
    const cpuBefore = process.cpuUsage();
    const scheduleStore = openScheduleStore(path.join(dir, ".exec-intel", "state.sqlite"));
    let outcome;
    try {
      outcome = await runScheduledPeriod({
        workspace: dir,
        env: {},
        now: () => new Date(),
        toolVersion,
        schedule: schedule(id),
        due: { tenant: id, slot: SLOT, period: PERIOD },
        owner: `bench:${process.pid}`,
        scheduleStore,
        log: () => {},
      });
    } finally {
      scheduleStore.close();
    }
    const t2 = performance.now();
    const cpuRun = process.cpuUsage(cpuBefore);
    if (outcome.result !== "done") {
      keep = true;
      throw new Error(`${id}: ${outcome.result}: ${outcome.detail} (workspace kept in ${dir})`);
    }
    const state = path.join(dir, ".exec-intel");
    const archived = walk(path.join(state, "archive"));
    const messages = walk(path.join(state, "outbox"));
    const logs = walk(path.join(state, "logs"));
    const record = {
      generateMs: t1 - t0,
      pipelineMs: t2 - t1,
      // This process's CPU time (all its threads) over the pipeline: less sensitive than the
      // wall time to other work on the machine.
      pipelineCpuMs: (cpuRun.user + cpuRun.system) / 1000,
      inputBytes,
      archiveObjects: archived.length,
      archiveBytes: bytesOf(archived),
      messages: messages.length,
      messageBytes: bytesOf(messages),
      stateBytes: statSync(path.join(state, "state.sqlite")).size,
      steps: logs.length === 1 ? stepsOf(logs[0]) : {},
    };
    rmSync(dir, { recursive: true, force: true });
    record.cleanupMs = performance.now() - t2;
    record.rssAfter = process.memoryUsage.rss();
    tenants.push(record);
    peakRss = Math.max(peakRss, record.rssAfter);
    const done = i + 1;
    if (done % SAMPLE_EVERY === 0 || done === TENANTS) {
      global.gc();
      samples.push({ tenants: done, ...memory() });
    }
    if (done % PROGRESS_EVERY === 0 || done === TENANTS) {
      const recent = tenants.slice(-PROGRESS_EVERY).map((t) => t.pipelineMs);
      process.stderr.write(
        `[scale] ${done}/${TENANTS} tenants, ${((performance.now() - wallStart) / 1000).toFixed(0)} s, last ${recent.length}: median ${median(recent).toFixed(0)} ms/tenant, rss ${(process.memoryUsage.rss() / MB).toFixed(0)} MB\n`,
      );
    }
  }
} finally {
  if (!keep) rmSync(root, { recursive: true, force: true });
}
const wallMs = performance.now() - wallStart;
const cpu = process.cpuUsage(cpuStart);
// The kernel's high-water mark (KB) covers moments between the samples above.
const maxRssKernel = process.resourceUsage().maxRSS * 1024;

function quantile(xs, q) {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const at = (s.length - 1) * q;
  const lo = Math.floor(at);
  return s[lo] + (s[Math.ceil(at)] - s[lo]) * (at - lo);
}
const stats = (xs) => ({
  median: median(xs),
  p90: quantile(xs, 0.9),
  max: Math.max(...xs),
  min: Math.min(...xs),
  total: xs.reduce((a, b) => a + b, 0),
});

/** The sample nearest to a share of the tenants. */
const sampleAt = (share) =>
  samples.reduce((best, s) =>
    Math.abs(s.tenants - share * TENANTS) < Math.abs(best.tenants - share * TENANTS) ? s : best,
  );
/** Least-squares slope of heapUsed and rss per 100 tenants, over the samples after the first 10%. */
function slopePer100(key) {
  const points = samples.filter((s) => s.tenants >= TENANTS * 0.1);
  if (points.length < 2) return Number.NaN;
  const mx = points.reduce((a, p) => a + p.tenants, 0) / points.length;
  const my = points.reduce((a, p) => a + p[key], 0) / points.length;
  const num = points.reduce((a, p) => a + (p.tenants - mx) * (p[key] - my), 0);
  const den = points.reduce((a, p) => a + (p.tenants - mx) ** 2, 0);
  return ((num / den) * 100) / MB;
}

const pipeline = stats(tenants.map((t) => t.pipelineMs));
// The first tenant also loads the pipeline's modules (vega, mjml, resvg, secretlint…): a cold start.
const warm = stats(tenants.slice(1).map((t) => t.pipelineMs));
const warmCpu = stats(tenants.slice(1).map((t) => t.pipelineCpuMs));
const generate = stats(tenants.map((t) => t.generateMs));
const cleanup = stats(tenants.map((t) => t.cleanupMs));
const stepNames = ["collect", "analyse", "validate", "archive", "deliver", "run"];
const steps = Object.fromEntries(
  stepNames.map((name) => [name, median(tenants.slice(1).map((t) => t.steps[name] ?? Number.NaN))]),
);
const first = tenants[0];
const summary = {
  date: new Date().toISOString().slice(0, 10),
  node: process.version,
  tenants: TENANTS,
  perTenant: {
    entities: 4,
    transactions: 10_000,
    inputBytes: median(tenants.map((t) => t.inputBytes)),
    reports: 3,
    archiveObjects: median(tenants.map((t) => t.archiveObjects)),
    archiveBytes: median(tenants.map((t) => t.archiveBytes)),
    messages: median(tenants.map((t) => t.messages)),
    messageBytes: median(tenants.map((t) => t.messageBytes)),
    stateBytes: median(tenants.map((t) => t.stateBytes)),
  },
  wallSeconds: wallMs / 1000,
  pipelineMs: pipeline,
  pipelineWarmMs: warm,
  pipelineWarmCpuMs: warmCpu,
  coldFirstTenantMs: first?.pipelineMs,
  generateMs: generate,
  cleanupMs: cleanup,
  stepMedianMs: steps,
  tenantsPerSecondPerCore: TENANTS / (pipeline.total / 1000),
  tenantsPerCpuSecond: TENANTS / (tenants.reduce((n, t) => n + t.pipelineCpuMs, 0) / 1000),
  cpu: {
    userSeconds: cpu.user / 1e6,
    systemSeconds: cpu.system / 1e6,
    // Above 1.0: threads (GC, libuv's pool, SQLite) used the second core part of the time.
    coresBusy: (cpu.user + cpu.system) / 1000 / wallMs,
  },
  memory: {
    baseline: mb(baseline),
    at10: mb(sampleAt(0.1)),
    at50: mb(sampleAt(0.5)),
    at100: mb(sampleAt(1)),
    peakRssMb: Math.max(peakRss, maxRssKernel) / MB,
    heapSlopeMbPer100Tenants: slopePer100("heapUsed"),
    rssSlopeMbPer100Tenants: slopePer100("rss"),
    samples: samples.map(mb),
  },
};
function mb(s) {
  return {
    tenants: s.tenants,
    rssMb: +(s.rss / MB).toFixed(1),
    heapUsedMb: +(s.heapUsed / MB).toFixed(1),
    externalMb: +(s.external / MB).toFixed(1),
  };
}

if (CENSUS) {
  const out = execFileSync(
    process.execPath,
    [fileURLToPath(new URL("./scale/census.js", import.meta.url)), "0"],
    { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], maxBuffer: 1 << 20 },
  );
  const census = JSON.parse(out);
  // The model prices a whole-table Scan only when the census saw the worker make one.
  const project = (pipelineMs, monthsOfHistory) =>
    projectCost({ tenants: 10_000, pipelineMs, census, monthsOfHistory });
  summary.census = census;
  summary.projection = {
    pricesAsOf: PRICES_AS_OF,
    latencyAssumedMs: LATENCY_MS,
    workerMb: WORKER_MB,
    median: project(warm.median, 0),
    p90: project(warm.p90, 0),
    medianAfter11Months: project(warm.median, 11),
  };
}

// --- human table ---------------------------------------------------------------------------
const ms = (v) => `${v.toFixed(0)} ms`;
const lines = [
  `scale benchmark: ${TENANTS} synthetic tenants (4 entities, 10,000 transactions, 3 reports each), one at a time, node ${process.version}`,
  `  wall ${(wallMs / 1000).toFixed(1)} s; CPU ${(summary.cpu.userSeconds + summary.cpu.systemSeconds).toFixed(1)} s (${summary.cpu.coresBusy.toFixed(2)} cores busy on average)`,
  "",
  "  per tenant          median     p90     max",
  `  pipeline (warm)   ${ms(warm.median).padStart(8)} ${ms(warm.p90).padStart(7)} ${ms(warm.max).padStart(7)}   first tenant (cold): ${ms(first.pipelineMs)}`,
  `  pipeline CPU      ${ms(warmCpu.median).padStart(8)} ${ms(warmCpu.p90).padStart(7)} ${ms(warmCpu.max).padStart(7)}   (user + system time of this process)`,
  `  generate          ${ms(generate.median).padStart(8)} ${ms(generate.p90).padStart(7)} ${ms(generate.max).padStart(7)}   (not counted as pipeline)`,
  `  delete workspace  ${ms(cleanup.median).padStart(8)} ${ms(cleanup.p90).padStart(7)} ${ms(cleanup.max).padStart(7)}   (not counted as pipeline)`,
  `  steps (median): ${stepNames
    .filter((n) => n !== "run")
    .map((n) => `${n} ${ms(steps[n])}`)
    .join(", ")}; executeRun ${ms(steps.run)}`,
  "",
  `  tenants/second per core: ${summary.tenantsPerSecondPerCore.toFixed(2)} (${TENANTS} tenants / ${(pipeline.total / 1000).toFixed(1)} pipeline-seconds); per CPU-second: ${summary.tenantsPerCpuSecond.toFixed(2)}`,
  "",
  "  memory             tenants   RSS MB   heapUsed MB (after gc)",
  ...[
    ["baseline", summary.memory.baseline],
    ["10%", summary.memory.at10],
    ["50%", summary.memory.at50],
    ["100%", summary.memory.at100],
  ].map(
    ([label, s]) =>
      `  ${label.padEnd(16)} ${String(s.tenants).padStart(8)} ${s.rssMb.toFixed(0).padStart(8)} ${s.heapUsedMb.toFixed(1).padStart(13)}`,
  ),
  `  peak RSS ${summary.memory.peakRssMb.toFixed(0)} MB; slope after 10%: heap ${summary.memory.heapSlopeMbPer100Tenants.toFixed(2)} MB, RSS ${summary.memory.rssSlopeMbPer100Tenants.toFixed(2)} MB per 100 tenants`,
];
if (summary.projection !== undefined) {
  const { median: m, p90, medianAfter11Months: late } = summary.projection;
  lines.push(
    "",
    `  projection per 10,000 tenants a month (a model: ${PRICES_AS_OF})`,
    `  Lambda duration per tenant: median ${m.durationMs} ms, p90 ${p90.durationMs} ms (compute scaled to ${WORKER_MB} MB's CPU share + assumed request round trips)`,
    "  item                                                   per tenant                             10,000 tenants        price                         USD",
    ...m.rows.map(
      (r) =>
        `  ${r.item.padEnd(54)} ${r.perTenant.padEnd(38)} ${r.volume.padEnd(21)} ${r.price.padEnd(24)} ${r.usd.toFixed(2).padStart(8)}`,
    ),
    `  total (median): $${m.total.toFixed(2)}; at p90 duration: $${p90.total.toFixed(2)}; in month 12 (11 months of rows in the table): $${late.total.toFixed(2)}, ${late.durationMs} ms per tenant`,
  );
}
process.stdout.write(`${lines.join("\n")}\n\n${JSON.stringify(summary, null, 2)}\n`);
if (process.env.BENCH_JSON) writeFileSync(process.env.BENCH_JSON, JSON.stringify(summary, null, 2));

// --- result for `npm run bench` --------------------------------------------------------------
// The first tenant also loads every module (a cold start), so the runs are the warm tenants'.
const warmTenants = tenants.length > 1 ? tenants.slice(1) : tenants;
const tenth = (v) => Math.round(v * 10) / 10;
const half = Math.ceil(tenants.length / 2);
const peakRssMbOf = (list) => Math.max(...list.map((t) => t.rssAfter)) / MB;
const firstHalfPeak = peakRssMbOf(tenants.slice(0, half));
const secondHalfPeak = tenants.length > 1 ? peakRssMbOf(tenants.slice(half)) : Number.NaN;
const heapSlope = summary.memory.heapSlopeMbPer100Tenants;
/** "Flat": the later peak within 10% of the earlier one, and retained heap not growing. */
const RSS_GROWTH_ALLOWED = 1.1;
const HEAP_SLOPE_ALLOWED_MB = 1;
const mb0 = (v) => `${v.toFixed(0)} MB`;
const signed = (v) => `${v >= 0 ? "+" : "−"}${Math.abs(v).toFixed(2)}`;
const rest = {
  executeRun:
    steps.run -
    ["collect", "analyse", "validate", "archive", "deliver"].reduce((n, k) => n + steps[k], 0),
  outside: warm.median - steps.run,
};
const resultNotes = [
  `${TENANTS} tenants, one at a time; whole run ${(wallMs / 1000).toFixed(0)} s, ${summary.cpu.coresBusy.toFixed(2)} cores busy on average. Load average (1 min): ${loadBefore.toFixed(2)} at the start, ${loadavg()[0].toFixed(2)} at the end.`,
  `First tenant (cold, loads the modules): ${ms(first.pipelineMs)}. Throughput: ${summary.tenantsPerSecondPerCore.toFixed(2)} tenants/s per core (tenants ÷ the sum of their pipeline wall times), ${summary.tenantsPerCpuSecond.toFixed(2)} per CPU-second.`,
  `Per tenant, not counted as pipeline (medians): generating the workspace ${ms(generate.median)}, deleting it ${ms(cleanup.median)}.`,
  `Steps (medians of the audit log's duration_ms, warm tenants): collect ${ms(steps.collect)}, analyse ${ms(steps.analyse)}, render + gate (validate) ${ms(steps.validate)}, archive ${ms(steps.archive)}, deliver ${ms(steps.deliver)}; the rest of executeRun about ${ms(rest.executeRun)}; claim, settle and opening the stores about ${ms(rest.outside)} (pipeline median − executeRun median).`,
  `Memory after global.gc(): RSS ${summary.memory.at10.rssMb.toFixed(0)} / ${summary.memory.at50.rssMb.toFixed(0)} / ${summary.memory.at100.rssMb.toFixed(0)} MB at 10% / 50% / 100% of the tenants; heapUsed ${summary.memory.at10.heapUsedMb.toFixed(1)} → ${summary.memory.at100.heapUsedMb.toFixed(1)} MB; least-squares slope after 10%: RSS ${signed(summary.memory.rssSlopeMbPer100Tenants)} MB, heapUsed ${signed(heapSlope)} MB per 100 tenants. Peak RSS is the kernel's high-water mark (resourceUsage().maxRSS).`,
];
if (TENANTS < 100)
  resultNotes.push(`Only ${TENANTS} tenants: too few for the memory trend to mean much.`);
if (summary.projection !== undefined) {
  const { median: m, p90, medianAfter11Months: late } = summary.projection;
  const { census } = summary;
  const units = (phase) => census.dynamodb[phase] ?? { writeUnits: 0, readUnits: 0 };
  const wru = ["scheduled", "worker", "sesEvents"].reduce((n, p) => n + units(p).writeUnits, 0);
  const rru = ["scheduled", "worker", "sesEvents"].reduce((n, p) => n + units(p).readUnits, 0);
  resultNotes.push(
    `Census of one tenant (DynamoDB on dynalite): ${wru} WRU (scheduled ${units("scheduled").writeUnits}, worker ${units("worker").writeUnits}, sesEvents ${units("sesEvents").writeUnits}), ${rru} RRU, ${census.dynamodb.worker.requests.ScanCommand ?? 0} Scan by the worker; ${census.archive.objects} archive objects (${(census.archive.bytes / 1024).toFixed(0)} KB), ${census.messages.count} messages (${(census.messages.bytes / 1024).toFixed(0)} KB), ${census.workspaceFiles} workspace files downloaded; worker config loads ${ms(census.configLoadsMs)}. Worker writes by item (WRU): ${Object.entries(
      census.dynamodb.worker.writes,
    )
      .map(([kind, n]) => `${kind} ${n}`)
      .join(", ")}.`,
    `Projection per 10,000 tenants a month (a model from the warm median and the census; ${PRICES_AS_OF}): Lambda worker ${m.durationMs} ms per tenant (${Math.round(m.computeMs)} compute scaled to ${WORKER_MB} MB's CPU share + ${Math.round(m.networkMs)} assumed request round trips), p90 ${p90.durationMs} ms; total $${m.total.toFixed(2)} a month (at p90 durations $${p90.total.toFixed(2)}; in month 12 $${late.total.toFixed(2)}).`,
    `Projection items (USD per 10,000 tenants a month): ${m.rows
      .map((r) =>
        r.excluded
          ? `${r.item.replace(/^\((.*)\)$/, "$1")} ${r.usd.toFixed(2)}, not in the total`
          : `${r.item} ${r.usd.toFixed(2)}`,
      )
      .join("; ")}.`,
  );
} else {
  resultNotes.push("Census and cost projection skipped (BENCH_CENSUS=0).");
}
writeResult({
  id: "scale",
  title: `Scale: the worker pipeline over ${TENANTS.toLocaleString("en-US")} synthetic tenants`,
  command: "npm run bench:scale",
  cases: [
    {
      name: `pipeline per tenant, warm (${warmTenants.length.toLocaleString("en-US")} tenants)`,
      subjects: [
        {
          name: "exec-intel",
          runs: warmTenants.map((t) => tenth(t.pipelineMs)),
          peakRssKb: Math.round(summary.memory.peakRssMb * 1024),
          detail: `p90 ${ms(warm.p90)}, max ${ms(warm.max)}; first tenant (cold) ${ms(first.pipelineMs)}`,
        },
      ],
    },
    {
      name: "pipeline CPU time per tenant, warm (user + system, all threads)",
      subjects: [
        {
          name: "exec-intel",
          runs: warmTenants.map((t) => tenth(t.pipelineCpuMs)),
          peakRssKb: null,
          detail: `p90 ${ms(warmCpu.p90)}`,
        },
      ],
    },
  ],
  targets: [
    {
      text: `peak memory stays flat as tenants grow: peak RSS (after each tenant) over the second half of the tenants at most ${Math.round((RSS_GROWTH_ALLOWED - 1) * 100)}% above the first half's, and heapUsed after GC growing under ${HEAP_SLOPE_ALLOWED_MB} MB per 100 tenants`,
      actual: `peak RSS ${mb0(firstHalfPeak)} → ${Number.isNaN(secondHalfPeak) ? "?" : mb0(secondHalfPeak)}; heapUsed ${Number.isNaN(heapSlope) ? "?" : signed(heapSlope)} MB per 100 tenants`,
      met:
        secondHalfPeak <= firstHalfPeak * RSS_GROWTH_ALLOWED && heapSlope < HEAP_SLOPE_ALLOWED_MB,
    },
  ],
  notes: resultNotes,
});
