// Reads a V8 .cpuprofile (node --cpu-prof) and ranks its functions by self time and by total
// time (self plus callees, each function counted once per sample even when recursive), so a
// step that grows faster than the data can be pinned to a function and a file.
import { readFileSync } from "node:fs";
import { relative } from "node:path";
import { fileURLToPath } from "node:url";

/** Where a call frame lives: a path under `root`, a package name, node:… or (native/VM). */
function locate(url, root) {
  if (!url) return "(native/VM)";
  if (url.includes("node_modules/")) {
    const parts = url.split("node_modules/").pop().split("/");
    return parts.slice(0, parts[0].startsWith("@") ? 2 : 1).join("/");
  }
  if (url.startsWith("node:")) return url;
  return relative(root, url.startsWith("file:") ? fileURLToPath(url) : url);
}

/**
 * Summarises a profile file: { totalMs, self: [{ fn, ms }], total: [{ fn, ms }] }, both lists
 * sorted by ms, each fn named "name file:line".
 */
export function summariseProfile(file, root) {
  const profile = JSON.parse(readFileSync(file, "utf8"));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const nameOf = (node) => {
    const { functionName, url, lineNumber } = node.callFrame;
    return `${functionName || "(anonymous)"} ${locate(url, root)}${url ? `:${lineNumber + 1}` : ""}`;
  };
  const self = new Map();
  const total = new Map();
  let totalMs = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    totalMs += ms;
    let node = byId.get(profile.samples[i]);
    const leaf = nameOf(node);
    self.set(leaf, (self.get(leaf) ?? 0) + ms);
    const seen = new Set();
    while (node !== undefined) {
      const fn = nameOf(node);
      if (!seen.has(fn)) {
        seen.add(fn);
        total.set(fn, (total.get(fn) ?? 0) + ms);
      }
      node = byId.get(parent.get(node.id));
    }
  }
  const sorted = (map) => [...map].map(([fn, ms]) => ({ fn, ms })).sort((a, b) => b.ms - a.ms);
  return { totalMs, self: sorted(self), total: sorted(total) };
}

/** "fn dist/core/x.js:12" as "fn (src/core/x.ts)": the source file, without the compiled line. */
export function sourceName(fn) {
  const m = /^(.*) dist\/(.*)\.js:\d+$/.exec(fn);
  return m ? `${m[1]} (src/${m[2]}.ts)` : fn;
}

/**
 * Functions of the project (dist/) whose total time grows faster than the data from the
 * `small` profile to the `large` one: at least `minMs` at the large size and more than
 * `slack` × dataRatio times their small-size time. Anonymous functions are left out (their
 * named caller carries their time). Fastest growth first, so the functions that grow by
 * themselves come before the callers that only inherit their growth.
 */
export function superlinearFunctions(small, large, dataRatio, { minMs = 100, slack = 3 } = {}) {
  const before = new Map(small.total.map((x) => [x.fn, x.ms]));
  return large.total
    .filter((x) => x.fn.includes("dist/") && !x.fn.startsWith("(anonymous)") && x.ms >= minMs)
    .map((x) => {
      const was = before.get(x.fn) ?? 0;
      return { fn: sourceName(x.fn), small: was, large: x.ms, ratio: x.ms / Math.max(was, 1) };
    })
    .filter((x) => x.ratio > slack * dataRatio)
    .sort((a, b) => b.ratio - a.ratio);
}
