import { describe, expect, it } from "vitest";
import { DEFAULT_SETTINGS } from "../../../test/gate/fixtures.js";
import type { TenantConfig } from "../config.js";
import type { ReportDocument, Section } from "../reports/document.js";
import { coverageGate } from "./coverage.js";
import { freshnessGate } from "./freshness.js";
import { runGates } from "./index.js";
import { limitsGate } from "./limits.js";
import type { GateInput, GateReport } from "./types.js";

// Coverage, freshness and limits on small hand-built batches; the credentials, canonical-names
// and figure-consistency gates have test files of their own.

const section = (id: string, over: Partial<Section> = {}): Section => ({
  id,
  title: id,
  freshness: { status: "fresh", asOf: "2026-10-30", sources: ["ledger"] },
  blocks: [{ type: "paragraph", text: `About ${id}.` }],
  ...over,
});

const FIGURES_SECTION = section("burn-rate", {
  blocks: [
    {
      type: "figures",
      figures: [
        { id: "burn", label: "Burn", value: 1, unit: "USD", asOf: "2026-10-31", sources: [] },
      ],
    },
  ],
});

function cfo(sections: Section[]): ReportDocument {
  return {
    id: "acme/2026-10/cfo",
    tenant: { id: "acme", name: "Acme" },
    period: "2026-10",
    role: "cfo",
    title: "CFO report",
    subject: "CFO · Oct 2026",
    sources: [],
    sections,
  };
}

const COMPLETE = cfo([
  section("summary"),
  section("since-last-report"),
  FIGURES_SECTION,
  section("capital-deployment"),
  section("break-even"),
  section("revenue-targets"),
  section("financial-rules"),
]);

const report = (document: ReportDocument, over: Partial<GateReport> = {}): GateReport => ({
  document,
  outputs: [],
  htmlBytes: 50_000,
  messageBytes: 200_000,
  recipientsPerMessage: 1,
  ...over,
});

function input(over: Partial<GateInput> = {}): GateInput {
  return {
    tenant: {
      id: "acme",
      entities: [],
      roles: { cfo: { recipients: [], expectedKpis: [] } },
    } as unknown as TenantConfig,
    period: "2026-10",
    sources: [],
    reports: [report(COMPLETE)],
    secrets: [],
    settings: DEFAULT_SETTINGS,
    ...over,
  };
}

describe("coverage gate", () => {
  it("passes a complete report", () => {
    expect(coverageGate(input())).toEqual([]);
  });

  it("names a configured role whose report is missing, and how to find out why", () => {
    // The config check refuses a role that names no report, so a missing one failed to build.
    const problems = coverageGate(
      input({
        tenant: {
          id: "acme",
          roles: {
            cfo: { recipients: [], expectedKpis: [] },
            landlord: { report: "rental-property", recipients: [], expectedKpis: [] },
          },
        } as unknown as TenantConfig,
      }),
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]?.message).toBe('role "landlord" of tenant acme produced no report');
    expect(problems[0]?.fix).toBe(
      'the "landlord" report failed to render; run `exec-intel run --dry-run --report landlord` and report the error',
    );
  });

  it("checks only the requested role", () => {
    expect(coverageGate(input({ reports: [], requestedRoles: ["ceo"] }))).toEqual([]);
    expect(coverageGate(input({ reports: [], requestedRoles: ["cfo"] }))).toHaveLength(1);
  });

  it("reports a missing and an empty required section", () => {
    const sections = COMPLETE.sections
      .filter((s) => s.id !== "break-even")
      .map((s) => (s.id === "financial-rules" ? { ...s, blocks: [] } : s));
    const problems = coverageGate(input({ reports: [report(cfo(sections))] }));
    expect(problems.map((p) => [p.section, p.message])).toEqual([
      ["break-even", 'required section "break-even" is missing'],
      ["financial-rules", 'section "financial-rules" is empty'],
    ]);
  });

  it("reports a report without figures and a findings list that says nothing", () => {
    const sections = COMPLETE.sections.map((s) =>
      s.id === "burn-rate"
        ? { ...s, blocks: [{ type: "findings" as const, findings: [], emptyText: " " }] }
        : s,
    );
    const messages = coverageGate(input({ reports: [report(cfo(sections))] })).map(
      (p) => p.message,
    );
    expect(messages).toEqual([
      'section "burn-rate" is empty',
      "the report shows no figures",
      'section "burn-rate" lists no findings and does not say why',
    ]);
  });
});

describe("freshness gate", () => {
  const stale = {
    sourceId: "kpis",
    type: "kpis",
    records: 4,
    asOf: "2026-07-31",
    ageDays: 92,
    status: "stale" as const,
  };

  it("only warns by default: a stale source is labelled in the report, not blocked", () => {
    expect(freshnessGate(input({ sources: [stale] }))).toEqual([]);
  });

  it("blocks past the global threshold and honours a per-source override", () => {
    const settings = { ...input().settings, blockAfterDays: 60 };
    expect(freshnessGate(input({ sources: [stale], settings }))[0]?.message).toBe(
      "source kpis (kpis) ends 2026-07-31, 92 days before the end of 2026-10 (block after 60 days)",
    );
    const relaxed = { ...settings, sourceBlockAfterDays: { kpis: 120 } };
    expect(freshnessGate(input({ sources: [stale], settings: relaxed }))).toEqual([]);
  });

  it("blocks an empty source once blocking is on", () => {
    const empty = { sourceId: "bookings", type: "bookings", records: 0, status: "empty" as const };
    const settings = { ...input().settings, blockAfterDays: 60 };
    expect(freshnessGate(input({ sources: [empty], settings }))).toHaveLength(1);
  });
});

describe("limits gate", () => {
  it("passes a report within every limit and flags each limit crossed", () => {
    expect(limitsGate(input())).toEqual([]);
    const big = report(
      { ...COMPLETE, subject: "x".repeat(999) },
      { htmlBytes: 105_000, messageBytes: 41 * 1024 * 1024, recipientsPerMessage: 51 },
    );
    expect(limitsGate(input({ reports: [big] })).map((p) => p.message)).toEqual([
      "the HTML is 102.5 KB, over the 102.0 KB at which Gmail clips a message",
      "the message is 41.0 MB, over the transport's 40.0 MB",
      "the subject is 999 characters, over 998",
      "a message would have 51 recipients, over 50",
    ]);
  });
});

describe("runGates", () => {
  it("blocks on any problem and turns a downgraded gate's problems into listed warnings", () => {
    const oversize = input({ reports: [report(COMPLETE, { htmlBytes: 200_000 })] });
    const blocked = runGates(oversize);
    expect(blocked.ok).toBe(false);
    expect(blocked.problems.map((p) => p.gate)).toEqual(["limits"]);
    const downgraded = runGates({
      ...oversize,
      settings: { ...oversize.settings, downgrade: ["limits"] },
    });
    expect(downgraded).toMatchObject({ ok: true, problems: [], downgraded: ["limits"] });
    expect(downgraded.warnings.map((p) => p.gate)).toEqual(["limits"]);
  });
});
