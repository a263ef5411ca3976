import { describe, expect, it } from "vitest";
import type { CsvRow } from "../csv-table.js";
import { convertRow, withDefined } from "./row-cells.js";

/** A CSV row over a record of cells, on line 7. */
function row(cells: Record<string, string>): CsvRow {
  return { cell: (name) => cells[name] ?? "", line: 7 };
}

describe("rental row cells", () => {
  it("reads typed cells and leaves empty optional ones out of the record", () => {
    const result = convertRow(row({ due: "2026-10-01", amount: "1,617.74", grace: "" }), (c) =>
      withDefined<{ due: string; cents: number; grace?: number; note?: string }>(
        { due: c.date("due"), cents: c.money("amount") },
        { grace: c.ifPresent("grace", c.count), note: c.optional("note") },
      ),
    );
    expect(result).toEqual({ record: { due: "2026-10-01", cents: 161_774 } });
    expect("record" in result && "grace" in result.record).toBe(false);
  });

  it("turns the first bad cell into the row's problem, with its column", () => {
    const result = convertRow(row({ due: "2026-13-01", amount: "-5" }), (c) => ({
      due: c.date("due"),
      cents: c.money("amount"),
    }));
    expect(result).toEqual({
      error: 'due "2026-13-01" is not a YYYY-MM-DD date',
      hint: "write dates as YYYY-MM-DD, e.g. 2026-10-31",
      column: "due",
    });
  });

  it("lets a defect in a converter through rather than report it as bad data", () => {
    expect(() =>
      convertRow(row({}), () => {
        throw new TypeError("bug");
      }),
    ).toThrow(TypeError);
  });
});
