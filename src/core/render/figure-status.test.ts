import { describe, expect, it } from "vitest";
import type { Figure } from "../analysis/types.js";
import { periodDelta, targetStatus } from "./figure-status.js";

const figure = (over: Partial<Figure>): Figure => ({
  id: "f",
  label: "F",
  value: 100,
  unit: "USD",
  asOf: "2026-10-31",
  sources: [],
  ...over,
});

describe("targetStatus", () => {
  it("is absent without a target", () => {
    expect(targetStatus(figure({}))).toBeUndefined();
  });
  it("judges higher-is-better figures against the target", () => {
    expect(targetStatus(figure({ value: 120, target: 100 }))).toEqual({
      tone: "good",
      label: "On target",
      target: "target $100",
    });
    expect(targetStatus(figure({ value: 80, target: 100 }))?.label).toBe("Below target");
  });
  it("judges lower-is-better figures the other way", () => {
    expect(targetStatus(figure({ value: 80, target: 100, better: "lower" }))?.label).toBe(
      "Within target",
    );
    expect(targetStatus(figure({ value: 120, target: 100, better: "lower" }))).toMatchObject({
      tone: "bad",
      label: "Over target",
    });
  });
});

describe("periodDelta", () => {
  it("is absent without a previous value", () => {
    expect(periodDelta(figure({}))).toBeUndefined();
  });
  it("gives amount and percent with the direction in words and arrow", () => {
    expect(periodDelta(figure({ value: 1200, previous: 1000 }))).toEqual({
      tone: "good",
      arrow: "▲",
      label: "up $200 (+20%) vs previous period",
    });
  });
  it("treats a fall in a lower-is-better figure as good", () => {
    expect(periodDelta(figure({ value: 900, previous: 1000, better: "lower" }))).toMatchObject({
      tone: "good",
      arrow: "▼",
      label: "down $100 (−10%) vs previous period",
    });
  });
  it("keeps a decimal for small changes so they never read as 0%", () => {
    expect(periodDelta(figure({ value: 8442, previous: 8437 }))?.label).toBe(
      "up $5 (+0.1%) vs previous period",
    );
  });
  it("speaks of points for percentages and says unchanged when equal", () => {
    expect(periodDelta(figure({ value: 42, previous: 40, unit: "percent" }))?.label).toBe(
      "up 2 points vs previous period",
    );
    expect(periodDelta(figure({ value: 5, previous: 5 }))?.label).toBe(
      "unchanged vs previous period",
    );
  });
});
