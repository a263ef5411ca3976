import { readdirSync } from "node:fs";
import path from "node:path";

/** Every file under `dir`, recursively (a missing folder has none). */
export function walk(dir) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((e) =>
    e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)],
  );
}
