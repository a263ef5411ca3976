import type { TopLevelSpec } from "vega-lite";
import type { Unit } from "../analysis/types.js";
import type { ChartSpec } from "../reports/document.js";

// A report chart as a Vega-Lite spec sized for an email column. The chart carries no title:
// every rendition shows `chart.title` next to it (the email's heading, the Markdown caption), so
// a second title inside the image would only repeat it and cost vertical space on a phone.

/**
 * Display width of every chart in CSS pixels. Narrower than the 592 px email column on purpose:
 * a phone shows the image at ~330 px, and the smaller the drawing, the larger its text there.
 */
export const CHART_WIDTH = 480;

/** Display height of every chart in CSS pixels. */
export const CHART_HEIGHT = 240;

/** The only font a chart uses; the PNG renderer loads it from the bundled DejaVu files. */
export const CHART_FONT = "DejaVu Sans";

/** The font list the SVG names: DejaVu Sans, then look-alikes for a browser that lacks it. */
export const CHART_FONT_STACK = `${CHART_FONT}, Verdana, sans-serif`;

/** Okabe–Ito colours (safe for the common colour-vision deficiencies), yellow left out: too pale on white. */
export const CHART_PALETTE = [
  "#0072B2",
  "#E69F00",
  "#009E73",
  "#CC79A7",
  "#56B4E9",
  "#D55E00",
  "#000000",
] as const;

/** Point shapes by series, so lines differ by more than their colour. */
const SHAPES = ["circle", "square", "triangle-up", "diamond", "cross", "triangle-down", "wedge"];

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
const MONTH_ABBREVIATIONS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(" ");

/** One data row of the chart: a point of a series. */
interface Row {
  series: string;
  x: string;
  y: number;
}

/** How the value axis reads for a unit: its title and a d3 format (or a label expression). */
export function axisFormat(unit: Unit): { title: string; format?: string; labelExpr?: string } {
  switch (unit) {
    case "USD":
      return { title: "US dollars", format: "$,.0f" };
    case "USD/month":
      return { title: "US dollars per month", format: "$,.0f" };
    case "percent":
      // Values are 0–100, so the sign is appended rather than scaled by d3's `%`.
      return { title: "Percent", labelExpr: "format(datum.value, ',.0f') + '%'" };
    case "ratio":
      return { title: "Ratio", format: ",.2f" };
    case "months":
      return { title: "Months", format: ",.1f" };
    case "charters/month":
      return { title: "Charters per month", format: ",.0f" };
    case "contacts":
      return { title: "Contacts", format: ",.0f" };
    case "days":
      return { title: "Days", format: ",.0f" };
    case "hours":
      return { title: "Hours", format: ",.0f" };
    case "count":
      return { title: "Count", format: ",.0f" };
  }
}

/** True for units whose axis ticks must be whole numbers. */
function wholeUnits(unit: Unit): boolean {
  return ["count", "contacts", "days", "charters/month"].includes(unit);
}

/**
 * Axis labels for the x categories, as lines: `YYYY-MM` months read "Oct", with the year on a
 * second line under the first month and under each January; anything else is shown as it is.
 */
export function categoryLabels(xs: readonly string[]): string[][] {
  if (xs.length === 0 || !xs.every((x) => MONTH.test(x))) return xs.map((x) => [x]);
  return xs.map((x, i) => {
    const [, year, month] = MONTH.exec(x) as RegExpExecArray;
    const name = MONTH_ABBREVIATIONS[Number(month) - 1] as string;
    return i === 0 || month === "01" ? [name, year as string] : [name];
  });
}

/** The x categories in the order they first appear across the series. */
export function categoriesOf(chart: ChartSpec): string[] {
  return [...new Set(chart.series.flatMap((s) => s.points.map((p) => p.x)))];
}

/** A Vega expression literal of strings (JSON is valid Vega expression syntax for these). */
function literal(value: readonly unknown[]): string {
  return JSON.stringify(value);
}

/** Turns a report's declarative chart into a Vega-Lite spec: lines for trends, grouped bars for comparisons. */
export function toVegaLite(chart: ChartSpec): TopLevelSpec {
  const names = chart.series.map((s) => s.name);
  const xs = categoriesOf(chart);
  const labels = categoryLabels(xs);
  const values: Row[] = chart.series.flatMap((s) =>
    s.points.map((p) => ({ series: s.name, x: p.x, y: p.y })),
  );
  const relabelled = labels.some((lines, i) => lines.length > 1 || lines[0] !== xs[i]);
  const axis = axisFormat(chart.unit);
  const color = {
    field: "series",
    type: "nominal" as const,
    scale: { domain: names, range: CHART_PALETTE.slice(0, Math.max(names.length, 1)) },
    sort: names,
    legend: { title: null },
  };
  const x = {
    field: "x",
    type: "ordinal" as const,
    sort: xs,
    scale: { domain: xs },
    axis: {
      title: null,
      labelAngle: 0,
      labelLimit: 140,
      // A long window must not print labels over each other; every other one is dropped instead.
      labelOverlap: true,
      ...(relabelled
        ? {
            labelExpr: `${literal(labels)}[indexof(${literal(xs)}, datum.value)]`,
          }
        : {}),
    },
  };
  const y = {
    field: "y",
    type: "quantitative" as const,
    // Zero-based for lines too: a fitted scale made a 10% revenue shortfall look like a collapse.
    scale: { zero: true, nice: true },
    axis: {
      title: axis.title,
      tickCount: 5,
      ...(axis.format !== undefined ? { format: axis.format } : {}),
      ...(axis.labelExpr !== undefined ? { labelExpr: axis.labelExpr } : {}),
      ...(wholeUnits(chart.unit) ? { tickMinStep: 1 } : {}),
    },
  };
  const common = {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    description: chart.title,
    width: CHART_WIDTH,
    height: CHART_HEIGHT,
    autosize: { type: "fit", contains: "padding" },
    padding: { top: 8, right: 12, bottom: 8, left: 8 },
    background: "#ffffff",
    data: { values },
    config: {
      font: CHART_FONT_STACK,
      view: { stroke: null },
      axis: {
        labelFontSize: 14,
        titleFontSize: 14,
        titleFontWeight: "normal",
        labelColor: "#333333",
        titleColor: "#333333",
        domainColor: "#888888",
        tickColor: "#888888",
        gridColor: "#e6e6e6",
      },
      axisX: { grid: false },
      legend: {
        orient: "top",
        direction: "horizontal",
        labelFontSize: 14,
        labelColor: "#333333",
        symbolSize: 120,
        labelLimit: 320,
      },
    },
  } as const;
  if (chart.kind === "bar")
    return {
      ...common,
      mark: { type: "bar", cornerRadiusEnd: 1 },
      encoding: { x, y, color, xOffset: { field: "series", type: "nominal", sort: names } },
    };
  return {
    ...common,
    encoding: { x, y, color },
    layer: [
      { mark: { type: "line", strokeWidth: 2.5 } },
      {
        mark: { type: "point", filled: true, size: 60, opacity: 1 },
        encoding: {
          shape: {
            field: "series",
            type: "nominal",
            sort: names,
            scale: { domain: names, range: SHAPES.slice(0, Math.max(names.length, 1)) },
            legend: { title: null },
          },
        },
      },
    ],
  };
}
