import { describe, expect, it } from "vitest";
import { costWindow } from "./cost-window.js";

describe("costWindow", () => {
  it("asks for whole months ending with a past reported month", () => {
    expect(costWindow("2026-10-31", 12, "2026-11-17")).toEqual({
      start: "2025-11-01",
      end: "2026-11-01",
    });
    // Across a year boundary, and the largest window Cost Explorer keeps.
    expect(costWindow("2027-01-31", 14, "2027-06-02")).toEqual({
      start: "2025-12-01",
      end: "2027-02-01",
    });
    expect(costWindow("2026-10-31", 1, "2026-11-01")).toEqual({
      start: "2026-10-01",
      end: "2026-11-01",
    });
  });

  it("cuts the current month at today (End is exclusive)", () => {
    expect(costWindow("2026-11-30", 12, "2026-11-17")).toEqual({
      start: "2025-12-01",
      end: "2026-11-17",
    });
    // On the first of the month only the months before it have data.
    expect(costWindow("2026-11-30", 3, "2026-11-01")).toEqual({
      start: "2026-09-01",
      end: "2026-11-01",
    });
  });

  it("says why there is nothing to ask for when the window has not begun", () => {
    expect(costWindow("2026-11-30", 1, "2026-11-01")).toEqual({
      empty: "Cost Explorer has no costs yet for 2026-11 (today is 2026-11-01)",
    });
    expect(costWindow("2027-03-31", 2, "2026-11-17")).toEqual({
      empty: "Cost Explorer has no costs yet for 2027-02 to 2027-03 (today is 2026-11-17)",
    });
  });
});
