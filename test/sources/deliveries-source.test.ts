import { cp, mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DriverContext } from "../../src/adapters/sources/collect.js";
import { readDeliveriesSource } from "../../src/adapters/sources/deliveries/read-deliveries-source.js";
import type { SourceConfig } from "../../src/core/config.js";
import { formatProblem } from "../../src/core/errors.js";
import { makeTempDir } from "../helpers/cli.js";
import { sourceWithContext } from "../helpers/source-context.js";

// The deliveries reader against real folders: a small good folder, then a corpus of bad files
// (test/fixtures/deliveries/bad/<case>/<file>) each laid over the good folder in turn.

const FIXTURES = fileURLToPath(new URL("../fixtures/deliveries/", import.meta.url));
const FOLDER = "data/deliveries";
type DeliveriesSource = Extract<SourceConfig, { type: "deliveries" }>;

/** A tenant through the real schema, so the source is exactly what config loading makes of it. */
function setup(workspace: string): { source: DeliveriesSource; context: DriverContext } {
  return sourceWithContext(
    workspace,
    [{ id: "eyd", name: "Expert Yacht Delivery", kind: "service", aliases: ["EYD"] }],
    { id: "deliveries", type: "deliveries", path: FOLDER, entity: "eyd" },
  );
}

let workspace: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir: workspace, cleanup } = await makeTempDir());
  await mkdir(path.join(workspace, "data"), { recursive: true });
  await cp(path.join(FIXTURES, "good"), path.join(workspace, FOLDER), { recursive: true });
});
afterEach(() => cleanup());

async function read() {
  const { source, context } = setup(workspace);
  const result = await readDeliveriesSource(source, context);
  return { ...result, shown: result.problems.map(formatProblem) };
}

describe("deliveries source: a good folder", () => {
  it("reads every file into one book for its entity, with provenance", async () => {
    const { book, asOf, records, problems } = await read();
    expect(problems).toEqual([]);
    expect(book?.entity).toBe("eyd");
    expect(book?.provenance).toEqual({ sourceId: "deliveries", file: FOLDER, asOf: "2026-10-28" });
    expect(book?.deliveries.map((d) => [d.id, d.status, d.quoteCents, d.budgetCents])).toEqual([
      ["T-1", "completed", 150_000, 100_000],
      ["T-2", "under-way", 1_500_000, 1_100_000],
      ["T-3", "planned", 890_000, 630_000],
    ]);
    // An empty marina cell is no cost; fuel keeps its cents.
    expect(book?.legs[0]).toMatchObject({ fuelCents: 9050, marinaCents: 0, otherCents: 30_000 });
    expect(book?.legs[2]).toMatchObject({
      delivery: "T-2",
      leg: 2,
      to: "Bahía Tortugas",
      nm: 280,
      fuelCents: 124_025,
      provenance: { sourceId: "deliveries", file: `${FOLDER}/legs.csv`, line: 4 },
    });
    expect(book?.crew.map((c) => [c.person, c.role, c.dayRateCents, c.days, c.confirmed])).toEqual([
      ["Rafael Ortega", "skipper", 45_000, 1, true],
      ["Jonah Reyes", "crew", 17_500, 1, true],
      ["Rafael Ortega", "skipper", 45_000, 9, true],
      ["Dale Whitaker", "skipper", 40_000, 6, false],
    ]);
    expect(book?.documents.map((d) => [d.holder, d.kind, d.expires])).toEqual([
      ["T-1", "insurance", "2027-01-31"],
      ["T-2", "insurance", "2027-01-31"],
      ["Rafael Ortega", "uscg-license", "2028-05-31"],
    ]);
    // Planned dates (T-3 in November) lie ahead: the folder is as of its latest event to date.
    expect(asOf).toBe("2026-10-28");
    expect(book?.crew[3]?.provenance.asOf).toBe("2026-10-28");
    expect(records).toBe(3 + 3 + 4 + 3);
  });
});

const CASES: [string, string[]][] = [
  [
    "deliveries-bad-date",
    [`${FOLDER}/deliveries.csv:2:7: error: start "2026-13-01" is not a YYYY-MM-DD date`],
  ],
  [
    "deliveries-bad-status",
    [
      `${FOLDER}/deliveries.csv:4:12: error: status "done" is not one of planned, confirmed, under-way, completed, cancelled`,
    ],
  ],
  [
    "deliveries-end-before-start",
    [`${FOLDER}/deliveries.csv:4:8: error: end 2026-11-14 is before start 2026-11-20`],
  ],
  [
    "deliveries-repeated-id",
    [`${FOLDER}/deliveries.csv:4: error: delivery "T-2" is listed twice (first on line 3)`],
  ],
  [
    "deliveries-missing-column",
    [`${FOLDER}/deliveries.csv:1: error: header is missing column "cost_budget"`],
  ],
  [
    "deliveries-unclosed-quote",
    [
      `${FOLDER}/deliveries.csv:3: error: a quoted value is never closed (it runs to the end of the file)`,
    ],
  ],
  [
    "legs-unknown-delivery",
    [`${FOLDER}/legs.csv:4: error: delivery "T-9" is not in deliveries.csv`],
  ],
  [
    "legs-on-planned-delivery",
    [
      `${FOLDER}/legs.csv:4: error: leg 1 belongs to T-3, which is planned: legs record what was sailed`,
    ],
  ],
  [
    "legs-negative-fuel",
    [`${FOLDER}/legs.csv:3:8: error: fuel "-280" is not a non-negative amount`],
  ],
  [
    "legs-repeated-leg",
    [`${FOLDER}/legs.csv:4: error: leg 1 of T-2 is listed twice (first on line 3)`],
  ],
  [
    "legs-none-for-completed",
    [
      `${FOLDER}/deliveries.csv:2: error: T-1 is completed but legs.csv has no legs for it, so its distance and costs are unknown`,
    ],
  ],
  ["legs-empty", [`${FOLDER}/legs.csv:1: error: file is empty`]],
  [
    "crew-bad-role",
    [`${FOLDER}/crew.csv:5:3: error: role "captain" is not one of skipper, mate, crew`],
  ],
  ["crew-bad-confirmed", [`${FOLDER}/crew.csv:5:6: error: confirmed "maybe" is not yes or no`]],
  ["crew-zero-days", [`${FOLDER}/crew.csv:4:5: error: days "0" is not a number above zero`]],
  [
    "crew-repeated-person",
    [`${FOLDER}/crew.csv:3: error: rafael ortega on T-1 is listed twice (first on line 2)`],
  ],
  [
    "documents-insurance-holder",
    [
      `${FOLDER}/documents.csv:3: error: insurance holder "Beta" is not a delivery in deliveries.csv`,
    ],
  ],
  [
    "documents-unknown-person",
    [
      `${FOLDER}/documents.csv:4: warning: "Rafael Ortgea" holds a uscg-license certification but sails no delivery in crew.csv`,
    ],
  ],
  [
    "documents-bad-kind",
    [
      `${FOLDER}/documents.csv:3:2: error: kind "medical" is not one of insurance, uscg-license, stcw`,
    ],
  ],
];

describe("deliveries source: bad input", () => {
  it.each(CASES)("%s is reported at its file and line, with a hint", async (name, expected) => {
    await cp(path.join(FIXTURES, "bad", name), path.join(workspace, FOLDER), { recursive: true });
    const { shown, problems } = await read();
    expect(shown.map((p) => p.split("\n")[0])).toEqual(expected);
    for (const p of problems) expect(p.hint, p.message).toMatch(/\w/);
  });

  it("names a missing required file and reads nothing", async () => {
    await rm(path.join(workspace, FOLDER, "crew.csv"));
    const { shown, book } = await read();
    expect(book).toBeUndefined();
    expect(shown).toEqual([
      `${FOLDER}/crew.csv: error: crew.csv is missing from the deliveries folder\n    hint: add it with the header row delivery,person,role,day_rate,days,confirmed (see the folder's README.md)`,
    ]);
  });

  it("warns about a CSV file the folder does not use and still reads the rest", async () => {
    await writeFile(path.join(workspace, FOLDER, "notes.csv"), "a,b\n1,2\n");
    const { shown, book } = await read();
    expect(shown.map((p) => p.split("\n")[0])).toEqual([
      `${FOLDER}/notes.csv: warning: the deliveries folder does not use this file, so it is not read`,
    ]);
    expect(book?.deliveries).toHaveLength(3);
  });

  it("reports a folder that does not exist", async () => {
    await rm(path.join(workspace, FOLDER), { recursive: true });
    const { shown, book } = await read();
    expect(book).toBeUndefined();
    expect(shown.map((p) => p.split("\n")[0])).toEqual([
      `${FOLDER}: error: file or folder does not exist`,
    ]);
  });
});
