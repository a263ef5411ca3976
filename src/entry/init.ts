import {
  chmod,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rename,
  rm,
  stat,
  writeFile,
} from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { CONFIG_FILE, loadWorkspaceConfig } from "../adapters/workspace/config-file.js";
import { InputError, problem } from "../core/errors.js";
import {
  monthsFromSample,
  planStarter,
  type StarterAnswers,
  type StarterPlan,
  starterConfig,
  starterSample,
} from "../core/init/starter.js";

const TEMPLATE = fileURLToPath(new URL("../../templates/init/", import.meta.url));

/** Template files stored under another name: npm and git treat a dotfile named .gitignore specially. */
const RENAMED: Readonly<Record<string, string>> = { gitignore: ".gitignore" };

/** What `init` wrote. */
export interface ScaffoldResult {
  plan: StarterPlan;
  files: string[];
  /** The month the sample data now describes (the last full month). */
  period: string;
}

/**
 * Writes a starter workspace into `dir` for the answers: the template's config made the user's,
 * its sample data moved to `period`. Refuses to overwrite anything; writes every file or none.
 */
export async function scaffoldWorkspace(
  dir: string,
  options: { answers?: StarterAnswers; origin?: string; period: string; timezone: string },
): Promise<ScaffoldResult> {
  const plan = planStarter(
    options.answers ?? {},
    options.origin ?? "(command line)",
    options.timezone,
  );
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
  const templateFiles = await listFiles(TEMPLATE);
  const files = templateFiles.map((file) => RENAMED[file] ?? file);
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
  const months = monthsFromSample(options.period);
  // Staged beside the target and moved in at the end, so a failure (a full disk, a Ctrl-C)
  // leaves no half-written workspace behind.
  const parent = path.dirname(target);
  await mkdir(parent, { recursive: true });
  const stage = await mkdtemp(path.join(parent, `.${path.basename(target)}.init-`));
  try {
    for (const [index, file] of templateFiles.entries()) {
      const text = await readFile(path.join(TEMPLATE, file), "utf8");
      const written =
        file === CONFIG_FILE
          ? starterConfig(text, plan)
          : file.startsWith(`data${path.sep}`)
            ? starterSample(text, plan, months)
            : text;
      const destination = path.join(stage, files[index] ?? file);
      await mkdir(path.dirname(destination), { recursive: true });
      await writeFile(destination, written, { flag: "wx" });
    }
    // The config's own check has the last word: a starter that would not load is not written.
    await loadWorkspaceConfig(stage, {});
    if (!(await exists(target))) {
      await rename(stage, target);
      // mkdtemp made the stage private (0700); the workspace gets a folder's usual mode.
      await chmod(target, 0o777 & ~process.umask());
    } else await moveInto(stage, target, files);
  } finally {
    await rm(stage, { recursive: true, force: true });
  }
  return { plan, files, period: options.period };
}

/** Moves staged files into an existing folder; on a failure, takes back what was moved. */
async function moveInto(stage: string, target: string, files: readonly string[]): Promise<void> {
  const moved: string[] = [];
  try {
    for (const file of files) {
      await mkdir(path.dirname(path.join(target, file)), { recursive: true });
      await rename(path.join(stage, file), path.join(target, file));
      moved.push(file);
    }
  } catch (error) {
    for (const file of moved) await rm(path.join(target, file), { force: true });
    throw error;
  }
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
