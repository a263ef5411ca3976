import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { expect } from "vitest";

// The plain-text accounting tools the exports are checked against (Debian hledger, ledger,
// beancount). They are never stubbed and the tests never skip: a missing tool fails with how to
// install it.

/** What to install for every tool the tests run. */
export const ACCOUNTING_INSTALL = "apt-get install hledger ledger beancount";

/** A tool on PATH, or a failure that says how to install it. */
export function toolPath(tool: string): string {
  for (const dir of (process.env.PATH ?? "/usr/bin").split(path.delimiter)) {
    const candidate = path.join(dir, tool);
    if (dir !== "" && existsSync(candidate)) return candidate;
  }
  throw new Error(
    `${tool} is not installed: the exports are checked against the real accounting tools; run \`${ACCOUNTING_INSTALL}\``,
  );
}

/** A finished process: exit code and its output. */
export interface ToolRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `file` (a tool name on PATH, or a path) in a UTF-8 locale with HOME at `home`: hledger
 * 1.25 cannot read UTF-8 under LANG=C, and the tools print and parse numbers by locale.
 */
export function runTool(file: string, args: readonly string[], home: string): Promise<ToolRun> {
  const env = {
    PATH: process.env.PATH ?? "/usr/bin",
    HOME: home,
    LANG: "C.UTF-8",
    LC_ALL: "C.UTF-8",
  };
  const executable = file.includes(path.sep) ? file : toolPath(file);
  return new Promise((resolve, reject) => {
    execFile(
      executable,
      args,
      { env, cwd: home, timeout: 60_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error !== null && typeof error.code !== "number") reject(error);
        else resolve({ code: error === null ? 0 : (error.code as number), stdout, stderr });
      },
    );
  });
}

/** Like runTool, and the process must exit 0 with nothing on stderr; answers its stdout. */
export async function runClean(
  file: string,
  args: readonly string[],
  home: string,
): Promise<string> {
  const run = await runTool(file, args, home);
  expect({ code: run.code, stderr: run.stderr }, `${file} ${args.join(" ")}`).toEqual({
    code: 0,
    stderr: "",
  });
  return run.stdout;
}
