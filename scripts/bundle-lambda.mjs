#!/usr/bin/env node
// Bundles the Lambda handlers (src/entry/lambda.ts) into one ES module, dist-lambda/index.mjs,
// plus the few files that cannot be bundled, under dist-lambda/node_modules/:
//  - @resvg/resvg-js and its native binding for the target architecture (charts are drawn to
//    PNG with it on every report, so the worker needs it);
//  - dejavu-fonts-ttf's two DejaVu Sans files (charts are measured and drawn with them only).
// Left out on purpose:
//  - @aws-sdk/*: the Node.js 20 runtime provides SDK v3;
//  - better-sqlite3 (native): replaced by a stub that throws when opened. The Lambda path
//    injects DynamoDB stores and never opens SQLite, but src/deliver.ts imports the SQLite ledger
//    statically, and an external static import would make the bundle fail to load on Lambda;
//  - playwright-core (PDFs: render.pdf is off on Lambda), tsx (workspace rules/*.ts, refused on
//    Lambda), typescript (cosmiconfig's .ts config loader, reached through MJML's minifier,
//    which is off) and canvas (vega's optional text measurer; charts measure text themselves):
//    external, and only ever imported lazily, so never loaded on Lambda.
// The output depends only on the sources and node_modules: no timestamps, paths relative to the
// repository, a fixed file order.
//
// Usage: node scripts/bundle-lambda.mjs [--outdir dist-lambda] [--arch arm64|x64]
//                                       [--allow-missing-resvg]
// --arch is the Lambda architecture (the stack deploys x86_64: x64). Without the resvg binding for it
// in node_modules the build stops, since every chart would fail on Lambda; install it with
//   npm install --no-save --os=linux --cpu=arm64 @resvg/resvg-js-linux-arm64-gnu

import { copyFile, mkdir, readFile, rm, stat } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import * as esbuild from "esbuild";
import { COMMONJS_IN_ESM_BANNER } from "./esm-banner.mjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

const { values } = parseArgs({
  options: {
    outdir: { type: "string", default: "dist-lambda" },
    arch: { type: "string", default: "x64" },
    "allow-missing-resvg": { type: "boolean", default: false },
    quiet: { type: "boolean", default: false },
  },
});
if (values.arch !== "arm64" && values.arch !== "x64") {
  console.error(`bundle-lambda: --arch is arm64 or x64, not ${values.arch}`);
  process.exit(2);
}
const outdir = path.resolve(ROOT, values.outdir);
const say = (line) => {
  if (!values.quiet) console.log(line);
};

const pkg = JSON.parse(await readFile(path.join(ROOT, "package.json"), "utf8"));

/** better-sqlite3 as a module whose Database cannot be opened, with the reason. */
const sqliteStub = {
  name: "sqlite-unavailable",
  setup(build) {
    build.onResolve({ filter: /^better-sqlite3$/ }, () => ({
      path: "sqlite-unavailable",
      namespace: "lambda-stub",
    }));
    build.onLoad({ filter: /.*/, namespace: "lambda-stub" }, () => ({
      contents:
        "export default function Database() { throw new Error('SQLite is not in the Lambda bundle: on Lambda every store is DynamoDB; this code path should not run there'); }\n",
      loader: "js",
    }));
  },
};

const binding = `@resvg/resvg-js-linux-${values.arch}-gnu`;
const bindingFile = `resvgjs.linux-${values.arch}-gnu.node`;
const hasBinding = await stat(path.join(ROOT, "node_modules", binding, bindingFile)).then(
  () => true,
  () => false,
);
if (!hasBinding && !values["allow-missing-resvg"]) {
  console.error(
    `bundle-lambda: node_modules/${binding} is not installed, so charts would fail on a linux-${values.arch} Lambda.\n` +
      `  Install it: npm install --no-save --os=linux --cpu=${values.arch} ${binding}\n` +
      "  or build for the other architecture with --arch, or pass --allow-missing-resvg.",
  );
  process.exit(1);
}

await rm(outdir, { recursive: true, force: true });
await mkdir(outdir, { recursive: true });

const result = await esbuild.build({
  absWorkingDir: ROOT,
  entryPoints: ["src/entry/lambda.ts"],
  outfile: path.join(outdir, "index.mjs"),
  bundle: true,
  format: "esm",
  platform: "node",
  target: "node20",
  banner: { js: COMMONJS_IN_ESM_BANNER },
  external: [
    "@aws-sdk/*",
    "@resvg/resvg-js",
    "canvas",
    "playwright-core",
    "tsx",
    "tsx/*",
    "typescript",
  ],
  plugins: [sqliteStub],
  define: { EXEC_INTEL_TOOL_VERSION: JSON.stringify(pkg.version) },
  legalComments: "eof",
  metafile: true,
  logLevel: "warning",
});

// The files the bundle loads from node_modules at run time, next to it.
const copies = [
  [
    "dejavu-fonts-ttf",
    ["package.json", "LICENSE", "ttf/DejaVuSans.ttf", "ttf/DejaVuSans-Bold.ttf"],
  ],
  ["@resvg/resvg-js", ["package.json", "LICENSE", "index.js", "js-binding.js"]],
  ...(hasBinding ? [[binding, ["package.json", bindingFile]]] : []),
];
for (const [name, files] of copies) {
  for (const file of files) {
    const from = path.join(ROOT, "node_modules", name, file);
    const to = path.join(outdir, "node_modules", name, file);
    if (file === "LICENSE" && !(await stat(from).catch(() => undefined))) continue;
    await mkdir(path.dirname(to), { recursive: true });
    await copyFile(from, to);
  }
}

const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
let copied = 0;
for (const [name, files] of copies) {
  for (const file of files) {
    copied += (await stat(path.join(outdir, "node_modules", name, file)).catch(() => ({ size: 0 })))
      .size;
  }
}
const mb = (n) => `${(n / 1024 / 1024).toFixed(1)} MB`;
const shown = path.join(outdir, "index.mjs");
say(
  `bundle-lambda: ${shown.startsWith(ROOT) ? path.relative(ROOT, shown) : shown} ${mb(bytes)}` +
    ` + node_modules ${mb(copied)} (linux-${values.arch}${hasBinding ? "" : ", NO resvg binding"})`,
);
