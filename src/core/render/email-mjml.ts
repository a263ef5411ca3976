import { monthName } from "../analysis/common.js";
import { roleLabel } from "../analysis/strategy.js";
import type { Figure, Finding, Table } from "../analysis/types.js";
import type { SourceFreshness } from "../model/index.js";
import { formatValue } from "../reports/compose.js";
import type { Block, ChartSpec, ReportDocument, Section, TaskItem } from "../reports/document.js";
import { chartTable } from "./chart-table.js";
import { DARK, FONT_STACK, LIGHT, SEVERITY_STYLE, STATUS_STYLE } from "./email-theme.js";
import { escapeHtml as esc } from "./escape.js";
import { periodDelta, targetStatus } from "./figure-status.js";

// Builds the MJML source of a report email. MJML turns it into the table-based, inline-styled,
// responsive HTML that Outlook, Gmail and Apple Mail all render; this module only decides content
// and layout, so it stays pure. Every piece of workspace text goes through `esc` exactly once.

/** How the email shows a chart: where its PNG is and how big it is. */
export interface EmailImage {
  chartId: string;
  src: string;
  width: number;
  height: number;
}

/** Everything besides the document that the email layout needs. */
export interface EmailLayoutOptions {
  /** PNG per chart id; a chart without one falls back to its data table. */
  images: readonly EmailImage[];
}

const WIDTH = 640;
/** Width inside the 24px side padding. */
const CONTENT_WIDTH = WIDTH - 48;

/** The MJML source of a report's email. */
export function buildEmailMjml(document: ReportDocument, options: EmailLayoutOptions): string {
  const images = new Map(options.images.map((i) => [i.chartId, i]));
  return [
    '<mjml lang="en">',
    head(document),
    `<mj-body background-color="${LIGHT.page}" width="${WIDTH}px" css-class="body">`,
    header(document),
    contents(document),
    ...document.sections.map((s) => section(s, images)),
    footer(document),
    "</mj-body>",
    "</mjml>",
  ].join("\n");
}

function head(document: ReportDocument): string {
  return `<mj-head>
<mj-title>${esc(document.subject)}</mj-title>
<mj-preview>${esc(preheader(document))}</mj-preview>
<mj-attributes>
<mj-all font-family="${FONT_STACK}" />
<mj-text font-size="15px" line-height="22px" color="${LIGHT.text}" padding="6px 24px" />
<mj-section background-color="${LIGHT.card}" padding="0" />
<mj-column padding="0" />
</mj-attributes>
<mj-raw><meta name="color-scheme" content="light dark"><meta name="supported-color-schemes" content="light dark"></mj-raw>
<mj-style inline="inline">${INLINE_STYLE}</mj-style>
<mj-style>${STYLE}</mj-style>
</mj-head>`;
}

// Inlined by MJML (juice), once per table, so a table keeps its shape in clients that drop
// <style> blocks. `word-break:normal` undoes MJML's `break-word`, which would otherwise let a
// squeezed table break "2026-05" one character per line instead of scrolling. Cell styles stay
// in the <style> block below: inlined on every cell they would add ~40 KB to a report.
const INLINE_STYLE = `
.tbl{border-collapse:collapse;width:100%;font-size:13px;line-height:18px;word-break:normal}
.scroll{overflow-x:auto}`;

// Not inlined on purpose: media queries only work from a <style> block. Clients that drop it
// (some webmail) still get the inline light theme, which is complete on its own.
const STYLE = `
h1,h2,h3,p{margin:0}
a{color:${LIGHT.accent}}
.tbl th{background:${LIGHT.tableHead};text-align:left;padding:6px 8px;border-bottom:1px solid ${LIGHT.rule}}
.tbl td{padding:6px 8px;border-bottom:1px solid ${LIGHT.rule};vertical-align:top}
.tbl .num{text-align:right;white-space:nowrap}
.tbl .key{white-space:nowrap}
.fixed table[role="presentation"]{table-layout:fixed}
@media only screen and (max-width:480px){
 .tbl{font-size:12px;line-height:16px}
 .tbl th,.tbl td{padding:5px 4px}
 .stack thead{display:none}
 .stack tr{display:block;padding:6px 0;border-bottom:1px solid ${LIGHT.rule}}
 .stack td{display:block;border:0!important;padding:1px 4px!important;text-align:left!important;white-space:normal!important}
 .stack td[data-label]::before{content:attr(data-label) ": ";font-weight:700}
 .tile{max-width:100%!important}
}
@media (prefers-color-scheme:dark){
 .body,.body>div{background:${DARK.page}!important}
 .card,.card>table,.card td{background:${DARK.card}!important;color:${DARK.text}!important}
 .card div,.card p,.card h1,.card h2,.card h3,.card li,.card th{color:${DARK.text}!important}
 .muted,.card .muted{color:${DARK.muted}!important}
 .tbl th{background:${DARK.tableHead}!important}
 .tbl td,.tbl th{border-color:${DARK.rule}!important}
 a{color:${DARK.accent}!important}
}`;

/** The inbox preview line: the first paragraph of the report (its summary), cut at a word. */
function preheader(document: ReportDocument): string {
  const first = document.sections
    .flatMap((s) => s.blocks)
    .find((b): b is Extract<Block, { type: "paragraph" }> => b.type === "paragraph");
  const text = (first?.text ?? document.title).replace(/\s+/g, " ").trim();
  return text.length <= 140 ? text : `${text.slice(0, 140).replace(/\s+\S*$/, "")}…`;
}

function card(body: string, extra = ""): string {
  return `<mj-section css-class="card"${extra}><mj-column>${body}</mj-column></mj-section>`;
}

function header(document: ReportDocument): string {
  const role = roleLabel(document.role);
  return [
    `<mj-section background-color="${LIGHT.accent}" padding="20px 0 16px"><mj-column>`,
    `<mj-text color="#ffffff" font-size="13px" line-height="18px" padding="0 24px">${esc(document.tenant.name)} · ${esc(monthName(document.period))} · ${esc(role)} report</mj-text>`,
    `<mj-text color="#ffffff" font-size="24px" line-height="30px" font-weight="700" padding="6px 24px 0"><h1 style="font-size:24px;line-height:30px;font-weight:700">${esc(document.title)}</h1></mj-text>`,
    "</mj-column></mj-section>",
    card(freshness(document.sources), ' padding="10px 0"'),
  ].join("\n");
}

/** Data freshness: a one-line summary, with every stale or empty source called out by name. */
function freshness(sources: readonly SourceFreshness[]): string {
  const fresh = sources.filter((s) => s.status === "fresh");
  const oldest = fresh
    .map((s) => s.asOf)
    .filter((d): d is string => d !== undefined)
    .sort()[0];
  const lines = [
    `<div class="muted" style="font-size:13px;color:${LIGHT.muted}"><strong>Data freshness:</strong> ${fresh.length} of ${sources.length} sources current${oldest !== undefined ? `, oldest as of ${esc(oldest)}` : ""}.</div>`,
  ];
  for (const s of sources.filter((x) => x.status !== "fresh")) {
    const style = STATUS_STYLE.stale;
    const detail =
      s.status === "empty"
        ? "no data"
        : `as of ${esc(s.asOf ?? "unknown")}${s.ageDays !== undefined ? `, ${s.ageDays} days before period end` : ""}`;
    lines.push(
      `<div style="margin-top:6px;padding:6px 8px;font-size:13px;background:${style.bg};color:${style.fg};border-left:4px solid ${style.fg}"><strong>${s.status === "stale" ? "STALE" : "EMPTY"}</strong> · ${esc(s.sourceId)} (${esc(s.type)}) · ${detail}</div>`,
    );
  }
  return `<mj-text padding="4px 24px">${lines.join("")}</mj-text>`;
}

function contents(document: ReportDocument): string {
  const links = document.sections
    .map((s) => `<a href="#${esc(s.id)}" style="color:${LIGHT.accent}">${esc(s.title)}</a>`)
    .join(" · ");
  return card(
    `<mj-text font-size="13px" line-height="20px" padding="4px 24px 12px"><strong>Contents:</strong> ${links}</mj-text>`,
  );
}

function section(value: Section, images: ReadonlyMap<string, EmailImage>): string {
  const stale = value.freshness.status === "stale";
  const note =
    value.freshness.status === "empty"
      ? "No data behind this section."
      : `Data as of ${esc(value.freshness.asOf ?? "unknown")}`;
  const badge = stale
    ? ` <span style="background:${STATUS_STYLE.stale.bg};color:${STATUS_STYLE.stale.fg};padding:1px 6px;font-weight:700">STALE</span>`
    : "";
  const title = `<h2 id="${esc(value.id)}" style="font-size:19px;line-height:25px;color:${LIGHT.text}"><a name="${esc(value.id)}"></a>${esc(value.title)}</h2><div class="muted" style="font-size:12px;color:${LIGHT.muted};margin:0 0 10px">${note}${badge}</div>`;
  // One MJML section and one text cell per report section: each MJML element costs ~1 KB of
  // Outlook scaffolding, and Gmail clips messages over 102 KB. The `section` class lets PDF
  // printing keep sections apart.
  const body = [title, ...value.blocks.map((b) => renderBlock(b, images))].join("\n");
  return `<mj-section css-class="section card" padding="12px 0 8px" border-top="1px solid ${LIGHT.rule}"><mj-column css-class="fixed"><mj-text>${body}</mj-text></mj-column></mj-section>`;
}

function renderBlock(block: Block, images: ReadonlyMap<string, EmailImage>): string {
  switch (block.type) {
    case "paragraph":
      return paragraphHtml(block.text);
    case "figures":
      return tiles(block.figures);
    case "table":
      return tableHtml(block.table);
    case "findings":
      return block.findings.length === 0
        ? emptyNote(block.emptyText)
        : block.findings.map(findingCard).join("");
    case "chart":
      return chart(block.chart, images.get(block.chart.id));
    case "tasks":
      return block.tasks.length === 0 ? emptyNote(block.emptyText) : taskList(block.tasks);
  }
}

function emptyNote(text: string): string {
  return `<p style="margin:0 0 10px"><em>${esc(text)}</em></p>`;
}

function paragraphHtml(text: string): string {
  return text
    .split(/\n{2,}/)
    .map((p) => `<p style="margin:0 0 10px">${esc(p)}</p>`)
    .join("");
}

/**
 * KPI tiles as inline blocks: two side by side in the 592px column, one per line on a phone,
 * without media queries (Gmail's app drops some) and without extra MJML sections.
 */
function tiles(list: readonly Figure[]): string {
  const cells = list.map(
    (f) =>
      `<div class="tile" style="display:inline-block;vertical-align:top;width:100%;max-width:296px;font-size:15px"><div class="tile-box" style="margin:0 4px 8px;padding:10px 12px;background:${LIGHT.tableHead};border-radius:4px">${tile(f)}</div></div>`,
  );
  // font-size:0 removes the whitespace gap between inline blocks that would wrap the second tile.
  return `<div style="font-size:0;margin:0 -4px 4px">${cells.join("")}</div>`;
}

function tile(figure: Figure): string {
  const status = targetStatus(figure);
  const delta = periodDelta(figure);
  const parts = [
    `<div class="muted" style="font-size:12px;line-height:16px;color:${LIGHT.muted}">${esc(figure.label)}</div>`,
    `<div class="tile-value" style="font-size:22px;line-height:28px;font-weight:700;color:${LIGHT.text}">${esc(formatValue(figure.value, figure.unit))}</div>`,
  ];
  if (status !== undefined) {
    const s = STATUS_STYLE[status.tone];
    parts.push(
      `<div style="font-size:12px;line-height:18px;margin-top:2px"><span style="background:${s.bg};color:${s.fg};padding:1px 6px;font-weight:700">${status.tone === "good" ? "✓" : "✗"} ${esc(status.label)}</span> <span class="muted" style="color:${LIGHT.muted}">${esc(status.target)}</span></div>`,
    );
  }
  if (delta !== undefined) {
    const s = STATUS_STYLE[delta.tone];
    parts.push(
      `<div style="font-size:12px;line-height:18px;color:${s.fg}">${delta.arrow} ${esc(delta.label)}</div>`,
    );
  }
  parts.push(
    `<div class="muted" style="font-size:11px;line-height:15px;color:${LIGHT.muted};margin-top:2px">As of ${esc(figure.asOf)}${figure.basis !== undefined ? ` · ${esc(figure.basis)}` : ""}</div>`,
  );
  return parts.join("");
}

/** Tables this wide become one card per row on a phone instead of scrolling sideways. */
const STACK_FROM_COLUMNS = 4;

function tableHtml(table: Table): string {
  const numeric = table.columns.map((c) => c.unit !== undefined);
  const stack = table.columns.length >= STACK_FROM_COLUMNS;
  const head = table.columns
    .map((c, i) => `<th scope="col"${numeric[i] ? ' class="num"' : ""}>${esc(c.label)}</th>`)
    .join("");
  // On a phone a stacked cell shows its column label in front of the value (CSS `attr()`).
  const labels = table.columns.map((c) =>
    stack && c.label !== "" ? ` data-label="${esc(c.label)}"` : "",
  );
  const rows = table.rows
    .map(
      (row) =>
        `<tr>${row
          .map((value, i) =>
            typeof value === "number"
              ? `<td class="num"${labels[i]}>${esc(formatValue(value, table.columns[i]?.unit))}</td>`
              : `<td${cellClass(numeric[i] === true, i, value)}${labels[i]}>${esc(value)}</td>`,
          )
          .join("")}</tr>`,
    )
    .join("");
  // The scroll box keeps wide tables from widening the whole email; it takes keyboard focus and
  // has a name so it can be scrolled without a pointer.
  return `<h3 style="font-size:14px;line-height:22px;font-weight:700;margin:6px 0">${esc(table.title)}</h3><div class="scroll" tabindex="0" role="region" aria-label="${esc(table.title)}"><table class="tbl${stack ? " stack" : ""}" role="table" cellpadding="0" cellspacing="0"><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table></div>`;
}

/** Numbers align right; a short first-column label, a date or a date range never wraps. */
function cellClass(numeric: boolean, index: number, value: string): string {
  if (numeric) return ' class="num"';
  const short = index === 0 && value.length <= 16;
  const date = /^\d{4}-\d{2}(-\d{2})?( to \d{4}-\d{2}(-\d{2})?)?$/.test(value);
  return short || date ? ' class="key"' : "";
}

/** A workspace path that may wrap after each `/` on a narrow screen. */
function pathHtml(file: string): string {
  return esc(file).replaceAll("/", "/<wbr>");
}

const EFFORT = ["", "hours", "days", "weeks"];
const IMPACT = ["", "low", "material", "decisive"];

function findingCard(finding: Finding): string {
  const s = SEVERITY_STYLE[finding.severity];
  const evidence = finding.evidence
    .map(
      (e) =>
        `<li style="margin:0 0 4px">${esc(e.text)} <span class="muted" style="color:${LIGHT.muted};font-size:12px">(${pathHtml(e.source.file)}${e.source.line !== undefined ? `:${e.source.line}` : ""})</span></li>`,
    )
    .join("");
  // `keep`: printing never splits a card across pages.
  return `<table class="keep" role="presentation" cellpadding="0" cellspacing="0" width="100%" style="margin:0 0 12px;border-left:4px solid ${s.edge};background:${LIGHT.card}"><tr><td style="padding:8px 12px;border:1px solid ${LIGHT.rule};border-left:0">
<div style="font-size:15px;line-height:21px"><span style="background:${s.bg};color:${s.fg};font-size:11px;font-weight:700;padding:2px 6px;letter-spacing:.5px">${finding.severity.toUpperCase()}</span> <strong>${esc(finding.title)}</strong></div>
<ul style="margin:6px 0 4px;padding-left:18px;font-size:13px;line-height:19px">${evidence}</ul>
<div style="font-size:14px;line-height:20px"><strong>Next action:</strong> ${esc(finding.action)}</div>
<div class="muted" style="font-size:12px;color:${LIGHT.muted};margin-top:2px">Effort: ${EFFORT[finding.effort]} · Impact: ${IMPACT[finding.impact]}</div>
</td></tr></table>`;
}

function chart(spec: ChartSpec, image: EmailImage | undefined): string {
  if (image === undefined) return tableHtml(chartTable(spec));
  const width = Math.min(image.width, CONTENT_WIDTH);
  const height = Math.round((image.height * width) / image.width);
  return `<h3 style="font-size:14px;line-height:22px;font-weight:700;margin:6px 0">${esc(spec.title)}</h3><img src="${esc(image.src)}" alt="${esc(chartAlt(spec))}" width="${width}" height="${height}" style="display:block;width:100%;max-width:${width}px;height:auto;margin:0 0 10px;border:0">`;
}

/** Alt text that carries the data's shape for screen readers and clients that block images. */
function chartAlt(spec: ChartSpec): string {
  const series = spec.series.map((s) => {
    const first = s.points[0];
    const last = s.points[s.points.length - 1];
    if (first === undefined || last === undefined) return `${s.name}: no data`;
    return `${s.name} from ${formatValue(first.y, spec.unit)} (${first.x}) to ${formatValue(last.y, spec.unit)} (${last.x})`;
  });
  return `${spec.title}: ${series.join("; ")}`;
}

function taskList(tasks: readonly TaskItem[]): string {
  return `<ul style="margin:0;padding-left:18px">${tasks
    .map(
      (t) =>
        `<li>${esc(t.title)} <span class="muted" style="color:${LIGHT.muted};font-size:12px">(${[
          t.status,
          t.owner,
          t.due !== undefined ? `due ${t.due}` : undefined,
        ]
          .filter(Boolean)
          .map((x) => esc(String(x)))
          .join(", ")})</span></li>`,
    )
    .join("")}</ul>`;
}

function footer(document: ReportDocument): string {
  return `<mj-section padding="16px 0 24px"><mj-column><mj-text font-size="12px" line-height="18px" color="${LIGHT.muted}" align="center" css-class="muted">Computed by exec-intel from ${document.sources.length} data sources for ${esc(document.tenant.name)}. Report ${esc(document.id)}.</mj-text></mj-column></mj-section>`;
}
