import { describe, expect, it } from "vitest";
import { acmeReport } from "../../../test/helpers/documents.js";
import type { Finding } from "../analysis/types.js";
import type { ReportDocument } from "../reports/document.js";
import type { AgendaItem } from "./agenda.js";
import { findingLocation, planTasks, type Task } from "./tasks.js";

function finding(fingerprint: string, severity: Finding["severity"] = "high"): Finding {
  return {
    fingerprint,
    ruleId: fingerprint.split(":")[0] ?? fingerprint,
    category: "c",
    title: `title of ${fingerprint}`,
    severity,
    roles: ["cto"],
    evidence: [],
    action: `fix ${fingerprint}`,
    effort: 1,
    impact: 2,
  };
}

function item(f: Finding, rank: number, owner = "cto"): AgendaItem {
  return { finding: f, rank, owner, due: `2026-11-${String(rank * 3).padStart(2, "0")}` };
}

/** A report of `role` listing the findings in one section. */
function report(role: string, section: string, findings: Finding[]): ReportDocument {
  return acmeReport(role, [
    { id: section, blocks: [{ type: "findings", findings, emptyText: "" }] },
  ]);
}

const A = finding("a:1", "critical");
const B = finding("b:1", "high");
const C = finding("c:1", "medium");
const DOCS = [report("ceo", "agenda", [A, B, C]), report("cto", "security-gaps", [A, B])];

function task(f: Finding, status: Task["status"], extra: Partial<Task> = {}): Task {
  return {
    id: `T-${f.fingerprint.charCodeAt(0) - 96}`,
    tenant: "acme",
    status,
    firstPeriod: "2026-09",
    updatedAt: "2026-10-01T00:00:00.000Z",
    fingerprint: f.fingerprint,
    title: f.title,
    action: f.action,
    owner: "cto",
    severity: f.severity,
    due: "2026-11-03",
    report: "acme/2026-10/cto",
    section: "security-gaps",
    lastPeriod: "2026-10",
    ...extra,
  };
}

const plan = (
  existing: Task[],
  agenda = [item(A, 1), item(B, 2), item(C, 3)],
  period = "2026-10",
) =>
  planTasks({
    period,
    agenda,
    findings: agenda.map((i) => i.finding),
    documents: DOCS,
    minSeverity: "high",
    existing,
  });

describe("planTasks", () => {
  it("creates a task per finding at or above the minimum severity, linked to the owner's report", () => {
    const changes = plan([]);
    expect(changes.map((c) => c.kind)).toEqual(["create", "create"]);
    expect(changes[0]).toEqual({
      kind: "create",
      content: {
        fingerprint: "a:1",
        title: "title of a:1",
        action: "fix a:1",
        owner: "cto",
        severity: "critical",
        due: "2026-11-03",
        report: "acme/2026-10/cto",
        section: "security-gaps",
        lastPeriod: "2026-10",
      },
    });
  });

  it("changes nothing when the same period runs again", () => {
    const existing = [task(A, "open"), task(B, "open", { due: "2026-11-06" })];
    expect(plan(existing)).toEqual([]);
  });

  it("refreshes a task whose finding changed (severity, due date), keeping its status", () => {
    const existing = [
      task(A, "doing", { severity: "high" }),
      task(B, "open", { due: "2026-11-06" }),
    ];
    const changes = plan(existing);
    expect(changes).toEqual([
      { kind: "refresh", id: "T-1", content: expect.objectContaining({ severity: "critical" }) },
    ]);
  });

  it("resolves open and in-progress tasks whose finding no longer fires, but not people's verdicts", () => {
    const gone = finding("d:1");
    const done = finding("e:1");
    const existing = [
      task(A, "open"),
      task(B, "open", { due: "2026-11-06" }),
      task(gone, "doing"),
      task(done, "wont-do"),
    ];
    expect(
      plan(existing, [item(A, 1), item(B, 2)], "2026-11").filter((c) => c.kind === "resolve"),
    ).toEqual([{ kind: "resolve", id: "T-4", period: "2026-11" }]);
  });

  it("reopens a task resolved in data when its finding fires again", () => {
    const existing = [task(A, "resolved-in-data", { lastPeriod: "2026-09" })];
    const changes = plan(existing, [item(A, 1)], "2026-11");
    expect(changes).toEqual([
      { kind: "reopen", id: "T-1", content: expect.objectContaining({ lastPeriod: "2026-11" }) },
    ]);
  });

  it("leaves tasks a newer period recorded alone when an older period is re-run", () => {
    const existing = [task(A, "open", { lastPeriod: "2026-11", severity: "high" })];
    expect(plan(existing, [item(A, 1)], "2026-10")).toEqual([]);
    const gone = [task(finding("d:1"), "open", { lastPeriod: "2026-11" })];
    expect(plan(gone, [item(A, 1)], "2026-10")).toEqual([
      expect.objectContaining({ kind: "create" }),
    ]);
  });

  it("does not resolve a task whose finding still fires below the minimum severity", () => {
    const lowered = finding("b:1", "medium");
    const existing = [task(B, "open")];
    expect(plan(existing, [item(lowered, 1)])).toEqual([]);
  });

  it("skips a finding no report of the batch shows (a run limited to one report)", () => {
    const hidden = finding("z:9", "critical");
    expect(plan([], [item(hidden, 1)])).toEqual([]);
  });
});

describe("findingLocation", () => {
  it("prefers the owner's report, else the first report listing the finding", () => {
    expect(findingLocation("a:1", "cto", DOCS)).toEqual({
      report: "acme/2026-10/cto",
      section: "security-gaps",
    });
    expect(findingLocation("c:1", "cto", DOCS)).toEqual({
      report: "acme/2026-10/ceo",
      section: "agenda",
    });
    expect(findingLocation("nowhere", "cto", DOCS)).toBeUndefined();
  });
});
