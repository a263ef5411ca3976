// What every benchmark shares: statistics, timing a whole child process with its peak memory,
// the machine's description, and the result file `npm run bench` (bench/index.js) collects.
//
// A benchmark reports a result of this shape (JSON) when BENCH_RESULT_FILE is set:
// {
//   id: "ledger",                       // its prose lives in bench/notes/<id>.md
//   title: "Ledger aggregation: exec-intel vs hledger and ledger-cli",
//   command: "npm run bench:ledger",    // what reproduces it alone
//   cases: [{
//     name: "1,000,000 transactions",
//     unit: "ms",                       // what runs are in (default ms)
//     subjects: [                       // the first is exec-intel; the rest are peers
//       { name: "exec-intel", runs: [1412, 1398, ...], peakRssKb: 261228, detail: "..." },
//       { name: "ledger-cli 3.3", runs: [...], peakRssKb: 2767148 },
//     ],
//   }],
//   targets: [{ text: "≥10× faster than ledger-cli at 1M", actual: "14.5×", met: true }],
//   notes: ["anything computed worth saying: load, skipped peers"],
// }
// The ratio of each peer to exec-intel is computed from the medians by bench/index.js.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, release, tmpdir, totalmem } from "node:os";
import { join } from "node:path";

/** The median of a list of numbers (the mean of the middle two for an even count). */
export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** The smallest and largest of a list of numbers. */
export function range(values) {
  return [Math.min(...values), Math.max(...values)];
}

/** GNU time, which reports a child's peak RSS (`%M`, KB); Debian's `time` package. */
export const GNU_TIME = existsSync("/usr/bin/time") ? "/usr/bin/time" : null;

/**
 * Runs `command args` to its exit and resolves { ms, peakRssKb, code, stdout, stderr }: wall time
 * from spawn to exit, so start-up costs count, and the peak RSS from GNU time (null without it).
 * stdout is kept as a string unless `stdoutFile` is given (then it is written there).
 */
export function measureProcess(command, args, { cwd, env, stdoutFile } = {}) {
  const scratch = mkdtempSync(join(tmpdir(), "exec-intel-bench-"));
  const rssFile = join(scratch, "rss");
  const argv = GNU_TIME ? ["-f", "%M", "-o", rssFile, command, ...args] : args;
  return new Promise((resolve, reject) => {
    const chunks = [];
    let stderr = "";
    const start = performance.now();
    const child = spawn(GNU_TIME ?? command, argv, {
      cwd,
      env: env ?? process.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout.on("data", (d) => chunks.push(d));
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    child.on("error", reject);
    child.on("close", (code) => {
      const ms = performance.now() - start;
      let peakRssKb = null;
      if (GNU_TIME && existsSync(rssFile)) {
        // GNU time appends "Command exited with non-zero status N" before the figure on failure.
        const lines = readFileSync(rssFile, "utf8").trim().split("\n");
        peakRssKb = Number(lines.at(-1));
      }
      rmSync(scratch, { recursive: true, force: true });
      const out = Buffer.concat(chunks);
      if (stdoutFile !== undefined) writeFileSync(stdoutFile, out);
      resolve({ ms, peakRssKb, code, stdout: stdoutFile ? "" : out.toString("utf8"), stderr });
    });
  });
}

/**
 * Runs `measure()` `runs` times in a row and returns { runs: ms[], peakRssKb (max of runs) }.
 * `measure` resolves { ms, peakRssKb } (measureProcess's answer fits) and should throw when the
 * run's output is wrong: a benchmark of a wrong answer is no benchmark.
 */
export async function repeat(runs, measure) {
  const times = [];
  let peak = null;
  for (let i = 0; i < runs; i++) {
    const { ms, peakRssKb } = await measure(i);
    times.push(ms);
    if (peakRssKb !== null && peakRssKb !== undefined) peak = Math.max(peak ?? 0, peakRssKb);
  }
  return { runs: times, peakRssKb: peak };
}

/** The first line of `command --version`, or null when the tool is not installed. */
export async function toolVersion(command, args = ["--version"]) {
  try {
    const { stdout, code } = await measureProcess(command, args, {
      env: { ...process.env, LC_ALL: "C.UTF-8" },
    });
    return code === 0 ? (stdout.split("\n")[0]?.trim() ?? null) : null;
  } catch {
    return null;
  }
}

/** The machine a result was measured on, for BENCHMARKS.md's header. */
export function machine() {
  const cpu = cpus();
  return {
    cpu: cpu[0]?.model.trim() ?? "unknown",
    cores: cpu.length,
    memoryGb: Math.round(totalmem() / 1024 ** 3),
    os: `${process.platform} ${release()}`,
    node: process.version,
    load: loadavg().map((l) => Number(l.toFixed(2))),
  };
}

/**
 * Writes the result for bench/index.js when BENCH_RESULT_FILE is set (and always returns it):
 * checks the shape first, so a benchmark that forgot its figures fails instead of printing a
 * table of blanks.
 */
export function writeResult(result) {
  const problems = [];
  if (typeof result.id !== "string" || !/^[a-z0-9-]+$/.test(result.id)) problems.push("id");
  if (typeof result.title !== "string") problems.push("title");
  if (typeof result.command !== "string") problems.push("command");
  if (!Array.isArray(result.cases) || result.cases.length === 0) problems.push("cases");
  for (const c of result.cases ?? []) {
    if (!Array.isArray(c.subjects) || c.subjects.length === 0)
      problems.push(`case ${c.name}: subjects`);
    for (const s of c.subjects ?? []) {
      if (!Array.isArray(s.runs) || s.runs.length === 0 || s.runs.some((r) => !Number.isFinite(r)))
        problems.push(`case ${c.name}, ${s.name}: runs`);
    }
  }
  for (const t of result.targets ?? []) {
    if (typeof t.met !== "boolean") problems.push(`target ${t.text}: met`);
  }
  if (problems.length > 0) throw new Error(`bench result is missing ${problems.join(", ")}`);
  const file = process.env.BENCH_RESULT_FILE;
  // Timings to a tenth of a millisecond: the clock promises no more, and the file stays readable.
  const cases = result.cases.map((c) => ({
    ...c,
    subjects: c.subjects.map((s) => ({ ...s, runs: s.runs.map((r) => Math.round(r * 10) / 10) })),
  }));
  const measured = { ...result, cases, measuredAt: new Date().toISOString(), machine: machine() };
  if (file) writeFileSync(file, `${JSON.stringify(measured, null, 2)}\n`);
  return result;
}
