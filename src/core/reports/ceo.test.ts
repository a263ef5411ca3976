import { describe, expect, it } from "vitest";
import { at, booking, contextFor, emptyModel } from "../../../test/helpers/model.js";
import { monthName } from "../analysis/common.js";
import { type Analysis, gatherIntelligence } from "../analysis/intelligence.js";
import { analyseMarketing } from "../analysis/marketing.js";
import { analyseStrategy } from "../analysis/strategy.js";
import type { AnalysisContext } from "../analysis/types.js";
import type { TenantModel } from "../model/index.js";
import type { Rule } from "../rules/rule.js";
import { strategyRules } from "../rules/strategy-rules.js";
import { agendaTable, assembleCeoReport } from "./ceo.js";
import type { Block, ReportDocument } from "./document.js";
import { OWN_SECTIONS } from "./index.js";

function model(): TenantModel {
  const m = emptyModel();
  m.bookings = [booking("A", "confirmed", "2026-11-10", 1000, { paidCents: 25_000 })];
  m.people = [
    {
      id: "pat",
      name: "Pat Quinn",
      role: "Captain",
      entities: ["alpha"],
      keyPerson: true,
      equity: { status: "undocumented", percent: 10 },
      agreements: [],
      transitionPlan: "Deputy.",
      provenance: at("data/registry.yaml", 4),
    },
  ];
  return m;
}

function context(m = model()): AnalysisContext {
  return contextFor(m, {}, { ceo: { title: "Owner", expectedKpis: ["nps", "cac"] } });
}

/** A rule firing `count` low findings of another area, to check the agenda ranks every category. */
function otherArea(count: number): Rule {
  return {
    id: "other",
    category: "security-gap",
    roles: ["cto"],
    severity: "critical",
    effort: 1,
    impact: 3,
    evaluate: () =>
      Array.from({ length: count }, (_, i) => ({
        subject: `s${i}`,
        title: `Other ${i}`,
        evidence: [],
        action: `Fix ${i}.`,
      })),
  };
}

function text(document: ReportDocument, sectionId: string): string {
  const blocks: Block[] = document.sections.find((s) => s.id === sectionId)?.blocks ?? [];
  return blocks.flatMap((b) => (b.type === "paragraph" ? [b.text] : [])).join(" ");
}

describe("CEO report", () => {
  it("has the required sections in order and a subject built from the findings", () => {
    const intel = gatherIntelligence(context(), [analyseStrategy, analyseMarketing], strategyRules);
    const report = assembleCeoReport(intel);
    expect(report.sections.map((s) => s.id)).toEqual(OWN_SECTIONS.ceo);
    // Pat's undocumented equity and the empty pipeline (booked 10 days out, nothing quoted).
    expect(report.subject).toBe("CEO · Oct 2026 · 2 critical shortfalls · 2 missing KPIs");
    expect(report.title).toBe("CEO report — Test tenant, October 2026");
  });

  it("ranks every finding of every area into the agenda, with owner and due dates over 30 days", () => {
    const intel = gatherIntelligence(
      context(),
      [analyseStrategy],
      [...strategyRules, otherArea(9)],
    );
    const agenda = agendaTable(intel);
    expect(agenda.rows).toHaveLength(10);
    // Critical first; among them impact per effort: the 9 others (3/1) before the empty pipeline (3/2).
    // The high equity finding does not make the top 10.
    expect(agenda.rows.map((r) => r[2])).not.toContain(
      "Pat Quinn: 10% equity promised but undocumented",
    );
    expect(agenda.rows.map((r) => r[0])).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(agenda.rows[0]?.[3]).toBe("CTO");
    expect(agenda.rows[9]?.[2]).toMatch(/^Empty sales pipeline/);
    expect(agenda.rows[9]?.[3]).toBe("CMO"); // the empty-pipeline rule names the CMO first
    expect(agenda.rows[0]?.[4]).toBe("2026-11-03"); // ceil(30 × 1 / 10) = 3 days after 2026-10-31
    expect(agenda.rows[9]?.[4]).toBe("2026-11-30");
  });

  it("falls back to a sentence when no revenue-recognition figures exist, and quotes them when they do", () => {
    const without = assembleCeoReport(gatherIntelligence(context(), [analyseStrategy], []));
    expect(text(without, "revenue-recognition")).toContain("has not been computed");
    const accounting: Analysis = (ctx) => ({
      figures: [
        {
          id: "revenue-earned-period",
          label: "Earned",
          value: 1200,
          unit: "USD",
          asOf: "2026-10-31",
          sources: [],
        },
        {
          id: "revenue-deferred",
          label: "Deferred",
          value: 250,
          unit: "USD",
          asOf: "2026-10-31",
          sources: [],
        },
      ],
      tables: [{ id: "revenue-recognition", title: `RR ${ctx.period}`, columns: [], rows: [] }],
    });
    const withRr = assembleCeoReport(
      gatherIntelligence(context(), [analyseStrategy, accounting], []),
    );
    expect(text(withRr, "revenue-recognition")).toBe(
      "Earned in October 2026: $1,200. Deferred at 2026-10-31: $250, cash received for service not yet delivered. The accounting report has the full audit.",
    );
    const blocks = withRr.sections.find((s) => s.id === "revenue-recognition")?.blocks ?? [];
    expect(blocks.some((b) => b.type === "table" && b.table.id === "revenue-recognition")).toBe(
      true,
    );
  });

  it("summarises inventory, shortfalls, KPIs and the pipeline from the figures", () => {
    const report = assembleCeoReport(
      gatherIntelligence(context(), [analyseStrategy], strategyRules),
    );
    const summary = text(report, "summary");
    expect(summary).toContain("Test tenant has 1 business entity, 0 assets and 0 revenue streams.");
    expect(summary).toContain("2 critical shortfalls (by severity: 1 critical and 1 high).");
    expect(summary).toContain("2 expected KPIs have no observation in the last 6 months.");
    expect(summary).toContain(
      "1 open booking worth $1,000 lies ahead, reaching 10 days past month end.",
    );
  });

  it("names months for titles", () => {
    expect(monthName("2027-01")).toBe("January 2027");
    expect(monthName("2026-10", true)).toBe("Oct 2026");
  });
});
