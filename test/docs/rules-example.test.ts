import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { makeTempDir, runCli } from "../helpers/cli.js";

// docs/rules.md walks a new user through writing a rule for the starter workspace. This test runs
// that walk-through: the worked example's code block, dropped into a fresh `exec-intel init`
// workspace, must put its finding into the preview's report text, and only while the data
// triggers it.

const DOC = fileURLToPath(new URL("../../docs/rules.md", import.meta.url));
const LEDGER = path.join("data", "ledger", "checking.csv");
/** The line before the worked example's code block names the file it goes in. */
const EXAMPLE =
  /<!-- example: (rules\/[A-Za-z0-9._-]+\.ts) -->\r?\n```(?:ts|typescript)\r?\n([\s\S]*?)\r?\n```/;

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** The worked example of docs/rules.md: where it goes and its code. */
async function workedExample(): Promise<{ file: string; code: string }> {
  const match = EXAMPLE.exec(await readFile(DOC, "utf8"));
  expect(match, "docs/rules.md has no `<!-- example: rules/<file>.ts -->` code block").not.toBe(
    null,
  );
  const [, file = "", code = ""] = match ?? [];
  expect(code).toContain("export default");
  return { file, code };
}

/** A fresh starter workspace made by `exec-intel init`, removed after the file's tests. */
async function starterWorkspace(): Promise<string> {
  const temp = await makeTempDir();
  cleanups.push(temp.cleanup);
  const dir = path.join(temp.dir, "workspace");
  const init = await runCli(["init", dir]);
  expect(init.code, init.stderr).toBe(0);
  return dir;
}

/** A ledger date (MM/DD/YYYY, as the starter writes it, or YYYY-MM-DD) as YYYY-MM-DD. */
function isoDate(cell: string): string | undefined {
  const us = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(cell);
  if (us !== null) return `${us[3]}-${us[1]}-${us[2]}`;
  return /^\d{4}-\d{2}-\d{2}$/.test(cell) ? cell : undefined;
}

/** The sample ledger's rows as date (YYYY-MM-DD), description and the raw line. */
async function ledgerRows(
  dir: string,
): Promise<{ date: string; description: string; amount: number; line: string }[]> {
  const lines = (await readFile(path.join(dir, LEDGER), "utf8")).split(/\r?\n/).slice(1);
  return lines.flatMap((line) => {
    // Date,Description,Amount: the description holds no comma in the sample, the amount may.
    const match = /^([^,]+),([^,]+),"?(-?[\d,]+\.\d{2})"?$/.exec(line);
    const date = match?.[1] === undefined ? undefined : isoDate(match[1]);
    if (match === null || date === undefined) return [];
    return [
      {
        date,
        description: match[2] ?? "",
        amount: Number((match[3] ?? "").replaceAll(",", "")),
        line,
      },
    ];
  });
}

/** The month the sample data describes: that of the newest ledger row (init moves the samples). */
async function samplePeriod(dir: string): Promise<string> {
  const dates = (await ledgerRows(dir)).map((row) => row.date).sort();
  const newest = dates.at(-1);
  expect(newest, `no dated row in ${LEDGER}`).toBeDefined();
  return (newest ?? "").slice(0, 7);
}

/** The title the worked example gives the starter's payment to Sysco, from the sample ledger. */
async function expectedTitle(dir: string): Promise<string> {
  const sysco = (await ledgerRows(dir)).find((row) => /sysco/i.test(row.description));
  expect(sysco, `no Sysco payment in ${LEDGER}`).toBeDefined();
  const { date, description, amount } = sysco ?? { date: "", description: "", amount: 0 };
  const dollars = (-amount).toLocaleString("en-US", { style: "currency", currency: "USD" });
  return `Supplier payment of ${dollars} to ${description} on ${date}`;
}

/** Every .txt report a preview wrote, by file name, with runs of whitespace made one space. */
async function previewTexts(dir: string): Promise<Map<string, string>> {
  const root = path.join(dir, ".exec-intel", "preview");
  const texts = new Map<string, string>();
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith(".txt")) continue;
    const text = await readFile(path.join(entry.parentPath, entry.name), "utf8");
    // The text rendition wraps at 72 columns, so a title may span lines.
    texts.set(entry.name, text.replace(/\s+/g, " "));
  }
  expect(texts.size, "the preview wrote no .txt report").toBeGreaterThan(0);
  return texts;
}

/** Runs `exec-intel preview` on the sample month, without PDFs, and returns its report texts. */
async function preview(dir: string): Promise<Map<string, string>> {
  const period = await samplePeriod(dir);
  const run = await runCli(["preview", "-w", dir, "--period", period, "--no-pdf"]);
  expect(run.code, run.stderr).toBe(0);
  return previewTexts(dir);
}

async function addExample(dir: string): Promise<void> {
  const { file, code } = await workedExample();
  await mkdir(path.join(dir, "rules"), { recursive: true });
  await writeFile(path.join(dir, file), `${code}\n`);
}

describe("docs/rules.md worked example", () => {
  it("is found in the doc, with the file it goes in", async () => {
    const { file, code } = await workedExample();
    expect(file).toMatch(/^rules\/[A-Za-z0-9._-]+\.ts$/);
    expect(code).toMatch(/\bevaluate\(/);
  });

  it("puts its finding into the CFO report and the CEO agenda of the starter workspace", async () => {
    const dir = await starterWorkspace();
    const title = await expectedTitle(dir);
    await addExample(dir);
    const texts = await preview(dir);
    expect(texts.get("cfo-report.txt")).toContain(title);
    expect(texts.get("ceo-report.txt")).toContain(`Why: ${title}`);
  }, 120_000);

  it("adds nothing without the rule file", async () => {
    const dir = await starterWorkspace();
    const title = await expectedTitle(dir);
    const texts = await preview(dir);
    for (const [name, text] of texts) {
      expect(text, name).not.toContain(title);
      expect(text, name).not.toContain("Supplier payment of");
    }
  }, 120_000);

  it("drops the finding once the data no longer triggers it", async () => {
    const dir = await starterWorkspace();
    await addExample(dir);
    const ledger = path.join(dir, LEDGER);
    const before = await readFile(ledger, "utf8");
    // The payment to Sysco falls under the example's $500 limit.
    const after = before.replace(/^(.*sysco[^,]*),"?-?[\d,]+\.\d{2}"?$/im, "$1,-342.18");
    expect(after, "the Sysco row was not found to edit").not.toBe(before);
    await writeFile(ledger, after);
    const texts = await preview(dir);
    for (const [name, text] of texts) expect(text, name).not.toContain("Supplier payment of");
  }, 120_000);
});
