// Benchmark: parse + validate + categorise a 1,000,000-row bank-export CSV.
// Prints the median over several runs, rows/second, peak RSS, and ratios to peers run on the
// same file in the same session: Papa Parse alone (the floor: tokenising with no validation) and,
// when installed, hledger reading the same CSV with a rules file.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
// hledger needs minutes and several GB for a million rows, so it runs once unless asked.
const HLEDGER_RUNS = Number(process.env.BENCH_HLEDGER_RUNS ?? 1);
const dataDir = fileURLToPath(new URL("./.data/", import.meta.url));
const csvPath = `${dataDir}ledger-${ROWS}.csv`;

const MERCHANTS = [
  ["CHEVRON 0042 SAN DIEGO CA", -60, 40],
  ["STRIPE PAYOUT", 900, 1500],
  ["AMAZON WEB SERVICES AWS.AMAZON.CO", -50, 34],
  ["WEST MARINE #1187", -30, 200],
  ['"SHELTER ISLAND MARINA, SLIP 42"', -640, 0],
  ["GOOGLE *WORKSPACE", -14, 0],
  ["POS PURCHASE 88213", -12, 30],
  ["VENMO PAYMENT 7731", -25, 75],
  ["HOME DEPOT #6671", -40, 160],
  ["TRANSFER FROM SAVINGS", 500, 1500],
];

function generate() {
  if (existsSync(csvPath)) return;
  mkdirSync(dataDir, { recursive: true });
  const lines = ["Posting Date,Description,Amount,Balance"];
  let seed = 42;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  for (let i = 0; i < ROWS; i++) {
    const [description, base, spread] = MERCHANTS[Math.floor(random() * MERCHANTS.length)];
    const amount = (base + Math.sign(base || 1) * random() * spread).toFixed(2);
    const day = new Date(Date.UTC(2016, 0, 1) + Math.floor((i / ROWS) * 3650) * 86_400_000);
    const date = `${String(day.getUTCMonth() + 1).padStart(2, "0")}/${String(day.getUTCDate()).padStart(2, "0")}/${day.getUTCFullYear()}`;
    lines.push(`${date},${description},${amount},0.00`);
  }
  writeFileSync(csvPath, `${lines.join("\n")}\n`);
}

/** Runs one measurement in a fresh process so peak RSS belongs to that run alone. */
function measure(mode) {
  const out = execFileSync(
    process.execPath,
    [fileURLToPath(new URL("./ingest-worker.js", import.meta.url)), mode, csvPath],
    {
      encoding: "utf8",
      maxBuffer: 1 << 20,
    },
  );
  return JSON.parse(out);
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function measureHledger() {
  if (HLEDGER_RUNS === 0) return { skipped: true };
  const which = spawnSync("hledger", ["--version"], { encoding: "utf8" });
  if (which.status !== 0) return undefined;
  const rules = `${dataDir}bench.rules`;
  writeFileSync(
    rules,
    "skip 1\nfields date, description, amount, balance_\ndate-format %m/%d/%Y\ncurrency $\naccount1 assets:bank:checking\n",
  );
  const runs = [];
  for (let i = 0; i < HLEDGER_RUNS; i++) {
    const started = process.hrtime.bigint();
    const result = spawnSync(
      "/usr/bin/time",
      ["-f", "%M", "hledger", "-f", csvPath, "--rules-file", rules, "stats"],
      { encoding: "utf8", maxBuffer: 1 << 24 },
    );
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (result.status !== 0) return { error: result.stderr.split("\n")[0] };
    const peakKb = Number(result.stderr.trim().split("\n").pop());
    runs.push({ seconds, peakMb: peakKb / 1024 });
  }
  return {
    version: which.stdout.trim().split("\n")[0],
    seconds: median(runs.map((r) => r.seconds)),
    peakMb: median(runs.map((r) => r.peakMb)),
  };
}

generate();
const results = {};
for (const mode of ["exec-intel", "tokenise-only"]) {
  const runs = Array.from({ length: RUNS }, () => measure(mode));
  results[mode] = {
    seconds: median(runs.map((r) => r.seconds)),
    peakMb: median(runs.map((r) => r.peakMb)),
    rows: runs[0].rows,
    uncategorised: runs[0].uncategorised,
  };
}
const hledger = measureHledger();
const ours = results["exec-intel"];
const lines = [
  `ingest benchmark: ${ROWS.toLocaleString("en-US")} rows, median of ${RUNS} runs, node ${process.version}`,
  `  exec-intel parse+validate+categorise: ${ours.seconds.toFixed(2)} s, ${Math.round(ours.rows / ours.seconds).toLocaleString("en-US")} rows/s, peak RSS ${Math.round(ours.peakMb)} MB (${ours.uncategorised} uncategorised)`,
  `  Papa Parse alone (floor):              ${results["tokenise-only"].seconds.toFixed(2)} s, peak RSS ${Math.round(results["tokenise-only"].peakMb)} MB; exec-intel/floor = ${(ours.seconds / results["tokenise-only"].seconds).toFixed(2)}x`,
  hledger === undefined
    ? "  hledger: not installed (apt-get install hledger to compare)"
    : hledger.skipped
      ? "  hledger: skipped (BENCH_HLEDGER_RUNS=0)"
      : hledger.error !== undefined
        ? `  hledger: failed: ${hledger.error}`
        : `  ${hledger.version} CSV import (median of ${HLEDGER_RUNS}): ${hledger.seconds.toFixed(2)} s, peak RSS ${Math.round(hledger.peakMb)} MB; hledger/exec-intel = ${(hledger.seconds / ours.seconds).toFixed(1)}x`,
  `  target: < 3 s and < 1024 MB -> ${ours.seconds < 3 && ours.peakMb < 1024 ? "met" : "NOT met"}`,
];
process.stdout.write(`${lines.join("\n")}\n`);
