import { describe, expect, it } from "vitest";
import { at, contextFor, emptyModel, txn } from "../../../test/helpers/model.js";
import { gatherIntelligence } from "../analysis/intelligence.js";
import { analyseTechnology } from "../analysis/technology.js";
import type { HandoffNote, TenantModel } from "../model/index.js";
import { renderMarkdown } from "../render/markdown.js";
import { technologyRules } from "../rules/technology-rules.js";
import { assembleCtoReport } from "./cto.js";
import type { Block } from "./document.js";
import { OWN_SECTIONS } from "./index.js";

const ROLES = { cto: { title: "Technology lead", expectedKpis: [] } };

function report(model: TenantModel) {
  const intelligence = gatherIntelligence(
    contextFor(model, {}, ROLES),
    [analyseTechnology],
    technologyRules,
  );
  return assembleCtoReport(intelligence);
}

const note: HandoffNote = {
  id: "api",
  entity: "alpha",
  title: "API",
  updated: "2026-10-01",
  stack: ["Node.js"],
  provenance: at("data/handoffs/api.md", 1, "2026-10-01"),
  items: [
    {
      section: "issue",
      text: "Keys are committed to git history.",
      tags: ["security"],
      severity: "critical",
      provenance: at("data/handoffs/api.md", 8, "2026-10-01"),
    },
    {
      section: "next-step",
      text: "Purge the keys from git history and rotate them.",
      tags: [],
      severity: "critical",
      provenance: at("data/handoffs/api.md", 12, "2026-10-01"),
    },
  ],
};

const model: TenantModel = {
  ...emptyModel(),
  handoffs: [note],
  systems: [
    {
      id: "fn",
      entity: "alpha",
      name: "Functions",
      kind: "backend",
      technology: "Node.js on Lambda",
      hosting: "AWS",
      monthlyCostCents: { low: 4000, high: 6000 },
      savings: [{ monthlyCents: 1250, action: "Drop provisioned concurrency" }],
      provenance: at("data/registry.yaml", 3, "2026-10-28"),
    },
  ],
  transactions: [
    txn("2026-09-03", -41.2, "expenses:software:cloud"),
    txn("2026-10-03", -58.7, "expenses:software:cloud"),
  ],
};

function text(blocks: Block[]): string {
  return blocks.map((b) => (b.type === "paragraph" ? b.text : "")).join(" ");
}

describe("the CTO report", () => {
  it("has the required sections in order, then the extra ones", () => {
    const ids = report(model).sections.map((s) => s.id);
    expect(ids.slice(0, 7)).toEqual(OWN_SECTIONS.cto);
    expect(ids.slice(7)).toEqual(["billing-gaps", "funnel-mobile-ux"]);
  });

  it("builds title and subject from the data", () => {
    const doc = report(model);
    expect(doc.title).toBe("CTO report — Test tenant, October 2026");
    expect(doc.subject).toBe(
      "CTO · Oct 2026 · 1 security gap · AWS $41–$59/month, $13/month to save",
    );
  });

  it("writes the summary from the figures and findings", () => {
    const summary = text(report(model).sections[0]?.blocks ?? []);
    expect(summary).toContain("1 security gap (1 critical) is open in Alpha.");
    expect(summary).toContain("Most severe (critical, Alpha): Keys are committed to git history.");
    expect(summary).toContain("AWS spend ran from $41.20 to $58.70 a month over the last 2 months");
    expect(summary).toContain(
      "1 change listed in the registry would save $12.50/month, 21% of the Oct 2026 bill.",
    );
    expect(summary).toContain(
      "First engineering action (Alpha): Purge the keys from git history and rotate them.",
    );
  });

  it("renders an empty tenant without failing, saying what is missing", () => {
    const markdown = renderMarkdown(report(emptyModel()));
    expect(markdown).toContain("No security gaps are recorded in the handoff notes.");
    expect(markdown).toContain("No technology handoff note has next steps to rank.");
    expect(markdown).toContain("Every revenue stream has a billing model and a billing system.");
    expect(markdown).toContain("The ledger shows no cloud spend.");
  });
});
