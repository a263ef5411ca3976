#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ by `npm install` (prepare) or `npm run build`.
import { existsSync } from "node:fs";

const entry = new URL("../dist/entry/cli.js", import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write("exec-intel is not built yet: run `npm run build` in the package folder.\n");
  process.exit(1);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
