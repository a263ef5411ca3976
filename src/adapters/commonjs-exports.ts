/**
 * A CommonJS package's exports as named members, whether Node loaded it (named exports found by
 * its static analysis) or the esbuild bundle did (everything under `default` when that analysis
 * fails, as it does for mailparser and smtp-server).
 */
export function commonJsExports<T extends object>(module: T): T {
  const exported = (module as { default?: unknown }).default;
  return exported !== null && typeof exported === "object"
    ? ({ ...(exported as object), ...module } as T)
    : module;
}
