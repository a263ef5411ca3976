import { execFile } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hledgerDescription, renderJournal } from "../../src/core/export/journal.js";
import type { Transaction } from "../../src/core/model/index.js";
import { collectWorkspace } from "../../src/run.js";
import { runClean, runTool, type ToolRun, toolPath } from "../helpers/accounting-tools.js";
import { copyWorkspace, makeTempDir, PORTFOLIO, runCli } from "../helpers/cli.js";

// The exported journals are read back by the real tools a user would move to: hledger and
// ledger-cli (one journal for both) and beancount. Their totals must be the model's totals.

const TOOLS = ["hledger", "ledger", "bean-check", "bean-query"] as const;
type Tool = (typeof TOOLS)[number];

const tool = (name: Tool, args: readonly string[]) => runTool(name, args, scratch);
const clean = (name: Tool, args: readonly string[]) => runClean(name, args, scratch);

// Minor-unit digits of the currencies these tests use, written out rather than computed.
const DIGITS: Record<string, number> = { USD: 2, EUR: 2, JPY: 0, KWD: 3 };

/** A decimal as the tools print it (`-12.3`, `1234.56`, `0`) in minor units, without floats. */
function minor(text: string, currency: string): number {
  const digits = DIGITS[currency];
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (match === null || digits === undefined || (match[3] ?? "").length > digits)
    throw new Error(`not an amount of ${currency}: "${text}"`);
  const value = Number(match[2]) * 10 ** digits + Number((match[3] ?? "").padEnd(digits, "0"));
  return match[1] === "-" ? -value : value;
}

const ROOTS = ["assets", "liabilities", "equity", "income", "expenses"];

/**
 * The test's own account rule, written apart from the exporter's: the entity goes under the
 * root; a name without a root is an asset; uncategorised money is income or expense by sign.
 */
function expectedAccounts(t: Transaction): [string, string] {
  const place = (account: string) => {
    const [root = "", ...rest] = account.split(":");
    return ROOTS.includes(root)
      ? [root, t.entity, ...rest].join(":")
      : ["assets", t.entity, account].join(":");
  };
  const category =
    t.category ?? (t.amountCents > 0 ? "income:uncategorised" : "expenses:uncategorised");
  return [place(t.sourceAccount), place(category)];
}

/** Model sums by `account|currency|YYYY-MM`, zeros left out (the tools leave them out too). */
function expectedTotals(
  transactions: readonly Transaction[],
  spell: (account: string) => string = (a) => a,
): Map<string, number> {
  const totals = new Map<string, number>();
  const add = (account: string, t: Transaction, amount: number) => {
    const key = `${spell(account)}|${t.currency}|${t.date.slice(0, 7)}`;
    totals.set(key, (totals.get(key) ?? 0) + amount);
  };
  for (const t of transactions) {
    const [source, category] = expectedAccounts(t);
    add(source, t, t.amountCents);
    add(category, t, -t.amountCents);
  }
  return nonZero(totals);
}

function nonZero(totals: Map<string, number>): Map<string, number> {
  return new Map([...totals].filter(([, v]) => v !== 0).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** The portfolio's names are plain; beancount capitalises each dash-separated word. */
function beancountSpelling(account: string): string {
  return account
    .split(":")
    .map((part) =>
      part
        .split("-")
        .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
        .join("-"),
    )
    .join(":");
}

/** hledger's monthly balance report, flat, one row per account and commodity. */
async function hledgerMonthly(journal: string, extra: string[] = []): Promise<Map<string, number>> {
  const csv = await clean("hledger", [
    "-f",
    journal,
    "bal",
    "-M",
    "-O",
    "csv",
    "--layout=bare",
    ...extra,
  ]);
  const rows = csv
    .trim()
    .split("\n")
    .map((line) => line.split(",").map((cell) => cell.replace(/^"|"$/g, "")));
  const [header = [], ...body] = rows;
  expect(header.slice(0, 2)).toEqual(["account", "commodity"]);
  const totals = new Map<string, number>();
  for (const [account = "", commodity = "", ...values] of body) {
    if (account === "total") continue;
    values.forEach((value, i) => {
      totals.set(`${account}|${commodity}|${header[i + 2]}`, minor(value, commodity));
    });
  }
  return nonZero(totals);
}

/** Every posting as ledger-cli reads it, summed by account, commodity and month. */
async function ledgerMonthly(journal: string): Promise<Map<string, number>> {
  const lines = await clean("ledger", [
    "-f",
    journal,
    "--args-only",
    "reg",
    "--format",
    '%(account)\t%(quantity(amount))\t%(commodity(amount))\t%(format_date(date, "%Y-%m"))\n',
  ]);
  const totals = new Map<string, number>();
  for (const line of lines.trim().split("\n")) {
    const [account, amount = "", commodity = "", month] = line.split("\t");
    const key = `${account}|${commodity}|${month}`;
    totals.set(key, (totals.get(key) ?? 0) + minor(amount, commodity));
  }
  return nonZero(totals);
}

/** beancount's own sums by account, currency and month (bean-query ships with bean-check). */
async function beancountMonthly(file: string): Promise<Map<string, number>> {
  const csv = await clean("bean-query", [
    "-f",
    "csv",
    file,
    "SELECT account, year(date) AS y, month(date) AS m, currency, sum(number) AS total GROUP BY account, y, m, currency",
  ]);
  const totals = new Map<string, number>();
  for (const line of csv.trim().split("\n").slice(1)) {
    const [account, year, month, currency = "", total = ""] = line.split(",").map((c) => c.trim());
    totals.set(
      `${account}|${currency}|${year}-${String(month).padStart(2, "0")}`,
      minor(total, currency),
    );
  }
  return nonZero(totals);
}

let scratch = "";
let cleanupScratch: () => Promise<void> = async () => {};
const models = new Map<string, Transaction[]>();

beforeAll(async () => {
  for (const name of TOOLS) toolPath(name);
  ({ dir: scratch, cleanup: cleanupScratch } = await makeTempDir());
  const collected = await collectWorkspace({
    workspace: PORTFOLIO,
    environment: {},
    period: "2026-10",
  });
  for (const model of collected.models) models.set(model.tenant.id, model.transactions);
  const run = await runCli([
    "export",
    "ledger",
    "-w",
    PORTFOLIO,
    "--format",
    "hledger",
    "--out",
    scratch,
  ]);
  expect(run, run.stderr).toMatchObject({ code: 0, stderr: "" });
  const beancount = await runCli([
    "export",
    "ledger",
    "-w",
    PORTFOLIO,
    "--format",
    "beancount",
    "--out",
    scratch,
  ]);
  expect(beancount, beancount.stderr).toMatchObject({ code: 0, stderr: "" });
});

afterAll(async () => {
  await cleanupScratch();
});

const TENANTS = ["portfolio", "harbor-bakery"] as const;

describe.each(TENANTS)("the %s tenant's exported ledger", (tenant) => {
  const journal = () => path.join(scratch, `${tenant}.journal`);
  const beancount = () => path.join(scratch, `${tenant}.beancount`);

  it("passes hledger's strict checks, dates in order", async () => {
    await clean("hledger", ["-f", journal(), "check", "--strict", "ordereddates"]);
    // The named strict checks too, in case a later hledger changes what --strict covers.
    await clean("hledger", ["-f", journal(), "check", "accounts", "commodities"]);
  });

  it("is a valid ledger-cli journal, with every account, commodity and tag declared", async () => {
    const balance = await clean("ledger", ["-f", journal(), "--args-only", "--pedantic", "bal"]);
    // Every transaction balances, so the grand total under the rule is zero.
    expect(balance.trim().split("\n").at(-1)?.trim()).toBe("0");
  });

  it("passes bean-check with no output", async () => {
    const run = await tool("bean-check", [beancount()]);
    expect(run).toEqual({ code: 0, stdout: "", stderr: "" });
  });

  it("has the model's totals by account and month, in hledger, ledger-cli and beancount", async () => {
    const transactions = models.get(tenant) ?? [];
    expect(transactions.length).toBeGreaterThan(50);
    for (const t of transactions) {
      // The oracle above assumes already-plain names, as the reference portfolio has.
      expect(`${t.sourceAccount}:${t.category ?? ""}`).toMatch(/^[a-z0-9:-]+$/);
    }
    const expected = expectedTotals(transactions);
    expect(await hledgerMonthly(journal())).toEqual(expected);
    expect(await ledgerMonthly(journal())).toEqual(expected);
    expect(await beancountMonthly(beancount())).toEqual(
      expectedTotals(transactions, beancountSpelling),
    );
  });

  it("totals each entity's income and expenses for a month at depth 2", async () => {
    const transactions = models.get(tenant) ?? [];
    const october = transactions.filter((t) => t.date.startsWith("2026-10"));
    const expected = new Map<string, number>();
    for (const t of october) {
      const [source, category] = expectedAccounts(t);
      for (const [account, amount] of [
        [source, t.amountCents],
        [category, -t.amountCents],
      ] as const) {
        const key = `${account.split(":").slice(0, 2).join(":")}|USD|2026-10`;
        expected.set(key, (expected.get(key) ?? 0) + amount);
      }
    }
    const actual = await hledgerMonthly(journal(), ["--depth", "2", "-p", "2026-10"]);
    expect(actual).toEqual(nonZero(expected));
    const entities = new Set(october.map((t) => t.entity));
    for (const entity of entities) {
      expect([...actual.keys()].some((k) => k.startsWith(`expenses:${entity}|`))).toBe(true);
    }
  });

  it("carries every transaction once, with its id and source row as tags", async () => {
    const transactions = models.get(tenant) ?? [];
    const csv = await clean("hledger", ["-f", journal(), "reg", "-O", "csv"]);
    const ids = await clean("hledger", ["-f", journal(), "tags", "id", "--values"]);
    expect(new Set(ids.trim().split("\n"))).toEqual(new Set(transactions.map((t) => t.id)));
    // Two postings per transaction plus the header row.
    expect(csv.trim().split("\n")).toHaveLength(transactions.length * 2 + 1);
    const first = transactions[0] as Transaction;
    const found = await clean("hledger", ["-f", journal(), "print", `tag:id=^${first.id}$`]);
    expect(found).toContain(`source: ${first.provenance.file}:${first.provenance.line}`);
  });

  it("prints the same bytes to stdout as it writes to a file, run after run", async () => {
    const written = await readFile(journal(), "utf8");
    const again = await runCli([
      "export",
      "ledger",
      "-w",
      PORTFOLIO,
      "--tenant",
      tenant,
      "--format",
      "hledger",
    ]);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(written);
    const beancountAgain = await runCli([
      "export",
      "ledger",
      "-w",
      PORTFOLIO,
      "--tenant",
      tenant,
      "--format",
      "beancount",
    ]);
    expect(beancountAgain.stdout).toBe(await readFile(beancount(), "utf8"));
  });
});

describe("export ledger --period", () => {
  it("stops at the end of the month, and the tools agree", async () => {
    const run = await runCli([
      "export",
      "ledger",
      "-w",
      PORTFOLIO,
      "--tenant",
      "portfolio",
      "--format",
      "hledger",
      "--period",
      "2026-06",
    ]);
    expect(run.code).toBe(0);
    const file = path.join(scratch, "through-june.journal");
    await writeFile(file, run.stdout);
    const through = (models.get("portfolio") ?? []).filter((t) => t.date <= "2026-06-30");
    expect(through.length).toBeLessThan((models.get("portfolio") ?? []).length);
    expect(await hledgerMonthly(file)).toEqual(expectedTotals(through));
    const dates = await clean("hledger", ["-f", file, "print", "-O", "csv"]);
    expect(dates).toContain('"2026-06-');
    expect(dates).not.toContain('"2026-07-');
  });
});

describe("a changed amount in the source data", () => {
  it("changes the journal's posting and hledger's total by exactly the difference", async () => {
    const copy = await copyWorkspace(PORTFOLIO);
    try {
      const csv = path.join(copy.dir, "data/harbor-bakery/checking.csv");
      const before = await readFile(csv, "utf8");
      const row = '08/01/2026,HARBOR ST PROPERTIES RENT,"-2,400.00"';
      expect(before.split(row)).toHaveLength(2);
      const exportOf = async () => {
        const run = await runCli([
          "export",
          "ledger",
          "-w",
          copy.dir,
          "--tenant",
          "harbor-bakery",
          "--format",
          "hledger",
        ]);
        expect(run.code, run.stderr).toBe(0);
        const file = path.join(scratch, `mutation-${Date.now()}-${Math.random()}.journal`);
        await writeFile(file, run.stdout);
        return { text: run.stdout, file };
      };
      const original = await exportOf();
      await writeFile(csv, before.replace(row, '08/01/2026,HARBOR ST PROPERTIES RENT,"-2,513.37"'));
      const changed = await exportOf();

      // Only the two postings of the changed row differ; alignment may shift, so spaces are squeezed.
      const changedLines = (a: string, b: string) => {
        const other = b.split("\n");
        return a
          .split("\n")
          .filter((line, i) => line !== other[i])
          .map((line) => line.replace(/ +/g, " ").trim());
      };
      expect(changedLines(original.text, changed.text)).toEqual([
        "assets:harbor-bakery:bank:harbor-bakery-checking -2400.00 USD",
        "expenses:harbor-bakery:occupancy:rent 2400.00 USD",
      ]);
      expect(changedLines(changed.text, original.text)).toEqual([
        "assets:harbor-bakery:bank:harbor-bakery-checking -2513.37 USD",
        "expenses:harbor-bakery:occupancy:rent 2513.37 USD",
      ]);

      const rent = "expenses:harbor-bakery:occupancy:rent|USD|2026-08";
      const was = (await hledgerMonthly(original.file)).get(rent) ?? 0;
      const now = (await hledgerMonthly(changed.file)).get(rent) ?? 0;
      expect(now - was).toBe(11_337);
      await clean("hledger", ["-f", changed.file, "check", "--strict", "ordereddates"]);
    } finally {
      await copy.cleanup();
    }
  });
});

/** Reads a beancount file with beancount's own loader, via the Python that runs bean-check. */
async function loadBeancount(file: string): Promise<{
  errors: string[];
  transactions: { narration: string; id: string; source: string; postings: string[][] }[];
}> {
  const shebang = (await readFile(toolPath("bean-check"), "utf8")).split("\n")[0] ?? "";
  const python = shebang.replace(/^#!\s*/, "").split(" ")[0] ?? "python3";
  const script = [
    "import json, sys",
    "from beancount import loader",
    "from beancount.core import data",
    "entries, errors, _ = loader.load_file(sys.argv[1])",
    "print(json.dumps({'errors': [e.message for e in errors], 'transactions': [",
    "  {'narration': e.narration, 'id': e.meta.get('id'), 'source': e.meta.get('source'),",
    "   'postings': [[p.account, str(p.units.number), p.units.currency] for p in e.postings]}",
    "  for e in entries if isinstance(e, data.Transaction)]}))",
  ].join("\n");
  const run = await new Promise<ToolRun>((resolve, reject) => {
    execFile(
      python,
      ["-c", script, file],
      { env: { PATH: process.env.PATH ?? "/usr/bin", LANG: "C.UTF-8", LC_ALL: "C.UTF-8" } },
      (error, stdout, stderr) => {
        if (error !== null && typeof error.code !== "number") reject(error);
        else resolve({ code: error === null ? 0 : (error.code as number), stdout, stderr });
      },
    );
  });
  expect(run.stderr).toBe("");
  return JSON.parse(run.stdout);
}

describe("awkward records, read back by the tools", () => {
  const provenance = (line: number) => ({
    sourceId: "odd",
    file: "data/odd, file.csv",
    line,
    asOf: "2026-10-01",
  });
  const base = { entity: "café-co", currency: "USD", sourceAccount: "assets:bank:main" };
  const awkward: Transaction[] = [
    ["semi;colon; and a ;comment", -1234, "USD"],
    ['quote "double" and \\ backslash', 5000, "USD"],
    ["two  spaces\tand a tab", -1, "USD"],
    ["*starts with a star", -2, "USD"],
    ["!starts with a bang", -3, "USD"],
    ["(pending) starts with a paren", -4, "USD"],
    ["= starts with equals @ 2 | pipe # hash", -5, "USD"],
    ["unicode café 東京 naïve Ωmega 😀", 600000, "JPY"],
    ["line\nbreak\r\nand\u2028more", -7, "EUR"],
    [`very long ${"REF-0123456789 ".repeat(300)}end`, -8, "USD"],
    ["three decimals", 1234, "KWD"],
    ["zero amount", 0, "USD"],
    ["trailing backslash \\", -9, "USD"],
  ].map(([description, amountCents, currency], i) => ({
    ...base,
    id: `odd:${i + 2}`,
    date: `2026-10-${String((i % 3) + 1).padStart(2, "0")}`,
    description: description as string,
    amountCents: amountCents as number,
    currency: currency as string,
    provenance: provenance(i + 2),
  }));
  // Account names that need mapping, including two that collide in beancount.
  const accounts: Transaction[] = [
    ["Chase Checking", "expenses:office supplies"],
    ["chase.checking", "revenue:sales"],
    ["liabilities:card:Amex Gold (4417)", "transfers:internal"],
    ["assets:Ünïcode bank:東京", undefined],
    ["assets:bank:main", "equity:owner"],
  ].map(([sourceAccount, category], i) => {
    const t: Transaction = {
      ...base,
      id: `acct:${i}`,
      date: "2026-10-04",
      description: `account case ${i}`,
      amountCents: (i + 1) * 100 * (i % 2 === 0 ? -1 : 1),
      sourceAccount: sourceAccount as string,
      provenance: provenance(100 + i),
    };
    if (category !== undefined) t.category = category;
    return t;
  });
  const all = [...awkward, ...accounts];
  const tenant = { id: "odd", name: 'Odd "Tenant"; Ltd', currency: "USD" };

  it("parse in hledger, ledger-cli and beancount with the descriptions and amounts intact", async () => {
    const journal = path.join(scratch, "odd.journal");
    const beancount = path.join(scratch, "odd.beancount");
    await writeFile(journal, renderJournal("hledger", { tenant, transactions: all }));
    await writeFile(beancount, renderJournal("beancount", { tenant, transactions: all }));

    await clean("hledger", ["-f", journal, "check", "--strict", "ordereddates"]);
    await clean("ledger", ["-f", journal, "--args-only", "--pedantic", "bal"]);
    expect(await tool("bean-check", [beancount])).toEqual({ code: 0, stdout: "", stderr: "" });

    // Descriptions: hledger and ledger-cli read the same one-line text back.
    const wanted = new Map(all.map((t) => [t.id, hledgerDescription(t.description)]));
    const hledgerRows = await clean("hledger", ["-f", journal, "print", "-O", "json"]);
    const printed = JSON.parse(hledgerRows) as {
      tdescription: string;
      ttags: [string, string][];
    }[];
    expect(printed).toHaveLength(all.length);
    for (const entry of printed) {
      const id = entry.ttags.find(([name]) => name === "id")?.[1] ?? "";
      expect(entry.tdescription, id).toBe(wanted.get(id));
    }
    const ledgerRows = await clean("ledger", [
      "-f",
      journal,
      "--args-only",
      "reg",
      "--format",
      '%(tag("id"))\t%(payee)\n',
    ]);
    for (const line of ledgerRows.trim().split("\n")) {
      const [id = "", payee] = line.split("\t");
      expect(payee, id).toBe(wanted.get(id));
    }

    // beancount keeps the description exactly, control characters aside.
    const loaded = await loadBeancount(beancount);
    expect(loaded.errors).toEqual([]);
    expect(loaded.transactions).toHaveLength(all.length);
    for (const entry of loaded.transactions) {
      const original = all.find((t) => t.id === entry.id);
      expect(entry.narration).toBe(original?.description.replace(/\p{Cc}/gu, " "));
      expect(entry.source).toBe(`data/odd, file.csv:${original?.provenance.line}`);
    }
    const kwd = loaded.transactions.find((t) => t.id === "odd:12")?.postings[0];
    expect(kwd?.slice(1)).toEqual(["1.234", "KWD"]);
    const jpy = loaded.transactions.find((t) => t.id === "odd:9")?.postings[0];
    expect(jpy?.slice(1)).toEqual(["600000", "JPY"]);

    // Amounts: each currency's sums per account agree across hledger and ledger-cli.
    const hledgerTotals = await hledgerMonthly(journal);
    expect(await ledgerMonthly(journal)).toEqual(hledgerTotals);
    expect(hledgerTotals.get("assets:café-co:bank:main|KWD|2026-10")).toBe(1_234);
    expect(hledgerTotals.get("assets:café-co:bank:main|JPY|2026-10")).toBe(600_000);

    // Colliding beancount spellings stay separate accounts.
    const names = new Set(loaded.transactions.flatMap((t) => t.postings.map((p) => p[0] ?? "")));
    const chase = [...names].filter((n) => n.startsWith("Assets:Cafe-Co:Chase-Checking"));
    expect(chase).toHaveLength(2);
  });
});
