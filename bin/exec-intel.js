#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ by `npm install` (prepare) or `npm run build`, which
// also bundles it into dist/cli/ (scripts/bundle-cli.mjs); the bundle starts faster and is used
// when present. EXEC_INTEL_UNBUNDLED=1 runs tsc's output instead, whose CPU profiles name the
// source files (the benchmarks' profiling runs use it).
import { existsSync } from "node:fs";

const bundle = new URL("../dist/cli/cli.js", import.meta.url);
const compiled = new URL("../dist/entry/cli.js", import.meta.url);
const entry = existsSync(bundle) && process.env.EXEC_INTEL_UNBUNDLED !== "1" ? bundle : compiled;
if (!existsSync(entry)) {
  process.stderr.write("exec-intel is not built yet: run `npm run build` in the package folder.\n");
  process.exit(1);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
