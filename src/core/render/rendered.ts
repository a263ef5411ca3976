import type { ReportDocument } from "../reports/document.js";

/** A chart drawn from a document's chart spec: SVG for archive and dashboard, PNG for email. */
export interface RenderedChart {
  /** The chart spec's id (unique within a report). */
  id: string;
  title: string;
  svg: string;
  png: Uint8Array;
  /** Display size in CSS pixels (the PNG is drawn at 2x for sharp phone screens). */
  width: number;
  height: number;
  /** Content-ID the HTML email refers to as `cid:{cid}`. */
  cid: string;
  /** File name used in the archive and preview folder, e.g. `ceo-burn-by-month.png`. */
  fileName: string;
}

/** Every rendition of one report, ready to archive, preview or assemble into a message. */
export interface RenderedReport {
  document: ReportDocument;
  /** Email HTML; images refer to charts by `cid:`. */
  html: string;
  /** Plain-text alternative, wrapped at 72 columns. */
  text: string;
  markdown: string;
  json: string;
  charts: RenderedChart[];
  /** PDF of the report when Chromium is available and PDF output is on. */
  pdf?: Uint8Array;
}
