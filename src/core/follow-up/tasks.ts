import type { Finding, Severity } from "../analysis/types.js";
import type { ReportDocument } from "../reports/document.js";
import type { AgendaItem } from "./agenda.js";

// Tasks: the findings worth acting on, kept across months. A finding's fingerprint is stable, so
// it maps to one task per tenant however often the reports are rebuilt. This module only plans:
// given the tasks on record and this period's agenda, it says what to create, refresh, resolve or
// reopen. The store applies the plan and logs every change.

/** Where a task stands. People move tasks between the first four; runs set `resolved-in-data`. */
export type TaskStatus = "open" | "doing" | "done" | "wont-do" | "resolved-in-data";

/** Statuses a person may set. */
export const PERSON_STATUSES = ["open", "doing", "done", "wont-do"] as const;

/** The statuses in board order. */
export const TASK_STATUSES: readonly TaskStatus[] = [...PERSON_STATUSES, "resolved-in-data"];

/** What a task says, as the latest run that saw its finding described it. */
export interface TaskContent {
  fingerprint: string;
  title: string;
  action: string;
  entity?: string;
  /** The configured role that acts on it. */
  owner: string;
  severity: Severity;
  due: string;
  /** Report id (`tenant/period/role`) and section anchor where the finding is shown. */
  report: string;
  section: string;
  /** Last period whose findings included it. */
  lastPeriod: string;
}

/** A task on record. */
export interface Task extends TaskContent {
  /** Short id, unique within the tenant (`T-12`). */
  id: string;
  tenant: string;
  status: TaskStatus;
  firstPeriod: string;
  updatedAt: string;
}

/** One change a run makes to the tasks of a tenant. */
export type TaskChange =
  | { kind: "create"; content: TaskContent }
  | { kind: "refresh"; id: string; content: TaskContent }
  | { kind: "reopen"; id: string; content: TaskContent }
  | { kind: "resolve"; id: string; period: string };

const SEVERITY_ORDER: readonly Severity[] = ["critical", "high", "medium", "low"];

/** True when `severity` is at or above `minimum` (critical is the highest). */
export function atLeast(severity: Severity, minimum: Severity): boolean {
  return SEVERITY_ORDER.indexOf(severity) <= SEVERITY_ORDER.indexOf(minimum);
}

/** Where a report shows a finding: the owner's report first, else the first report listing it. */
export function findingLocation(
  fingerprint: string,
  owner: string,
  documents: readonly ReportDocument[],
): { report: string; section: string } | undefined {
  const places = documents.flatMap((document) =>
    document.sections
      .filter((section) =>
        section.blocks.some(
          (b) => b.type === "findings" && b.findings.some((f) => f.fingerprint === fingerprint),
        ),
      )
      .map((section) => ({ role: document.role, report: document.id, section: section.id })),
  );
  const place = places.find((p) => p.role === owner) ?? places[0];
  return place === undefined ? undefined : { report: place.report, section: place.section };
}

/** What a run of `period` should change, given the agenda and the tasks on record. */
export function planTasks(input: {
  period: string;
  agenda: readonly AgendaItem[];
  /** Every finding of the period, task-worthy or not: a task is resolved only when its finding is gone. */
  findings: readonly Pick<Finding, "fingerprint">[];
  documents: readonly ReportDocument[];
  minSeverity: Severity;
  existing: readonly Task[];
}): TaskChange[] {
  const { period, agenda, documents, minSeverity, existing } = input;
  const byFingerprint = new Map(existing.map((t) => [t.fingerprint, t]));
  const changes: TaskChange[] = [];
  const firing = new Set(input.findings.map((f) => f.fingerprint));
  for (const item of agenda) {
    const { finding } = item;
    if (!atLeast(finding.severity, minSeverity)) continue;
    // A finding no report shows has no section to link to: it is not a task of this batch
    // (a run limited to one report, say).
    const place = findingLocation(finding.fingerprint, item.owner, documents);
    if (place === undefined) continue;
    const content: TaskContent = {
      fingerprint: finding.fingerprint,
      title: finding.title,
      action: finding.action,
      ...(finding.entity !== undefined ? { entity: finding.entity } : {}),
      owner: item.owner,
      severity: finding.severity,
      due: item.due,
      ...place,
      lastPeriod: period,
    };
    const task = byFingerprint.get(finding.fingerprint);
    if (task === undefined) changes.push({ kind: "create", content });
    // An older period re-run later must not rewrite what a newer one recorded.
    else if (task.lastPeriod > period) continue;
    else if (task.status === "resolved-in-data")
      changes.push({ kind: "reopen", id: task.id, content });
    else if (!sameContent(task, content)) changes.push({ kind: "refresh", id: task.id, content });
  }
  for (const task of existing) {
    if (firing.has(task.fingerprint) || task.lastPeriod > period) continue;
    // People's verdicts stand; only work still open is closed by the data.
    if (task.status === "open" || task.status === "doing")
      changes.push({ kind: "resolve", id: task.id, period });
  }
  return changes;
}

function sameContent(task: Task, content: TaskContent): boolean {
  return (Object.keys(content) as (keyof TaskContent)[]).every((k) => task[k] === content[k]);
}

/** What a refresh changed in a task's content, for its log line ("due 2026-11-05 → …"). */
export function describeRefresh(before: TaskContent, content: TaskContent): string {
  const fields: (keyof TaskContent)[] = ["severity", "due", "owner", "title", "report", "section"];
  const changed = fields
    .filter((k) => before[k] !== content[k])
    .map((k) => `${k} ${String(before[k] ?? "—")} → ${String(content[k] ?? "—")}`);
  return changed.length > 0 ? changed.join("; ") : `seen again in ${content.lastPeriod}`;
}
