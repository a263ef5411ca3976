import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { TopLevelSpec } from "vega-lite";
import { InternalError } from "../../core/errors.js";
import { CHART_FONT, CHART_HEIGHT, CHART_WIDTH, toVegaLite } from "../../core/render/chart-spec.js";
import type { RenderedChart } from "../../core/render/rendered.js";
import type { ChartSpec } from "../../core/reports/document.js";
import { type FontMetrics, readFontMetrics } from "./font-metrics.js";

// Charts are drawn offline: vega lays the chart out to SVG measuring text in the bundled DejaVu
// Sans (never in system fonts) and resvg rasterises that SVG with the same DejaVu files only, so
// a chart is byte-identical on every machine.

/** Largest PNG a chart may produce: email clients and spam filters dislike heavy images. */
export const PNG_BUDGET_BYTES = 60 * 1024;

/** The PNG is drawn at this multiple of the display size, for sharp phone and retina screens. */
export const PNG_SCALE = 2;

/** The bundled DejaVu Sans files, regular and bold. */
export function chartFontFiles(): { regular: string; bold: string } {
  const require = createRequire(import.meta.url);
  const dir = join(dirname(require.resolve("dejavu-fonts-ttf/package.json")), "ttf");
  return { regular: join(dir, "DejaVuSans.ttf"), bold: join(dir, "DejaVuSans-Bold.ttf") };
}

/** The part of vega's text measurement a renderer may replace (vl-convert does the same). */
interface TextMetrics {
  width(item: TextItem, text: unknown): number;
}

/** What vega passes about a text mark when it measures a line of it. */
interface TextItem {
  fontSize?: number | string | null;
  fontWeight?: number | string;
  /** Truncation width in pixels (0 or absent: none). */
  limit?: number;
}

let metrics: { regular: FontMetrics; bold: FontMetrics } | undefined;

/**
 * Vega's text measurement, in the bundled DejaVu Sans: without it vega guesses 0.8 em per
 * character (loose legends, labels truncated that would fit) or, with a canvas package
 * installed, measures in the machine's fonts (a layout that differs between machines).
 */
function measureText(item: TextItem, text: unknown): number {
  if (metrics === undefined) {
    const files = chartFontFiles();
    metrics = { regular: readFontMetrics(files.regular), bold: readFontMetrics(files.bold) };
  }
  const line = text === null || text === undefined ? "" : String(text).trim();
  // Vega's own default size when a mark sets none.
  const size =
    item.fontSize === undefined || item.fontSize === null ? 11 : Number(item.fontSize) || 0;
  const bold = item.fontWeight === "bold" || Number(item.fontWeight) >= 600;
  const width = (bold ? metrics.bold : metrics.regular).width(line) * size;
  // A truncated label is never wider than its limit; vega's own truncation search relies on that.
  return item.limit !== undefined && item.limit > 0 ? Math.min(width, item.limit) : width;
}

/** Draws a chart as SVG and as a 2x PNG; the file stem (`cfo-burn-by-month`) names the file and Content-ID. */
export async function renderChart(chart: ChartSpec, fileStem: string): Promise<RenderedChart> {
  const svg = await chartSvg(toVegaLite(chart));
  const png = await chartPng(svg);
  if (png.length > PNG_BUDGET_BYTES)
    throw new InternalError(
      `chart ${fileStem} is ${png.length} bytes as PNG, over the ${PNG_BUDGET_BYTES}-byte budget`,
    );
  return {
    id: chart.id,
    title: chart.title,
    svg,
    png,
    width: CHART_WIDTH,
    height: CHART_HEIGHT,
    cid: `${fileStem}@exec-intel`,
    fileName: `${fileStem}.png`,
  };
}

/**
 * Lays a Vega-Lite spec out as SVG, headless and offline. Any URL is refused, and any warning
 * (a refused load, a spec problem) fails the chart: a half-drawn chart must not reach an inbox.
 */
export async function chartSvg(spec: TopLevelSpec): Promise<string> {
  const [vega, vegaLite] = await Promise.all([import("vega"), import("vega-lite")]);
  const problems: string[] = [];
  const logger = vega.logger(vega.Warn, undefined, (_method, level, input) => {
    problems.push(
      `${level} ${input.map((x) => (x instanceof Error ? x.message : String(x))).join(" ")}`,
    );
  });
  (vega as unknown as { textMetrics: TextMetrics }).textMetrics.width = measureText;
  const view = new vega.View(vega.parse(vegaLite.compile(spec, { logger }).spec), {
    renderer: "none",
    logger,
    loader: offlineLoader(vega.loader()),
  });
  try {
    const svg = await view.toSVG();
    if (problems.length > 0) throw new InternalError(`chart layout failed: ${problems.join("; ")}`);
    return stableDefIds(svg);
  } finally {
    view.finalize();
  }
}

/**
 * Renumbers the SVG's clip and gradient ids in order of appearance: vega counts them across
 * every chart the process draws, so the same chart would otherwise differ between runs.
 */
export function stableDefIds(svg: string): string {
  const ids = new Map<string, string>();
  for (const [, id, kind] of svg.matchAll(/\bid="((clip|gradient_|p_gradient_)\d+)"/g))
    if (id !== undefined && !ids.has(id)) ids.set(id, `${kind}${ids.size + 1}`);
  return ids.size === 0
    ? svg
    : svg.replace(
        /(id="|url\(#)((?:clip|gradient_|p_gradient_)\d+)/g,
        (_all, before: string, id: string) => `${before}${ids.get(id) ?? id}`,
      );
}

/**
 * Rasterises a chart SVG at 2x with the bundled DejaVu Sans only, on white. resvg parses the
 * fonts and draws on libuv's thread pool (renderAsync), so the main thread lays out the next
 * chart or report meanwhile; only the PNG encoding runs here.
 */
export async function chartPng(svg: string): Promise<Uint8Array> {
  const { renderAsync } = await import("@resvg/resvg-js");
  const image = await renderAsync(svg, {
    fitTo: { mode: "zoom", value: PNG_SCALE },
    background: "#ffffff",
    font: {
      loadSystemFonts: false,
      fontFiles: Object.values(chartFontFiles()),
      defaultFontFamily: CHART_FONT,
      sansSerifFamily: CHART_FONT,
    },
  });
  return new Uint8Array(image.asPng());
}

/** A vega loader that refuses every load: chart data is inline, so a URL would be a bug or an attack. */
function offlineLoader<T extends { load: unknown; sanitize: unknown }>(base: T): T {
  const refuse = async (uri: string) => {
    throw new Error(`charts render offline; refusing to load ${uri}`);
  };
  return { ...base, load: refuse, sanitize: refuse };
}
