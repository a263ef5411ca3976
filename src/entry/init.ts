import { cp, readdir, stat } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { CONFIG_FILE } from "../adapters/workspace/config-file.js";
import { InputError, problem } from "../core/errors.js";

const TEMPLATE = fileURLToPath(new URL("../../templates/init/", import.meta.url));

/** Copies the starter workspace into `dir`; refuses to overwrite an existing workspace. Returns the files created. */
export async function scaffoldWorkspace(dir: string): Promise<string[]> {
  const target = path.resolve(dir);
  if (await exists(path.join(target, CONFIG_FILE))) {
    throw new InputError([
      problem(
        path.join(dir, CONFIG_FILE),
        undefined,
        "a workspace already exists here",
        "choose an empty folder: exec-intel init NEW_DIR",
      ),
    ]);
  }
  const files = await listFiles(TEMPLATE);
  const clashes = [];
  for (const file of files) if (await exists(path.join(target, file))) clashes.push(file);
  if (clashes.length > 0) {
    throw new InputError(
      clashes.map((file) =>
        problem(
          path.join(dir, file),
          undefined,
          "file already exists and would be overwritten",
          "choose an empty folder",
        ),
      ),
    );
  }
  await cp(TEMPLATE, target, { recursive: true, errorOnExist: true, force: false });
  return files;
}

async function listFiles(root: string, prefix = ""): Promise<string[]> {
  const entries = await readdir(path.join(root, prefix), { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((entry) =>
      entry.isDirectory()
        ? listFiles(root, path.join(prefix, entry.name))
        : Promise.resolve([path.join(prefix, entry.name)]),
    ),
  );
  return nested.flat().sort();
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}
