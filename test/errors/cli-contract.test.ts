import { existsSync, readFileSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliRun, makeTempDir, runCli } from "../helpers/cli.js";

// The command-line contract (README "Command line"): exit codes 0/1/2/3, one clear message with
// a hint for every refusal, no stack trace unless --debug, colours only for a person at a
// terminal, stdout kept clean for --json and silent for --quiet.

const PACKAGE = JSON.parse(
  readFileSync(new URL("../../package.json", import.meta.url), "utf8"),
) as { version: string };

const STACK_LINE = /^\s+at /m;
// Built at run time: a control character in a regex literal is a lint error.
const ESC = String.fromCharCode(27);
const ANSI = new RegExp(`${ESC}\\[`);

/** `label` (error, warning, hint:) preceded by a colour code on some line of `text`. */
function coloured(label: string): RegExp {
  return new RegExp(`${ESC}\\[[0-9;]*m\\s*${label}`, "m");
}

let scratch = "";
let cleanup: () => Promise<void> = async () => {};
/** A starter workspace (sample data for 2026-10) the read-only cases share. */
let workspace = "";
let counter = 0;

beforeAll(async () => {
  ({ dir: scratch, cleanup } = await makeTempDir());
  workspace = await freshWorkspace();
});

afterAll(async () => {
  await cleanup();
});

/** A new starter workspace of its own, for a case that writes or edits one. */
async function freshWorkspace(): Promise<string> {
  counter += 1;
  const dir = path.join(scratch, `ws-${counter}`);
  const init = await runCli(["init", dir, "--no-input", "--timezone", "America/New_York"]);
  expect(init.code, init.stderr).toBe(0);
  return dir;
}

/**
 * The refusal every bad invocation gets: `code`, nothing on stdout, exactly one error line
 * carrying `message`, the `hint` after it, and no stack trace.
 */
function expectRefusal(run: CliRun, code: number, message: string, hint: string): void {
  expect(run.code, run.stderr).toBe(code);
  expect(run.stdout).toBe("");
  // "file:line:col: error: …", "error: …" (usage) or "internal error (…): …"; not "1 error(s)".
  const errors = run.stderr
    .split("\n")
    .filter((line) => /(^|: )(internal )?error\b(?!\(s\))/.test(line));
  expect(errors, run.stderr).toHaveLength(1);
  expect(errors[0]).toContain(message);
  const after = run.stderr.slice(run.stderr.indexOf(errors[0] ?? ""));
  expect(after).toContain(hint);
  expect(run.stderr).not.toMatch(STACK_LINE);
}

describe("usage errors", () => {
  it("an unknown command: exit 2, named, with the way to the help", async () => {
    const run = await runCli(["bogus"]);
    expectRefusal(run, 2, "unknown command 'bogus'", "exec-intel --help");
  });

  it("an unknown option: exit 2, named, with the way to the help", async () => {
    const run = await runCli(["validate", "-w", workspace, "--bogus"]);
    expectRefusal(run, 2, "unknown option '--bogus'", "exec-intel --help");
  });

  it("an option without its argument: exit 2, named, with the way to the help", async () => {
    const run = await runCli(["validate", "-w", workspace, "--period"]);
    expectRefusal(run, 2, "'--period <YYYY-MM>' argument missing", "exec-intel --help");
  });

  it.each([
    ["run", "2026-13"],
    ["validate", "10-2026"],
    ["preview", "October"],
  ])("%s --period %s: exit 2, and nothing written", async (command, period) => {
    const dir = await freshWorkspace();
    const run = await runCli([command, "-w", dir, "--period", period]);
    expectRefusal(
      run,
      2,
      `--period "${period}" is not a YYYY-MM month`,
      "hint: write it like --period 2026-10",
    );
    expect(existsSync(path.join(dir, ".exec-intel"))).toBe(false);
  });

  it("--resend without --yes: exit 2, and nothing sent", async () => {
    const dir = await freshWorkspace();
    const run = await runCli(["run", "-w", dir, "--resend"]);
    expectRefusal(
      run,
      2,
      "--resend sends reports again to people who already have them",
      "hint: add --yes to confirm",
    );
    expect(existsSync(path.join(dir, ".exec-intel"))).toBe(false);
  });

  it("serve --port 99999: exit 2 before listening", async () => {
    const run = await runCli(["serve", "-w", workspace, "--port", "99999"]);
    expectRefusal(run, 2, '"99999" is not a port', "hint: use a number from 0 to 65535");
  });

  it("serve --origin with a path: exit 2 before listening", async () => {
    const run = await runCli(["serve", "-w", workspace, "--origin", "https://x.example/path"]);
    expectRefusal(
      run,
      2,
      '"https://x.example/path" is not an origin',
      "hint: give the dashboard's public address without a path",
    );
  });

  it("task with an unknown id: exit 2, with the way to list the tasks", async () => {
    const run = await runCli(["task", "T-999", "-w", workspace]);
    expectRefusal(run, 2, "no task T-999", "hint: list the tasks with: exec-intel tasks");
  });
});

describe("a missing workspace", () => {
  it.each([
    "validate",
    "run",
    "preview",
    "history",
    "tasks",
    "show latest",
    "verify latest",
    "schedule --status",
    "export totals",
    "serve",
  ])("%s -w /nonexistent: exit 2, said once, with how to make one", async (line) => {
    const command = line.split(" ");
    const run = await runCli([...command, "-w", "/nonexistent"]);
    expectRefusal(
      run,
      2,
      "workspace /nonexistent does not exist",
      "hint: pass the workspace folder with -w DIR, or create one with `exec-intel init DIR`",
    );
    expect(existsSync("/nonexistent")).toBe(false);
  });
});

describe("bad configuration and data", () => {
  it("a config naming an unset variable: exit 2, the variable and the key named", async () => {
    const dir = await freshWorkspace();
    const config = path.join(dir, "exec-intel.yaml");
    const text = await readFile(config, "utf8");
    const edited = text.replace(/email: owner@example\.com/, `email: "\${CEO_EMAIL}"`);
    expect(edited).not.toBe(text);
    await writeFile(config, edited);
    const run = await runCli(["validate", "-w", dir]);
    expectRefusal(
      run,
      2,
      'environment variable CEO_EMAIL is not set (used by "tenants.0.roles.ceo.recipients.0.email")',
      "hint: set CEO_EMAIL in the environment or in the workspace .env file",
    );
    expect(run.stderr).toMatch(/^exec-intel\.yaml:\d+:\d+: error: /m);
  });

  it("a ledger amount that is not a number: exit 2, file:line:column and the hint", async () => {
    const dir = await freshWorkspace();
    const ledger = path.join(dir, "data", "ledger", "checking.csv");
    const rows = (await readFile(ledger, "utf8")).split("\n");
    // Row 4 of the file (the third transaction) gets a word for its amount.
    rows[3] = rows[3]?.replace(/-?[\d.]+$/, "twelve") ?? "";
    await writeFile(ledger, rows.join("\n"));
    for (const command of ["validate", "run"]) {
      const run = await runCli([command, "-w", dir]);
      expectRefusal(
        run,
        2,
        'data/ledger/checking.csv:4:3: error: amount "twelve" is not a number',
        "hint: write a number such as -1234.56, 1,234.56 or (1,234.56)",
      );
    }
    // Bad input never half-loads: the run archived and sent nothing.
    expect(existsSync(path.join(dir, ".exec-intel", "outbox"))).toBe(false);
    expect(existsSync(path.join(dir, ".exec-intel", "archive"))).toBe(false);
  });
});

describe("an internal error", () => {
  /** A clock that throws stands in for a bug anywhere in a command. */
  function withBrokenClock(argv: string[]): Promise<CliRun> {
    return runCli(argv, {
      now: () => {
        throw new TypeError("Cannot read properties of undefined (reading 'getTime')");
      },
    });
  }

  it("exits 1, says it is a bug, points at --debug, and prints no stack", async () => {
    const run = await withBrokenClock(["validate", "-w", workspace]);
    expectRefusal(
      run,
      1,
      "internal error",
      "hint: run the command again with --debug to see where it happened",
    );
    expect(run.stderr).toContain("Cannot read properties of undefined (reading 'getTime')");
    expect(run.stderr).toContain("not in your data");
  });

  it("prints the stack with --debug", async () => {
    const run = await withBrokenClock(["--debug", "validate", "-w", workspace]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain("internal error");
    expect(run.stderr).toContain("TypeError: Cannot read properties of undefined");
    expect(run.stderr).toMatch(STACK_LINE);
  });
});

describe("output hygiene", () => {
  it("--version prints package.json's version and nothing else", async () => {
    const run = await runCli(["--version"]);
    expect(run).toEqual({ code: 0, stdout: `${PACKAGE.version}\n`, stderr: "" });
  });

  describe("colours", () => {
    // A bad period (an error and its hint) and a stale source (warnings) on the same workspace.
    const error = ["validate", "--period", "x"];
    const warning = ["validate", "--period", "2027-02"];

    it("marks errors and warnings on a terminal", async () => {
      const failed = await runCli([...error, "-w", workspace], { isTty: true });
      expect(failed.code).toBe(2);
      expect(failed.stderr).toMatch(coloured("error"));
      expect(failed.stderr).toMatch(coloured("hint:"));
      const warned = await runCli([...warning, "-w", workspace], { isTty: true });
      expect(warned.code, warned.stderr).toBe(0);
      expect(warned.stderr).toContain("stale");
      expect(warned.stderr).toMatch(coloured("warning"));
      expect(warned.stderr).toMatch(coloured("hint:"));
      // The document on stdout is never coloured, whatever stderr is.
      expect(warned.stdout).not.toMatch(ANSI);
    });

    it.each([
      ["NO_COLOR=1", [], { NO_COLOR: "1" }, true],
      ["--no-color", ["--no-color"], {}, true],
      ["TERM=dumb", [], { TERM: "dumb" }, true],
      ["off a terminal", [], {}, false],
    ])("none with %s", async (_, flags, env, isTty) => {
      const failed = await runCli([...flags, ...error, "-w", workspace], { isTty, env });
      expect(failed.code).toBe(2);
      expect(failed.stderr).toContain("error:");
      expect(failed.stderr).not.toMatch(ANSI);
      const warned = await runCli([...flags, ...warning, "-w", workspace], { isTty, env });
      expect(warned.stderr).toContain("warning:");
      expect(warned.stderr).not.toMatch(ANSI);
    });
  });

  it("run --json prints one JSON document on stdout, and the warnings on stderr", async () => {
    const dir = await freshWorkspace();
    // The sample describes 2026-10: reporting on 2027-02 makes every source stale.
    const run = await runCli(["run", "-w", dir, "--period", "2027-02", "--json"], {
      isTty: true,
    });
    expect(run.code, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout) as { period: string; warnings: { message: string }[] };
    expect(summary.period).toBe("2027-02");
    // Both readers get the warnings: the person on stderr, the program in the summary.
    expect(run.stderr).toContain('source "checking" is stale');
    expect(summary.warnings.map((w) => w.message).join("\n")).toContain(
      'source "checking" is stale',
    );
    // --json is for programs: no progress lines, even on a terminal.
    expect(run.stderr).not.toMatch(/^… /m);
  });

  it("--quiet: a successful validate and run print nothing at all", async () => {
    const dir = await freshWorkspace();
    const validate = await runCli(["--quiet", "validate", "-w", dir], { isTty: true });
    expect(validate).toEqual({ code: 0, stdout: "", stderr: "" });
    const run = await runCli(["-q", "run", "-w", dir], { isTty: true });
    expect(run).toEqual({ code: 0, stdout: "", stderr: "" });
    // It did run: the reports were delivered to the outbox.
    expect(existsSync(path.join(dir, ".exec-intel", "outbox"))).toBe(true);
  });

  it("--quiet still prints the errors of a bad workspace", async () => {
    for (const command of ["validate", "run"]) {
      const run = await runCli(["--quiet", command, "-w", "/nonexistent"]);
      expectRefusal(run, 2, "workspace /nonexistent does not exist", "hint: pass the workspace");
    }
  });

  describe("progress lines", () => {
    it("appear on a terminal, on stderr", async () => {
      const run = await runCli(["validate", "-w", workspace], { isTty: true });
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toMatch(/^… \S/m);
      expect(run.stdout).not.toContain("… ");
    });

    it("appear on a terminal for run too", async () => {
      const dir = await freshWorkspace();
      const run = await runCli(["run", "-w", dir, "--dry-run"], { isTty: true });
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toMatch(/^… \S/m);
      expect(run.stdout).not.toContain("… ");
    });

    it("never off a terminal", async () => {
      const run = await runCli(["validate", "-w", workspace], { isTty: false });
      expect(run.code, run.stderr).toBe(0);
      expect(`${run.stdout}${run.stderr}`).not.toContain("… ");
    });

    it("never with --json, even on a terminal", async () => {
      const dir = await freshWorkspace();
      const run = await runCli(["run", "-w", dir, "--dry-run", "--json"], { isTty: true });
      expect(run.code, run.stderr).toBe(0);
      expect(`${run.stdout}${run.stderr}`).not.toContain("… ");
      expect(() => JSON.parse(run.stdout)).not.toThrow();
    });

    it("never with --quiet, even on a terminal", async () => {
      const run = await runCli(["-q", "validate", "-w", workspace], { isTty: true });
      expect(run.code, run.stderr).toBe(0);
      expect(`${run.stdout}${run.stderr}`).not.toContain("… ");
    });
  });
});
