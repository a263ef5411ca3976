import { describe, expect, it } from "vitest";
import type { CsvRow } from "../csv-table.js";
import { cellsOf, convertRow } from "./cells.js";

const row = (cells: Record<string, string>): CsvRow => ({
  cell: (name) => cells[name] ?? "",
  line: 7,
});

describe("deliveries cell readers", () => {
  it("read money to cents, empty money as zero only when allowed", () => {
    const cell = cellsOf(row({ a: "$1,234.5", b: "" }));
    expect(cell.money("a")).toBe(123_450);
    expect(cell.money("b", true)).toBe(0);
    expect(convertRow(() => cell.money("b"))).toEqual({
      error: 'b "" is not a non-negative amount',
      hint: "write a plain number such as 1650 or 1650.00",
      column: "b",
    });
  });

  it("read enumerations and yes/no without regard to case", () => {
    const cell = cellsOf(row({ role: " Skipper ", ok: "YES" }));
    expect(cell.oneOf("role", ["skipper", "mate"] as const)).toBe("skipper");
    expect(cell.yesNo("ok")).toBe(true);
  });

  it("refuse a fractional count where a whole number is needed", () => {
    const cell = cellsOf(row({ leg: "1.5", days: "1.5" }));
    expect(cell.positive("days")).toBe(1.5);
    expect(convertRow(() => cell.positive("leg", true))).toMatchObject({
      error: 'leg "1.5" is not a whole number above zero',
      column: "leg",
    });
  });

  it("let errors other than a bad cell through", () => {
    expect(() =>
      convertRow(() => {
        throw new TypeError("bug");
      }),
    ).toThrow("bug");
  });
});
