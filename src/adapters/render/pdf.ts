import type { Browser } from "playwright-core";
import type { RenderedChart } from "../../core/render/rendered.js";
import { withBrowser, withOfflinePage } from "../browser/chromium.js";

/** Paper sizes a report can be printed on. */
export type Paper = "A4" | "Letter";

/** What `printPdf` needs besides the HTML. */
export interface PrintOptions {
  paper: Paper;
  /** The charts the HTML refers to by `cid:`; a page cannot resolve Content-IDs, so they are inlined. */
  charts: RenderedChart[];
  /** A running browser to reuse (one launch for many reports); a fresh one is launched otherwise. */
  browser?: Browser;
}

// Each report section (class `section`, siblings in MJML's output) after the first starts a
// page, so the header and summary share page one. Data-table rows, images and elements marked
// `keep` (finding cards, KPI tiles) are never split, and a heading never ends a page. Layout
// tables (role=presentation) may split: one wraps a whole section and could never fit. The
// grey email backdrop prints white; status colours print as on screen. MJML's columns are
// inline-blocks, which Chromium never splits across pages: a column taller than the space left
// would jump to the next page (leaving a blank one) and be cut mid-line, so print stacks them.
// Paper cannot scroll: wide tables get the full page width and may break long words (paths,
// URLs), since Chromium would otherwise shrink every page to fit the widest table; a minimum
// cell width keeps short words whole, and headings and numbers never break.
const PRINT_CSS = `
@media print {
  html, body { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  body, .body, [role="article"] { background: #ffffff !important; }
  .mj-outlook-group-fix { display: block !important; }
  .scroll { overflow: visible !important; }
  table:not([role="presentation"]) { font-size: 12px !important; }
  table:not([role="presentation"]) td { overflow-wrap: anywhere; min-width: 5em; }
  table:not([role="presentation"]) .num { overflow-wrap: normal; white-space: nowrap; }
  [role="article"] > div { max-width: none !important; }
  .section ~ .section { break-before: page; }
  table:not([role="presentation"]) tr, img, .keep { break-inside: avoid; }
  h1, h2, h3 { break-inside: avoid; break-after: avoid; }
}`;

const MARGIN = { top: "14mm", bottom: "16mm", left: "12mm", right: "12mm" };

// Chromium fills the pageNumber/totalPages spans; the template has no report text in it, so
// nothing from the data needs escaping here.
const FOOTER = `<div style="width:100%;font-size:8px;color:#52606d;text-align:center;font-family:sans-serif">
<span class="pageNumber"></span> / <span class="totalPages"></span></div>`;

/** Replaces `cid:` image sources with `data:` URIs of the matching chart PNGs (unknown ids stay). */
export function inlineChartImages(html: string, charts: readonly RenderedChart[]): string {
  const byCid = new Map(charts.map((chart) => [chart.cid, chart]));
  return html.replace(/\bsrc=(["'])cid:([^"']*)\1/gi, (whole, quote: string, cid: string) => {
    const chart = byCid.get(cid);
    if (chart === undefined) return whole;
    return `src=${quote}data:image/png;base64,${Buffer.from(chart.png).toString("base64")}${quote}`;
  });
}

/**
 * Prints a report's email HTML to PDF with the system Chromium, offline: each report section
 * (marked with the class `section`) after the first starts a new page; pages are numbered.
 */
export async function printPdf(html: string, options: PrintOptions): Promise<Uint8Array> {
  const print = (browser: Browser) =>
    withOfflinePage(browser, { width: 800, height: 1100 }, async (page) => {
      await page.emulateMedia({ media: "print", colorScheme: "light" });
      await page.setContent(inlineChartImages(html, options.charts), { waitUntil: "load" });
      await page.addStyleTag({ content: PRINT_CSS });
      const pdf = await page.pdf({
        format: options.paper,
        printBackground: true,
        margin: MARGIN,
        displayHeaderFooter: true,
        headerTemplate: "<div></div>",
        footerTemplate: FOOTER,
      });
      return new Uint8Array(pdf);
    });
  return options.browser === undefined ? withBrowser(print) : print(options.browser);
}
