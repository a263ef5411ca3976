// Benchmark: the main job end to end, as a user runs it. Each run copies examples/portfolio
// (without its .exec-intel folder) to a fresh temp dir and times a cold
// `node bin/exec-intel.js run -w <copy> --period 2026-10` child process, from spawn to exit, twice:
// with the workspace's config as is (render.pdf auto: Chromium PDFs when a browser is found) and
// with `render: pdf: off`. Each variant gets its own fresh copy. Every run must exit 0 and leave
// 11 .eml files in the outbox. Peak RSS comes from GNU time (%M) when /usr/bin/time exists, else
// from a preloaded hook writing process.resourceUsage().maxRSS. Then times `exec-intel --help` and
// `node -e 0` (the floor of a Node start). Prints medians, min–max and ratios to the targets
// (issue 12: run under 2 s, --help under 150 ms). Also prints the medians of the steps'
// duration_ms from each run's audit log. BENCH_PROFILE=1 adds one `--cpu-prof` run (pdf off)
// written to /tmp/prof and prints its top self-time functions and modules.
import { spawn, spawnSync } from "node:child_process";
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
import { tmpdir } from "node:os";
import { basename, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const START_RUNS = Math.max(20, Number(process.env.BENCH_START_RUNS ?? 20));
const PERIOD = "2026-10";
const EXPECTED_EML = 11;
const RUN_TARGET_MS = 2000;
const HELP_TARGET_MS = 150;
const root = fileURLToPath(new URL("..", import.meta.url));
const example = join(root, "examples/portfolio");
const bin = join(root, "bin/exec-intel.js");
const gnuTime = existsSync("/usr/bin/time") ? "/usr/bin/time" : null;
const scratch = mkdtempSync(join(tmpdir(), "exec-intel-e2e-"));

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
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

const rssHook = join(scratch, "rss-hook.cjs");
writeFileSync(
  rssHook,
  "process.on('exit',()=>require('fs').writeFileSync(process.env.BENCH_RSS_FILE,String(process.resourceUsage().maxRSS)));\n",
);

// Spawns `node ...args`; resolves wall ms (spawn → exit), exit code, output and peak RSS in KB.
function timed(args, { rss = false } = {}) {
  const rssFile = join(scratch, "rss.txt");
  rmSync(rssFile, { force: true });
  let command = process.execPath;
  let argv = args;
  const env = { ...process.env };
  if (rss && gnuTime) {
    command = gnuTime;
    argv = ["-f", "%M", "-o", rssFile, process.execPath, ...args];
  } else if (rss) {
    argv = ["--require", rssHook, ...args];
    env.BENCH_RSS_FILE = rssFile;
  }
  return new Promise((resolve, reject) => {
    let output = "";
    const start = performance.now();
    const child = spawn(command, argv, { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.on("data", (d) => {
      output += d;
    });
    child.stderr.on("data", (d) => {
      output += d;
    });
    let ms;
    let code;
    child.on("exit", (c) => {
      ms = performance.now() - start;
      code = c;
    });
    child.on("error", reject);
    child.on("close", () => {
      const kb = rss && existsSync(rssFile) ? Number(readFileSync(rssFile, "utf8").trim()) : null;
      resolve({ ms, code, output, kb });
    });
  });
}

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

// Largest duration_ms per step in the run's audit log (per-tenant lines repeat the step's time).
function stepDurations(dir) {
  const logs = join(dir, ".exec-intel/logs");
  const steps = {};
  for (const file of readdirSync(logs).filter((f) => f.endsWith(".jsonl"))) {
    for (const line of readFileSync(join(logs, file), "utf8").split("\n")) {
      if (!line.trim()) continue;
      const event = JSON.parse(line);
      if (typeof event.duration_ms === "number")
        steps[event.step] = Math.max(steps[event.step] ?? 0, event.duration_ms);
    }
  }
  return steps;
}

async function runOnce(pdf, extraNodeArgs = []) {
  const dir = copyWorkspace(pdf);
  const r = await timed([...extraNodeArgs, bin, "run", "-w", dir, "--period", PERIOD], {
    rss: extraNodeArgs.length === 0,
  });
  if (r.code !== 0) fail(`run (pdf ${pdf}) exited ${r.code}:\n${r.output.slice(-2000)}`);
  const eml = filesUnder(join(dir, ".exec-intel/outbox"), ".eml");
  if (eml !== EXPECTED_EML)
    fail(`run (pdf ${pdf}) left ${eml} .eml files, expected ${EXPECTED_EML}`);
  const pdfs = filesUnder(join(dir, ".exec-intel/archive"), ".pdf");
  const steps = stepDurations(dir);
  rmSync(dir, { recursive: true, force: true });
  return { ...r, pdfs, steps };
}

const variants = { auto: [], off: [] };
for (let i = 0; i < RUNS; i++) {
  for (const pdf of ["auto", "off"]) {
    const r = await runOnce(pdf);
    variants[pdf].push(r);
    console.error(
      `run ${i + 1}/${RUNS} pdf ${pdf}: ${r.ms.toFixed(0)} ms, ${r.kb ? (r.kb / 1024).toFixed(0) : "?"} MB, ${r.pdfs} PDFs`,
    );
  }
}

const starts = { help: [], floor: [] };
for (let i = 0; i < START_RUNS; i++) {
  const h = await timed([bin, "--help"]);
  if (h.code !== 0) fail(`--help exited ${h.code}:\n${h.output}`);
  starts.help.push(h.ms);
  starts.floor.push((await timed(["-e", "0"])).ms);
}

const fmt = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);
console.log(
  `e2e benchmark: exec-intel run on examples/portfolio for ${PERIOD}, cold process, median of ${RUNS} runs per variant (Node ${process.version}, peak RSS via ${gnuTime ? "GNU time %M" : "resourceUsage().maxRSS"})`,
);
for (const [pdf, rs] of Object.entries(variants)) {
  const ms = rs.map((r) => r.ms);
  const kb = rs.map((r) => r.kb).filter((k) => k != null);
  const m = median(ms);
  console.log(
    `run, pdf ${pdf.padEnd(4)}  median ${fmt(m)}  min–max ${fmt(Math.min(...ms))}–${fmt(Math.max(...ms))}  peak RSS ${kb.length ? `${(Math.max(...kb) / 1024).toFixed(0)} MB (median ${(median(kb) / 1024).toFixed(0)})` : "?"}  PDFs ${rs[0].pdfs}  ÷ 2 s target ${(m / RUN_TARGET_MS).toFixed(2)}x ${m < RUN_TARGET_MS ? "(met)" : "(NOT met)"}`,
  );
  const names = [...new Set(rs.flatMap((r) => Object.keys(r.steps)))];
  console.log(
    `  audit-log steps (median duration_ms): ${names.map((n) => `${n} ${median(rs.map((r) => r.steps[n] ?? 0))}`).join(", ")}`,
  );
}
const help = median(starts.help);
const floor = median(starts.floor);
console.log(
  `--help       median ${fmt(help)}  p90 ${fmt(p90(starts.help))}  min–max ${fmt(Math.min(...starts.help))}–${fmt(Math.max(...starts.help))}  (${START_RUNS} runs)  ÷ 150 ms target ${(help / HELP_TARGET_MS).toFixed(2)}x ${help < HELP_TARGET_MS ? "(met)" : "(NOT met)"}`,
);
console.log(
  `node -e 0    median ${fmt(floor)}  p90 ${fmt(p90(starts.floor))}  min–max ${fmt(Math.min(...starts.floor))}–${fmt(Math.max(...starts.floor))}  --help ÷ floor ${(help / floor).toFixed(2)}x, --help − floor ${fmt(help - floor)}`,
);

if (process.env.BENCH_PROFILE === "1") {
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
  const top = (map, n) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
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
}
rmSync(scratch, { recursive: true, force: true });
