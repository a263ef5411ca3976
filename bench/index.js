// `npm run bench`: runs every benchmark, one after another (they time things, so never two at
// once), each as its own process with BENCH_RESULT_FILE set; keeps each result in
// bench/results/<id>.json and regenerates BENCHMARKS.md from all of them and bench/notes/*.md.
//   npm run bench                       every benchmark (about 40 minutes on 2 cores)
//   npm run bench -- --only ledger,e2e  just those; the others keep their last results
//   npm run bench -- --render           no measuring: regenerate BENCHMARKS.md from the results
// A benchmark that fails keeps its previous result (its section shows when that was measured)
// and makes this exit 1 after the document is written.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { renderBenchmarks } from "./report.js";

/** Every benchmark, in the order BENCHMARKS.md shows them; node flags some of them need. */
export const BENCHMARKS = [
  { id: "ledger", script: "ledger.js" },
  { id: "e2e", script: "e2e.js" },
  { id: "growth", script: "growth.js" },
  { id: "ingest", script: "ingest.js", flags: ["--expose-gc"] },
  { id: "render", script: "render.js" },
  { id: "deliver", script: "deliver.js" },
  { id: "git", script: "git.js" },
  { id: "serve", script: "serve.js" },
  { id: "scale", script: "scale.js", flags: ["--expose-gc"] },
];

const here = fileURLToPath(new URL(".", import.meta.url));
const root = join(here, "..");
const resultsDir = join(here, "results");

function parseArguments(argv) {
  const only = argv.includes("--only") ? argv[argv.indexOf("--only") + 1] : undefined;
  const wanted = only?.split(",").filter(Boolean);
  const unknown = (wanted ?? []).filter((id) => !BENCHMARKS.some((b) => b.id === id));
  if (only !== undefined && (wanted.length === 0 || unknown.length > 0)) {
    console.error(
      `bench: --only ${only}: unknown benchmark ${unknown.join(", ") || "(none given)"}; use ${BENCHMARKS.map((b) => b.id).join(", ")}`,
    );
    process.exit(2);
  }
  return {
    render: argv.includes("--render"),
    selected: wanted ? BENCHMARKS.filter((b) => wanted.includes(b.id)) : BENCHMARKS,
  };
}

/** Runs one benchmark with its output passed through; resolves its result, or null on failure. */
function runBenchmark(benchmark) {
  mkdirSync(resultsDir, { recursive: true });
  const partial = join(resultsDir, `${benchmark.id}.json.partial`);
  rmSync(partial, { force: true });
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(
      process.execPath,
      [...(benchmark.flags ?? []), join(here, benchmark.script)],
      { cwd: root, env: { ...process.env, BENCH_RESULT_FILE: partial }, stdio: "inherit" },
    );
    child.on("close", (code) => {
      const minutes = ((Date.now() - started) / 60_000).toFixed(1);
      if (code !== 0 || !existsSync(partial)) {
        console.error(`\nbench: ${benchmark.id} FAILED (exit ${code}) after ${minutes} min`);
        rmSync(partial, { force: true });
        return resolve(false);
      }
      // Renamed into place only when whole: an interrupted run never leaves half a result.
      renameSync(partial, join(resultsDir, `${benchmark.id}.json`));
      console.log(`\nbench: ${benchmark.id} done in ${minutes} min`);
      resolve(true);
    });
  });
}

function readResults() {
  const results = new Map();
  const notes = new Map();
  for (const { id } of BENCHMARKS) {
    const file = join(resultsDir, `${id}.json`);
    if (existsSync(file)) results.set(id, JSON.parse(readFileSync(file, "utf8")));
    const prose = join(here, "notes", `${id}.md`);
    if (existsSync(prose)) notes.set(id, readFileSync(prose, "utf8"));
  }
  return { results, notes };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { render, selected } = parseArguments(process.argv.slice(2));
  const failed = [];
  if (!render) {
    for (const benchmark of selected) {
      console.log(`\n=== bench: ${benchmark.id} (node bench/${benchmark.script}) ===`);
      if (!(await runBenchmark(benchmark))) failed.push(benchmark.id);
    }
  }
  const { results, notes } = readResults();
  const order = BENCHMARKS.map((b) => b.id);
  const document = renderBenchmarks({
    order,
    results,
    notes,
    missing: order.filter((id) => !results.has(id)),
  });
  writeFileSync(join(root, "BENCHMARKS.md.partial"), document);
  renameSync(join(root, "BENCHMARKS.md.partial"), join(root, "BENCHMARKS.md"));
  console.log(`\nbench: wrote BENCHMARKS.md (${results.size} of ${order.length} benchmarks)`);
  if (failed.length > 0) {
    console.error(`bench: failed: ${failed.join(", ")} (their sections keep the previous result)`);
    process.exit(1);
  }
}
