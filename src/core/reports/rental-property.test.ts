import { describe, expect, it } from "vitest";
import { sampleBook } from "../../../test/fixtures/rental/sample-book.js";
import { at, contextFor, emptyModel } from "../../../test/helpers/model.js";
import { gatherIntelligence } from "../analysis/intelligence.js";
import { analyseProperty } from "../analysis/property.js";
import type { Entity, TenantModel } from "../model/index.js";
import { propertyRules } from "../rules/property-rules.js";
import type { ReportDocument } from "./document.js";
import { assembleRentalPropertyReport, RENTAL_PROPERTY_SECTIONS } from "./rental-property.js";

const FLAT: Entity = { id: "flat", name: "The Flat", kind: "property", aliases: [], domains: [] };
const ROLES = {
  landlord: {
    report: "rental-property" as const,
    expectedKpis: [],
    title: "Landlord",
    entity: "flat",
  },
};

function report(model: TenantModel): ReportDocument {
  const context = contextFor(model, {}, ROLES);
  return assembleRentalPropertyReport(
    gatherIntelligence(context, [analyseProperty], propertyRules),
    "landlord",
  );
}

function withBook(): TenantModel {
  const model = emptyModel([FLAT]);
  model.propertyBooks.push(sampleBook());
  return model;
}

function paragraphs(document: ReportDocument, id: string): string {
  const section = document.sections.find((s) => s.id === id);
  return (section?.blocks ?? []).flatMap((b) => (b.type === "paragraph" ? [b.text] : [])).join(" ");
}

describe("rental-property report", () => {
  it("has its sections in order, a title and a subject from the figures", () => {
    const document = report(withBook());
    expect(document.sections.map((s) => s.id)).toEqual(RENTAL_PROPERTY_SECTIONS);
    expect(document.title).toBe("Rental property report — The Flat, October 2026");
    expect(document.subject).toBe(
      "Landlord · Oct 2026 · occupancy 50% (78% over 12 months) · NOI $4.2K over 12 months · 2 late payments · 2 replies overdue",
    );
  });

  // Hand-computed in src/core/analysis/property.test.ts: 568 of 730 unit-days let, income 5,000,
  // expenses 780, NOI 4,220 (1,700 in October), 150 owed, 3 entries open and 2 past 7 days.
  it("summarises the book in one paragraph computed from it", () => {
    const document = report(withBook());
    const summary = document.sections[0];
    expect(summary?.blocks.filter((b) => b.type === "paragraph")).toHaveLength(1);
    expect(paragraphs(document, "summary")).toBe(
      [
        "The Flat (2 units) was 50% let in October 2026 and 78% over Nov 2025–Oct 2026, with 162 days vacant.",
        "Rent received over the 12 months was $5,000 against $780 of expenses: net operating income $4,220 ($1,700 in Oct 2026).",
        "Maintenance cost $430; the sink needed 2 repairs in 12 months.",
        "2 rent payments were late and $150 is owed.",
        "3 communications await a reply, 2 for more than 7 days.",
        "6 findings (1 high, 4 medium and 1 low) below.", // late rent, repeat, 2 vacancies, 2 replies,
      ].join(" "),
    );
  });

  it("checks the rent roll against the registry's stream and lease document", () => {
    const model = withBook();
    model.revenueStreams.push({
      id: "rent",
      entity: "flat",
      name: "Flat rent",
      pricing: { model: "per-unit", priceCents: 190_000, unit: "month" },
      billing: { model: "cash", system: "Zelle" },
      provenance: at("data/registry.yaml", 40),
    });
    model.documents.push({
      id: "lease",
      entity: "flat",
      name: "Lease",
      status: "valid",
      expires: "2027-02-09",
      provenance: at("data/registry.yaml", 60),
    });
    expect(paragraphs(report(model), "rent-roll")).toBe(
      "The rent roll is $2,000/month on 2026-10-31: lease Lb (Ben, term ends 2027-02-09). It differs from the registry's revenue stream \"Flat rent\": update the registry. The registry's lease document expires 2027-02-09, as the lease term does.",
    );
  });

  it("says in every section that there is no rental data when the tenant has none", () => {
    const document = report(emptyModel([FLAT]));
    expect(document.sections.map((s) => s.id)).toEqual(RENTAL_PROPERTY_SECTIONS);
    expect(document.subject).toBe("Landlord · Oct 2026 · no rental data");
    for (const id of RENTAL_PROPERTY_SECTIONS)
      expect(paragraphs(document, id)).toContain("No rental source is configured");
  });
});
