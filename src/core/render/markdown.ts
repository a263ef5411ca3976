import { roleLabel } from "../analysis/strategy.js";
import type { Figure, Finding, Table } from "../analysis/types.js";
import { formatValue } from "../reports/compose.js";
import type { Block, ChartSpec, ReportDocument, Section, TaskItem } from "../reports/document.js";
import { chartTable } from "./chart-table.js";

/** Renders a report as Markdown for the archive and the dashboard (GitHub-flavoured tables). */
export function renderMarkdown(document: ReportDocument): string {
  const out: string[] = [
    `# ${text(document.title)}`,
    "",
    `${text(document.tenant.name)} · ${document.period} · ${roleLabel(document.role)} report · \`${document.id}\``,
    "",
    `Contents: ${document.sections.map((s) => `[${text(s.title)}](#${s.id})`).join(" · ")}`,
    "",
  ];
  for (const section of document.sections) out.push(...renderSection(section, document.role));
  return `${out
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trimEnd()}\n`;
}

function renderSection(section: Section, role: string): string[] {
  const fresh = section.freshness;
  const freshness =
    fresh.status === "empty"
      ? "_No data behind this section._"
      : `_Data as of ${fresh.asOf ?? "unknown"}${fresh.status === "stale" ? " — **STALE**" : ""}._`;
  return [
    `<a id="${section.id}"></a>`,
    `## ${text(section.title)}`,
    "",
    freshness,
    "",
    ...section.blocks.flatMap((b) => [...renderBlock(b, role), ""]),
  ];
}

function renderBlock(block: Block, role: string): string[] {
  switch (block.type) {
    case "paragraph":
      return [text(block.text)];
    case "figures":
      return renderFigures(block.figures);
    case "table":
      return renderTable(block.table);
    case "findings":
      return block.findings.length === 0
        ? [`_${text(block.emptyText)}_`]
        : block.findings.flatMap(renderFinding);
    case "chart":
      return renderChart(block.chart, role);
    case "tasks":
      return block.tasks.length === 0
        ? [`_${text(block.emptyText)}_`]
        : block.tasks.map(renderTask);
  }
}

function renderFigures(figures: readonly Figure[]): string[] {
  return [
    "| Figure | Value | As of | Basis |",
    "|---|---:|---|---|",
    ...figures.map(
      (f) =>
        `| ${cell(f.label)} | ${formatValue(f.value, f.unit)} | ${f.asOf} | ${cell(f.basis ?? "")} |`,
    ),
  ];
}

function renderTable(table: Table): string[] {
  const header = `| ${table.columns.map((c) => cell(c.label)).join(" | ")} |`;
  const rule = `|${table.columns.map((c) => (c.unit !== undefined ? "---:" : "---")).join("|")}|`;
  const rows = table.rows.map(
    (row) =>
      `| ${row.map((value, i) => (typeof value === "number" ? formatValue(value, table.columns[i]?.unit) : cell(value))).join(" | ")} |`,
  );
  return [`**${text(table.title)}**`, "", header, rule, ...rows];
}

function renderFinding(finding: Finding, index: number): string[] {
  return [
    `${index + 1}. **[${finding.severity.toUpperCase()}] ${text(finding.title)}**`,
    ...finding.evidence.map(
      (e) =>
        `   - Evidence: ${text(e.text)} (${text(e.source.file)}${e.source.line !== undefined ? `:${e.source.line}` : ""})`,
    ),
    `   - Next action: ${text(finding.action)}`,
    `   - Effort ${["", "hours", "days", "weeks"][finding.effort]}, impact ${["", "low", "material", "decisive"][finding.impact]} · ${codeSpan(finding.fingerprint)}`,
  ];
}

/**
 * A chart as its SVG (written next to the report as `{role}-{chart id}.svg` by the preview and
 * the archive), then its data, so the numbers stay readable where images are not shown.
 */
function renderChart(chart: ChartSpec, role: string): string[] {
  const file = encodeURIComponent(`${role}-${chart.id}.svg`);
  const alt = cell(chart.title);
  return [
    `![${alt}](${file})`,
    "",
    ...renderTable({ ...chartTable(chart), title: `${chart.title} (chart data)` }),
  ];
}

function renderTask(task: TaskItem): string {
  const box = task.status === "done" ? "x" : " ";
  const extra = [task.owner, task.due !== undefined ? `due ${task.due}` : undefined, task.status]
    .filter((part): part is string => part !== undefined)
    .map(text)
    .filter(Boolean)
    .join(", ");
  return `- [${box}] ${text(task.title)} (${extra})`;
}

/** Escapes text from the workspace so it cannot inject HTML or break Markdown structure. */
function text(value: string): string {
  // Brackets and backticks are backslash-escaped so data can never form a link
  // (`[x](javascript:…)`), an image or a code span; `<` and `&` so it can never form HTML.
  return value
    .replaceAll("\\", "\\\\")
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replace(/[[\]`]/g, "\\$&");
}

/** A code span whose fence is longer than any backtick run inside, so data cannot close it. */
function codeSpan(value: string): string {
  const longest = Math.max(0, ...[...value.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = "`".repeat(longest + 1);
  const pad = value.startsWith("`") || value.endsWith("`") ? " " : "";
  // Entities are not decoded inside code spans, so hostile `<` shows as "&lt;": visible and inert.
  const inert = value.replace(/\r?\n/g, " ").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
  return `${fence}${pad}${inert}${pad}${fence}`;
}

function cell(value: string): string {
  return text(value).replaceAll("|", "\\|").replace(/\r?\n/g, " ");
}
