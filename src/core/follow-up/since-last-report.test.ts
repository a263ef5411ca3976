import { describe, expect, it } from "vitest";
import { acmeReport } from "../../../test/helpers/documents.js";
import { contextFor, emptyModel } from "../../../test/helpers/model.js";
import type { Intelligence } from "../analysis/intelligence.js";
import type { Figure, Finding } from "../analysis/types.js";
import type { Block, ReportDocument } from "../reports/document.js";
import {
  type PeriodSnapshot,
  previousPeriod,
  SINCE_LAST_REPORT,
  snapshotOf,
  withSinceLastReport,
} from "./since-last-report.js";
import type { Task } from "./tasks.js";

function finding(fingerprint: string, title = fingerprint): Finding {
  return {
    fingerprint,
    ruleId: "r",
    category: "c",
    title,
    severity: "high",
    roles: ["cto"],
    evidence: [],
    action: "a",
    effort: 1,
    impact: 2,
  };
}

function figure(id: string, value: number, extra: Partial<Figure> = {}): Figure {
  return {
    id,
    label: `label ${id}`,
    value,
    unit: "USD",
    asOf: "2026-10-31",
    sources: [],
    ...extra,
  };
}

function intelligenceWith(findings: Finding[], figures: Figure[] = []): Intelligence {
  return {
    context: contextFor(emptyModel(), {}, { ceo: { expectedKpis: [] }, cto: { expectedKpis: [] } }),
    figures: new Map(figures.map((f) => [f.id, f])),
    tables: new Map(),
    findings,
  };
}

function report(role: string, findings: Finding[], figures: Figure[] = []): ReportDocument {
  const blocks: Block[] = [
    { type: "findings", findings, emptyText: "none" },
    { type: "figures", figures },
  ];
  return acmeReport(role, [
    { id: "summary", blocks: [] },
    { id: "gaps", blocks },
  ]);
}

function task(id: string, fingerprint: string, extra: Partial<Task>): Task {
  return {
    id,
    tenant: "acme",
    status: "open",
    firstPeriod: "2026-09",
    updatedAt: "2026-10-02T08:00:00.000Z",
    fingerprint,
    title: `old title of ${fingerprint}`,
    action: "a",
    owner: "cto",
    severity: "high",
    due: "2026-10-10",
    report: "acme/2026-09/cto",
    section: "gaps",
    lastPeriod: "2026-09",
    ...extra,
  };
}

const sectionOf = (document: ReportDocument) =>
  document.sections.find((s) => s.id === SINCE_LAST_REPORT);

describe("since last report", () => {
  it("knows the month before, across a year end", () => {
    expect(previousPeriod("2026-10")).toBe("2026-09");
    expect(previousPeriod("2026-01")).toBe("2025-12");
  });

  it("comes right after the summary and says there is nothing to compare the first time", () => {
    const intel = intelligenceWith([finding("a")]);
    const out = withSinceLastReport(report("cto", [finding("a")]), intel, { tasks: [] });
    expect(out.sections.map((s) => s.id)).toEqual(["summary", SINCE_LAST_REPORT, "gaps"]);
    expect(sectionOf(out)?.blocks).toEqual([
      {
        type: "paragraph",
        text: "No report for September 2026 is on record, so there is nothing to compare with yet: the next report will list what changed since this one.",
      },
      {
        type: "paragraph",
        text: "No follow-up tasks yet (this role's): they are made from the findings of a report that passes the gate.",
      },
    ]);
  });

  it("counts new, resolved and still-open findings of this report only", () => {
    const previous: PeriodSnapshot = {
      period: "2026-09",
      runId: "R9",
      recordedAt: "2026-10-01T08:00:00.000Z",
      findings: [
        { fingerprint: "kept", title: "kept", severity: "high", shownTo: ["cto"] },
        { fingerprint: "gone", title: "gone", severity: "medium", shownTo: ["cto"] },
        { fingerprint: "elsewhere", title: "elsewhere", severity: "low", shownTo: ["cmo"] },
      ],
      figures: [],
    };
    const now = [finding("kept"), finding("fresh", "a fresh problem")];
    const out = withSinceLastReport(report("cto", now), intelligenceWith(now), {
      previous,
      tasks: [],
    });
    const blocks = sectionOf(out)?.blocks ?? [];
    expect(blocks[0]).toEqual({
      type: "paragraph",
      text: "Since the September 2026 report: 1 new finding, 1 finding no longer raised by the data, 1 still open.",
    });
    expect(blocks[1]).toMatchObject({
      type: "table",
      table: {
        id: "since-findings-cto",
        rows: [
          ["a fresh problem", "high", "new"],
          ["gone", "medium", "resolved in data"],
        ],
      },
    });
  });

  it("compares this report's figures with the snapshot's, largest relative change first", () => {
    const figures = [figure("flat", 100), figure("up", 150, { target: 200 }), figure("new", 5)];
    const previous: PeriodSnapshot = {
      period: "2026-09",
      runId: "R9",
      recordedAt: "t",
      findings: [],
      figures: [
        { id: "flat", label: "flat", value: 100, unit: "USD" },
        { id: "up", label: "up", value: 100, unit: "USD" },
      ],
    };
    const out = withSinceLastReport(report("cto", [], figures), intelligenceWith([], figures), {
      previous,
      tasks: [],
    });
    const table = sectionOf(out)?.blocks.find((b) => b.type === "table");
    expect(table).toMatchObject({
      table: {
        id: "since-figures-cto",
        // "flat" is unchanged and has no target: left out; "new" was not in September's report.
        rows: [["label up", "$100", "$150", "+$50", "$200"]],
      },
    });
  });

  it("lists the role's overdue tasks and those done since the last run, in today's wording", () => {
    const tasks = [
      task("T-1", "late", { due: "2026-10-05" }),
      task("T-2", "later", { due: "2026-11-20" }),
      task("T-3", "finished", { status: "done", updatedAt: "2026-10-20T00:00:00.000Z" }),
      task("T-4", "theirs", { owner: "cmo", due: "2026-10-01" }),
    ];
    const now = [finding("late", "late, now worse")];
    const previous: PeriodSnapshot = {
      period: "2026-09",
      runId: "R9",
      recordedAt: "2026-10-01T08:00:00.000Z",
      findings: [],
      figures: [],
    };
    const cto = sectionOf(
      withSinceLastReport(report("cto", now), intelligenceWith(now), { previous, tasks }),
    );
    expect(cto?.blocks.at(-2)).toEqual({
      type: "paragraph",
      text: "Follow-up tasks (this role's): 2 open, 1 of them due by 2026-10-31; 1 done since the last report.",
    });
    expect(cto?.blocks.at(-1)).toMatchObject({
      type: "tasks",
      tasks: [
        { id: "T-1", title: "late, now worse", status: "open" },
        { id: "T-3", title: "old title of finished", status: "done" },
      ],
    });
    const ceo = sectionOf(
      withSinceLastReport(report("ceo", now), intelligenceWith(now), { previous, tasks }),
    );
    expect(ceo?.blocks.at(-2)).toMatchObject({
      text: "Follow-up tasks (every role's): 3 open, 2 of them due by 2026-10-31; 1 done since the last report.",
    });
  });

  it("quotes the notes left on the previous month's report: the role's own, or every role's for the CEO", () => {
    const annotations = [
      {
        id: 1,
        tenant: "acme",
        period: "2026-09",
        role: "cto",
        section: "gaps",
        author: "sam@example.com",
        via: "dashboard" as const,
        text: "WAF is ordered",
        at: "t1",
      },
      {
        id: 2,
        tenant: "acme",
        period: "2026-09",
        role: "cfo",
        author: "helen@example.com",
        via: "email" as const,
        text: "Burn looks right",
        at: "t2",
      },
    ];
    const cto = sectionOf(
      withSinceLastReport(report("cto", []), intelligenceWith([]), { tasks: [], annotations }),
    );
    expect(cto?.blocks.at(-1)).toMatchObject({
      type: "table",
      table: {
        id: "since-notes-cto",
        title: "Notes on the September 2026 report",
        rows: [["sam@example.com", "cto#gaps", "dashboard", "WAF is ordered"]],
      },
    });
    const ceo = sectionOf(
      withSinceLastReport(report("ceo", []), intelligenceWith([]), { tasks: [], annotations }),
    );
    const table = ceo?.blocks.at(-1);
    expect(table?.type === "table" ? table.table.rows.length : 0).toBe(2);
  });

  it("snapshots where each finding was shown and every figure's value", () => {
    const a = finding("a");
    const snapshot = snapshotOf(
      intelligenceWith([a, finding("b")], [figure("x", 3)]),
      [report("cto", [a]), report("ceo", [a])],
      "R10",
      "2026-11-01T08:00:00.000Z",
    );
    expect(snapshot).toEqual({
      period: "2026-10",
      runId: "R10",
      recordedAt: "2026-11-01T08:00:00.000Z",
      findings: [
        { fingerprint: "a", title: "a", severity: "high", shownTo: ["ceo", "cto"] },
        { fingerprint: "b", title: "b", severity: "high", shownTo: [] },
      ],
      figures: [{ id: "x", label: "label x", value: 3, unit: "USD" }],
    });
  });
});
