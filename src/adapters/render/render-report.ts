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
  /** A running browser to print with, so many reports share one launch. */
  browser?: Browser;
}

/** Renders one report in every format: email HTML (charts by `cid:`), text, Markdown, JSON, chart SVG/PNG, optional PDF. */
export async function renderReport(
  document: ReportDocument,
  options: RenderOptions = {},
): Promise<RenderedReport> {
  const charts = await Promise.all(
    chartsOf(document).map((chart) => renderChart(chart, `${document.role}-${chart.id}`)),
  );
  const html = await renderEmailHtml(document, charts);
  const rendered: RenderedReport = {
    document,
    html,
    text: renderText(document),
    markdown: renderMarkdown(document),
    json: renderJson(document),
    charts,
  };
  if (options.pdf === true && options.browser !== undefined) {
    rendered.pdf = await printPdf(html, {
      paper: options.paper ?? "A4",
      charts,
      browser: options.browser,
    });
  }
  return rendered;
}

/** Renders many reports; when PDFs are asked for and Chromium is installed, one browser prints them all. */
export async function renderReports(
  documents: readonly ReportDocument[],
  options: Omit<RenderOptions, "browser"> = {},
): Promise<{ reports: RenderedReport[]; pdf: "printed" | "off" | "no-chromium" }> {
  const renderAll = async (browser?: Browser) => {
    const reports: RenderedReport[] = [];
    for (const document of documents) {
      reports.push(await renderReport(document, { ...options, ...(browser ? { browser } : {}) }));
    }
    return reports;
  };
  if (options.pdf !== true) return { reports: await renderAll(), pdf: "off" };
  const chromium = findChromium();
  if (chromium === undefined) return { reports: await renderAll(), pdf: "no-chromium" };
  return { reports: await withBrowser(renderAll, chromium), pdf: "printed" };
}

/** Every chart block of a report, in document order. */
function chartsOf(document: ReportDocument): ChartSpec[] {
  return document.sections.flatMap((s) =>
    s.blocks.flatMap((b) => (b.type === "chart" ? [b.chart] : [])),
  );
}
