import { existsSync } from "node:fs";
import { readdir } from "node:fs/promises";
import path from "node:path";

/**
 * Every file under `dir` (dot files included), relative to it with `/` separators and sorted;
 * none when the folder does not exist (yet).
 */
export async function filesUnder(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join("/"))
    .sort();
}
