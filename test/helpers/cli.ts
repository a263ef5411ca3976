import { existsSync } from "node:fs";
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, expect } from "vitest";
import { type Io, main } from "../../src/entry/cli.js";

/** The reference workspace shipped in examples/. */
export const PORTFOLIO = fileURLToPath(new URL("../../examples/portfolio/", import.meta.url));

/** The reference portfolio's report roles, in the order its exec-intel.yaml lists them. */
export const PORTFOLIO_ROLES = [
  "ceo",
  "cto",
  "accounting",
  "cmo",
  "cfo",
  "property-manager",
  "delivery-manager",
  "billing",
] as const;

/** What one in-process CLI invocation printed and returned. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process with captured output, a fixed clock and a non-TTY stderr. */
export async function runCli(
  argv: string[],
  options: {
    isTty?: boolean;
    env?: Record<string, string>;
    /**
     * The clock (default 2026-11-21T08:00:00Z, so last month is the portfolio's 2026-10); a
     * function is called each time (one that throws stands in for a bug).
     */
    now?: Date | (() => Date);
    /** Answers typed at init's prompts, in order; present means "on a terminal". */
    answers?: string[];
  } = {},
): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const io: Io = {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    isTty: options.isTty ?? false,
    env: options.env ?? {},
    now: () => {
      const now = options.now ?? new Date("2026-11-21T08:00:00Z");
      return typeof now === "function" ? now() : now;
    },
  };
  if (options.answers !== undefined) {
    const answers = [...options.answers];
    io.ask = async (question) => {
      stderr += question;
      const answer = answers.shift();
      if (answer === undefined) throw new Error(`no answer scripted for "${question}"`);
      return answer;
    };
  }
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

/** A fresh empty temp folder and its cleanup. */
export async function makeTempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), "exec-intel-test-"));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Copies a workspace to a temp folder so a test can change its data; returns the path and a cleanup. */
export async function copyWorkspace(
  source: string,
): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const temp = await makeTempDir();
  // Not the state folder: a local demo run leaves a delivery ledger and an outbox there.
  await cp(source, temp.dir, {
    recursive: true,
    filter: (from) => path.basename(from) !== ".exec-intel",
  });
  return temp;
}

/**
 * A copy of the reference portfolio with PDFs off (they have their own tests) and `yaml`
 * appended to its config; returns the path and a cleanup.
 */
export async function copyPortfolioWithoutPdf(
  yaml = "",
): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const copy = await copyWorkspace(PORTFOLIO);
  const config = path.join(copy.dir, "exec-intel.yaml");
  const text = await readFile(config, "utf8");
  await writeFile(
    config,
    `${text.replace("render:\n  pdf: auto", "render:\n  pdf: off")}\n${yaml}\n`,
  );
  return copy;
}

/**
 * For one test file: a function that makes a portfolio copy without PDFs (optionally with
 * `yaml` appended to its config) and returns its folder; every copy is removed after the file.
 */
export function portfolioCopies(): (yaml?: string) => Promise<string> {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });
  return async (yaml = "") => {
    const { dir, cleanup } = await copyPortfolioWithoutPdf(yaml);
    cleanups.push(cleanup);
    return dir;
  };
}

/**
 * Runs `args` with `--out` to a fresh folder under `scratch` (through `runner`: in-process or the
 * built CLI) and expects the refusal of bad input: exit 2, `message` and `hint` on stderr, nothing
 * on stdout, and no folder written.
 */
export async function expectRefusedWithOut(
  runner: (argv: string[]) => Promise<CliRun>,
  scratch: string,
  args: string[],
  message: string,
  hint?: string,
): Promise<CliRun> {
  const folder = path.join(scratch, `refused-${Math.random().toString(36).slice(2)}`);
  const run = await runner([...args, "--out", folder]);
  expect(run.code, run.stderr).toBe(2);
  expect(run.stdout).toBe("");
  expect(run.stderr).toContain(message);
  if (hint !== undefined) expect(run.stderr).toContain(`hint: ${hint}`);
  expect(existsSync(folder)).toBe(false);
  return run;
}
