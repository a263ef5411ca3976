import { monthName, periodEnd, plural } from "../analysis/common.js";
import type { Intelligence } from "../analysis/intelligence.js";
import type { Figure, Severity, Table } from "../analysis/types.js";
import type { Annotation } from "../dashboard/ports.js";
import { formatValue } from "../reports/compose.js";
import type { Block, ReportDocument, Section, TaskItem } from "../reports/document.js";
import type { Task } from "./tasks.js";

// "Since last report": what changed between the report of the previous period and this one.
// The previous period is read as its last gated run recorded it (a snapshot of its findings,
// where each was shown, and its figures), never recomputed from today's data, so the section
// compares what the reader was told then with what they are told now.

/** Section id every report carries right after its summary. */
export const SINCE_LAST_REPORT = "since-last-report";

/** A finding as a period's snapshot keeps it. */
export interface SnapshotFinding {
  fingerprint: string;
  title: string;
  severity: Severity;
  /** Roles whose reports showed it. */
  shownTo: string[];
}

/** A figure as a period's snapshot keeps it. */
export interface SnapshotFigure {
  id: string;
  label: string;
  value: number;
  unit: Figure["unit"];
}

/** What a gated run of a period told its readers, kept for the next period's comparison. */
export interface PeriodSnapshot {
  period: string;
  runId: string;
  /** When that run recorded it (ISO time). */
  recordedAt: string;
  findings: SnapshotFinding[];
  figures: SnapshotFigure[];
}

/**
 * What the next reports compare against: the previous period's snapshot, the tasks on record
 * and the notes people left on the previous period's reports.
 */
export interface ReportHistory {
  previous?: PeriodSnapshot;
  tasks: readonly Task[];
  annotations?: readonly Annotation[];
}

/** Most rows the figure comparison shows: the largest relative changes first. */
const MAX_FIGURE_ROWS = 8;
/** Most tasks listed (overdue, then done); the rest are counted. */
const MAX_TASKS = 6;
/** Most notes quoted; the rest are counted. */
const MAX_NOTES = 5;

/** The snapshot of a period's gated reports. */
export function snapshotOf(
  intelligence: Intelligence,
  reports: readonly ReportDocument[],
  runId: string,
  recordedAt: string,
): PeriodSnapshot {
  const shownTo = new Map<string, Set<string>>();
  for (const document of reports)
    for (const f of shownFindings(document))
      shownTo.set(f, (shownTo.get(f) ?? new Set()).add(document.role));
  return {
    period: intelligence.context.period,
    runId,
    recordedAt,
    findings: intelligence.findings.map((f) => ({
      fingerprint: f.fingerprint,
      title: f.title,
      severity: f.severity,
      shownTo: [...(shownTo.get(f.fingerprint) ?? [])].sort(),
    })),
    figures: [...intelligence.figures.values()].map((f) => ({
      id: f.id,
      label: f.label,
      value: f.value,
      unit: f.unit,
    })),
  };
}

/** The period before `period` (`2026-01` → `2025-12`). */
export function previousPeriod(period: string): string {
  const [year, month] = period.split("-").map(Number) as [number, number];
  return month === 1 ? `${year - 1}-12` : `${year}-${String(month - 1).padStart(2, "0")}`;
}

/** The report with its "Since last report" section inserted after the summary. */
export function withSinceLastReport(
  document: ReportDocument,
  intelligence: Intelligence,
  history: ReportHistory,
): ReportDocument {
  const section = sinceLastReport(document, intelligence, history);
  const at = document.sections.findIndex((s) => s.id === "summary") + 1;
  return {
    ...document,
    sections: [...document.sections.slice(0, at), section, ...document.sections.slice(at)],
  };
}

function sinceLastReport(
  document: ReportDocument,
  intelligence: Intelligence,
  history: ReportHistory,
): Section {
  const { period } = intelligence.context;
  const role = document.role;
  const blocks: Block[] = [];
  const { previous } = history;
  if (previous === undefined) {
    blocks.push({
      type: "paragraph",
      text: `No report for ${monthName(previousPeriod(period))} is on record, so there is nothing to compare with yet: the next report will list what changed since this one.`,
    });
  } else {
    blocks.push(
      ...findingChanges(document, intelligence, previous),
      ...figureChanges(document, previous),
    );
  }
  blocks.push(
    ...taskBlocks(role, intelligence, history),
    ...noteBlocks(role, intelligence, history),
  );
  return {
    id: SINCE_LAST_REPORT,
    title: "Since last report",
    // The section is about the record of earlier runs, not about a source's data.
    freshness: { status: "fresh", asOf: periodEnd(period), sources: [] },
    blocks,
  };
}

function shownFindings(document: ReportDocument): string[] {
  return [
    ...new Set(
      document.sections.flatMap((s) =>
        s.blocks.flatMap((b) =>
          b.type === "findings" ? b.findings.map((f) => f.fingerprint) : [],
        ),
      ),
    ),
  ];
}

function findingChanges(
  document: ReportDocument,
  intelligence: Intelligence,
  previous: PeriodSnapshot,
): Block[] {
  const now = new Set(shownFindings(document));
  const firing = new Set(intelligence.findings.map((f) => f.fingerprint));
  const before = previous.findings.filter((f) => f.shownTo.includes(document.role));
  const beforeIds = new Set(before.map((f) => f.fingerprint));
  const added = intelligence.findings.filter(
    (f) => now.has(f.fingerprint) && !beforeIds.has(f.fingerprint),
  );
  const resolved = before.filter((f) => !firing.has(f.fingerprint));
  const still = before.filter((f) => now.has(f.fingerprint));
  const month = monthName(previous.period);
  const blocks: Block[] = [
    {
      type: "paragraph",
      text: `Since the ${month} report: ${plural(added.length, "new finding")}, ${plural(resolved.length, "finding")} no longer raised by the data, ${still.length} still open.`,
    },
  ];
  const rows = [
    ...added.map((f) => [f.title, f.severity, "new"]),
    ...resolved.map((f) => [f.title, f.severity, "resolved in data"]),
  ];
  if (rows.length > 0) {
    const table: Table = {
      id: `since-findings-${document.role}`,
      title: `Findings new or resolved since the ${month} report`,
      columns: [
        { key: "finding", label: "Finding" },
        { key: "severity", label: "Severity" },
        { key: "change", label: "Change" },
      ],
      rows,
    };
    blocks.push({ type: "table", table });
  }
  return blocks;
}

function figureChanges(document: ReportDocument, previous: PeriodSnapshot): Block[] {
  const before = new Map(previous.figures.map((f) => [f.id, f]));
  const shown = new Map<string, Figure>();
  for (const s of document.sections)
    for (const b of s.blocks)
      if (b.type === "figures") for (const f of b.figures) shown.set(f.id, f);
  const compared = [...shown.values()].flatMap((f) => {
    const then = before.get(f.id);
    return then !== undefined && then.unit === f.unit ? [{ now: f, then }] : [];
  });
  const relative = ({ now, then }: (typeof compared)[number]) =>
    Math.abs(now.value - then.value) / Math.max(Math.abs(then.value), 1);
  const changed = compared
    .filter((c) => c.now.value !== c.then.value || c.now.target !== undefined)
    .sort((a, b) => relative(b) - relative(a) || a.now.id.localeCompare(b.now.id))
    .slice(0, MAX_FIGURE_ROWS);
  if (changed.length === 0) return [];
  const month = monthName(previous.period);
  const table: Table = {
    id: `since-figures-${document.role}`,
    title: `Figures against the ${month} report`,
    columns: [
      { key: "figure", label: "Figure" },
      { key: "then", label: `${month} report` },
      { key: "now", label: "Now" },
      { key: "change", label: "Change" },
      { key: "target", label: "Target" },
    ],
    rows: changed.map(({ now, then }) => {
      const delta = now.value - then.value;
      return [
        now.label,
        formatValue(then.value, then.unit),
        formatValue(now.value, now.unit),
        delta === 0
          ? "unchanged"
          : `${delta > 0 ? "+" : "-"}${formatValue(Math.abs(delta), now.unit)}`,
        now.target === undefined ? "—" : formatValue(now.target, now.unit),
      ];
    }),
  };
  return [{ type: "table", table }];
}

function taskBlocks(role: string, intelligence: Intelligence, history: ReportHistory): Block[] {
  const { period } = intelligence.context;
  const end = periodEnd(period);
  const isCeo = intelligence.context.roles[role]?.report === "ceo";
  const mine = history.tasks.filter((t) => isCeo || t.owner === role);
  const active = mine.filter((t) => t.status === "open" || t.status === "doing");
  const overdue = active.filter((t) => t.due <= end).sort((a, b) => a.due.localeCompare(b.due));
  const since = history.previous?.recordedAt;
  // Done at or after the previous period's run recorded its report (the same instant only when
  // clocks are fixed, as in tests).
  const done = mine.filter(
    (t) => t.status === "done" && (since === undefined || t.updatedAt >= since),
  );
  const whose = isCeo ? "every role's" : "this role's";
  if (mine.length === 0)
    return [
      {
        type: "paragraph",
        text: `No follow-up tasks yet (${whose}): they are made from the findings of a report that passes the gate.`,
      },
    ];
  const listed = [...overdue, ...done].slice(0, MAX_TASKS);
  const rest = overdue.length + done.length - listed.length;
  // A task's title is as the run that last refreshed it wrote it; a finding still firing is
  // described as this period's data has it ("overdue by 93 days", not 62).
  const current = new Map(intelligence.findings.map((f) => [f.fingerprint, f.title]));
  const items: TaskItem[] = listed.map((t) => ({
    id: t.id,
    title: current.get(t.fingerprint) ?? t.title,
    status: t.status === "resolved-in-data" ? "done" : t.status,
    owner: t.owner,
    due: t.due,
  }));
  return [
    {
      type: "paragraph",
      text: `Follow-up tasks (${whose}): ${active.length} open, ${overdue.length} of them due by ${end}; ${done.length} done since the last report.${rest > 0 ? ` The list shows ${listed.length}; ${rest} more are in the task list.` : ""}`,
    },
    { type: "tasks", tasks: items, emptyText: "No task is overdue or newly done." },
  ];
}

function noteBlocks(role: string, intelligence: Intelligence, history: ReportHistory): Block[] {
  const isCeo = intelligence.context.roles[role]?.report === "ceo";
  const notes = (history.annotations ?? []).filter((n) => isCeo || n.role === role);
  if (notes.length === 0) return [];
  const month = monthName(notes[0]?.period ?? previousPeriod(intelligence.context.period));
  const quoted = notes.slice(-MAX_NOTES);
  const rows = quoted.map((n) => [
    n.author,
    `${n.role}${n.section !== undefined ? `#${n.section}` : ""}`,
    n.via,
    n.text,
  ]);
  const table: Table = {
    id: `since-notes-${role}`,
    title: `Notes on the ${month} report${notes.length > quoted.length ? ` (latest ${quoted.length} of ${notes.length})` : ""}`,
    columns: [
      { key: "author", label: "From" },
      { key: "where", label: "On" },
      { key: "via", label: "Via" },
      { key: "text", label: "Note" },
    ],
    rows,
  };
  return [{ type: "table", table }];
}
