// Benchmark: growth. The main job, `exec-intel run -w <workspace> --period 2026-10`, as a cold
// process on copies of examples/portfolio whose records are BENCH_FACTORS (default 1,10,100)
// times as many (bench/growth/scale-portfolio.js says what is scaled and how; PDFs are off so
// Chromium does not dominate). Each copy must pass `exec-intel validate` (exit 0). Then
// BENCH_RUNS (default 5) rounds; each round runs every factor once, in order, so that load drift
// on a shared machine hits every factor alike. Before each run the copy's .exec-intel folder
// (state, logs, archive, outbox) is removed, so every run does the same work; a run must exit 0
// and leave 11 .eml files. Wall time and peak RSS come from bench/lib.js's measureProcess, the
// steps' durations and the rendered HTML from the run's audit log. Targets, per step up: time,
// peak RSS and every audit-log step grow no faster than the record count, and the marginal time
// per record does not rise. Unless BENCH_PROFILE=0, the two largest factors are then run once
// more under `node --cpu-prof`, and the project functions whose time grows much faster than the
// data are listed with their source file.
//
//   BENCH_FACTORS=1,10,100   scale factors (whole numbers, ascending)
//   BENCH_RUNS=5             timed runs per factor
//   BENCH_PROFILE=0          skip the two CPU-profiled runs
//   BENCH_RESULT_FILE=FILE   write the result for `npm run bench` (bench/lib.js)
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { summariseProfile, superlinearFunctions } from "./growth/profile.js";
import { LEFT_AT_1X, RECORD_GROUPS, SCALED, scalePortfolio } from "./growth/scale-portfolio.js";
import { readAuditLog, STEP_LABELS } from "./growth/steps.js";
import { measureProcess, median, range, repeat, writeResult } from "./lib.js";

const FACTORS = (process.env.BENCH_FACTORS ?? "1,10,100").split(",").map((f) => Number(f.trim()));
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const PROFILE = process.env.BENCH_PROFILE !== "0" && FACTORS.length >= 2;
const PERIOD = "2026-10";
const EXPECTED_EML = 11;
const root = fileURLToPath(new URL("..", import.meta.url));
const example = join(root, "examples/portfolio");
const bin = join(root, "bin/exec-intel.js");
const scratch = mkdtempSync(join(tmpdir(), "exec-intel-growth-"));

function fail(message) {
  console.error(`growth benchmark FAILED: ${message}`);
  rmSync(scratch, { recursive: true, force: true });
  process.exit(1);
}

if (
  FACTORS.length === 0 ||
  FACTORS.some((f, i) => !Number.isInteger(f) || f < 1 || (i > 0 && f <= FACTORS[i - 1]))
)
  fail(`BENCH_FACTORS must be ascending whole numbers ≥ 1, not "${process.env.BENCH_FACTORS}"`);
if (!Number.isInteger(RUNS) || RUNS < 1) fail("BENCH_RUNS must be a whole number ≥ 1");

const int = (n) => Math.round(n).toLocaleString("en-US");
const fmtMs = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);
const fmtMb = (bytes) => `${(bytes / 1024 / 1024).toFixed(bytes >= 10 * 1024 * 1024 ? 0 : 1)} MB`;
const fmtKb = (kb) => (kb === null ? "?" : `${(kb / 1024).toFixed(0)} MB`);
const ratio = (x) => (x >= 10 ? x.toFixed(1) : x.toFixed(2));

if (!existsSync(join(example, "repos"))) {
  const made = spawnSync(process.execPath, [join(example, "scripts/make-repos.mjs")], {
    stdio: "inherit",
  });
  if (made.status !== 0) fail("make-repos.mjs failed");
}

const loadBefore = loadavg();

// 1. One scaled copy per factor, checked by `exec-intel validate`.
const sizes = [];
for (const factor of FACTORS) {
  const dir = join(scratch, `x${factor}`);
  const { bytes, records } = scalePortfolio(example, dir, factor);
  const total = Object.values(records).reduce((a, b) => a + b, 0);
  const check = await measureProcess(process.execPath, [bin, "validate", "-w", dir], { cwd: root });
  if (check.code !== 0)
    fail(`validate of the ${factor}× copy exited ${check.code}:\n${check.stdout}${check.stderr}`);
  sizes.push({ factor, dir, bytes, records, total });
  console.log(
    `${factor}×: ${fmtMb(bytes)} of data, ${int(total)} records (${Object.entries(records)
      .map(([group, n]) => `${group} ${int(n)}`)
      .join(", ")}); validate exit 0 in ${fmtMs(check.ms)}`,
  );
}

// 2. The timed runs, a round at a time.
const outboxCount = (dir) => {
  const outbox = join(dir, ".exec-intel/outbox");
  return existsSync(outbox)
    ? readdirSync(outbox, { recursive: true }).filter((f) => String(f).endsWith(".eml")).length
    : 0;
};

async function runOnce(size, nodeArgs = []) {
  rmSync(join(size.dir, ".exec-intel"), { recursive: true, force: true });
  const r = await measureProcess(
    process.execPath,
    [...nodeArgs, bin, "run", "-w", size.dir, "--period", PERIOD],
    // Profiled runs use tsc's output, whose profile names source files, not bundle chunks.
    {
      cwd: root,
      env: { ...process.env, ...(nodeArgs.length > 0 ? { EXEC_INTEL_UNBUNDLED: "1" } : {}) },
    },
  );
  const output = `${r.stdout}${r.stderr}`;
  if (r.code !== 0) fail(`${size.factor}× run exited ${r.code}:\n${output.slice(-3000)}`);
  const eml = outboxCount(size.dir);
  if (eml !== EXPECTED_EML)
    fail(`${size.factor}× run left ${eml} .eml files in the outbox, expected ${EXPECTED_EML}`);
  const warnings = output.split("\n").filter((l) => l.startsWith("warning: "));
  return { ...r, ...readAuditLog(size.dir), warnings };
}

const measured = new Map(
  sizes.map((s) => [s.factor, { runs: [], peakRssKb: null, audits: [], warnings: new Set() }]),
);
for (let round = 0; round < RUNS; round++) {
  for (const size of sizes) {
    const m = measured.get(size.factor);
    let last;
    const { runs, peakRssKb } = await repeat(1, async () => {
      last = await runOnce(size);
      return last;
    });
    m.runs.push(...runs);
    if (peakRssKb !== null) m.peakRssKb = Math.max(m.peakRssKb ?? 0, peakRssKb);
    m.audits.push(last);
    for (const w of last.warnings) m.warnings.add(w);
    console.error(
      `round ${round + 1}/${RUNS} ${size.factor}×: ${fmtMs(last.ms)}, ${fmtKb(last.peakRssKb)}, ${Object.entries(
        last.steps,
      )
        .filter(([step]) => step !== "run")
        .map(([step, ms]) => `${step} ${fmtMs(ms)}`)
        .join(", ")}`,
    );
  }
}
const loadAfter = loadavg();

// 3. Per factor: medians of the wall time, the steps and the HTML.
const stepNames = Object.keys(STEP_LABELS).filter((s) =>
  [...measured.values()].some((m) => m.audits.some((a) => a.steps[s] !== undefined)),
);
for (const size of sizes) {
  const m = measured.get(size.factor);
  size.median = median(m.runs);
  size.range = range(m.runs);
  size.peakRssKb = m.peakRssKb;
  size.steps = Object.fromEntries(
    stepNames.map((s) => [s, median(m.audits.map((a) => a.steps[s] ?? 0))]),
  );
  size.htmlBytes = median(m.audits.map((a) => a.htmlBytes));
  size.warnings = [...m.warnings];
}

console.log(
  `\ngrowth benchmark: exec-intel run --period ${PERIOD}, PDFs off, cold process, median of ${RUNS} run(s) per factor (Node ${process.version})`,
);
for (const s of sizes) {
  const [low, high] = s.range;
  console.log(
    `${`${s.factor}×`.padStart(5)}  ${int(s.total).padStart(8)} records  ${fmtMb(s.bytes).padStart(7)}  median ${fmtMs(s.median).padStart(8)}  min–max ${fmtMs(low)}–${fmtMs(high)}  peak RSS ${fmtKb(s.peakRssKb)}  ${((s.median / s.total) * 1000).toFixed(1)} ms per 1,000 records  HTML ${fmtMb(s.htmlBytes)}`,
  );
  console.log(
    `       steps (median): ${stepNames.map((n) => `${STEP_LABELS[n]} ${fmtMs(s.steps[n])}`).join(", ")}`,
  );
}

// 4. Targets, per step up and per pair of step-ups.
const targets = [];
const growthSteps = stepNames.filter((s) => s !== "run");
for (let i = 1; i < sizes.length; i++) {
  const a = sizes[i - 1];
  const b = sizes[i];
  const data = b.total / a.total;
  const span = `from ${a.factor}× to ${b.factor}×`;
  const time = b.median / a.median;
  targets.push({
    text: `time grows no worse than linearly ${span}`,
    actual: `median ${b.factor}× / median ${a.factor}× = ${ratio(time)} (data ×${ratio(data)} in records)`,
    met: time <= data,
  });
  if (a.peakRssKb !== null && b.peakRssKb !== null) {
    const memory = b.peakRssKb / a.peakRssKb;
    targets.push({
      text: `peak memory grows no worse than linearly ${span}`,
      actual: `peak RSS ${fmtKb(b.peakRssKb)} / ${fmtKb(a.peakRssKb)} = ${ratio(memory)} (data ×${ratio(data)})`,
      met: memory <= data,
    });
  }
  const perStep = growthSteps.map((n) => [n, b.steps[n] / Math.max(a.steps[n], 1)]);
  targets.push({
    text: `every step of the audit log grows no worse than linearly ${span}`,
    actual: `${perStep.map(([n, r]) => `${STEP_LABELS[n]} ×${ratio(r)}`).join(", ")} (data ×${ratio(data)})`,
    met: perStep.every(([, r]) => r <= data),
  });
}
const marginal = (a, b, of) => ((of(b) - of(a)) / (b.total - a.total)) * 1000;
for (let i = 2; i < sizes.length; i++) {
  const [a, b, c] = [sizes[i - 2], sizes[i - 1], sizes[i]];
  const before = marginal(a, b, (s) => s.median);
  const after = marginal(b, c, (s) => s.median);
  targets.push({
    text: `the marginal time per record does not rise from ${a.factor}×→${b.factor}× to ${b.factor}×→${c.factor}×`,
    actual: `${after.toFixed(1)} ms per 1,000 added records (${b.factor}×→${c.factor}×) vs ${before.toFixed(1)} (${a.factor}×→${b.factor}×)`,
    met: after <= before,
  });
}
console.log("\ntargets:");
for (const t of targets) console.log(`  ${t.met ? "met    " : "NOT met"}  ${t.text}: ${t.actual}`);

// 5. Which functions grow faster than the data (two profiled runs, not timed).
let profileNotes = [];
if (PROFILE) {
  const [small, large] = sizes.slice(-2);
  const summaries = [];
  for (const size of [small, large]) {
    const dir = join(scratch, `prof-${size.factor}`);
    mkdirSync(dir, { recursive: true });
    await runOnce(size, ["--cpu-prof", `--cpu-prof-dir=${dir}`, "--cpu-prof-interval=250"]);
    const file = readdirSync(dir).find((f) => f.endsWith(".cpuprofile"));
    if (file === undefined) fail(`no CPU profile was written for ${size.factor}×`);
    summaries.push(summariseProfile(join(dir, file), root));
  }
  const data = large.total / small.total;
  const suspects = superlinearFunctions(summaries[0], summaries[1], data).slice(0, 12);
  const gc = (s) => s.self.find((x) => x.fn.startsWith("(garbage collector)"))?.ms ?? 0;
  const topSelf = summaries[1].self
    .filter((x) => x.fn.includes("dist/") || x.fn.startsWith("(garbage"))
    .slice(0, 6);
  console.log(
    `\nCPU profile, one run each at ${small.factor}× and ${large.factor}× (data ×${ratio(data)}): project functions whose total time grew more than 3× faster than the data:`,
  );
  for (const x of suspects)
    console.log(
      `  ${fmtMs(x.small).padStart(8)} → ${fmtMs(x.large).padStart(8)}  ×${ratio(x.ratio).padStart(5)}  ${x.fn}`,
    );
  console.log(`largest self time at ${large.factor}×:`);
  for (const x of topSelf) console.log(`  ${fmtMs(x.ms).padStart(8)}  ${x.fn}`);
  profileNotes = [
    suspects.length === 0
      ? `CPU profile, one run each at ${small.factor}× and ${large.factor}× (data ×${ratio(data)}): no project function's total time grew more than 3× faster than the data.`
      : `CPU profile, one run each at ${small.factor}× and ${large.factor}× (data ×${ratio(data)}, \`--cpu-prof\`): project functions whose total time (with callees) grew more than 3× faster than the data, fastest-growing first: ${suspects
          .map((x) => `${x.fn} ${fmtMs(x.small)} → ${fmtMs(x.large)} (×${ratio(x.ratio)})`)
          .join("; ")}.`,
    `Largest self time in the ${large.factor}× profile: ${topSelf.map((x) => `${x.fn.replace(/ dist\/(.*)\.js:\d+$/, " (src/$1.ts)")} ${fmtMs(x.ms)}`).join("; ")}; garbage collection ${fmtMs(gc(summaries[0]))} at ${small.factor}× vs ${fmtMs(gc(summaries[1]))} at ${large.factor}×.`,
  ];
}

// 6. The result.
const largest = sizes.at(-1);
const slowest = growthSteps
  .map((n) => [n, largest.steps[n]])
  .sort((a, b) => b[1] - a[1])
  .map(([n, ms]) => `${STEP_LABELS[n]} ${fmtMs(ms)}`);
const notes = [
  `Scaled ×factor (each row followed by factor − 1 replicas with the same dates and amounts and their own ids, names and references): ${SCALED}`,
  `Left at 1×: ${LEFT_AT_1X}`,
  `Records per factor (${Object.keys(RECORD_GROUPS).join(" / ")}): ${sizes
    .map((s) => `${s.factor}× ${Object.values(s.records).map(int).join(" / ")}`)
    .join("; ")}. Data folder: ${sizes.map((s) => `${s.factor}× ${fmtMb(s.bytes)}`).join(", ")}.`,
  `Every copy runs with \`render: pdf: off\`, \`validation.limits.htmlBytes\` raised (a report of 100× the records lists more rows and findings than Gmail's 102 KB) and the figure-consistency gate downgraded to warnings, the same config at every factor. Warnings it printed: ${sizes
    .map(
      (s) =>
        `${s.factor}× ${s.warnings.length === 0 ? "none" : s.warnings.map((w) => `"${w.replace(/^warning: /, "")}"`).join(", ")}`,
    )
    .join("; ")}.`,
  `Rendered HTML per run (all reports, median): ${sizes.map((s) => `${s.factor}× ${fmtMb(s.htmlBytes)}`).join(", ")}.`,
  `Slowest steps at ${largest.factor}× (median of the audit log's duration_ms): ${slowest.join(", ")}; the process wall minus the in-process run is start-up and exit (${fmtMs(largest.median - (largest.steps.run ?? 0))}).`,
  `Load average (1/5/15 min) ${loadBefore.map((l) => l.toFixed(2)).join(" / ")} before the runs, ${loadAfter.map((l) => l.toFixed(2)).join(" / ")} after; ${RUNS} round(s), each running every factor once in turn.`,
  ...profileNotes,
];

writeResult({
  id: "growth",
  title: `Growth: the pipeline at ${FACTORS.map((f) => `${f}×`).join(", ")} the reference portfolio's records`,
  command: "npm run bench:growth",
  cases: sizes.map((s) => ({
    name: `${s.factor}× (${int(s.records.ledger)} ledger rows, ${int(s.records.bookings)} bookings, ${fmtMb(s.bytes)})`,
    unit: "ms",
    subjects: [
      {
        name: "exec-intel",
        runs: measured.get(s.factor).runs,
        peakRssKb: s.peakRssKb,
        detail: `${int(s.total)} records, ${((s.median / s.total) * 1000).toFixed(1)} ms per 1,000 records; ${[
          "analyse",
          "validate",
          "collect",
        ]
          .filter((n) => s.steps[n] !== undefined)
          .map((n) => `${STEP_LABELS[n]} ${fmtMs(s.steps[n])}`)
          .join(", ")}`,
      },
    ],
  })),
  targets,
  notes,
});
rmSync(scratch, { recursive: true, force: true });
