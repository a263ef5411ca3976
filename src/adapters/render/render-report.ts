import type { Browser } from "playwright-core";
import { renderJson } from "../../core/render/json.js";
import { renderMarkdown } from "../../core/render/markdown.js";
import type { RenderedReport } from "../../core/render/rendered.js";
import { renderText } from "../../core/render/text.js";
import type { ChartSpec, ReportDocument } from "../../core/reports/document.js";
import { findChromium, withBrowser } from "../browser/chromium.js";
import { renderChart } from "./charts.js";
import { renderEmailHtml } from "./email-html.js";
import { type Paper, printPdf } from "./pdf.js";

/** What to render besides the always-present HTML, text, Markdown, JSON and charts. */
export interface RenderOptions {
  /** Print a PDF too (needs Chromium; skipped without one). */
  pdf?: boolean;
  paper?: Paper;
}

/** Renders one report in every format but PDF: email HTML (charts by `cid:`), text, Markdown, JSON, chart SVG/PNG. */
export async function renderReport(document: ReportDocument): Promise<RenderedReport> {
  const charts = await Promise.all(
    chartsOf(document).map((chart) => renderChart(chart, `${document.role}-${chart.id}`)),
  );
  const html = await renderEmailHtml(document, charts);
  return {
    document,
    html,
    text: renderText(document),
    markdown: renderMarkdown(document),
    json: renderJson(document),
    charts,
  };
}

/**
 * Renders many reports, in the given order. They are rendered concurrently: resvg rasterises one
 * report's charts on the thread pool while this thread lays out the next. PDFs, when asked for,
 * are printed afterwards by printRendered.
 */
export async function renderReports(
  documents: readonly ReportDocument[],
  options: RenderOptions & { browser?: Promise<Browser> } = {},
): Promise<{ reports: RenderedReport[]; pdf: "printed" | "off" | "no-chromium" }> {
  const reports = await inPool(documents, documents.length, (document) => renderReport(document));
  return printRendered(reports, options);
}

/**
 * Adds a PDF to each rendered report when asked and Chromium is installed, printing a few pages
 * at a time in one browser: the caller's `browser` if given (it stays open), else one launched
 * here and closed afterwards.
 */
export async function printRendered(
  reports: readonly RenderedReport[],
  options: RenderOptions & { browser?: Promise<Browser> },
): Promise<{ reports: RenderedReport[]; pdf: "printed" | "off" | "no-chromium" }> {
  if (options.pdf !== true) return { reports: [...reports], pdf: "off" };
  const print = (browser: Browser) =>
    inPool(reports, PDF_PAGES, async (report) => ({
      ...report,
      pdf: await printPdf(report.html, {
        paper: options.paper ?? "A4",
        charts: report.charts,
        browser,
      }),
    }));
  if (options.browser !== undefined)
    return { reports: await print(await options.browser), pdf: "printed" };
  const chromium = findChromium();
  if (chromium === undefined) return { reports: [...reports], pdf: "no-chromium" };
  return { reports: await withBrowser(print, chromium), pdf: "printed" };
}

/** Pages printing at once: more only queue for the same two cores and add memory. */
const PDF_PAGES = 3;

/** Maps `items` through `fn` with at most `size` at a time; answers in the items' order. */
async function inPool<T, R>(
  items: readonly T[],
  size: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const runner = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(size, items.length)) }, runner));
  return results;
}

/**
 * Starts loading the heavy libraries rendering uses (Vega, Vega-Lite, resvg, MJML, the mail
 * composer) without waiting, so a caller can overlap their loading with I/O-bound work.
 */
export function preloadRenderer(): void {
  Promise.all([
    import("vega"),
    import("vega-lite"),
    import("@resvg/resvg-js"),
    import("mjml"),
    import("nodemailer/lib/mail-composer"),
  ]).catch(() => {});
}

/** Every chart block of a report, in document order. */
function chartsOf(document: ReportDocument): ChartSpec[] {
  return document.sections.flatMap((s) =>
    s.blocks.flatMap((b) => (b.type === "chart" ? [b.chart] : [])),
  );
}
