// The banner both esbuild bundles (bundle-cli.mjs, bundle-lambda.mjs) start with: CommonJS
// dependencies call require() and read __dirname, and an ES module has neither.

/** `require`, `__filename` and `__dirname` for bundled CommonJS code inside an ES module. */
export const COMMONJS_IN_ESM_BANNER = [
  'import { createRequire as __execIntelCreateRequire } from "node:module";',
  'import { fileURLToPath as __execIntelFileURLToPath } from "node:url";',
  'import { dirname as __execIntelDirname } from "node:path";',
  "const require = __execIntelCreateRequire(import.meta.url);",
  "const __filename = __execIntelFileURLToPath(import.meta.url);",
  "const __dirname = __execIntelDirname(__filename);",
].join("\n");
