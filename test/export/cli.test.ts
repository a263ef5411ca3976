import { readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  copyWorkspace,
  expectRefusedWithOut,
  makeTempDir,
  PORTFOLIO,
  runCli,
} from "../helpers/cli.js";

// The command-line contract of `exec-intel export ledger`: where the journal goes, and bad
// input refused with exit 2, a located message and a way out, before anything is written.

let out = "";
let cleanup: () => Promise<void> = async () => {};

beforeAll(async () => {
  ({ dir: out, cleanup } = await makeTempDir());
});

afterAll(async () => {
  await cleanup();
});

const exportLedger = (...args: string[]) => runCli(["export", "ledger", ...args]);

describe("export ledger output", () => {
  it("writes one file per tenant with --out, creating the folder, and says what it wrote", async () => {
    const folder = path.join(out, "nested", "journals");
    const run = await exportLedger("-w", PORTFOLIO, "--format", "beancount", "--out", folder);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toBe("");
    expect(run.stdout).toBe(
      `wrote ${path.join(folder, "portfolio.beancount")}\nwrote ${path.join(folder, "harbor-bakery.beancount")}\n`,
    );
    expect((await readdir(folder)).sort()).toEqual([
      "harbor-bakery.beancount",
      "portfolio.beancount",
    ]);
  });

  it("prints the only tenant's journal on stdout, and nothing else there", async () => {
    const run = await exportLedger(
      "-w",
      PORTFOLIO,
      "--tenant",
      "harbor-bakery",
      "--format",
      "hledger",
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.startsWith("; Harbor Bakery (tenant harbor-bakery): ")).toBe(true);
    expect(run.stdout).toContain("\naccount assets:harbor-bakery:bank:harbor-bakery-checking\n");
    expect(run.stderr).toBe("");
  });

  it("writes --tenant's file alone with --out", async () => {
    const folder = path.join(out, "one");
    const run = await exportLedger(
      "-w",
      PORTFOLIO,
      "--tenant",
      "portfolio",
      "--format",
      "hledger",
      "--out",
      folder,
    );
    expect(run.code, run.stderr).toBe(0);
    expect(await readdir(folder)).toEqual(["portfolio.journal"]);
    expect(await readFile(path.join(folder, "portfolio.journal"), "utf8")).toContain(
      "\naccount liabilities:quickdumpnow:card:quickdumpnow-4417\n",
    );
  });

  it("is byte-identical run after run", async () => {
    const args = ["-w", PORTFOLIO, "--tenant", "portfolio", "--format", "beancount"];
    const first = await exportLedger(...args);
    const second = await exportLedger(...args);
    expect(first.stdout.length).toBeGreaterThan(10_000);
    expect(second.stdout).toBe(first.stdout);
  });
});

describe("export ledger bad input exits 2, says what to do, writes nothing", () => {
  const refused = (args: string[], message: string, hint?: string) =>
    expectRefusedWithOut(runCli, out, args, message, hint);

  it("an unknown --format", async () => {
    await refused(
      ["export", "ledger", "-w", PORTFOLIO, "--format", "ledger"],
      '(command line): error: --format "ledger" is not a journal format',
      "use --format hledger or --format beancount",
    );
  });

  it("a missing --format", async () => {
    await refused(
      ["export", "ledger", "-w", PORTFOLIO],
      "error: required option '--format <format>' not specified",
    );
  });

  it("several tenants and no --out or --tenant", async () => {
    const run = await exportLedger("-w", PORTFOLIO, "--format", "hledger");
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain(
      "(command line): error: the workspace has 2 tenants (portfolio, harbor-bakery) and stdout takes one journal",
    );
    expect(run.stderr).toContain(
      "hint: pass --tenant ID to print one, or --out DIR to write one file per tenant",
    );
  });

  it("an unknown tenant", async () => {
    await refused(
      ["export", "ledger", "-w", PORTFOLIO, "--format", "hledger", "--tenant", "bakery"],
      '(command line): error: no tenant "bakery" in the config',
      "use one of: portfolio, harbor-bakery",
    );
  });

  it.each(["2026-13", "October", "2026-1", "2026-10-01"])("--period %s", async (period) => {
    await refused(
      ["export", "ledger", "-w", PORTFOLIO, "--format", "hledger", "--period", period],
      `(command line): error: --period "${period}" is not a YYYY-MM month`,
      "write it like --period 2026-10, or leave it out to export every transaction",
    );
  });

  it("a workspace that does not exist", async () => {
    await refused(
      ["export", "ledger", "-w", path.join(out, "missing"), "--format", "hledger"],
      "does not exist",
    );
  });

  it("an unknown export", async () => {
    await refused(["export", "bookings", "--format", "hledger"], "unknown command 'bookings'");
  });

  it("a bad row in a ledger export: file, line, what, what to do", async () => {
    const copy = await copyWorkspace(PORTFOLIO);
    try {
      const csv = path.join(copy.dir, "data/harbor-bakery/checking.csv");
      const text = await readFile(csv, "utf8");
      await writeFile(csv, text.replace('"-2,400.00"', "minus 2400"));
      await refused(
        ["export", "ledger", "-w", copy.dir, "--format", "hledger", "--tenant", "harbor-bakery"],
        'data/harbor-bakery/checking.csv:2:3: error: amount "minus 2400" is not a number',
        "write a number such as -1234.56",
      );
    } finally {
      await copy.cleanup();
    }
  });
});
