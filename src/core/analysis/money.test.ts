import { describe, expect, it } from "vitest";
import { txn } from "../../../test/helpers/model.js";
import { addMonths, isUnder, monthsBetween, sumByMonth, trailingMonths } from "./money.js";

describe("month arithmetic", () => {
  it("adds months across year ends, both ways", () => {
    expect(addMonths("2026-10", 6)).toBe("2027-04");
    expect(addMonths("2026-01", -1)).toBe("2025-12");
    expect(addMonths("2026-12", 1)).toBe("2027-01");
  });

  it("lists trailing months and ranges oldest first", () => {
    expect(trailingMonths("2026-02", 4)).toEqual(["2025-11", "2025-12", "2026-01", "2026-02"]);
    expect(monthsBetween("2026-11", "2027-01")).toEqual(["2026-11", "2026-12", "2027-01"]);
    expect(monthsBetween("2027-01", "2026-11")).toEqual([]);
  });
});

describe("accounts and sums", () => {
  it("matches an account prefix on whole segments only", () => {
    expect(isUnder("expenses:cost-of-sales:fuel", "expenses:cost-of-sales")).toBe(true);
    expect(isUnder("expenses:cost-of-salesman", "expenses:cost-of-sales")).toBe(false);
    expect(isUnder(undefined, "expenses")).toBe(false);
  });

  it("sums cents per month for matching transactions", () => {
    const totals = sumByMonth(
      [
        txn("2026-09-30", -10.5, "expenses:a"),
        txn("2026-10-01", -2, "expenses:b"),
        txn("2026-10-15", 5, "income:x"),
      ],
      (t) => isUnder(t.category, "expenses"),
    );
    expect([...totals]).toEqual([
      ["2026-09", -1050],
      ["2026-10", -200],
    ]);
  });
});
