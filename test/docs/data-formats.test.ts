import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { makeTempDir, runCli } from "../helpers/cli.js";

// docs/data-formats.md is where a new user copies sample files from, so its samples must load.
// This test takes every marked sample and every marked config entry out of the document, writes
// them into a workspace and runs `validate` on it as a user would. It then breaks one cell of each
// source type and expects the refusal the document quotes, so a sample, a config entry or a quoted
// error that drifts away from the parsers fails here instead of in a user's hands.

const DOC_FILE = fileURLToPath(new URL("../../docs/data-formats.md", import.meta.url));
const PERIOD = "2026-10";

/** Every source type the document has a section for. */
const DOCUMENTED = [
  "ledger",
  "bookings",
  "kpis",
  "handoffs",
  "registry",
  "git",
  "aws",
  "rental",
  "deliveries",
  "billing",
] as const;

/** The types whose sections carry samples (git and aws link to what to point at instead). */
const SAMPLED = [
  "ledger",
  "bookings",
  "kpis",
  "handoffs",
  "registry",
  "rental",
  "deliveries",
  "billing",
] as const;
type SampledType = (typeof SAMPLED)[number];

/** A fenced block of the document and the words of the marker comment right above it. */
interface MarkedBlock {
  words: string[];
  text: string;
  /** 1-based line of the marker in the document, for messages. */
  line: number;
}

/** One sample file: its source type, its path inside a workspace and its content. */
interface Sample {
  type: SampledType;
  file: string;
  text: string;
}

/** A source entry of the document's config blocks, as parsed from its YAML. */
type SourceEntry = Record<string, unknown> & { type: string; path: string };

const doc = await readFile(DOC_FILE, "utf8");

/**
 * Every top-level fenced block marked `<!-- {kind}: words -->` on the line just above it. A
 * marker that is not right above a fence is an error: otherwise its sample would silently go
 * untested.
 */
function markedBlocks(markdown: string, kind: string): MarkedBlock[] {
  const lines = markdown.split("\n");
  const marker = new RegExp(`^<!-- ${kind}: (.+?) -->$`);
  const blocks: MarkedBlock[] = [];
  lines.forEach((line, i) => {
    const match = marker.exec(line);
    if (match === null) return;
    const where = `docs/data-formats.md:${i + 1}`;
    if (!(lines[i + 1] ?? "").startsWith("```"))
      throw new Error(`${where}: the ${kind} marker is not right above a fenced block`);
    const end = lines.findIndex((l, k) => k > i + 1 && l === "```");
    if (end === -1) throw new Error(`${where}: the fenced block is never closed`);
    blocks.push({
      words: (match[1] as string).split(" "),
      text: `${lines.slice(i + 2, end).join("\n")}\n`,
      line: i + 1,
    });
  });
  return blocks;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isSampledType(type: string): type is SampledType {
  return (SAMPLED as readonly string[]).includes(type);
}

const samples: Sample[] = markedBlocks(doc, "sample").map((block) => {
  const [type = "", file = "", ...rest] = block.words;
  if (!isSampledType(type) || file === "" || rest.length > 0)
    throw new Error(
      `docs/data-formats.md:${block.line}: a sample marker is "sample: TYPE PATH" with TYPE one of ${SAMPLED.join(", ")}`,
    );
  return { type, file, text: block.text };
});

const configs = markedBlocks(doc, "config");

/** The tenant's `entities:` block, which every generated workspace uses as it is. */
const entities: unknown = (() => {
  const blocks = configs.filter((b) => b.words[0] === "entities");
  if (blocks.length !== 1)
    throw new Error("docs/data-formats.md needs one `<!-- config: entities -->` block");
  const parsed: unknown = parse((blocks[0] as MarkedBlock).text);
  if (!isRecord(parsed) || !Array.isArray(parsed.entities))
    throw new Error("the entities config block must be `entities:` and a list");
  return parsed.entities;
})();

/** The document's config entries of a source type (each block is a YAML list of sources). */
function sourceEntries(type: SampledType): SourceEntry[] {
  return configs
    .filter((b) => b.words[0] === type)
    .flatMap((block) => {
      const parsed: unknown = parse(block.text);
      if (!Array.isArray(parsed))
        throw new Error(`docs/data-formats.md:${block.line}: a config block is a list of sources`);
      return parsed.map((entry: unknown): SourceEntry => {
        if (!isRecord(entry) || entry.type !== type || typeof entry.path !== "string")
          throw new Error(
            `docs/data-formats.md:${block.line}: each entry needs \`type: ${type}\` and a path`,
          );
        return entry as SourceEntry;
      });
    });
}

/** True when a config entry reads the sample: its file, its KPI targets, or a file of its folder. */
function reads(entry: SourceEntry, file: string): boolean {
  return entry.path === file || entry.targets === file || file.startsWith(`${entry.path}/`);
}

/** Minimal CSV reader for the samples (RFC 4180 quoting); blank lines are left out. */
function csvRows(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(cell);
      cell = "";
    } else if (c === "\n") {
      row.push(cell);
      if (row.length > 1 || row[0] !== "") rows.push(row);
      row = [];
      cell = "";
    } else if (c !== "\r") cell += c;
  }
  if (cell !== "" || row.length > 0) rows.push([...row, cell]);
  return rows;
}

function csvText(rows: readonly string[][]): string {
  const quote = (cell: string) => (/[",\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell);
  return `${rows.map((row) => row.map(quote).join(",")).join("\n")}\n`;
}

/** Stripe balance rows that are client money; payouts, fees and transfers are not records. */
const STRIPE_PAYMENT_TYPES = new Set(["charge", "payment", "refund", "payment_refund"]);

/**
 * The records `validate` must count for a sample, worked out from the sample itself rather than
 * by the parsers under test: a data row per CSV row, a note per handoff file, an entry per
 * registry list.
 */
function expectedRecords(sample: Sample): number {
  if (sample.type === "handoffs") return 1;
  if (sample.type === "registry") {
    const registry: unknown = parse(sample.text);
    if (!isRecord(registry)) throw new Error(`${sample.file} is not a YAML mapping`);
    return Object.values(registry).reduce<number>(
      (sum, value) => sum + (Array.isArray(value) ? value.length : 0),
      0,
    );
  }
  const [header = [], ...rows] = csvRows(sample.text);
  if (path.posix.basename(sample.file) === "balance_transactions.csv") {
    const type = header.indexOf("Type");
    return rows.filter((row) => STRIPE_PAYMENT_TYPES.has((row[type] ?? "").toLowerCase())).length;
  }
  return rows.length;
}

/** One cell (CSV) or one key's value (YAML, front matter) of a sample made wrong. */
type Corruption = { file: string; value: string; message: string } & (
  | { row: number; column: string }
  | { key: string; reportsColumn: boolean }
);

/**
 * What each source type's corruption breaks. Each matches a mistake the document quotes, so the
 * refusal printed must be the one the document shows.
 */
const CORRUPTIONS: Record<SampledType, Corruption> = {
  ledger: {
    file: "data/ledger/checking.csv",
    row: 3,
    column: "Amount",
    value: "twelve",
    message: 'amount "twelve" is not a number',
  },
  bookings: {
    file: "data/bookings.csv",
    row: 3,
    column: "status",
    value: "enquiry",
    message: 'status "enquiry" is not one of',
  },
  kpis: {
    file: "data/kpis/observations.csv",
    row: 1,
    column: "period",
    value: "Sep 2026",
    message: 'period "Sep 2026" is not a YYYY-MM month',
  },
  handoffs: {
    file: "data/handoffs/operations.md",
    key: "updated",
    reportsColumn: false,
    value: "28/10/2026",
    message: 'updated "28/10/2026" is not a YYYY-MM-DD date',
  },
  registry: {
    file: "data/registry.yaml",
    key: "entity",
    reportsColumn: true,
    value: "Main St Cafe",
    message: 'unknown entity "Main St Cafe"',
  },
  rental: {
    file: "data/rental/expenses.csv",
    row: 1,
    column: "amount",
    value: "-95.00",
    message: 'amount "-95.00" is not a non-negative amount',
  },
  deliveries: {
    file: "data/deliveries/deliveries.csv",
    row: 1,
    column: "status",
    value: "in progress",
    message: 'status "in progress" is not one of',
  },
  billing: {
    file: "data/billing/time-entries.csv",
    row: 1,
    column: "hours",
    value: "3:30",
    message: 'hours "3:30" is not a number of hours',
  },
};

/** The broken sample text and where its problem must be reported (`file:line[:column]`). */
function corrupt(sample: Sample, corruption: Corruption): { text: string; location: string } {
  if ("row" in corruption) {
    const rows = csvRows(sample.text);
    const column = (rows[0] ?? []).indexOf(corruption.column);
    const row = rows[corruption.row];
    if (column === -1 || row === undefined)
      throw new Error(`${sample.file} has no ${corruption.column} on data row ${corruption.row}`);
    row[column] = corruption.value;
    // Samples have no blank or multi-line rows, so data row n is on line n + 1.
    return {
      text: csvText(rows),
      location: `${sample.file}:${corruption.row + 1}:${column + 1}`,
    };
  }
  const lines = sample.text.split("\n");
  const keyLine = new RegExp(`^(\\s*(?:- )?${corruption.key}: )`);
  const index = lines.findIndex((line) => keyLine.test(line));
  if (index === -1) throw new Error(`${sample.file} has no ${corruption.key}: line`);
  const prefix = (keyLine.exec(lines[index] as string) as RegExpExecArray)[1] as string;
  lines[index] = `${prefix}${corruption.value}`;
  const column = corruption.reportsColumn ? `:${prefix.length + 1}` : "";
  return { text: lines.join("\n"), location: `${sample.file}:${index + 1}${column}` };
}

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/**
 * A workspace holding the samples of `types` and a config declaring the document's entries for
 * them; `replace` swaps one sample's content.
 */
async function workspaceWith(
  types: readonly SampledType[],
  replace?: { file: string; text: string },
): Promise<string> {
  const { dir, cleanup } = await makeTempDir();
  cleanups.push(cleanup);
  for (const sample of samples.filter((s) => types.includes(s.type))) {
    const target = path.join(dir, sample.file);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, sample.file === replace?.file ? replace.text : sample.text);
  }
  const config = {
    version: 1,
    tenants: [
      {
        id: "samples",
        name: "Data format samples",
        currency: "USD",
        entities,
        roles: {},
        sources: types.flatMap(sourceEntries),
      },
    ],
  };
  await writeFile(path.join(dir, "exec-intel.yaml"), stringify(config));
  return dir;
}

function validate(workspace: string) {
  return runCli(["validate", "-w", workspace, "--period", PERIOD]);
}

function okLine(sources: number, records: number): string {
  return `ok: 1 tenant(s), ${sources} sources, ${records} records, 0 warning(s)\n`;
}

const samplesOf = (type: SampledType) => samples.filter((s) => s.type === type);
const recordsOf = (type: SampledType) =>
  samplesOf(type).reduce((sum, sample) => sum + expectedRecords(sample), 0);

describe("docs/data-formats.md", () => {
  it("has a section for every source type and a config entry and sample for each sampled one", () => {
    for (const type of DOCUMENTED)
      expect(doc, `a "## \`${type}\`" section`).toMatch(new RegExp(`^## \`${type}\`:`, "m"));
    for (const type of SAMPLED) {
      expect(samplesOf(type).length, `samples of ${type}`).toBeGreaterThan(0);
      expect(sourceEntries(type).length, `config entries of ${type}`).toBeGreaterThan(0);
    }
    const files = samples.map((s) => s.file);
    expect(
      files.filter((file, i) => files.indexOf(file) !== i),
      "repeated sample paths",
    ).toEqual([]);
    // A sample no config entry reads would be copied by users but never checked here.
    for (const sample of samples)
      expect(
        sourceEntries(sample.type).some((entry) => reads(entry, sample.file)),
        `a ${sample.type} config entry reads ${sample.file}`,
      ).toBe(true);
  });

  it("validates every sample together with no problem and the records each holds", async () => {
    const workspace = await workspaceWith(SAMPLED);
    const run = await validate(workspace);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const sources = SAMPLED.reduce((n, type) => n + sourceEntries(type).length, 0);
    const records = SAMPLED.reduce((n, type) => n + recordsOf(type), 0);
    expect(run.stdout).toBe(okLine(sources, records));
  });

  describe.each(SAMPLED)("%s samples", (type) => {
    it("validate alone, one record per row, note or registry entry", async () => {
      const run = await validate(await workspaceWith([type]));
      expect(run.stderr).toBe("");
      expect(run.code).toBe(0);
      expect(run.stdout).toBe(okLine(sourceEntries(type).length, recordsOf(type)));
    });

    it("are refused once broken, with the file, line and message the document quotes", async () => {
      const corruption = CORRUPTIONS[type];
      const sample = samplesOf(type).find((s) => s.file === corruption.file);
      expect(sample, `a sample ${corruption.file}`).toBeDefined();
      const broken = corrupt(sample as Sample, corruption);
      const run = await validate(await workspaceWith([type], { file: corruption.file, ...broken }));
      expect(run.code, run.stderr).toBe(2);
      expect(run.stdout).toBe("");
      const reported = run.stderr
        .split("\n")
        .find((line) => line.startsWith(`${broken.location}: error: `));
      expect(reported, run.stderr).toBeDefined();
      expect(reported).toContain(corruption.message);
      // The document's "Common mistakes" must quote what the parser prints today, word for word.
      expect(doc).toContain(`  ${reported}\n`);
    });
  });
});
