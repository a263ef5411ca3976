import { roleLabel } from "../analysis/strategy.js";
import type { Cell, Figure, Finding, Table } from "../analysis/types.js";
import type { SourceFreshness } from "../model/index.js";
import { formatValue } from "../reports/compose.js";
import type { Block, ReportDocument, Section, TaskItem } from "../reports/document.js";
import { chartTable } from "./chart-table.js";
import { periodDelta, targetStatus } from "./figure-status.js";

/** Column limit of the plain-text alternative: what every mail client shows without reflowing. */
export const TEXT_WIDTH = 72;

const EFFORT = ["", "hours", "days", "weeks"] as const;
const IMPACT = ["", "low", "material", "decisive"] as const;

/** Renders a report as the plain-text alternative of its email: same content and order, 72 columns. */
export function renderText(document: ReportDocument): string {
  const out: string[] = [
    ...underlined(document.title, "="),
    "",
    ...wrap(
      `${document.tenant.name} · ${document.period} · ${roleLabel(document.role)} report · ${document.id}`,
    ),
    "",
    ...renderSources(document.sources),
    "",
    "Contents",
    ...document.sections.flatMap((s, i) => numbered(i + 1, s.title, "  ")),
    "",
  ];
  document.sections.forEach((section, i) => {
    out.push("", ...renderSection(section, i + 1, document.sources));
  });
  return `${out
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trimEnd()}\n`;
}

function renderSources(sources: readonly SourceFreshness[]): string[] {
  const stale = sources.filter((s) => s.status === "stale");
  const summary =
    sources.length === 0
      ? "Data freshness: no sources."
      : stale.length === 0
        ? `Data freshness: ${count(sources.length, "source")}, none stale.`
        : `Data freshness: ${stale.length} of ${count(sources.length, "source")} STALE: ${stale.map(staleName).join(", ")}.`;
  if (sources.length === 0) return wrap(summary);
  return [
    ...wrap(summary),
    "",
    ...renderTable({
      id: "sources",
      title: "",
      columns: [
        { key: "source", label: "Source" },
        { key: "type", label: "Type" },
        { key: "records", label: "Records", unit: "count" },
        { key: "asOf", label: "As of" },
        { key: "status", label: "Status" },
      ],
      rows: sources.map((s) => [
        s.sourceId,
        s.type,
        s.records,
        s.asOf ?? "—",
        s.status === "stale"
          ? `STALE${s.ageDays !== undefined ? `, ${s.ageDays} days` : ""}`
          : s.status,
      ]),
    }),
  ];
}

function staleName(source: SourceFreshness): string {
  return source.ageDays !== undefined
    ? `${source.sourceId} (${source.ageDays} days old)`
    : source.sourceId;
}

function renderSection(
  section: Section,
  number: number,
  sources: readonly SourceFreshness[],
): string[] {
  return [
    ...underlined(`${number}. ${section.title}`, "-"),
    "",
    ...wrap(freshnessLine(section, sources)),
    "",
    ...section.blocks.flatMap((b) => [...renderBlock(b), ""]),
  ];
}

function freshnessLine(section: Section, sources: readonly SourceFreshness[]): string {
  const fresh = section.freshness;
  if (fresh.status === "empty") return "No data behind this section.";
  const asOf = `Data as of ${fresh.asOf ?? "unknown"}`;
  if (fresh.status !== "stale") return `${asOf}.`;
  const stale = sources.filter((s) => s.status === "stale" && fresh.sources.includes(s.sourceId));
  return stale.length === 0
    ? `${asOf} — STALE.`
    : `${asOf} — STALE: ${stale.map(staleName).join(", ")}.`;
}

function renderBlock(block: Block): string[] {
  switch (block.type) {
    case "paragraph":
      return wrap(block.text);
    case "figures":
      return block.figures.flatMap(renderFigure);
    case "table":
      return renderTable(block.table);
    case "findings":
      return block.findings.length === 0
        ? wrap(block.emptyText)
        : block.findings.flatMap((f, i) => [...(i > 0 ? [""] : []), ...renderFinding(f, i + 1)]);
    case "chart":
      return renderTable({
        ...chartTable(block.chart),
        title: `${block.chart.title} (chart data)`,
      });
    case "tasks":
      return block.tasks.length === 0 ? wrap(block.emptyText) : block.tasks.flatMap(renderTask);
  }
}

function renderFigure(figure: Figure): string[] {
  const status = targetStatus(figure);
  const delta = periodDelta(figure);
  const comparison = [
    status !== undefined ? `${capitalise(status.target)}.` : "",
    delta !== undefined && figure.previous !== undefined
      ? `${capitalise(delta.label)} (${formatValue(figure.previous, figure.unit)}).`
      : "",
  ].join(" ");
  return [
    ...wrap(
      `${figure.label}: ${formatValue(figure.value, figure.unit)}${status !== undefined ? ` (${status.label})` : ""}`,
    ),
    ...wrap(comparison, "  "),
    ...wrap(`As of ${figure.asOf}.${figure.basis !== undefined ? ` ${figure.basis}` : ""}`, "  "),
  ];
}

function renderFinding(finding: Finding, number: number): string[] {
  const label = `${number}. `;
  const indent = " ".repeat(label.length);
  return [
    ...wrap(`${label}[${finding.severity.toUpperCase()}] ${finding.title}`, "", indent),
    ...finding.evidence.flatMap((e) =>
      wrap(
        `Evidence: ${e.text} (${e.source.file}${e.source.line !== undefined ? `:${e.source.line}` : ""})`,
        indent,
        `${indent}  `,
      ),
    ),
    ...wrap(`Next action: ${finding.action}`, indent, `${indent}  `),
    ...wrap(
      `Effort: ${EFFORT[finding.effort]}. Impact: ${IMPACT[finding.impact]}. Ref: ${finding.fingerprint}`,
      indent,
      `${indent}  `,
    ),
  ];
}

function renderTask(task: TaskItem): string[] {
  const extra = [task.owner, task.due !== undefined ? `due ${task.due}` : undefined, task.status]
    .filter((part) => part !== undefined && part !== "")
    .join(", ");
  return wrap(`- ${task.title} (${extra})`, "", "  ");
}

/**
 * A monospace table; headers wrap onto more lines before the table gives up on columns, and a
 * table that still cannot fit 72 wide becomes one `Label: value` block per row.
 */
function renderTable(table: Table): string[] {
  const title = table.title === "" ? [] : [...wrap(table.title), ""];
  const labels = table.columns.map((c) => singleLine(c.label));
  const cells = table.rows.map((row) =>
    table.columns.map((column, i) => cellText(row[i], column.unit)),
  );
  const fitted = fitColumns(labels, cells);
  if (fitted === undefined) return [...title, ...renderRecords(labels, cells)];
  const { widths, gutter } = fitted;
  const numeric = table.columns.map(
    (column, i) =>
      column.unit !== undefined ||
      (table.rows.length > 0 && table.rows.every((row) => typeof row[i] === "number")),
  );
  const line = (values: readonly string[]) =>
    values
      .map((v, i) => (numeric[i] ? padStart(v, widths[i] ?? 0) : padEnd(v, widths[i] ?? 0)))
      .join(gutter)
      .trimEnd();
  const headers = labels.map((label, i) => wrap(label, "", "", widths[i]));
  const depth = Math.max(1, ...headers.map((h) => h.length));
  // Headers sit on the rule, as in a printed statement: short ones get blank lines above.
  const headerLines = Array.from({ length: depth }, (_, row) =>
    line(headers.map((h) => h[row - (depth - h.length)] ?? "")),
  );
  return [
    ...title,
    ...headerLines,
    widths.map((w) => "-".repeat(w)).join(gutter),
    ...cells.map(line),
  ];
}

/**
 * Column widths and gutter that fit 72 columns, or undefined. Headers wrap at spaces when they
 * must, as few lines deep as the width allows; a single-space gutter is the last resort.
 */
function fitColumns(
  labels: readonly string[],
  cells: readonly string[][],
): { widths: number[]; gutter: string } | undefined {
  const narrowest = labels.map((label, i) =>
    Math.max(0, ...cells.map((row) => width(row[i] ?? "")), ...label.split(" ").map(width)),
  );
  const deepest = Math.max(
    1,
    ...labels.map((label, i) => wrap(label, "", "", narrowest[i]).length),
  );
  for (const gutter of ["  ", " "]) {
    for (let depth = 1; depth <= deepest; depth++) {
      const widths = labels.map((label, i) => widthForDepth(label, narrowest[i] ?? 0, depth));
      const total = widths.reduce((sum, w) => sum + w, gutter.length * (widths.length - 1));
      if (total <= TEXT_WIDTH) return { widths, gutter };
    }
  }
  return undefined;
}

/** The least width from `from` up at which a header wraps to at most `depth` lines. */
function widthForDepth(label: string, from: number, depth: number): number {
  let w = from;
  while (wrap(label, "", "", w).length > depth) w++;
  return w;
}

function renderRecords(labels: readonly string[], rows: readonly string[][]): string[] {
  return rows.flatMap((row, r) => [
    ...(r > 0 ? [""] : []),
    ...row.flatMap((value, i) => {
      if (value === "") return [];
      const label = labels[i] ?? "";
      return wrap(label === "" ? value : `${label}: ${value}`, "  ", "    ");
    }),
  ]);
}

function cellText(value: Cell | undefined, unit: Figure["unit"] | undefined): string {
  if (value === undefined) return "";
  return typeof value === "number" ? formatValue(value, unit) : singleLine(value);
}

function numbered(number: number, text: string, indent: string): string[] {
  const label = `${number}. `;
  return wrap(`${label}${text}`, indent, indent + " ".repeat(label.length));
}

/** A heading with a rule of `char` under it as long as its longest line. */
function underlined(text: string, char: string): string[] {
  const lines = wrap(text);
  const longest = Math.min(TEXT_WIDTH, Math.max(0, ...lines.map(width)));
  return [...lines, char.repeat(longest)];
}

/**
 * Wraps text at 72 columns (or `limit`) with a first-line and a continuation prefix. A word longer than the
 * line stands on a line of its own rather than being cut: a URL must stay whole to be followed.
 */
function wrap(text: string, first = "", rest = first, limit = TEXT_WIDTH): string[] {
  const lines: string[] = [];
  let current = "";
  const prefix = () => (lines.length === 0 ? first : rest);
  for (const word of singleLine(text).split(" ")) {
    if (word === "") continue;
    if (current === "") current = word;
    else if (width(`${prefix()}${current} ${word}`) <= limit) current += ` ${word}`;
    else {
      lines.push(prefix() + current);
      current = word;
    }
  }
  if (current !== "") lines.push(prefix() + current);
  return lines;
}

// Bidirectional overrides could make a line display in an order other than the one it is read in.
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;
// Control characters, line and paragraph separators and every kind of space become one space, so
// untrusted text can neither break a line nor move the cursor.
const BREAKING = /[\p{Cc}\p{Zl}\p{Zp}\s]+/gu;

/** Workspace text on one line: no control characters, no line breaks, single spaces. */
function singleLine(value: string): string {
  return value.replace(BIDI_CONTROLS, "").replace(BREAKING, " ").trim();
}

/** Width in columns, counted in code points (an astral character is one column, not two). */
function width(value: string): number {
  let n = 0;
  for (const _ of value) n++;
  return n;
}

function padEnd(value: string, size: number): string {
  return value + " ".repeat(Math.max(0, size - width(value)));
}

function padStart(value: string, size: number): string {
  return " ".repeat(Math.max(0, size - width(value))) + value;
}

function capitalise(value: string): string {
  return value.charAt(0).toUpperCase() + value.slice(1);
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}
