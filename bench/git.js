// Benchmark: the git source's credential scan of a whole history. Generates a repository of
// 10,000 commits with `git fast-import` (a small Node.js service: ~60 source, test and doc files,
// one to three files changed per commit, a few credentials planted and some removed again),
// then measures with the real source driver (readGitSource from dist/):
//   - the full history scan without a cache (median of runs, commits/second);
//   - the incremental re-scan with the SQLite cache after 10 more commits (median of runs, each
//     run after 10 new commits since the previous one).
// Floor measured in the same session on the same repository: git alone walking the history and
// reading every blob once (no scanning), so the scan's own cost shows. Checks that every
// planted credential is found and that no planted value appears in the result.
import { execFileSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

const COMMITS = Number(process.env.BENCH_COMMITS ?? 10_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const NEW_COMMITS = 10;
const PERIOD_END = "2026-10-31";
const dist = (file) => new URL(`../dist/${file}`, import.meta.url).href;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const count = (n) => Math.round(n).toLocaleString("en-US");

// A seeded LCG, so every run generates the same history (planted values aside).
let seed = 0x617;
const random = () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
  return seed / 2_147_483_648;
};
const pick = (list) => list[Math.floor(random() * list.length)];
const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const draw = (alphabet, n) => Array.from({ length: n }, () => pick(alphabet)).join("");

// Credentials built from pieces at run time, so this file never holds one.
const PLANTED = [
  { kind: "Stripe live secret key", value: `${"sk_"}${"live_"}${draw(ALNUM, 24)}` },
  {
    kind: "AWS access key ID",
    value: `${"AK"}${"IA"}${draw("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)}`,
  },
  { kind: "GitHub personal access token", value: `${"gh"}${"p_"}${draw(ALNUM, 36)}` },
];

const NOUNS = ["order", "invoice", "booking", "customer", "vessel", "payment", "report", "slot"];
const VERBS = ["load", "save", "validate", "format", "total", "notify", "sync", "price"];

/** A function of a few realistic lines; `n` makes each version distinct. */
function block(name, n) {
  const noun = pick(NOUNS);
  return [
    `export async function ${name}(${noun}, options = {}) {`,
    `  const limit = options.limit ?? ${10 + (n % 90)};`,
    `  if (!${noun}) throw new Error("${name}: missing ${noun}");`,
    `  const rows = await db.query("SELECT * FROM ${noun}s WHERE id = $1 LIMIT $2", [${noun}.id, limit]);`,
    `  return rows.map((row) => ({ ...row, checkedAt: "${2016 + (n % 10)}-01-01", rev: ${n} }));`,
    "}",
    "",
  ].join("\n");
}

/** The generated project: path → list of blocks (text parts). */
function initialFiles() {
  const files = new Map();
  for (let i = 0; i < 40; i++) {
    const blocks = [`import { db } from "./db.js";\n\n// Module ${i}: ${pick(NOUNS)} helpers.\n`];
    for (let f = 0; f < 4 + (i % 6); f++) blocks.push(block(`${pick(VERBS)}${i}_${f}`, i * 10 + f));
    files.set(`src/module${i}.js`, blocks);
  }
  for (let i = 0; i < 12; i++)
    files.set(`test/module${i}.test.js`, [
      `import { test } from "node:test";\nimport * as m from "../src/module${i}.js";\n\n`,
      `test("module ${i} loads", () => { if (!m) throw new Error("no module"); });\n`,
    ]);
  for (const doc of ["README.md", "docs/setup.md", "docs/operations.md", "CHANGELOG.md"])
    files.set(doc, [`# ${doc}\n\nHow this service works and how to run it.\n`]);
  files.set("package.json", [
    `${JSON.stringify({ name: "bench-service", engines: { node: "18.x" }, dependencies: { express: "^4.18.2", stripe: "^14.0.0" } }, null, 2)}\n`,
  ]);
  files.set(".github/workflows/ci.yml", ["on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n"]);
  return files;
}

/** Planting plan: commit index → change. Indices scale with the history's length. */
function plantPlan(commits) {
  const at = (fraction) => Math.max(2, Math.floor(commits * fraction));
  const [stripe, aws, github] = PLANTED;
  return new Map([
    [at(0.15), ["src/payments.js", `export const stripeKey = "${stripe.value}";\n`]],
    [at(0.15) + 7, ["src/payments.js", "export const stripeKey = process.env.STRIPE_KEY;\n"]],
    [at(0.4), [".env", `AWS_ACCESS_KEY_ID=${aws.value}\nAWS_REGION=us-west-2\n`]],
    [
      at(0.7),
      ["scripts/release.sh", `#!/bin/sh\nGITHUB_TOKEN=${github.value} gh release create "$1"\n`],
    ],
  ]);
}

/** A fast-import stream of `n` commits on main, starting at `first` (after `parent` if any). */
function fastImportStream(files, first, n, plan, parent) {
  const parts = [];
  const data = (text) => `data ${Buffer.byteLength(text)}\n${text}\n`;
  for (let c = first; c < first + n; c++) {
    const changes = new Map();
    const planted = plan.get(c);
    if (planted !== undefined) changes.set(planted[0], planted[1]);
    const touched = c === 0 ? [...files.keys()] : [];
    for (let k = 0, edits = 1 + Math.floor(random() * 3); c > 0 && k < edits; k++) {
      const file = random() < 0.03 ? `src/module${files.size}.js` : pick([...files.keys()]);
      const blocks = files.get(file) ?? [`import { db } from "./db.js";\n\n`];
      if (random() < 0.5 || blocks.length < 3) blocks.push(block(`${pick(VERBS)}X${c}`, c));
      else blocks[1 + Math.floor(random() * (blocks.length - 1))] = block(`${pick(VERBS)}Y${c}`, c);
      files.set(file, blocks);
      touched.push(file);
    }
    for (const file of touched) changes.set(file, files.get(file).join(""));
    const when = 1_600_000_000 + c * 3_600;
    parts.push(
      "commit refs/heads/main\n",
      `author Bench <bench@example.com> ${when} +0000\n`,
      `committer Bench <bench@example.com> ${when} +0000\n`,
      data(`Change ${c}: ${pick(VERBS)} ${pick(NOUNS)}s`),
      c === first && parent !== undefined ? `from ${parent}\n` : "",
    );
    for (const [file, text] of changes) parts.push(`M 100644 inline ${file}\n`, data(text));
    parts.push("\n");
  }
  return parts.join("");
}

function fastImport(repo, stream) {
  execFileSync("git", ["fast-import", "--quiet"], { cwd: repo, input: stream, maxBuffer: 1 << 26 });
}

async function main() {
  const { readGitSource } = await import(dist("adapters/sources/git/read-git-source.js"));
  const { openGitScanCache } = await import(dist("adapters/store/git-scan-cache.js"));
  const { createEntityResolver } = await import(dist("core/entity-resolver.js"));
  const { walkHistory } = await import(dist("adapters/sources/git/git-cli.js"));
  const { readTextBlobs } = await import(dist("adapters/sources/git/history-scan.js"));

  const workspace = await mkdtemp(path.join(tmpdir(), "exec-intel-bench-git-"));
  const repo = path.join(workspace, "service");
  try {
    const started = performance.now();
    execFileSync("git", ["-c", "init.defaultBranch=main", "init", "-q", repo]);
    const files = initialFiles();
    const plan = plantPlan(COMMITS);
    fastImport(repo, fastImportStream(files, 0, COMMITS, plan));
    const generated = (performance.now() - started) / 1000;
    const objects = execFileSync("git", ["count-objects", "-v"], { cwd: repo, encoding: "utf8" });
    const packKb = Number(/size-pack: (\d+)/.exec(objects)?.[1] ?? 0);

    const source = {
      id: "code",
      type: "git",
      path: "service",
      entity: "bench",
      repos: {},
      history: true,
    };
    const context = {
      workspace,
      tenant: undefined,
      entities: createEntityResolver([
        { id: "bench", name: "Bench", kind: "business", aliases: [], domains: [] },
      ]),
    };
    const scan = async (cache) => {
      const t = performance.now();
      const result = await readGitSource(source, context, { cache, periodEnd: PERIOD_END });
      return { seconds: (performance.now() - t) / 1000, result };
    };

    // Floor: git alone, walking the history and reading each blob once.
    const floors = [];
    for (let i = 0; i < RUNS; i++) {
      const t = performance.now();
      const blobs = new Set();
      for await (const commit of walkHistory(repo)) for (const b of commit.blobs) blobs.add(b.oid);
      let bytes = 0;
      for await (const blob of readTextBlobs(repo, [...blobs], 1024 * 1024))
        bytes += blob.text.length;
      floors.push({ seconds: (performance.now() - t) / 1000, blobs: blobs.size, bytes });
    }

    const full = [];
    for (let i = 0; i < RUNS; i++) full.push(await scan(undefined));
    const first = full[0].result;
    const [repository] = first.repositories;
    const json = JSON.stringify(first);
    const leaked = PLANTED.filter((p) => json.includes(p.value)).length;
    const missed = PLANTED.filter(
      (p) => !repository.secrets.some((s) => s.fingerprint.startsWith(p.value.slice(0, 4))),
    );

    const cache = openGitScanCache(path.join(workspace, ".exec-intel", "state.sqlite"));
    const primed = await scan(cache);
    const incremental = [];
    let next = COMMITS;
    for (let i = 0; i < RUNS; i++) {
      fastImport(repo, fastImportStream(files, next, NEW_COMMITS, new Map(), "refs/heads/main^0"));
      next += NEW_COMMITS;
      incremental.push(await scan(cache));
    }
    cache.close();

    const fullSeconds = median(full.map((r) => r.seconds));
    const incSeconds = median(incremental.map((r) => r.seconds));
    const stats = first.stats[0];
    const incStats = incremental.at(-1).result.stats[0];
    const floor = floors[0];
    const sameFindings =
      JSON.stringify(incremental.at(-1).result.repositories[0].secrets) ===
      JSON.stringify(primed.result.repositories[0].secrets);
    const lines = [
      `git benchmark: ${count(COMMITS)} commits (${count(floor.blobs)} distinct blobs, ${(floor.bytes / 1e6).toFixed(1)} MB of text, pack ${(packKb / 1024).toFixed(1)} MB; generated in ${generated.toFixed(1)} s), median of ${RUNS} runs, node ${process.version}`,
      `  full history scan (no cache):   ${fullSeconds.toFixed(2)} s, ${count(stats.commitsWalked / fullSeconds)} commits/s, ${count(stats.blobsRead / fullSeconds)} blobs/s (${count(stats.blobsRead)} blobs read, ${stats.skipped.binary} binary and ${stats.skipped.large} large skipped)`,
      `  git alone (walk + read, floor): ${median(floors.map((f) => f.seconds)).toFixed(2)} s; scan/floor = ${(fullSeconds / median(floors.map((f) => f.seconds))).toFixed(1)}x`,
      `  incremental re-scan, ${NEW_COMMITS} new commits, SQLite cache: ${(incSeconds * 1000).toFixed(0)} ms (mode ${incStats.mode}, ${incStats.commitsWalked} commits walked, ${incStats.blobsRead} blobs read, ${count(incStats.blobsReused)} reused; first cached scan ${primed.seconds.toFixed(2)} s)`,
      `  findings: ${repository.secrets.length} secrets (${repository.secrets.map((s) => `${s.kind} in ${s.path}${s.inHead ? "" : " (history only)"}`).join("; ")}), ${repository.envFiles.length} env file(s); planted found ${PLANTED.length - missed.length}/${PLANTED.length}, values in output ${leaked}, incremental findings ${sameFindings ? "same as full" : "DIFFER"}`,
      `  target: full < 60 s -> ${fullSeconds < 60 ? "met" : "NOT met"}; incremental < 2 s -> ${incSeconds < 2 ? "met" : "NOT met"}`,
    ];
    process.stdout.write(`${lines.join("\n")}\n`);
    if (missed.length > 0 || leaked > 0 || !sameFindings) process.exitCode = 1;
  } finally {
    await rm(workspace, { recursive: true, force: true });
  }
}

await main();
