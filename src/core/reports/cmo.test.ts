import { describe, expect, it } from "vitest";
import { at, channel, contextFor, emptyModel, handoffNote } from "../../../test/helpers/model.js";
import { gatherIntelligence } from "../analysis/intelligence.js";
import { analyseMarketing } from "../analysis/marketing.js";
import { analyseStrategy } from "../analysis/strategy.js";
import type { TenantModel } from "../model/index.js";
import { marketingRules } from "../rules/marketing-rules.js";
import { assembleCmoReport } from "./cmo.js";
import type { ReportDocument } from "./document.js";
import { OWN_SECTIONS } from "./index.js";

function model(): TenantModel {
  const m = emptyModel();
  m.revenueStreams = [
    {
      id: "charters",
      entity: "alpha",
      name: "Charters",
      pricing: { model: "per-unit", priceCents: 100_000 },
      billing: { model: "stripe" },
      provenance: at("data/registry.yaml", 5),
    },
  ];
  m.channels = [
    channel("site", "website", "listed", { name: "alpha.com" }),
    channel("one", "ota", "not-listed", { name: "One", priority: 1 }),
    channel("two", "ota", "not-listed", { name: "Two", priority: 2, prerequisites: ["coi"] }),
    channel("three", "ota", "not-listed", { name: "Three", priority: 2, prerequisites: ["coi"] }),
  ];
  m.documents = [
    {
      id: "coi",
      entity: "alpha",
      name: "Certificate of insurance (charter)",
      status: "missing",
      provenance: at("data/registry.yaml", 60),
    },
  ];
  m.assets = [
    {
      id: "list",
      entity: "alpha",
      kind: "email-list",
      name: "Guest list",
      contacts: 500,
      provenance: at("data/registry.yaml", 30),
    },
  ];
  m.campaigns = [
    {
      id: "blast",
      entity: "alpha",
      kind: "email-blast",
      name: "Spring blast",
      audience: "list",
      valuePerConversionCents: 20_000,
      assumptions: {
        low: { open: 0.2, click: 0.1, conversion: 0.1 },
        high: { open: 0.4, click: 0.2, conversion: 0.25 },
      },
      provenance: at("data/registry.yaml", 90),
    },
  ];
  return m;
}

function report(m = model()): ReportDocument {
  return assembleCmoReport(
    gatherIntelligence(
      contextFor(m, {}, { cmo: { expectedKpis: [] } }),
      [analyseStrategy, analyseMarketing],
      marketingRules,
    ),
  );
}

function paragraphs(document: ReportDocument, id: string): string {
  return (document.sections.find((s) => s.id === id)?.blocks ?? [])
    .flatMap((b) => (b.type === "paragraph" ? [b.text] : []))
    .join(" ");
}

describe("CMO report", () => {
  it("has the required sections in order and a subject built from the figures", () => {
    const document = report();
    expect(document.sections.map((s) => s.id)).toEqual(OWN_SECTIONS.cmo);
    // 1 of 4 channels listed; 500 × 0.2 × 0.1 × 0.1 × $200 = $200, 500 × 0.4 × 0.2 × 0.25 × $200 = $2,000.
    expect(document.subject).toBe(
      "CMO · Oct 2026 · 25% of channels listed · blast case $200–$2,000 · 2 findings",
    );
  });

  it("states the OTA order and what gates it", () => {
    expect(paragraphs(report(), "ota-sequencing")).toBe(
      "Alpha: list in this order, One → Two/Three. Ready listings go first; Two and Three wait for the certificate of insurance (missing).",
    );
  });

  it("states the blast arithmetic from the campaign", () => {
    expect(paragraphs(report(), "email-blast-case")).toBe(
      "Spring blast: 500 contacts × open rate × click rate × conversion × $200 per booking gives 1 to 10 bookings, worth $200 (low case) to $2,000 (high case).",
    );
  });

  it("quotes handoff risks about mailing the list next to the blast case", () => {
    const m = model();
    m.handoffs = [
      handoffNote("mkt", "alpha", [
        ["risk", "The list has not been mailed in two years, so bounces may be high.", "medium"],
        ["risk", "Only one person knows the server.", "medium"],
      ]),
    ];
    expect(paragraphs(report(m), "email-blast-case")).toContain(
      "Risk to plan for: The list has not been mailed in two years, so bounces may be high. (data/handoffs/mkt.md:2)",
    );
    expect(paragraphs(report(m), "email-blast-case")).not.toContain("server");
  });

  it("still renders every section without channels or campaigns", () => {
    const document = report(emptyModel());
    expect(document.sections.map((s) => s.id)).toEqual(OWN_SECTIONS.cmo);
    expect(paragraphs(document, "email-blast-case")).toContain("no blast case");
  });
});
