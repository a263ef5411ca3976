import { describe, expect, it } from "vitest";
import { contextFor, emptyModel } from "../../../test/helpers/model.js";
import type { Intelligence } from "../analysis/intelligence.js";
import type { Table } from "../analysis/types.js";
import { chartOf, tableChart } from "./charts.js";

const revenue: Table = {
  id: "revenue-by-month",
  title: "Monthly revenue against target, Aug–Oct 2026",
  columns: [
    { key: "month", label: "Month" },
    { key: "target", label: "Target", unit: "USD" },
    { key: "basis", label: "Target from" },
    { key: "actual", label: "Actual", unit: "USD" },
  ],
  rows: [
    ["2026-08", 900, "monthly-revenue target", 800],
    ["2026-09", 950, "monthly-revenue target", "—"],
    ["2026-10", 950, "break-even revenue", 1_000],
  ],
};

function withTables(...tables: Table[]): Intelligence {
  return {
    context: contextFor(emptyModel()),
    figures: new Map(),
    tables: new Map(tables.map((t) => [t.id, t])),
    findings: [],
  };
}

describe("charts of computed tables", () => {
  it("draws the chosen columns under their names, leaving out cells that are not numbers", () => {
    const chart = tableChart(revenue, {
      id: "revenue-vs-target",
      kind: "line",
      series: [{ key: "actual", name: "Revenue" }, { key: "target" }],
    });
    expect(chart).toEqual({
      id: "revenue-vs-target",
      title: "Monthly revenue against target, Aug–Oct 2026",
      kind: "line",
      unit: "USD",
      series: [
        {
          name: "Revenue",
          points: [
            { x: "2026-08", y: 800 },
            { x: "2026-10", y: 1_000 },
          ],
        },
        {
          name: "Target",
          points: [
            { x: "2026-08", y: 900 },
            { x: "2026-09", y: 950 },
            { x: "2026-10", y: 950 },
          ],
        },
      ],
    });
  });

  it("draws every numeric column by default and takes a given title and unit", () => {
    const chart = tableChart(revenue, {
      id: "r",
      kind: "bar",
      title: "Revenue",
      unit: "USD/month",
    });
    expect(chart.series.map((s) => s.name)).toEqual(["Target", "Actual"]);
    expect([chart.title, chart.unit]).toEqual(["Revenue", "USD/month"]);
  });

  it("leaves out the Total row: a sum drawn as one more month would dwarf the months", () => {
    const withTotal: Table = { ...revenue, rows: [...revenue.rows, ["Total", 2_800, "", 1_800]] };
    const chart = tableChart(withTotal, { id: "r", kind: "bar", series: [{ key: "actual" }] });
    expect(chart.series[0]?.points.map((p) => p.x)).toEqual(["2026-08", "2026-10"]);
  });

  it("skips a column the table lacks instead of inventing it", () => {
    const chart = tableChart(revenue, { id: "r", kind: "line", series: [{ key: "forecast" }] });
    expect(chart.series).toEqual([]);
  });

  it("gives a chart block only when the table exists and has a number to draw", () => {
    const options = { id: "revenue-vs-target", kind: "line" as const };
    expect(chartOf(withTables(), "revenue-by-month", options)).toEqual([]);
    const empty = { ...revenue, rows: [["2026-08", "—", "none", "—"]] };
    expect(chartOf(withTables(empty), "revenue-by-month", options)).toEqual([]);
    const [block] = chartOf(withTables(revenue), "revenue-by-month", options);
    expect(block?.type).toBe("chart");
  });
});
