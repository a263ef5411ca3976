import { describe, expect, it } from "vitest";
import type { ChartSpec } from "../reports/document.js";
import {
  axisFormat,
  CHART_FONT,
  CHART_FONT_STACK,
  CHART_HEIGHT,
  CHART_PALETTE,
  CHART_WIDTH,
  categoriesOf,
  categoryLabels,
  toVegaLite,
} from "./chart-spec.js";

const months = ["2026-05", "2026-06", "2026-07"];

function revenue(kind: ChartSpec["kind"] = "line"): ChartSpec {
  return {
    id: "revenue-vs-target",
    title: "Monthly revenue against target",
    kind,
    unit: "USD",
    series: [
      // The actual stops a month early: the x domain still covers every month of any series.
      {
        name: "Revenue",
        points: [months[0], months[1]].map((x, i) => ({ x: x ?? "", y: 7_000 + i })),
      },
      { name: "Target", points: months.map((x) => ({ x, y: 9_500 })) },
    ],
  };
}

/** The parts of the spec these tests read, without Vega-Lite's union types. */
interface PlainSpec {
  width: number;
  height: number;
  autosize: unknown;
  background: string;
  description: string;
  title?: unknown;
  config: { font: string; legend: { orient: string } };
  data: { values: { series: string; x: string; y: number }[] };
  mark?: { type: string };
  layer?: { mark: { type: string }; encoding?: { shape?: { scale: { domain: string[] } } } }[];
  encoding: {
    x: { scale: { domain: string[] }; axis: { labelExpr?: string } };
    y: {
      scale: { zero: boolean };
      axis: { title: string; format?: string; labelExpr?: string; tickMinStep?: number };
    };
    color: { scale: { domain: string[]; range: string[] } };
    xOffset?: { field: string; sort: string[] };
  };
}

/** The spec as plain JSON, as Vega-Lite receives it. */
function plain(chart: ChartSpec): PlainSpec {
  return JSON.parse(JSON.stringify(toVegaLite(chart))) as PlainSpec;
}

describe("toVegaLite", () => {
  it("draws a trend as lines with marked points, one colour and shape per series, in series order", () => {
    const spec = plain(revenue());
    expect(spec.layer?.map((l) => l.mark.type)).toEqual(["line", "point"]);
    expect(spec.encoding.color.scale).toEqual({
      domain: ["Revenue", "Target"],
      range: CHART_PALETTE.slice(0, 2),
    });
    expect(spec.layer?.[1]?.encoding?.shape?.scale.domain).toEqual(["Revenue", "Target"]);
    expect(spec.encoding.x.scale.domain).toEqual(months);
    expect(spec.data.values).toHaveLength(5);
    expect(spec.data.values[0]).toEqual({ series: "Revenue", x: "2026-05", y: 7_000 });
    // Zero-based, so a shortfall is drawn to scale.
    expect(spec.encoding.y.scale.zero).toBe(true);
  });

  it("compares categories with grouped bars starting at zero", () => {
    const spec = plain(revenue("bar"));
    expect(spec.mark?.type).toBe("bar");
    expect(spec.layer).toBeUndefined();
    expect(spec.encoding.xOffset).toMatchObject({ field: "series", sort: ["Revenue", "Target"] });
    expect(spec.encoding.y.scale.zero).toBe(true);
  });

  it("formats the value axis by unit: dollars, percent with a sign, whole counts", () => {
    expect(plain(revenue()).encoding.y.axis).toMatchObject({
      title: "US dollars",
      format: "$,.0f",
    });
    const percent = plain({ ...revenue(), unit: "percent" }).encoding.y.axis;
    expect(percent.title).toBe("Percent");
    expect(percent.labelExpr).toContain("'%'");
    expect(percent.format).toBeUndefined();
    const count = plain({ ...revenue("bar"), unit: "count" }).encoding.y.axis;
    expect(count).toMatchObject({ title: "Count", format: ",.0f", tickMinStep: 1 });
    expect(axisFormat("USD/month").title).toBe("US dollars per month");
    expect(plain({ ...revenue(), unit: "ratio" }).encoding.y.axis.tickMinStep).toBeUndefined();
  });

  it("has the email size, DejaVu Sans, a white background, a description and no title", () => {
    const spec = plain(revenue());
    expect([spec.width, spec.height]).toEqual([CHART_WIDTH, CHART_HEIGHT]);
    expect(spec.autosize).toEqual({ type: "fit", contains: "padding" });
    expect(spec.config.font).toBe(CHART_FONT_STACK);
    expect(CHART_FONT_STACK.startsWith(CHART_FONT)).toBe(true);
    expect(spec.background).toBe("#ffffff");
    expect(spec.description).toBe("Monthly revenue against target");
    expect(spec.title).toBeUndefined();
    expect(spec.config.legend.orient).toBe("top");
  });

  it("labels months by name, with the year on the first month and on January", () => {
    expect(categoryLabels(["2025-11", "2025-12", "2026-01", "2026-02"])).toEqual([
      ["Nov", "2025"],
      ["Dec"],
      ["Jan", "2026"],
      ["Feb"],
    ]);
    const axis = plain(revenue()).encoding.x.axis;
    expect(axis.labelExpr).toBe(
      '[["May","2026"],["Jun"],["Jul"]][indexof(["2026-05","2026-06","2026-07"], datum.value)]',
    );
  });

  it("shows other categories as they are, with no label expression", () => {
    const chart: ChartSpec = {
      id: "channels",
      title: "Channels",
      kind: "bar",
      unit: "count",
      series: [
        {
          name: "Listed",
          points: [
            { x: "JADA", y: 3 },
            { x: "2026-13", y: 1 },
          ],
        },
      ],
    };
    expect(categoryLabels(categoriesOf(chart))).toEqual([["JADA"], ["2026-13"]]);
    expect(plain(chart).encoding.x.axis.labelExpr).toBeUndefined();
  });

  it("orders categories by first appearance across series", () => {
    const chart: ChartSpec = {
      ...revenue(),
      series: [
        { name: "A", points: [{ x: "b", y: 1 }] },
        {
          name: "B",
          points: [
            { x: "a", y: 1 },
            { x: "b", y: 2 },
            { x: "c", y: 3 },
          ],
        },
      ],
    };
    expect(categoriesOf(chart)).toEqual(["b", "a", "c"]);
  });

  it("compiles with Vega-Lite without a warning, for both kinds", async () => {
    const [{ compile }, vega] = await Promise.all([import("vega-lite"), import("vega")]);
    for (const kind of ["line", "bar"] as const) {
      const warnings: unknown[] = [];
      const logger = vega.logger(vega.Warn, undefined, (_method, _level, input) => {
        warnings.push(input);
      });
      const { spec } = compile(toVegaLite(revenue(kind)), { logger });
      expect(warnings, kind).toEqual([]);
      expect(spec.marks?.length ?? 0).toBeGreaterThan(0);
    }
  });
});
