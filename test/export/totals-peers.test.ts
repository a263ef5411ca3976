import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runClean, runTool, toolPath } from "../helpers/accounting-tools.js";
import { copyWorkspace, makeTempDir, PORTFOLIO } from "../helpers/cli.js";

// The totals of `exec-intel export totals` agree to the cent with what the accounting tools a
// user would otherwise reach for compute from the same categorised transactions: the tenant's
// journal (`export ledger --format hledger`) read by ledger-cli (`register -M` with the
// benchmark's --format) and hledger (`register -M -O csv`). This is the agreement check of
// `npm run bench:ledger` at test scale, with its own readers (bench/ledger/readers.js), on a
// synthetic 10,000-transaction tenant and on both tenants of the reference portfolio; and a
// changed posting in a journal must make the check fail, naming the account. Everything runs
// as shipped: the built CLI (the readers import dist/ too), so `npm run build` first.
// The tools are never stubbed and these tests never skip: a missing tool fails with how to
// install it.

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const BIN = path.join(ROOT, "bin/exec-intel.js");
const TOOLS = ["hledger", "ledger"] as const;

/** "YYYY-MM\taccount" → cents as the journal's category postings carry them (income negative). */
type Totals = Map<string, number>;

/** bench/ledger/readers.js (plain JavaScript), typed here. */
interface Readers {
  LEDGER_FORMAT: string;
  oursToJournal(csv: string): Totals;
  ledgerTotals(text: string): Totals;
  hledgerTotals(text: string): Totals;
  agreeingTotals(reference: Totals, other: Totals, name: string): number;
}

/** bench/scale/tenant.js's synthetic tenant writer, typed here. */
type WriteTenantWorkspace = (
  dir: string,
  index: number,
  options: { entities: number; transactions: number },
) => { id: string; bytes: number; entities: string[] };

const _run = (file: string, args: readonly string[]) => runTool(file, args, scratch);
const clean = (file: string, args: readonly string[]) => runClean(file, args, scratch);

const exec = (...args: string[]) => clean(process.execPath, [BIN, ...args]);

/** The two peers' totals of one journal, read by the benchmark's readers. */
async function peerTotals(journal: string): Promise<{ ledger: Totals; hledger: Totals }> {
  const [ledger, hledger] = await Promise.all([
    clean(toolPath("ledger"), [
      "-f",
      journal,
      "-M",
      "--format",
      readers.LEDGER_FORMAT,
      "register",
      "^income",
      "^expenses",
    ]),
    clean(toolPath("hledger"), [
      "-f",
      journal,
      "register",
      "-M",
      "-O",
      "csv",
      "income",
      "expenses",
    ]),
  ]);
  return { ledger: readers.ledgerTotals(ledger), hledger: readers.hledgerTotals(hledger) };
}

/** All three agree on every total; answers how many totals that is. */
async function agreeAll(totalsCsv: string, journal: string): Promise<number> {
  const ours = readers.oursToJournal(totalsCsv);
  const peers = await peerTotals(journal);
  const count = readers.agreeingTotals(ours, peers.ledger, "ledger-cli");
  expect(readers.agreeingTotals(ours, peers.hledger, "hledger")).toBe(count);
  return count;
}

let scratch = "";
let cleanupScratch: () => Promise<void> = async () => {};
let readers: Readers;

beforeAll(async () => {
  for (const tool of TOOLS) toolPath(tool);
  if (!existsSync(path.join(ROOT, "dist/entry/cli.js")))
    throw new Error("the CLI is not built: run `npm run build` before these tests");
  ({ dir: scratch, cleanup: cleanupScratch } = await makeTempDir());
  readers = (await import(
    pathToFileURL(path.join(ROOT, "bench/ledger/readers.js")).href
  )) as Readers;
});

afterAll(async () => {
  await cleanupScratch();
});

describe("a synthetic 10,000-transaction tenant", () => {
  it("has the same totals in exec-intel, ledger-cli and hledger, to the cent", async () => {
    const tenantModule = (await import(
      pathToFileURL(path.join(ROOT, "bench/scale/tenant.js")).href
    )) as { writeTenantWorkspace: WriteTenantWorkspace };
    const workspace = path.join(scratch, "synthetic");
    const { id, entities } = tenantModule.writeTenantWorkspace(workspace, 0, {
      entities: 4,
      transactions: 10_000,
    });
    const out = path.join(scratch, "synthetic-out");
    await exec("export", "ledger", "-w", workspace, "--format", "hledger", "--out", out);
    const csv = await exec("export", "totals", "-w", workspace);
    const rows = csv.trim().split("\n").slice(1);
    // Every row is read: income and expense accounts of 4 entities over 12 months.
    const count = await agreeAll(csv, path.join(out, `${id}.journal`));
    expect(count).toBe(rows.length);
    expect(count).toBeGreaterThan(4 * 12 * 5);
    expect(new Set(rows.map((row) => row.split(",")[1]))).toEqual(new Set(entities));
    // All 10,000 transactions are income or expenses in this tenant.
    expect(rows.reduce((sum, row) => sum + Number(row.split(",").at(-1)), 0)).toBe(10_000);
  });
});

describe("the reference portfolio", () => {
  const journals = () => path.join(scratch, "portfolio-journals");
  const totalsDir = () => path.join(scratch, "portfolio-totals");

  beforeAll(async () => {
    await exec("export", "ledger", "-w", PORTFOLIO, "--format", "hledger", "--out", journals());
    await exec("export", "totals", "-w", PORTFOLIO, "--out", totalsDir());
  });

  it.each(["portfolio", "harbor-bakery"])(
    "the %s tenant: the same totals in all three tools, to the cent",
    async (tenant) => {
      const journal = path.join(journals(), `${tenant}.journal`);
      const csv = await readFile(path.join(totalsDir(), `${tenant}.csv`), "utf8");
      const rows = csv.trim().split("\n").slice(1);
      expect(rows.length).toBeGreaterThan(tenant === "portfolio" ? 100 : 20);

      // The readers spell exec-intel's accounts as hledgerAccount(accountPath(...)); the
      // journal may suffix colliding spellings (spellAccounts). The portfolio has no
      // collision: every account the totals name is declared in the journal under that name.
      const text = await readFile(journal, "utf8");
      const declared = new Set(
        text
          .split("\n")
          .filter((line) => line.startsWith("account "))
          .map((line) => line.slice("account ".length)),
      );
      for (const name of declared) expect(name).not.toMatch(/-H[0-9a-f]{8}$/);
      const ours = readers.oursToJournal(csv);
      for (const key of ours.keys()) expect(declared).toContain(key.split("\t")[1]);

      expect(await agreeAll(csv, journal)).toBe(rows.length);
    },
  );

  it("a changed posting in the journal fails the check, naming the account and month", async () => {
    const csv = await readFile(path.join(totalsDir(), "harbor-bakery.csv"), "utf8");
    const text = await readFile(path.join(journals(), "harbor-bakery.journal"), "utf8");
    // One posting moved by a cent; its partner too, or neither tool would read the journal.
    const source = /^( {4}assets:harbor-bakery:bank:harbor-bakery-checking +)-2400\.00 USD$/m;
    const rent = /^( {4}expenses:harbor-bakery:occupancy:rent +)2400\.00 USD$/m;
    expect(text.match(new RegExp(rent.source, "gm"))?.length).toBeGreaterThan(1);
    const changed = text
      .replace(source, (_, account: string) => `${account}-2400.01 USD`)
      .replace(rent, (_, account: string) => `${account}2400.01 USD`);
    expect(changed).not.toBe(text);
    const journal = path.join(scratch, "harbor-bakery-changed.journal");
    await writeFile(journal, changed);

    const ours = readers.oursToJournal(csv);
    const key = "2026-08\texpenses:harbor-bakery:occupancy:rent";
    expect(ours.get(key)).toBe(240_000);
    const peers = await peerTotals(journal);
    expect(peers.ledger.get(key)).toBe(240_001);
    expect(peers.hledger.get(key)).toBe(240_001);
    for (const [name, totals] of [
      ["ledger-cli", peers.ledger],
      ["hledger", peers.hledger],
    ] as const) {
      expect(() => readers.agreeingTotals(ours, totals, name)).toThrow(
        `${name} disagrees on 1 totals, e.g. ${key}: exec-intel 240000, ${name} 240001`,
      );
    }
    // The unchanged journal still agrees, so it was the one posting that failed the check.
    expect(await agreeAll(csv, path.join(journals(), "harbor-bakery.journal"))).toBeGreaterThan(0);
  });
});

describe("an account that nets to zero in a month", () => {
  // exec-intel writes a 0.00 row for an account whose month nets to zero (a sale and its
  // reversal); ledger-cli and hledger print no line for it. agreeingTotals reads no line as zero.
  it("is agreed on by all three tools (no line from the peers means zero)", async () => {
    const copy = await copyWorkspace(PORTFOLIO);
    try {
      const csv = path.join(copy.dir, "data/harbor-bakery/checking.csv");
      const text = await readFile(csv, "utf8");
      expect(text).toContain("08/10/2026,ACH CREDIT BEAN THERE CAFE,791.72,");
      // The month's only wholesale income, reversed in the same month.
      await writeFile(csv, `${text}08/20/2026,ACH CREDIT BEAN THERE CAFE REVERSAL,-791.72,0.00\n`);
      const out = path.join(scratch, "zero-month");
      await exec(
        "export",
        "ledger",
        "-w",
        copy.dir,
        "--tenant",
        "harbor-bakery",
        "--format",
        "hledger",
        "--out",
        out,
      );
      const totals = await exec("export", "totals", "-w", copy.dir, "--tenant", "harbor-bakery");
      expect(totals).toContain("\n2026-08,harbor-bakery,income:wholesale,USD,0.00,2\n");
      const journal = path.join(out, "harbor-bakery.journal");
      const peers = await peerTotals(journal);
      const key = "2026-08\tincome:harbor-bakery:wholesale";
      expect(peers.ledger.has(key)).toBe(false);
      expect(peers.hledger.has(key)).toBe(false);
      expect(await agreeAll(totals, journal)).toBeGreaterThan(20);
    } finally {
      await copy.cleanup();
    }
  });
});
