import { cp, readdir, readFile, rm } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readPropertySource } from "../../src/adapters/sources/property/read-property-source.js";
import type { SourceConfig } from "../../src/core/config.js";
import { makeTempDir, PORTFOLIO } from "../helpers/cli.js";
import { sourceWithContext } from "../helpers/source-context.js";

// The rental source reads a folder of CSV files into one property book. The bad-input corpus
// (test/fixtures/rental/cases/*) holds one defect per case over the good folder; each case's
// expected.json names the exact problem: file, line, message and severity.

const FIXTURES = fileURLToPath(new URL("../fixtures/rental/", import.meta.url));

type RentalSource = Extract<SourceConfig, { type: "rental" }>;

/** A rental source through the real config schema, and the driver context it is read with. */
function sourceAt(workspace: string, folder: string) {
  return sourceWithContext(
    workspace,
    [{ id: "flat", name: "The Flat", kind: "property", aliases: ["Flat 2"] }],
    { id: "rental", type: "rental", path: folder, entity: "flat" },
  );
}

async function read(workspace: string, folder = "rental") {
  const { source, context } = sourceAt(workspace, folder);
  return readPropertySource(source, context);
}

let workspace: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir: workspace, cleanup } = await makeTempDir());
  await cp(path.join(FIXTURES, "good"), path.join(workspace, "rental"), { recursive: true });
});
afterEach(() => cleanup());

describe("rental source", () => {
  it("reads every file of a good folder into one book with provenance", async () => {
    const result = await read(workspace);
    expect(result.problems).toEqual([]);
    expect(result.records).toBe(12);
    // The latest activity: the reply of 2026-10-21 (scheduled charges do not count).
    expect(result.asOf).toBe("2026-10-21");
    const book = result.book;
    expect(book?.entity).toBe("flat");
    expect(book?.units).toEqual([
      {
        id: "main",
        name: "2 bed flat",
        bedrooms: 2,
        bathrooms: 1,
        marketRentCents: 180_000,
        provenance: { sourceId: "rental", file: "rental/units.csv", line: 2, asOf: "2026-10-31" },
      },
    ]);
    expect(book?.leases.map((l) => [l.id, l.moveOut, l.rentCents, l.graceDays])).toEqual([
      ["L-1", "2026-08-31", 175_000, 5],
      ["L-2", undefined, 180_000, 3],
    ]);
    expect(book?.payments[1]).toEqual({
      lease: "L-2",
      date: "2026-10-02",
      amountCents: 180_000,
      method: "Zelle",
      provenance: { sourceId: "rental", file: "rental/payments.csv", line: 3, asOf: "2026-10-02" },
    });
    expect(book?.maintenance.map((t) => [t.id, t.completed, t.costCents])).toEqual([
      ["T-1", "2026-09-03", 12_050],
      ["T-2", undefined, undefined],
    ]);
    expect(book?.communications[1]).toMatchObject({
      id: "C-2",
      direction: "out",
      followUp: false,
      replyTo: "C-1",
      lease: "L-2",
    });
  });

  it("reads the reference portfolio's rental folder without a problem", async () => {
    const { source, context } = sourceAt(PORTFOLIO, "data/rental");
    const result = await readPropertySource(source, context);
    expect(result.problems).toEqual([]);
    const book = result.book;
    expect([
      book?.units.length,
      book?.leases.length,
      book?.charges.length,
      book?.payments.length,
      book?.maintenance.length,
      book?.expenses.length,
      book?.communications.length,
    ]).toEqual([1, 2, 14, 11, 11, 30, 26]);
    expect(result.asOf).toBe("2026-10-31");
  });

  it("reports a folder that does not exist", async () => {
    const result = await read(workspace, "nowhere");
    expect(result.book).toBeUndefined();
    expect(result.problems).toEqual([
      expect.objectContaining({ file: "nowhere", message: "file or folder does not exist" }),
    ]);
  });

  describe("bad-input corpus", async () => {
    const cases = (await readdir(path.join(FIXTURES, "cases"))).sort();

    it("has a case per defect", () => {
      expect(cases.length).toBeGreaterThanOrEqual(15);
    });

    it.each(cases)("%s → its exact problem", async (name) => {
      const folder = path.join(FIXTURES, "cases", name);
      const expected = JSON.parse(await readFile(path.join(folder, "expected.json"), "utf8")) as {
        remove?: string[];
        file: string;
        line: number | null;
        message: string;
        severity: "error" | "warning";
      };
      await cp(folder, path.join(workspace, "rental"), {
        recursive: true,
        filter: (from) => path.basename(from) !== "expected.json",
      });
      for (const file of expected.remove ?? []) await rm(path.join(workspace, "rental", file));
      const result = await read(workspace);
      expect(
        result.problems.map((p) => ({
          file: p.file,
          line: p.line ?? null,
          message: p.message,
          severity: p.severity,
        })),
      ).toEqual([
        {
          file: expected.file,
          line: expected.line,
          message: expected.message,
          severity: expected.severity,
        },
      ]);
      // Every problem says what to do, not only what is wrong.
      expect(result.problems[0]?.hint ?? "").not.toBe("");
    });
  });
});
