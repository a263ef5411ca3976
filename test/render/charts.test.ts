import { Resvg } from "@resvg/resvg-js";
import { PNG } from "pngjs";
import type { TopLevelSpec } from "vega-lite";
import { describe, expect, it } from "vitest";
import {
  chartSvg,
  PNG_BUDGET_BYTES,
  PNG_SCALE,
  renderChart,
} from "../../src/adapters/render/charts.js";
import {
  axisFormat,
  CHART_FONT_STACK,
  CHART_HEIGHT,
  CHART_PALETTE,
  CHART_WIDTH,
  categoriesOf,
  categoryLabels,
} from "../../src/core/render/chart-spec.js";
import type { RenderedChart } from "../../src/core/render/rendered.js";
import type { ChartSpec, ReportDocument } from "../../src/core/reports/document.js";
import { PORTFOLIO } from "../helpers/cli.js";
import { mutated, replaceIn } from "../helpers/mutate.js";
import { computeTenant } from "../helpers/pipeline.js";

// Every chart of the five reference reports drawn for real: vega lays it out as SVG, resvg draws
// the PNG with the bundled DejaVu Sans. The PNGs were looked at (written to /tmp) before this test
// was committed: labels whole, legend readable, months named.

/** Every chart block of a report, in document order. */
function chartsOf(report: ReportDocument): ChartSpec[] {
  return report.sections.flatMap((s) =>
    s.blocks.flatMap((b) => (b.type === "chart" ? [b.chart] : [])),
  );
}

/** Text as vega's SVG writes it inside a text element. */
function svgText(value: string): string {
  return value.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

/** Pixels of a PNG within a small distance of an `#rrggbb` colour. */
function pixelsOf(png: PNG, hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16)) as [
    number,
    number,
    number,
  ];
  let count = 0;
  for (let i = 0; i < png.data.length; i += 4) {
    const d =
      Math.abs((png.data[i] ?? 0) - r) +
      Math.abs((png.data[i + 1] ?? 0) - g) +
      Math.abs((png.data[i + 2] ?? 0) - b);
    if (d < 24) count++;
  }
  return count;
}

/** The vertical position of the point vega labels `label` for screen readers (smaller is higher). */
function pointY(svg: string, label: string): number {
  const at = svg.indexOf(`aria-label="${label}"`);
  const match = /transform="translate\([^,]+,([^)]+)\)"/.exec(svg.slice(at));
  if (at < 0 || match === null) throw new Error(`no point labelled ${label}`);
  return Number(match[1]);
}

describe("charts of the reference portfolio (2026-10)", async () => {
  const { reports } = await computeTenant(PORTFOLIO);
  const drawn = await Promise.all(
    reports.flatMap((report) =>
      chartsOf(report).map(async (spec) => ({
        role: report.role,
        spec,
        chart: await renderChart(spec, `${report.role}-${spec.id}`),
      })),
    ),
  );
  const cases = drawn.map((d) => [`${d.role}-${d.spec.id}`, d] as const);

  it("draws the charts each report carries", () => {
    expect(drawn.map((d) => `${d.role}/${d.spec.id}`).sort()).toEqual([
      "billing/hours-by-month",
      "billing/invoiced-collected",
      "ceo/revenue-vs-target",
      "cfo/burn-by-month",
      "cfo/revenue-vs-target",
      "cmo/channels-by-status",
      "cto/cloud-spend-by-month",
      "delivery-manager/delivery-by-month",
      "property-manager/property-income-expense-by-month",
    ]);
  });

  it.each(cases)("%s: well-formed SVG of the email size", (stem, { chart }) => {
    expect(chart.svg.startsWith("<svg")).toBe(true);
    expect(chart.svg.trimEnd().endsWith("</svg>")).toBe(true);
    // resvg parses with a strict XML parser: it throws on anything that is not well-formed.
    const parsed = new Resvg(chart.svg, { font: { loadSystemFonts: false } });
    expect([parsed.width, parsed.height]).toEqual([CHART_WIDTH, CHART_HEIGHT]);
    expect(chart.svg).not.toMatch(/<script|\shref="http|url\(http/i);
    expect([chart.cid, chart.fileName]).toEqual([`${stem}@exec-intel`, `${stem}.png`]);
  });

  it.each(cases)(
    "%s: names every series, the unit and every category",
    (_stem, { spec, chart }) => {
      for (const series of spec.series) expect(chart.svg).toContain(`>${svgText(series.name)}<`);
      expect(chart.svg).toContain(`>${axisFormat(spec.unit).title}<`);
      for (const lines of categoryLabels(categoriesOf(spec)))
        for (const line of lines) expect(chart.svg).toContain(`>${svgText(line)}<`);
      expect(chart.svg).toContain(`font-family="${CHART_FONT_STACK}"`);
    },
  );

  it.each(cases)("%s: a real 2x PNG under the budget, with the data drawn", (_stem, { chart }) => {
    expect(chart.png.byteLength).toBeLessThan(PNG_BUDGET_BYTES);
    const png = PNG.sync.read(Buffer.from(chart.png));
    expect([png.width, png.height]).toEqual([CHART_WIDTH * PNG_SCALE, CHART_HEIGHT * PNG_SCALE]);
    // The first series' colour covers a visible part of the image: lines or bars were drawn.
    expect(pixelsOf(png, CHART_PALETTE[0])).toBeGreaterThan(500);
    expect(pixelsOf(png, "#ffffff")).toBeGreaterThan((png.width * png.height) / 2);
  });

  it("draws the same chart byte for byte every time, whatever was drawn before", async () => {
    // Grouped bars carry clip paths, whose ids vega numbers across the whole process.
    const burn = drawn.find((d) => d.role === "cfo" && d.spec.id === "burn-by-month");
    if (burn === undefined) throw new Error("no burn chart drawn");
    expect(burn.chart.svg).toContain('clip-path="url(#clip1)"');
    const again = await renderChart(burn.spec, "cfo-burn-by-month");
    expect(again.svg).toBe(burn.chart.svg);
    expect(Buffer.from(again.png).equals(Buffer.from(burn.chart.png))).toBe(true);
  });

  it("redraws the revenue chart when October's revenue changes, and only that chart", async () => {
    const after = await mutated((dir) =>
      replaceIn(
        dir,
        "data/kpis/observations.csv",
        "monthly-revenue,,2026-10,7511,USD",
        "monthly-revenue,,2026-10,9800,USD",
      ),
    );
    const redraw = async (id: string): Promise<[RenderedChart, RenderedChart]> => {
      const before = drawn.find((d) => d.role === "cfo" && d.spec.id === id);
      const spec = chartsOf(after.report("cfo")).find((c) => c.id === id);
      if (before === undefined || spec === undefined) throw new Error(`no cfo chart ${id}`);
      return [before.chart, await renderChart(spec, `cfo-${id}`)];
    };
    const [revenueBefore, revenueAfter] = await redraw("revenue-vs-target");
    expect(revenueAfter.svg).not.toBe(revenueBefore.svg);
    expect(Buffer.from(revenueAfter.png).equals(Buffer.from(revenueBefore.png))).toBe(false);
    // October's revenue point carries the new value and now sits above October's target point.
    expect(pointY(revenueBefore.svg, "x: 2026-10; y: $7,511; series: Revenue")).toBeGreaterThan(
      pointY(revenueBefore.svg, "x: 2026-10; y: $9,500; series: Target"),
    );
    expect(pointY(revenueAfter.svg, "x: 2026-10; y: $9,800; series: Revenue")).toBeLessThan(
      pointY(revenueAfter.svg, "x: 2026-10; y: $9,500; series: Target"),
    );
    const [burnBefore, burnAfter] = await redraw("burn-by-month");
    expect(burnAfter.svg).toBe(burnBefore.svg);
  });

  it("refuses to load anything: a spec pointing at a URL fails instead of fetching", async () => {
    const spec = {
      data: { url: "http://127.0.0.1:9/revenue.csv" },
      mark: "bar",
      encoding: { x: { field: "month", type: "ordinal" }, y: { field: "y", type: "quantitative" } },
    } satisfies TopLevelSpec;
    await expect(chartSvg(spec)).rejects.toThrow(/refusing to load http:\/\/127\.0\.0\.1:9/);
  });

  it("escapes names from the workspace in the SVG", async () => {
    const hostile = '<script>alert("x")</script> & Co';
    const chart = await renderChart(
      {
        id: "hostile",
        title: hostile,
        kind: "bar",
        unit: "count",
        series: [{ name: hostile, points: [{ x: hostile, y: 2 }] }],
      },
      "test-hostile",
    );
    expect(chart.svg).not.toContain("<script");
    expect(chart.svg).toContain(`>${svgText(hostile)}<`);
  });
});
