import type { Table } from "../analysis/types.js";
import type { ChartSpec } from "../reports/document.js";

/** A chart's data as a table: one row per x value, one column per series (for text, Markdown and image-less email). */
export function chartTable(spec: ChartSpec): Table {
  const xs = [...new Set(spec.series.flatMap((s) => s.points.map((p) => p.x)))];
  return {
    id: spec.id,
    title: spec.title,
    columns: [
      { key: "x", label: "" },
      ...spec.series.map((s) => ({ key: s.name, label: s.name, unit: spec.unit })),
    ],
    rows: xs.map((x) => [x, ...spec.series.map((s) => s.points.find((p) => p.x === x)?.y ?? "")]),
  };
}
