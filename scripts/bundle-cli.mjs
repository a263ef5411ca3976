#!/usr/bin/env node
// Bundles the command line (src/entry/cli.ts) into dist/cli/: one ES module per lazily loaded
// part (esbuild's code splitting keeps `import()` lazy, so `--help` still loads little) instead of
// the ~600 files a run otherwise resolves and reads one by one. On the 2-core reference machine
// this cut a cold `exec-intel run` of the portfolio by about 0.4 s (see BENCHMARKS.md, e2e).
// bin/exec-intel.js runs this bundle when it exists, else dist/entry/cli.js (tsc's output).
//
// Every file lands directly in dist/cli/, so the code's relative paths still hold: ../../ is the
// package root (package.json, templates/), ./ledger-totals-worker.js and ./render-worker.js are
// the worker entries.
// Left external: native addons (better-sqlite3, @resvg/resvg-js), packages loaded only for rare
// paths and large (playwright-core for PDFs, @aws-sdk/* for the S3/SES drivers, tsx and
// typescript for workspace rules), and canvas (vega's optional measurer, never installed).
//
// Usage: node scripts/bundle-cli.mjs [--quiet]
import { rm } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";
import { COMMONJS_IN_ESM_BANNER } from "./esm-banner.mjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const outdir = path.join(ROOT, "dist", "cli");
const quiet = process.argv.includes("--quiet");

await rm(outdir, { recursive: true, force: true });
const result = await esbuild.build({
  absWorkingDir: ROOT,
  entryPoints: {
    cli: "src/entry/cli.ts",
    "ledger-totals-worker": "src/adapters/sources/ledger-totals-worker.ts",
    "render-worker": "src/adapters/render/render-worker.ts",
  },
  outdir,
  entryNames: "[name]",
  chunkNames: "chunk-[hash]",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  banner: { js: COMMONJS_IN_ESM_BANNER },
  external: [
    "@aws-sdk/*",
    "@resvg/resvg-js",
    "better-sqlite3",
    "canvas",
    "playwright-core",
    "tsx",
    "tsx/*",
    "typescript",
  ],
  legalComments: "eof",
  metafile: true,
  logLevel: "warning",
});
if (!quiet) {
  const outputs = Object.entries(result.metafile.outputs);
  const bytes = outputs.reduce((n, [, o]) => n + o.bytes, 0);
  console.log(`bundle-cli: ${outputs.length} files, ${(bytes / 1e6).toFixed(1)} MB in dist/cli/`);
}
