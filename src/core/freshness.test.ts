import { describe, expect, it } from "vitest";
import { assessFreshness, daysBetween, latestDate, periodEnd } from "./freshness.js";

describe("freshness", () => {
  it("knows month ends, leap years included", () => {
    expect(periodEnd("2026-10")).toBe("2026-10-31");
    expect(periodEnd("2026-02")).toBe("2026-02-28");
    expect(periodEnd("2028-02")).toBe("2028-02-29");
  });

  it("counts days and finds the latest date", () => {
    expect(daysBetween("2026-09-16", "2026-10-31")).toBe(45);
    expect(latestDate(["2026-10-02", "2026-10-30", "2026-09-01"])).toBe("2026-10-30");
    expect(latestDate([])).toBeUndefined();
  });

  it("marks a source stale only past its threshold", () => {
    const base = {
      sourceId: "bank",
      type: "ledger",
      records: 10,
      period: "2026-10",
      staleAfterDays: 45,
    };
    expect(assessFreshness({ ...base, asOf: "2026-09-16" })).toMatchObject({
      ageDays: 45,
      status: "fresh",
    });
    expect(assessFreshness({ ...base, asOf: "2026-09-15" })).toMatchObject({
      ageDays: 46,
      status: "stale",
    });
    expect(assessFreshness({ ...base, asOf: "2026-11-02" })).toMatchObject({
      ageDays: -2,
      status: "fresh",
    });
    expect(assessFreshness({ ...base, records: 0, asOf: undefined })).toEqual({
      sourceId: "bank",
      type: "ledger",
      records: 0,
      status: "empty",
    });
  });
});
