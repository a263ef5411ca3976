// Benchmark: the main job end to end, as a user runs it. Each run copies examples/portfolio
// (without its .exec-intel folder) to a fresh temp dir and times a cold
// `node bin/exec-intel.js run -w <copy> --period 2026-10` child process, from spawn to exit, twice:
// with the workspace's config as is (render.pdf auto: Chromium PDFs when a browser is found) and
// with `render: pdf: off`. Each variant gets its own fresh copy. Every run must exit 0 and leave
// 11 .eml files in the outbox. Every process runs through bench/lib.js's measureProcess, so its
// peak RSS is GNU time's %M when /usr/bin/time exists (null otherwise). Then times
// `exec-intel --help` and `node -e 0` (the floor of a Node start). Prints medians, min–max and
// ratios to the targets (issue 12: run under 2 s, --help under 150 ms), and the medians of the
// steps' duration_ms from each run's audit log; with BENCH_RESULT_FILE set, writes the result for
// `npm run bench`. BENCH_PROFILE=1 adds one `--cpu-prof` run (pdf off) written to /tmp/prof, prints
// its top self-time functions and modules and puts the top ones in the result's notes.
//
//   BENCH_RUNS=N         runs of each `run` variant (default 5)
//   BENCH_START_RUNS=N   runs of `--help` and of `node -e 0` (default 20)
//   BENCH_PROFILE=1      the CPU profile above
import { spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { basename, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { readAuditLog } from "./growth/steps.js";
import { GNU_TIME, measureProcess, median, range, writeResult } from "./lib.js";

const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 5));
const START_RUNS = Math.max(1, Number(process.env.BENCH_START_RUNS ?? 20));
const PROFILE = process.env.BENCH_PROFILE === "1";
const PERIOD = "2026-10";
const EXPECTED_EML = 11;
const RUN_TARGET_MS = 2000;
const HELP_TARGET_MS = 150;
const root = fileURLToPath(new URL("..", import.meta.url));
const example = join(root, "examples/portfolio");
const bin = join(root, "bin/exec-intel.js");
const scratch = mkdtempSync(join(tmpdir(), "exec-intel-e2e-"));
const loadBefore = loadavg()[0];

const p90 = (xs) => [...xs].sort((a, b) => a - b)[Math.ceil(xs.length * 0.9) - 1];
const fail = (message) => {
  console.error(`e2e benchmark FAILED: ${message}`);
  process.exit(1);
};

if (!existsSync(join(example, "repos"))) {
  const made = spawnSync(process.execPath, [join(example, "scripts/make-repos.mjs")], {
    stdio: "inherit",
  });
  if (made.status !== 0) fail("make-repos.mjs failed");
}

/** `node ...args` from spawn to exit, with its peak RSS (GNU time's %M) when GNU time exists. */
const node = (args) => measureProcess(process.execPath, args, { cwd: root });

function copyWorkspace(pdf) {
  const dir = mkdtempSync(join(scratch, `ws-${pdf}-`));
  cpSync(example, dir, {
    recursive: true,
    filter: (src) => relative(example, src).split("/")[0] !== ".exec-intel",
  });
  if (pdf === "off") {
    const file = join(dir, "exec-intel.yaml");
    const yaml = readFileSync(file, "utf8");
    if (!yaml.includes("render:\n  pdf: auto"))
      fail("exec-intel.yaml has no 'render:\\n  pdf: auto'");
    writeFileSync(file, yaml.replace("render:\n  pdf: auto", "render:\n  pdf: off"));
  }
  return dir;
}

const filesUnder = (dir, suffix) =>
  existsSync(dir)
    ? readdirSync(dir, { recursive: true }).filter((f) => String(f).endsWith(suffix)).length
    : 0;

async function runOnce(pdf, extraNodeArgs = []) {
  const dir = copyWorkspace(pdf);
  const r = await node([...extraNodeArgs, bin, "run", "-w", dir, "--period", PERIOD]);
  if (r.code !== 0)
    fail(`run (pdf ${pdf}) exited ${r.code}:\n${(r.stdout + r.stderr).slice(-2000)}`);
  const eml = filesUnder(join(dir, ".exec-intel/outbox"), ".eml");
  if (eml !== EXPECTED_EML)
    fail(`run (pdf ${pdf}) left ${eml} .eml files, expected ${EXPECTED_EML}`);
  const pdfs = filesUnder(join(dir, ".exec-intel/archive"), ".pdf");
  const { steps } = readAuditLog(dir);
  rmSync(dir, { recursive: true, force: true });
  return { ...r, pdfs, steps };
}

const variants = { auto: [], off: [] };
for (let i = 0; i < RUNS; i++) {
  for (const pdf of ["auto", "off"]) {
    const r = await runOnce(pdf);
    variants[pdf].push(r);
    console.error(
      `run ${i + 1}/${RUNS} pdf ${pdf}: ${r.ms.toFixed(0)} ms, ${r.peakRssKb ? (r.peakRssKb / 1024).toFixed(0) : "?"} MB, ${r.pdfs} PDFs`,
    );
  }
}

const starts = { help: [], floor: [] };
for (let i = 0; i < START_RUNS; i++) {
  const h = await node([bin, "--help"]);
  if (h.code !== 0) fail(`--help exited ${h.code}:\n${h.stdout}${h.stderr}`);
  if (!h.stdout.includes("Usage")) fail(`--help printed no usage:\n${h.stdout}`);
  starts.help.push(h);
  const f = await node(["-e", "0"]);
  if (f.code !== 0) fail(`node -e 0 exited ${f.code}`);
  starts.floor.push(f);
}

const fmt = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);
const peakOf = (rs) => {
  const kb = rs.map((r) => r.peakRssKb).filter((k) => k !== null);
  return kb.length > 0 ? Math.max(...kb) : null;
};
/** Whole milliseconds (audit-log durations), or seconds from 1 s. */
const fmtStep = (ms) => (ms >= 1000 ? fmt(ms) : `${Math.round(ms)} ms`);
const tenth = (ms) => Math.round(ms * 10) / 10;
const spanOf = (ms) => range(ms).map(fmt).join("–");
console.log(
  `e2e benchmark: exec-intel run on examples/portfolio for ${PERIOD}, cold process, median of ${RUNS} runs per variant (Node ${process.version}, peak RSS via ${GNU_TIME ? "GNU time %M" : "nothing: no /usr/bin/time"})`,
);
const label = { auto: "PDFs on", off: "PDFs off" };
const summary = {};
for (const [pdf, rs] of Object.entries(variants)) {
  const ms = rs.map((r) => r.ms);
  const kb = rs.map((r) => r.peakRssKb).filter((k) => k !== null);
  const m = median(ms);
  const names = [...new Set(rs.flatMap((r) => Object.keys(r.steps)))];
  const steps = Object.fromEntries(names.map((n) => [n, median(rs.map((r) => r.steps[n] ?? 0))]));
  summary[pdf] = { ms, median: m, peakRssKb: peakOf(rs), pdfs: rs[0].pdfs, steps };
  console.log(
    `run, pdf ${pdf.padEnd(4)}  median ${fmt(m)}  min–max ${spanOf(ms)}  peak RSS ${kb.length ? `${(Math.max(...kb) / 1024).toFixed(0)} MB (median ${(median(kb) / 1024).toFixed(0)})` : "?"}  PDFs ${rs[0].pdfs}  ÷ 2 s target ${(m / RUN_TARGET_MS).toFixed(2)}x ${m < RUN_TARGET_MS ? "(met)" : "(NOT met)"}`,
  );
  console.log(
    `  audit-log steps (median duration_ms): ${names.map((n) => `${n} ${steps[n]}`).join(", ")}`,
  );
}
const helpMs = starts.help.map((r) => r.ms);
const floorMs = starts.floor.map((r) => r.ms);
const help = median(helpMs);
const floor = median(floorMs);
console.log(
  `--help       median ${fmt(help)}  p90 ${fmt(p90(helpMs))}  min–max ${spanOf(helpMs)}  (${START_RUNS} runs)  ÷ 150 ms target ${(help / HELP_TARGET_MS).toFixed(2)}x ${help < HELP_TARGET_MS ? "(met)" : "(NOT met)"}`,
);
console.log(
  `node -e 0    median ${fmt(floor)}  p90 ${fmt(p90(floorMs))}  min–max ${spanOf(floorMs)}  --help ÷ floor ${(help / floor).toFixed(2)}x, --help − floor ${fmt(help - floor)}`,
);

const notes = [];
for (const [pdf, v] of Object.entries(summary)) {
  const { run, ...rest } = v.steps;
  notes.push(
    `Audit-log steps, ${label[pdf]} (medians of duration_ms; validate is render + gate): ${Object.entries(
      rest,
    )
      .map(([n, ms]) => `${n} ${fmtStep(ms)}`)
      .join(
        ", ",
      )}; the whole run step ${run === undefined ? "?" : fmtStep(run)}, so ${run === undefined ? "?" : fmtStep(v.median - run)} of the process wall is outside it (Node and CLI start, config, stores).`,
  );
}
if (summary.auto.pdfs > 0) {
  const extra = (summary.auto.steps.validate ?? 0) - (summary.off.steps.validate ?? 0);
  notes.push(
    `PDFs add ${fmtStep(extra)} to render + gate (validate, on − off), ${fmtStep(extra / summary.auto.pdfs)} per PDF including Chromium's launches.`,
  );
} else {
  notes.push(
    "The PDFs-on variant printed no PDFs (no Chromium found for render.pdf: auto): it measures the same work as PDFs off.",
  );
}
notes.push(
  `--help is ${(help / floor).toFixed(2)}× a bare Node start (+${fmt(help - floor)}); p90 ${fmt(p90(helpMs))} against ${fmt(p90(floorMs))} for the floor, over ${START_RUNS} runs each.`,
  GNU_TIME
    ? "Every process runs under GNU time (the same for every subject); its %M is the peak RSS of the largest single process, so Chromium's own processes are not added in."
    : "No /usr/bin/time on this machine: peak RSS not measured.",
);

if (PROFILE) {
  const profDir = "/tmp/prof";
  mkdirSync(profDir, { recursive: true });
  const before = new Set(readdirSync(profDir));
  const r = await runOnce("off", ["--cpu-prof", `--cpu-prof-dir=${profDir}`]);
  const file = readdirSync(profDir).find((f) => f.endsWith(".cpuprofile") && !before.has(f));
  const profile = JSON.parse(readFileSync(join(profDir, file), "utf8"));
  // Self time per node = its share of samples × the sampling interval.
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  }
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const packageOf = (path) => {
    const parts = path.split("/");
    return parts.slice(0, parts[0].startsWith("@") ? 2 : 1).join("/");
  };
  const fns = new Map();
  const modules = new Map();
  for (const [id, ms] of self) {
    const { functionName, url, lineNumber } = byId.get(id).callFrame;
    const mod = !url
      ? "(native/VM)"
      : url.includes("node_modules/")
        ? packageOf(url.split("node_modules/").pop())
        : url.startsWith("node:")
          ? url
          : relative(root, fileURLToPath(url.startsWith("file:") ? url : `file://${url}`));
    const fn = `${functionName || "(anonymous)"} ${url ? `${basename(url)}:${lineNumber + 1}` : ""}`;
    fns.set(fn, (fns.get(fn) ?? 0) + ms);
    modules.set(mod, (modules.get(mod) ?? 0) + ms);
  }
  const ranked = (map, n) => [...map].sort((a, b) => b[1] - a[1]).slice(0, n);
  const top = (map, n) =>
    ranked(map, n)
      .map(
        ([k, ms]) =>
          `  ${ms.toFixed(0).padStart(6)} ms ${((100 * ms) / total).toFixed(1).padStart(5)}%  ${k}`,
      )
      .join("\n");
  console.log(
    `profile (pdf off, ${fmt(r.ms)} wall, ${fmt(total)} sampled) written to ${join(profDir, file)}`,
  );
  console.log(`top self time by module/package:\n${top(modules, 15)}`);
  console.log(`top self time by function:\n${top(fns, 20)}`);
  const share = ([k, ms]) =>
    `${k.trim()} ${ms.toFixed(0)} ms (${((100 * ms) / total).toFixed(1)}%)`;
  notes.push(
    `CPU profile of one PDFs-off run (BENCH_PROFILE=1, ${fmt(r.ms)} wall under the profiler, ${fmt(total)} sampled), top self time by module: ${ranked(modules, 10).map(share).join(", ")}.`,
    `Top self time by function: ${ranked(fns, 10).map(share).join(", ")}.`,
  );
}
rmSync(scratch, { recursive: true, force: true });
notes.push(
  `Load average (1 min): ${loadBefore.toFixed(2)} at the start, ${loadavg()[0].toFixed(2)} at the end.`,
);

const variantCase = (pdf) => ({
  name: `run, ${label[pdf]}`,
  subjects: [
    {
      name: "exec-intel",
      runs: summary[pdf].ms.map(tenth),
      peakRssKb: summary[pdf].peakRssKb,
      detail: `${summary[pdf].pdfs} PDFs, ${EXPECTED_EML} messages; a fresh copy and a cold process each run`,
    },
  ],
});
const runTarget = (pdf, text) => ({
  text,
  actual: fmt(summary[pdf].median),
  met: summary[pdf].median < RUN_TARGET_MS,
});
writeResult({
  id: "e2e",
  title: "End to end: `exec-intel run` on the reference portfolio",
  command: "npm run bench:e2e",
  cases: [
    variantCase("auto"),
    variantCase("off"),
    {
      name: "--help",
      subjects: [
        {
          name: "exec-intel",
          runs: helpMs.map(tenth),
          peakRssKb: peakOf(starts.help),
          detail: `p90 ${fmt(p90(helpMs))}`,
        },
        {
          name: "node -e 0 (floor: a bare Node start)",
          runs: floorMs.map(tenth),
          peakRssKb: peakOf(starts.floor),
          detail: `p90 ${fmt(p90(floorMs))}`,
        },
      ],
    },
  ],
  targets: [
    runTarget(
      "off",
      `\`run\` under ${RUN_TARGET_MS / 1000} s for all reports including charts (issue 12, item 3), tested on the PDFs-off run`,
    ),
    runTarget(
      "auto",
      `\`run\` under ${RUN_TARGET_MS / 1000} s with PDFs on (${summary.auto.pdfs} PDFs), the same target`,
    ),
    {
      text: `\`exec-intel --help\` under ${HELP_TARGET_MS} ms (issue 12, item 3)`,
      actual: fmt(help),
      met: help < HELP_TARGET_MS,
    },
  ],
  notes,
});
