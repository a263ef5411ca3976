import { bodyRows } from "../analysis/common.js";
import type { Intelligence } from "../analysis/intelligence.js";
import type { Table } from "../analysis/types.js";
import type { Block, ChartSpec } from "./document.js";

// Report charts are views of tables the analyses computed: the first column gives the x
// categories, chosen columns give the series. A chart never carries a number a table lacks.

/** What to draw from a table: which columns become series, under which names. */
export interface TableChartOptions {
  id: string;
  /** The table's title by default. */
  title?: string;
  kind: ChartSpec["kind"];
  /** Column keys to draw, each optionally renamed; every numeric column after the first by default. */
  series?: readonly { key: string; name?: string }[];
  /** The value unit; the first series column's unit by default. */
  unit?: ChartSpec["unit"];
}

/**
 * A chart of a table's columns, without its Total row; cells that are not numbers (a dash for
 * "no actual yet") are left out.
 */
export function tableChart(table: Table, options: TableChartOptions): ChartSpec {
  const wanted: readonly { key: string; name?: string }[] =
    options.series ??
    table.columns.slice(1).flatMap((c) => (c.unit !== undefined ? [{ key: c.key }] : []));
  const series = wanted.flatMap(({ key, name }) => {
    const index = table.columns.findIndex((c) => c.key === key);
    const column = table.columns[index];
    if (column === undefined) return [];
    return [
      {
        name: name ?? column.label,
        unit: column.unit,
        points: bodyRows(table).flatMap((row) => {
          const y = row[index];
          return typeof y === "number" ? [{ x: String(row[0]), y }] : [];
        }),
      },
    ];
  });
  return {
    id: options.id,
    title: options.title ?? table.title,
    kind: options.kind,
    series: series.map(({ name, points }) => ({ name, points })),
    unit: options.unit ?? series[0]?.unit ?? "count",
  };
}

/** A chart block of a computed table, or nothing when the table is absent or has nothing to draw. */
export function chartOf(
  intelligence: Intelligence,
  tableId: string,
  options: TableChartOptions,
): Block[] {
  const source = intelligence.tables.get(tableId);
  if (source === undefined) return [];
  const chart = tableChart(source, options);
  return chart.series.some((s) => s.points.length > 0) ? [{ type: "chart", chart }] : [];
}
