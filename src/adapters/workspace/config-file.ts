import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { parse as parseDotenv } from "dotenv";
import { type Config, validateConfig } from "../../core/config.js";
import { InputError, problem } from "../../core/errors.js";
import { interpolateVariables, parseLocatedYaml, toPlainValue } from "../../core/yaml-document.js";
import { readWorkspaceText } from "../sources/workspace-files.js";

/** File name of the workspace configuration. */
export const CONFIG_FILE = "exec-intel.yaml";

/**
 * Loads `exec-intel.yaml` with `${VAR}` taken from the environment, then the workspace `.env`
 * (the environment wins, as with dotenv). Throws InputError listing every problem.
 */
export async function loadWorkspaceConfig(
  workspace: string,
  environment: Readonly<Record<string, string | undefined>>,
): Promise<Config> {
  const folder = await stat(workspace).catch(() => undefined);
  if (folder === undefined || !folder.isDirectory()) {
    throw new InputError([
      problem(
        "(command line)",
        undefined,
        `workspace ${workspace} ${folder === undefined ? "does not exist" : "is not a folder"}`,
        "pass the workspace folder with -w DIR, or create one with `exec-intel init DIR`",
      ),
    ]);
  }
  const decoded = await readWorkspaceText(workspace, CONFIG_FILE);
  if (decoded.text === undefined) {
    const missing = decoded.problems.some((p) => p.message.includes("does not exist"));
    throw new InputError(
      missing
        ? [
            problem(
              CONFIG_FILE,
              undefined,
              `no ${CONFIG_FILE} in ${path.resolve(workspace)}`,
              "pass the workspace folder with -w DIR, or create one with `exec-intel init DIR`",
            ),
          ]
        : decoded.problems,
    );
  }
  if (decoded.text.trim() === "") {
    throw new InputError([
      problem(
        CONFIG_FILE,
        1,
        "config file is empty",
        "run `exec-intel init` in an empty folder to see a working example",
      ),
    ]);
  }
  const env = await workspaceEnvironment(workspace, environment);
  const { yaml, problems } = parseLocatedYaml(decoded.text, CONFIG_FILE);
  if (problems.length > 0) throw new InputError(problems);
  const missingVariables = interpolateVariables(yaml, env);
  if (missingVariables.length > 0) throw new InputError(missingVariables);
  const plain = toPlainValue(yaml);
  if (plain.problems.length > 0) throw new InputError(plain.problems);
  const result = validateConfig(plain.value, yaml);
  if (result.config === undefined) throw new InputError(result.problems);
  return result.config;
}

/**
 * The environment a workspace's commands see: its `.env` under the process environment (which
 * wins, as with dotenv), so secrets named by `*Env` keys can live in `.env` like `${VAR}`s do.
 */
export async function workspaceEnvironment(
  workspace: string,
  environment: Readonly<Record<string, string | undefined>>,
): Promise<Record<string, string>> {
  return { ...(await readDotenv(workspace)), ...definedOnly(environment) };
}

async function readDotenv(workspace: string): Promise<Record<string, string>> {
  try {
    return parseDotenv(await readFile(path.resolve(workspace, ".env")));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return {};
    throw new InputError([
      problem(
        ".env",
        undefined,
        `cannot read .env: ${(error as Error).message}`,
        "make the file readable or remove it",
      ),
    ]);
  }
}

function definedOnly(
  environment: Readonly<Record<string, string | undefined>>,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(environment).filter(
      (entry): entry is [string, string] => entry[1] !== undefined,
    ),
  );
}
