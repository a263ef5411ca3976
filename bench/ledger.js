// Benchmark: income and expense totals by entity × account × month, exec-intel against the
// plain-text accounting tools a user would otherwise reach for (Debian `ledger` and `hledger`).
// For each size (BENCH_SIZES, default 10k, 100k and 1M transactions) it writes one synthetic
// tenant (4 entities, 12 months, bench/scale/tenant.js) as bank-export CSVs — exec-intel's input —
// and has exec-intel export the same categorised transactions as an hledger journal — the peers'
// input. Then it times whole processes, cold start included, each writing the same totals:
//   exec-intel export totals -w DIR                      (CSV in, totals CSV out)
//   ledger  -f J -M --format … register ^income ^expenses (one line per account and month)
//   hledger -f J register -M -O csv income expenses
// Every run's totals must agree with the other tools' to the cent, or the benchmark fails.
// BENCH_RUNS (default 5) runs per tool; BENCH_HLEDGER_RUNS overrides hledger's (it needs ~1.5 min
// and ~9 GB per run at 1M). Prints medians, min–max, peak RSS and ratios; writes the result for
// `npm run bench` when BENCH_RESULT_FILE is set.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  agreeingTotals,
  hledgerTotals,
  LEDGER_FORMAT,
  ledgerTotals,
  oursToJournal,
} from "./ledger/readers.js";
import {
  GNU_TIME,
  machine,
  measureProcess,
  median,
  range,
  repeat,
  toolVersion,
  writeResult,
} from "./lib.js";
import { writeTenantWorkspace } from "./scale/tenant.js";

const SIZES = (process.env.BENCH_SIZES ?? "10000,100000,1000000").split(",").map(Number);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const HLEDGER_RUNS = Number(process.env.BENCH_HLEDGER_RUNS ?? RUNS);
const root = fileURLToPath(new URL("..", import.meta.url));
const bin = join(root, "bin/exec-intel.js");
// The peers print and parse numbers by locale; C.UTF-8 is what every test of them uses.
const peerEnv = { ...process.env, LC_ALL: "C.UTF-8" };

const fail = (message) => {
  console.error(`ledger benchmark FAILED: ${message}`);
  process.exit(1);
};
/** agreeingTotals, failing the benchmark instead of throwing. */
const agree = (reference, other, name) => {
  try {
    return agreeingTotals(reference, other, name);
  } catch (error) {
    fail(error.message);
  }
};

// "Ledger 3.3.0-20230208, the command-line accounting tool" → "ledger-cli 3.3.0".
const shortVersion = (line, name) => {
  const version = line?.match(/\d+(?:\.\d+)+/)?.[0];
  return line === null ? null : `${name} ${version ?? "(unknown version)"}`;
};
const versions = {
  ledger: shortVersion(await toolVersion("ledger"), "ledger-cli"),
  hledger: shortVersion(await toolVersion("hledger"), "hledger"),
};
const fmt = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);
const mb = (kb) => (kb === null ? "n/a" : `${Math.round(kb / 1024)} MB`);

console.log(
  `ledger benchmark: totals by entity × account × month; ${RUNS} runs per tool (hledger ${HLEDGER_RUNS}); Node ${process.version}; ${versions.ledger ?? "ledger not installed"}; ${versions.hledger ?? "hledger not installed"}; peak RSS ${GNU_TIME ? "via GNU time" : "not measured (no /usr/bin/time)"}`,
);

const cases = [];
const targets = [];
const notes = [];
for (const size of SIZES) {
  const scratch = mkdtempSync(join(tmpdir(), `exec-intel-ledger-${size}-`));
  try {
    const workspace = join(scratch, "workspace");
    const { id, bytes } = writeTenantWorkspace(workspace, 0, { entities: 4, transactions: size });
    const exported = spawnSync(
      process.execPath,
      [bin, "export", "ledger", "-w", workspace, "--format", "hledger", "--out", scratch],
      { encoding: "utf8" },
    );
    if (exported.status !== 0) fail(`export ledger failed: ${exported.stderr}`);
    const journal = join(scratch, `${id}.journal`);
    const journalBytes = statSync(journal).size;
    console.log(
      `\n${size.toLocaleString("en-US")} transactions: CSV ${(bytes / 1e6).toFixed(1)} MB, journal ${(journalBytes / 1e6).toFixed(1)} MB`,
    );

    let reference;
    const ours = await repeat(RUNS, async () => {
      const run = await measureProcess(process.execPath, [
        bin,
        "export",
        "totals",
        "-w",
        workspace,
      ]);
      if (run.code !== 0) fail(`exec-intel export totals exited ${run.code}: ${run.stderr}`);
      const totals = oursToJournal(run.stdout);
      if (reference === undefined) reference = totals;
      else agree(reference, totals, "exec-intel (another run)");
      return run;
    });
    const subjects = [
      {
        name: "exec-intel",
        runs: ours.runs,
        peakRssKb: ours.peakRssKb,
        detail: `${Math.round(size / (median(ours.runs) / 1000)).toLocaleString("en-US")} transactions/s, ${reference.size} totals`,
      },
    ];
    const peers = [
      {
        name: versions.ledger ?? "ledger-cli",
        installed: versions.ledger !== null,
        runs: RUNS,
        command: "ledger",
        args: ["-f", journal, "-M", "--format", LEDGER_FORMAT, "register", "^income", "^expenses"],
        read: ledgerTotals,
      },
      {
        name: versions.hledger ?? "hledger",
        installed: versions.hledger !== null,
        runs: HLEDGER_RUNS,
        command: "hledger",
        args: ["-f", journal, "register", "-M", "-O", "csv", "income", "expenses"],
        read: hledgerTotals,
      },
    ];
    for (const peer of peers) {
      if (!peer.installed || peer.runs <= 0) {
        notes.push(
          `${peer.name} at ${size}: ${peer.installed ? "skipped (runs set to 0)" : "not installed"}`,
        );
        continue;
      }
      const measured = await repeat(peer.runs, async () => {
        const run = await measureProcess(peer.command, peer.args, { env: peerEnv });
        if (run.code !== 0) fail(`${peer.command} exited ${run.code}: ${run.stderr.slice(0, 400)}`);
        agree(reference, peer.read(run.stdout), peer.name);
        return run;
      });
      subjects.push({ name: peer.name, runs: measured.runs, peakRssKb: measured.peakRssKb });
    }
    for (const s of subjects) {
      const [low, high] = range(s.runs);
      const ratio =
        s === subjects[0] ? "" : `  ${(median(s.runs) / median(ours.runs)).toFixed(1)}x exec-intel`;
      console.log(
        `  ${s.name.padEnd(40)} median ${fmt(median(s.runs)).padStart(9)}  (${fmt(low)}–${fmt(high)})  peak ${mb(s.peakRssKb).padStart(8)}${ratio}`,
      );
    }
    console.log(`  all ${subjects.length} tools agree on ${reference.size} totals to the cent`);
    cases.push({
      name: `${size.toLocaleString("en-US")} transactions (CSV ${(bytes / 1e6).toFixed(1)} MB, journal ${(journalBytes / 1e6).toFixed(1)} MB)`,
      subjects,
    });
    if (size === 1_000_000) {
      const ledger = subjects.find((s) => s.name === peers[0].name);
      const hledger = subjects.find((s) => s.name === peers[1].name);
      const speedup = (peer) => (peer ? median(peer.runs) / median(ours.runs) : null);
      const lx = speedup(ledger);
      const hx = speedup(hledger);
      targets.push(
        {
          text: "at 1M transactions, at least 10× faster than ledger-cli",
          actual: lx === null ? "ledger-cli not measured" : `${lx.toFixed(1)}×`,
          met: lx !== null && lx >= 10,
        },
        {
          text: "at 1M transactions, at least 50× faster than hledger",
          actual: hx === null ? "hledger not measured" : `${hx.toFixed(1)}×`,
          met: hx !== null && hx >= 50,
        },
        {
          text: "at 1M transactions, peak memory below ledger-cli's",
          actual:
            ledger?.peakRssKb && ours.peakRssKb
              ? `${mb(ours.peakRssKb)} vs ${mb(ledger.peakRssKb)}`
              : "not measured",
          met: Boolean(ledger?.peakRssKb && ours.peakRssKb && ours.peakRssKb < ledger.peakRssKb),
        },
      );
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
if (!SIZES.includes(1_000_000))
  notes.push("1M transactions not in BENCH_SIZES: the targets were not judged");
notes.push(`load average at the end: ${machine().load.join(", ")}`);
for (const t of targets)
  console.log(`target: ${t.text}: ${t.actual} (${t.met ? "met" : "NOT met"})`);
writeResult({
  id: "ledger",
  title: "Ledger aggregation: exec-intel vs ledger-cli and hledger",
  command: "npm run bench:ledger",
  cases,
  targets,
  notes,
});
