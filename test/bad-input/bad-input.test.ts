import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/**
 * Bad-input corpus: every folder under cases/ is a complete workspace with exactly one defect
 * and an expected.json naming the file, line and message the CLI must report for it. The built
 * CLI runs in a child process, as a user would run it (`npm run build` first).
 */

const CLI = fileURLToPath(new URL("../../bin/exec-intel.js", import.meta.url));
const BUILT_ENTRY = fileURLToPath(new URL("../../dist/entry/cli.js", import.meta.url));
const CASES_DIR = fileURLToPath(new URL("./cases/", import.meta.url));
const SKIP_MODE_DIR = fileURLToPath(new URL("./skip-mode/", import.meta.url));
const PERIOD = "2026-10";
const MIN_CASES = 25;

interface Expected {
  description: string;
  /** Workspace-relative path as the CLI prints it. */
  file: string;
  /** 1-based line, or null where no line applies (a missing file or folder). */
  line: number | null;
  /** Substring of the problem's message, on the same stderr line as the location. */
  message: string;
}

interface SkipModeExpected {
  description: string;
  period: string;
  transactions: number;
  warnings: { file: string; line: number; message: string }[];
}

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

// Variables the corpus relies on being unset (case 36 uses one in a `${VAR}`).
const childEnv = Object.fromEntries(
  Object.entries(process.env).filter(([name]) => !name.startsWith("EXEC_INTEL_BADINPUT_")),
);

function runCli(args: readonly string[]): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { env: childEnv, timeout: 20_000, maxBuffer: 10 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error !== null && typeof error.code !== "number") {
          reject(error);
          return;
        }
        resolve({ code: error === null ? 0 : (error.code as number), stdout, stderr });
      },
    );
  });
}

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, "utf8")) as T;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** `file:line:` (or `file:` then a non-digit when there is no line) at the start of a stderr line. */
function locationPattern(file: string, line: number | null): RegExp {
  return new RegExp(`^${escapeRegExp(file)}:${line === null ? "(?!\\d)" : `${line}:`}`);
}

const caseNames = readdirSync(CASES_DIR, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

const cases = caseNames.map((name) => ({
  name,
  dir: path.join(CASES_DIR, name),
  expected: readJson<Expected>(path.join(CASES_DIR, name, "expected.json")),
}));

describe("bad-input corpus", () => {
  it("is built and large enough", () => {
    expect(existsSync(BUILT_ENTRY), "run `npm run build` before this test").toBe(true);
    expect(cases.length).toBeGreaterThanOrEqual(MIN_CASES);
  });

  it("has a well-formed expected.json in every case", () => {
    for (const { name, expected } of cases) {
      expect(typeof expected.description, name).toBe("string");
      expect(expected.file, name).toMatch(/^[^/\\]/);
      expect(expected.line === null || Number.isInteger(expected.line), name).toBe(true);
      expect(expected.message.length, name).toBeGreaterThan(0);
    }
  });

  describe.concurrent.each(cases)("$name", ({ dir, expected }) => {
    it("is refused with exit 2 and the expected located problem", async ({ expect }) => {
      const result = await runCli(["validate", "-w", dir, "--period", PERIOD]);
      const report = `${expected.description}\nexit ${result.code}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`;
      expect(result.stderr, report).not.toContain("internal error");
      expect(result.code, report).toBe(2);
      expect(result.stdout, report).toBe("");
      const where = locationPattern(expected.file, expected.line);
      const located = result.stderr.split("\n").filter((line) => where.test(line));
      expect(located, `no problem located at ${where}\n${report}`).not.toHaveLength(0);
      const match = located.find(
        (line) => line.includes(": error: ") && line.includes(expected.message),
      );
      expect(
        match,
        `no error at ${where} containing ${JSON.stringify(expected.message)}\n${report}`,
      ).toBeDefined();
    });
  });
});

describe("onBadRow: skip", () => {
  const expected = readJson<SkipModeExpected>(path.join(SKIP_MODE_DIR, "expected.json"));

  it("validates with exit 0 and reports each skipped row as a located warning", async () => {
    const result = await runCli(["validate", "-w", SKIP_MODE_DIR, "--period", expected.period]);
    const report = `exit ${result.code}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`;
    expect(result.code, report).toBe(0);
    expect(result.stdout, report).toMatch(/^ok: /);
    expect(result.stderr, report).not.toContain(": error: ");
    const lines = result.stderr.split("\n");
    for (const warning of expected.warnings) {
      const where = locationPattern(warning.file, warning.line);
      const match = lines.find(
        (line) =>
          where.test(line) && line.includes(": warning: ") && line.includes(warning.message),
      );
      expect(
        match,
        `no warning at ${where} containing ${warning.message}\n${report}`,
      ).toBeDefined();
    }
    const warnings = lines.filter((line) => line.includes(": warning: "));
    expect(warnings, report).toHaveLength(expected.warnings.length);
  });

  it("loads the good rows in a dry run", async () => {
    const result = await runCli([
      "run",
      "--dry-run",
      "--json",
      "-w",
      SKIP_MODE_DIR,
      "--period",
      expected.period,
    ]);
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout) as {
      tenants: { counts: { transactions: number } }[];
      warnings: { file: string; line?: number; severity: string }[];
    };
    expect(summary.tenants).toHaveLength(1);
    expect(summary.tenants[0]?.counts.transactions).toBe(expected.transactions);
    expect(
      summary.warnings.map((w) => ({ file: w.file, line: w.line, severity: w.severity })),
    ).toEqual(expected.warnings.map((w) => ({ file: w.file, line: w.line, severity: "warning" })));
  });
});
