import { describe, expect, it } from "vitest";
import { at, booking, business, contextFor, emptyModel } from "../../../test/helpers/model.js";
import type { KpiValue, TenantModel } from "../model/index.js";
import { addDays, daysBetween, periodEnd } from "./common.js";
import { analyseStrategy, missingKpis, openPipeline } from "./strategy.js";
import type { AnalysisOutput } from "./types.js";

function figure(output: AnalysisOutput, id: string): number | undefined {
  return output.figures.find((f) => f.id === id)?.value;
}

function kpi(name: string, period: string, entity?: string): KpiValue {
  return {
    kpi: name,
    period,
    value: 1,
    unit: "count",
    provenance: at("data/kpis.csv", 2, `${period}-28`),
    ...(entity !== undefined ? { entity } : {}),
  };
}

function inventoryModel(): TenantModel {
  const model = emptyModel([
    business("alpha", "Alpha"),
    business("beta", "Beta"),
    { id: "flat", name: "The Flat", kind: "property", aliases: [], domains: [] },
  ]);
  model.assets = [
    { id: "boat", entity: "alpha", kind: "vessel", name: "Boat", provenance: at("r.yaml", 3) },
    {
      id: "list",
      entity: "alpha",
      kind: "email-list",
      name: "List",
      contacts: 120,
      provenance: at("r.yaml", 4),
    },
    { id: "home", entity: "flat", kind: "property", name: "Home", provenance: at("r.yaml", 5) },
  ];
  model.revenueStreams = [
    {
      id: "sails",
      entity: "alpha",
      name: "Sails",
      pricing: { model: "per-unit", priceCents: 49_500, unit: "sail" },
      billing: { model: "cash", system: "Zelle" },
      provenance: at("r.yaml", 6),
    },
    {
      id: "rent",
      entity: "flat",
      name: "Rent",
      pricing: { model: "fixed-fee" },
      billing: { model: "none" },
      provenance: at("r.yaml", 7),
    },
  ];
  return model;
}

describe("date helpers", () => {
  it("finds the last day of a period, including leap Februaries", () => {
    expect(periodEnd("2026-10")).toBe("2026-10-31");
    expect(periodEnd("2026-02")).toBe("2026-02-28");
    expect(periodEnd("2024-02")).toBe("2024-02-29");
  });

  it("adds days across month and year ends and counts days between dates", () => {
    expect(addDays("2026-10-31", 30)).toBe("2026-11-30");
    expect(addDays("2026-12-30", 3)).toBe("2027-01-02");
    expect(daysBetween("2026-10-31", "2026-11-14")).toBe(14);
    expect(daysBetween("2026-11-14", "2026-10-31")).toBe(-14);
  });
});

describe("asset inventory", () => {
  it("counts business entities, assets and revenue streams", () => {
    const output = analyseStrategy(contextFor(inventoryModel()));
    expect(figure(output, "entity-count")).toBe(2); // the property is not a business
    expect(figure(output, "asset-count")).toBe(3);
    expect(figure(output, "revenue-stream-count")).toBe(2);
  });

  it("lists every entity with its asset and stream counts, and every stream with its billing", () => {
    const output = analyseStrategy(contextFor(inventoryModel()));
    const entities = output.tables.find((t) => t.id === "entity-inventory");
    expect(entities?.rows).toEqual([
      ["Alpha", "business", "—", 2, 1],
      ["Beta", "business", "—", 0, 0],
      ["The Flat", "property", "—", 1, 1],
    ]);
    const streams = output.tables.find((t) => t.id === "revenue-streams");
    expect(streams?.rows).toEqual([
      ["Sails", "Alpha", "per-unit", 495, "sail", "cash (Zelle)"],
      ["Rent", "The Flat", "fixed-fee", "—", "—", "none"],
    ]);
    const assets = output.tables.find((t) => t.id === "asset-inventory");
    expect(assets?.rows[1]).toEqual(["List", "Alpha", "email-list", "120 contacts."]);
  });
});

describe("missing KPIs", () => {
  const roles = {
    ceo: { expectedKpis: ["revenue", "nps", "cac"] },
    cmo: { expectedKpis: ["nps", "sessions"] },
  };

  it("reports each expected KPI without an observation in the trailing months once, with its roles", () => {
    const model = emptyModel();
    // revenue observed in the window; sessions only in 2026-01, before the 6-month window 2026-05..10.
    model.kpiObservations = [kpi("revenue", "2026-10"), kpi("sessions", "2026-01", "alpha")];
    const context = contextFor(model, {}, roles);
    expect(missingKpis(context)).toEqual([
      { kpi: "nps", roles: ["ceo", "cmo"] },
      { kpi: "cac", roles: ["ceo"] },
      { kpi: "sessions", roles: ["cmo"], lastObserved: "2026-01" },
    ]);
    const output = analyseStrategy(context);
    expect(figure(output, "missing-kpi-count")).toBe(3);
    // A month earlier (window 2026-04..09) revenue had no observation yet either: 4 missing.
    const count = output.figures.find((f) => f.id === "missing-kpi-count");
    expect([count?.previous, count?.better]).toEqual([4, "lower"]);
    expect(output.tables.find((t) => t.id === "missing-kpis")?.rows).toEqual([
      ["NPS", "CEO, CMO", "never"],
      ["CAC", "CEO", "never"],
      ["sessions", "CMO", "2026-01"],
    ]);
  });

  it("counts an observation for any entity and ignores observations after the period", () => {
    const model = emptyModel();
    model.kpiObservations = [kpi("nps", "2026-06", "alpha"), kpi("cac", "2026-11")];
    const missing = missingKpis(contextFor(model, {}, roles)).map((m) => m.kpi);
    expect(missing).toEqual(["revenue", "cac", "sessions"]);
  });
});

describe("pipeline", () => {
  function pipelineModel(): TenantModel {
    const model = emptyModel();
    model.bookings = [
      booking("A", "confirmed", "2026-11-05", 1000, { paidCents: 25_000 }),
      booking("B", "quoted", "2026-12-10", 500),
      booking("C", "completed", "2026-10-05", 800, { paidCents: 80_000 }),
      booking("D", "cancelled", "2026-11-20", 900),
      // Straddles month end: its service is not finished at 2026-10-31, so it is still ahead.
      booking("E", "confirmed", "2026-10-30", 400, { serviceEnd: "2026-11-02", paidCents: 40_000 }),
      booking("F", "inquiry", "2026-10-15", 300), // an inquiry for a past date is not pipeline
    ];
    return model;
  }

  it("keeps open bookings whose service ends after the period, in service order", () => {
    expect(openPipeline(contextFor(pipelineModel())).map((b) => b.id)).toEqual(["E", "A", "B"]);
  });

  it("sums value, balance, quotes and reach by hand", () => {
    const output = analyseStrategy(contextFor(pipelineModel()));
    expect(figure(output, "pipeline-bookings")).toBe(3);
    expect(figure(output, "pipeline-value")).toBe(1900); // 1000 + 500 + 400
    expect(figure(output, "pipeline-balance")).toBe(1250); // 1900 − 250 − 400
    expect(figure(output, "pipeline-open-quotes")).toBe(1);
    expect(figure(output, "pipeline-reach-days")).toBe(40); // 2026-10-31 → 2026-12-10
    expect(output.tables.find((t) => t.id === "pipeline")?.rows).toEqual([
      ["Alpha", "2026-10", 1, 1, 400, 400, 0],
      ["Alpha", "2026-11", 1, 1, 1000, 250, 750],
      ["Alpha", "2026-12", 1, 0, 500, 0, 500],
      ["Total", "", 3, 2, 1900, 650, 1250],
    ]);
  });

  it("is empty with nothing booked ahead", () => {
    const output = analyseStrategy(contextFor(emptyModel()));
    expect(figure(output, "pipeline-bookings")).toBe(0);
    expect(figure(output, "pipeline-value")).toBe(0);
    expect(figure(output, "pipeline-reach-days")).toBe(0);
  });
});
