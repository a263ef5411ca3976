import { describe, expect, it } from "vitest";
import { at, booking, business, contextFor, emptyModel, txn } from "../../../test/helpers/model.js";
import type {
  BusinessDocument,
  PlannedSpend,
  Policy,
  RevenueStream,
  TenantModel,
} from "../model/index.js";
import { forbiddenSpendRule } from "../rules/finance-rules.js";
import { monthRange, periodEnd } from "./common.js";
import {
  analyseFinance,
  breakEvenOf,
  monthlyBurn,
  policyBreaches,
  revenueHistory,
  revenueTargets,
  tierSpends,
} from "./finance.js";
import { gatherIntelligence } from "./intelligence.js";
import type { AnalysisOutput } from "./types.js";

function value(output: AnalysisOutput, id: string): number | undefined {
  return output.figures.find((f) => f.id === id)?.value;
}

function stream(overrides: Partial<RevenueStream> = {}): RevenueStream {
  return {
    id: "boat-charter",
    entity: "alpha",
    name: "Boat charter",
    pricing: { model: "per-unit", priceCents: 100_000, unit: "charter", variableCostCents: 20_000 },
    billing: { model: "stripe" },
    provenance: at("data/registry.yaml", 10, "2026-10-28"),
    ...overrides,
  };
}

/**
 * Three trailing months (Aug–Oct 2026) for two businesses and a property:
 * Aug: fixed 1,000 + cost of sales 200 = 1,200; Sep: fixed 1,500; Oct: fixed 1,200 − refund 100 = 1,100.
 * Income 800 a month. Uncategorised outflow 50 in Oct. Owner puts in 300 in Sep.
 */
function ledgerModel(): TenantModel {
  const model = emptyModel([
    business("alpha", "Alpha"),
    business("beta", "Beta"),
    { id: "house", name: "House", kind: "property", aliases: [], domains: [] },
  ]);
  model.transactions = [
    txn("2026-07-15", -9_999, "expenses:rent"), // before the window
    txn("2026-08-03", -1_000, "expenses:rent"),
    txn("2026-08-10", -200, "expenses:cost-of-sales:fuel"),
    txn("2026-08-20", 800, "income:charters"),
    txn("2026-09-03", -1_000, "expenses:rent"),
    txn("2026-09-04", -500, "expenses:software", "beta"),
    txn("2026-09-20", 800, "income:charters"),
    txn("2026-09-01", 300, "equity:owner-contributions"),
    txn("2026-09-25", -700, "transfers:internal"),
    txn("2026-10-03", -1_200, "expenses:rent"),
    txn("2026-10-05", 100, "expenses:rent", "alpha", "RENT REFUND"),
    txn("2026-10-09", -50, undefined, "alpha", "ATM WITHDRAWAL 1234"),
    txn("2026-10-20", 800, "income:charters"),
    txn("2026-10-21", -5_000, "expenses:roof", "house"), // not a business
  ];
  return model;
}

describe("monthly burn", () => {
  it("sums expenses, income, variable and uncategorised outflows of business entities only", () => {
    const burn = monthlyBurn(contextFor(ledgerModel(), { trailingMonths: 3 }));
    expect(burn.map((m) => [m.month, m.expensesCents, m.variableCents, m.fixedCents])).toEqual([
      ["2026-08", 120_000, 20_000, 100_000],
      ["2026-09", 150_000, 0, 150_000],
      ["2026-10", 110_000, 0, 110_000],
    ]);
    expect(burn.map((m) => m.incomeCents)).toEqual([80_000, 80_000, 80_000]);
    expect(burn.map((m) => m.netCents)).toEqual([40_000, 70_000, 30_000]);
    expect(burn.map((m) => m.uncategorisedOutflowCents)).toEqual([0, 0, 5_000]);
    expect(burn.map((m) => m.ownerFundingCents)).toEqual([0, 30_000, 0]);
  });

  it("gives the burn figures and table", () => {
    const output = analyseFinance(contextFor(ledgerModel(), { trailingMonths: 3 }));
    expect(value(output, "burn-rate-low")).toBe(1_100);
    expect(value(output, "burn-rate-high")).toBe(1_500);
    expect(value(output, "burn-rate-average")).toBe(1_266.67);
    expect(value(output, "income-average")).toBe(800);
    expect(value(output, "net-burn-average")).toBe(466.67);
    expect(value(output, "net-burn-months")).toBe(3);
    expect(value(output, "owner-funding-average")).toBe(100);
    expect(value(output, "uncategorised-outflow-monthly")).toBe(16.67);
    const table = output.tables.find((t) => t.id === "burn-by-month");
    expect(table?.rows[0]).toEqual(["2026-08", 1_200, 1_000, 800, 400, 0, 0]);
    expect(output.figures.find((f) => f.id === "burn-rate-low")?.unit).toBe("USD/month");
  });

  it("says costs are better lower and quotes last month's window averages when the ledger covers it", () => {
    const output = analyseFinance(contextFor(ledgerModel(), { trailingMonths: 3 }));
    const figureOf = (id: string) => output.figures.find((f) => f.id === id);
    for (const id of [
      "burn-rate-low",
      "burn-rate-high",
      "burn-rate-average",
      "net-burn-average",
      "net-burn-months",
      "owner-funding-average",
      "uncategorised-outflow-monthly",
    ])
      expect(figureOf(id)?.better, id).toBe("lower");
    expect(figureOf("income-average")?.better).toBeUndefined();
    // Last month's window is Jul–Sep: expenses 9,999, 1,200 and 1,500; income 0, 800 and 800.
    expect(figureOf("burn-rate-average")?.previous).toBe(4_233);
    expect(figureOf("income-average")?.previous).toBe(533.33);
    expect(figureOf("net-burn-average")?.previous).toBe(3_699.67);
    expect(figureOf("net-burn-months")?.previous).toBe(3);
    expect(figureOf("owner-funding-average")?.previous).toBe(100);
    // A low or a high month has no "previous" worth comparing with.
    expect(figureOf("burn-rate-low")?.previous).toBeUndefined();
  });

  it("quotes no previous window when the ledger does not reach back to the month it adds", () => {
    const model = ledgerModel();
    model.transactions = model.transactions.filter((t) => !t.date.startsWith("2026-07"));
    const output = analyseFinance(contextFor(model, { trailingMonths: 3 }));
    const averages = ["burn-rate-average", "income-average", "net-burn-average", "net-burn-months"];
    for (const id of averages)
      expect(output.figures.find((f) => f.id === id)?.previous, id).toBeUndefined();
  });

  it("has no burn figures without ledger rows", () => {
    const output = analyseFinance(contextFor(emptyModel()));
    expect(value(output, "burn-rate-low")).toBeUndefined();
    expect(output.tables.find((t) => t.id === "burn-by-month")).toBeUndefined();
  });
});

describe("break-even", () => {
  function withStream(s: RevenueStream = stream()): TenantModel {
    const model = ledgerModel();
    model.revenueStreams = [s];
    model.bookings = [
      booking("B1", "completed", "2026-08-12", 1_000, { stream: s.id }),
      booking("B2", "confirmed", "2026-10-02", 1_000, { stream: s.id }),
      booking("B3", "cancelled", "2026-10-04", 1_000, { stream: s.id }),
      booking("B4", "inquiry", "2026-09-04", 1_000, { stream: s.id }),
      booking("B5", "completed", "2026-10-06", 500, { stream: "other" }),
      booking("B6", "completed", "2026-06-06", 1_000, { stream: s.id }), // before the window
    ];
    return model;
  }

  it("divides average fixed costs by the contribution per unit and rounds up", () => {
    // Fixed costs (1,000 + 1,500 + 1,100) / 3 = 1,200; contribution 1,000 − 200 = 800; 1.5 → 2.
    const context = contextFor(withStream(), {
      trailingMonths: 3,
      breakEvenStream: "boat-charter",
    });
    const output = analyseFinance(context);
    expect(value(output, "fixed-costs-monthly")).toBe(1_200);
    expect(value(output, "contribution-per-unit")).toBe(800);
    expect(value(output, "break-even-charters")).toBe(2);
    expect(output.figures.find((f) => f.id === "break-even-charters")?.unit).toBe("charters/month");
    // (1,200 + 16.67) / 800 = 1.52 → 2.
    expect(value(output, "break-even-charters-with-uncategorised")).toBe(2);
    // 1,200 × 1,000 / 800.
    expect(value(output, "break-even-revenue-monthly")).toBe(1_500);
    // B1 (Aug) and B2 (Oct) count; cancelled, inquiry, other streams and old months do not.
    expect(value(output, "units-sold-average")).toBe(0.67);
    expect(value(output, "units-sold-period")).toBe(1);
    // 200 of cost of sales over 2 units sold.
    expect(value(output, "variable-cost-per-unit-ledger")).toBe(100);
    // Break-even is the volume to reach; September sold none.
    const sold = output.figures.find((f) => f.id === "units-sold-period");
    expect([sold?.target, sold?.previous]).toEqual([2, 0]);
    expect(output.figures.find((f) => f.id === "units-sold-average")?.target).toBe(2);
    for (const id of ["break-even-charters", "fixed-costs-monthly", "break-even-revenue-monthly"])
      expect(output.figures.find((f) => f.id === id)?.better, id).toBe("lower");
    expect(output.tables.find((t) => t.id === "units-sold-by-month")?.rows).toEqual([
      ["2026-08", 1, 2, 1],
      ["2026-09", 0, 2, 2],
      ["2026-10", 1, 2, 1],
    ]);
  });

  it("uses a count unit and names the unit when the stream is not sold per charter", () => {
    const s = stream({
      pricing: { model: "per-unit", priceCents: 50_000, unit: "rental", variableCostCents: 10_000 },
    });
    const output = analyseFinance(
      contextFor(withStream(s), { trailingMonths: 3, breakEvenStream: s.id }),
    );
    const figure = output.figures.find((f) => f.id === "break-even-charters");
    expect(figure?.unit).toBe("count");
    expect(figure?.label).toContain("rentals per month");
    // 1,200 / 400 = 3.
    expect(figure?.value).toBe(3);
  });

  it("changes with the price and with the fixed costs", () => {
    const base = contextFor(withStream(), { trailingMonths: 3, breakEvenStream: "boat-charter" });
    expect(breakEvenOf(base)?.units).toBe(2);
    const cheaper = stream({
      pricing: {
        model: "per-unit",
        priceCents: 50_000,
        unit: "charter",
        variableCostCents: 20_000,
      },
    });
    // 1,200 / 300 = 4.
    expect(
      breakEvenOf(
        contextFor(withStream(cheaper), { trailingMonths: 3, breakEvenStream: cheaper.id }),
      )?.units,
    ).toBe(4);
    const model = withStream();
    for (const month of ["08", "09", "10"])
      model.transactions.push(txn(`2026-${month}-28`, -2_000, "expenses:insurance"));
    // (1,200 + 2,000) / 800 = 4.
    expect(
      breakEvenOf(contextFor(model, { trailingMonths: 3, breakEvenStream: "boat-charter" }))?.units,
    ).toBe(4);
  });

  it("has no break-even without a configured stream with a price", () => {
    expect(breakEvenOf(contextFor(withStream(), { trailingMonths: 3 }))).toBeUndefined();
    const unpriced = stream({ pricing: { model: "fixed-fee" } });
    expect(
      breakEvenOf(contextFor(withStream(unpriced), { breakEvenStream: unpriced.id })),
    ).toBeUndefined();
    const output = analyseFinance(contextFor(withStream(), { trailingMonths: 3 }));
    expect(value(output, "break-even-charters")).toBeUndefined();
  });
});

describe("revenue targets", () => {
  /** A tenant-wide monthly-revenue KPI value (target or observation). */
  const kpi = (period: string, v: number) => ({
    kpi: "monthly-revenue",
    period,
    value: v,
    unit: "USD",
    provenance: at("data/kpis/targets.csv", 2, `${period}-28`),
  });

  it("uses KPI targets where set, break-even revenue elsewhere, and actuals up to the period", () => {
    const model = ledgerModel();
    model.revenueStreams = [stream()];
    model.kpiTargets = [kpi("2026-10", 2_000), kpi("2026-12", 2_500)];
    model.kpiObservations = [kpi("2026-09", 777)];
    const context = contextFor(model, {
      trailingMonths: 3,
      breakEvenStream: "boat-charter",
      planningHorizon: "2026-12",
    });
    const rows = revenueTargets(context);
    expect(rows).toEqual([
      // No observation for October: the ledger's income of the month is the actual.
      { month: "2026-10", targetCents: 200_000, basis: "kpi-target", actualCents: 80_000 },
      { month: "2026-11", targetCents: 150_000, basis: "break-even" },
      { month: "2026-12", targetCents: 250_000, basis: "kpi-target" },
    ]);
    const output = analyseFinance(context);
    expect(value(output, "revenue-actual-period")).toBe(800);
    expect(value(output, "revenue-target-period")).toBe(2_000);
    expect(value(output, "revenue-gap-period")).toBe(-1_200);
    expect(value(output, "revenue-target-horizon")).toBe(2_500);
    // The tile compares October with its target and with September's observed 777.
    const actual = output.figures.find((f) => f.id === "revenue-actual-period");
    expect([actual?.target, actual?.previous]).toEqual([2_000, 777]);
  });

  it("follows revenue against target over the trailing months, actuals only where data has them", () => {
    const model = ledgerModel();
    model.revenueStreams = [stream()];
    model.kpiTargets = [kpi("2026-06", 700), kpi("2026-08", 700), kpi("2026-10", 2_000)];
    model.kpiObservations = [kpi("2026-09", 777)];
    // Jun–Oct: the ledger has no June rows, so June has no actual (not $0). Months without a
    // target use break-even revenue: fixed costs (0 + 9,999 + 1,000 + 1,500 + 1,100) ÷ 5 =
    // 2,719.80 at an 80% contribution margin = 3,399.75.
    const context = contextFor(model, { trailingMonths: 5, breakEvenStream: "boat-charter" });
    expect(revenueHistory(context).map((r) => [r.month, r.targetCents, r.actualCents])).toEqual([
      ["2026-06", 70_000, undefined],
      ["2026-07", 339_975, 0],
      ["2026-08", 70_000, 80_000],
      ["2026-09", 339_975, 77_700],
      ["2026-10", 200_000, 80_000],
    ]);
    const output = analyseFinance(context);
    const table = output.tables.find((t) => t.id === "revenue-by-month");
    expect(table?.title).toBe("Monthly revenue against target, Jun–Oct 2026");
    expect(table?.rows[0]).toEqual(["2026-06", 700, "monthly-revenue target", "—", "—"]);
    expect(table?.rows[2]).toEqual(["2026-08", 700, "monthly-revenue target", 800, 100]);
    // Only August, at 800 against 700, met its target, of the four months with an actual.
    const met = output.figures.find((f) => f.id === "revenue-months-on-target");
    expect(met?.value).toBe(1);
    expect(met?.basis).toBe("Of the 4 months of Jul–Oct 2026 with an actual.");
  });
});

describe("capital deployment", () => {
  function spend(
    id: string,
    dollars: number,
    cadence: PlannedSpend["cadence"],
    revenueProducing: boolean,
    dependsOn: string[] = [],
  ): PlannedSpend {
    return {
      id,
      entity: "alpha",
      description: id,
      amountCents: dollars * 100,
      cadence,
      revenueProducing,
      dependsOn,
      provenance: at("data/registry.yaml", 20, "2026-10-28"),
    };
  }
  const missingDoc: BusinessDocument = {
    id: "coi",
    entity: "alpha",
    name: "Certificate",
    status: "missing",
    provenance: at("data/registry.yaml", 30, "2026-10-28"),
  };

  it("tiers free, cheap, revenue-producing and the rest, and flags gated spends", () => {
    const model = emptyModel();
    model.documents = [missingDoc];
    model.plannedSpends = [
      spend("rebuild", 12_000, "once", false),
      spend("tool", 45, "monthly", false),
      spend("listing", 0, "once", true, ["coi"]),
      spend("blast", 400, "once", true),
      spend("yearly-plan", 6_000, "yearly", false),
      spend("service", 600, "monthly", false),
    ];
    const tiered = tierSpends(contextFor(model));
    expect(tiered.map((t) => [t.spend.id, t.tier])).toEqual([
      ["listing", "zero-cost"],
      ["tool", "low-cost"],
      // 6,000 a year is 500 a month: at the ceiling, still low-cost.
      ["yearly-plan", "low-cost"],
      ["blast", "revenue-producing"],
      ["service", "do-not-deploy"],
      ["rebuild", "do-not-deploy"],
    ]);
    expect(tiered[0]?.gatedBy).toEqual([{ id: "coi", name: "Certificate", status: "missing" }]);
    const output = analyseFinance(contextFor(model));
    expect(value(output, "capital-tier-do-not-deploy")).toBe(2);
    expect(value(output, "capital-do-not-deploy-total")).toBe(12_600);
    // A higher ceiling from config moves the 600/month service into low-cost.
    const raised = tierSpends(
      contextFor(model, { thresholds: { "capital-do-not-deploy.lowCostMonthly": 1_000 } }),
    );
    expect(raised.find((t) => t.spend.id === "service")?.tier).toBe("low-cost");
  });
});

describe("policy checks", () => {
  function policy(overrides: Partial<Policy>): Policy {
    return {
      id: "p",
      description: "A rule",
      kind: "forbid-spend",
      accounts: [],
      provenance: at("data/registry.yaml", 40, "2026-10-28"),
      ...overrides,
    };
  }

  it("finds forbidden outflows in the audit year by pattern, and by pattern within accounts", () => {
    const model = emptyModel();
    model.transactions = [
      txn("2026-07-09", -800, "expenses:software", "alpha", "HUBSPOT INC UPGRADE"),
      txn("2026-07-10", 800, "expenses:software", "alpha", "HubSpot refund"), // inflow
      txn("2025-10-09", -800, "expenses:software", "alpha", "HUBSPOT INC"), // 13 months back
      txn("2026-08-01", -50, "transfers:internal", "alpha", "hubspot transfer"),
      txn("2026-08-02", -90, "expenses:marketing", "alpha", "HUBSPOT ADS"),
    ];
    model.policies = [
      policy({ id: "no-saas", match: "salesforce|hubspot" }),
      policy({ id: "no-saas-software", match: "hubspot", accounts: ["expenses:software"] }),
    ];
    const breaches = policyBreaches(contextFor(model));
    expect(breaches.map((b) => [b.policy.id, b.spentCents, b.transactions[0]?.date])).toEqual([
      ["no-saas", 80_000, "2026-07-09"],
      ["no-saas", 9_000, "2026-08-02"],
      ["no-saas-software", 80_000, "2026-07-09"],
    ]);
    expect(breaches[0]?.subject).toBe("no-saas:alpha:2026-07-09:80000");
  });

  it("reports two identical forbidden purchases on one day under distinct, stable subjects", () => {
    const model = emptyModel();
    const charge = (id: string) => ({
      ...txn("2026-07-09", -800, "expenses:software", "alpha", "HUBSPOT INC"),
      id,
    });
    model.transactions = [charge("card:17"), charge("card:18")];
    model.policies = [policy({ id: "no-saas", match: "hubspot" })];
    const breaches = policyBreaches(contextFor(model));
    // The first keeps the id a single purchase has (tasks are keyed by it); the second adds its transaction id.
    expect(breaches.map((b) => [b.subject, b.spentCents, b.transactions[0]?.id])).toEqual([
      ["no-saas:alpha:2026-07-09:80000", 80_000, "card:17"],
      ["no-saas:alpha:2026-07-09:80000:card:18", 80_000, "card:18"],
    ]);
    const table = analyseFinance(contextFor(model)).tables.find((t) => t.id === "policy-checks");
    expect(table?.rows[0]?.[2]).toBe("2 rows in breach ($1,600)");
    // The run used to stop with "finding … is raised twice"; now both purchases are findings.
    const findings = gatherIntelligence(contextFor(model), [], [forbiddenSpendRule]).findings;
    expect(findings.map((f) => f.fingerprint)).toEqual([
      "policy-forbid-spend:no-saas:alpha:2026-07-09:80000",
      "policy-forbid-spend:no-saas:alpha:2026-07-09:80000:card:18",
    ]);
    // Even transactions sharing an id get distinct subjects: the run must not stop on a duplicate.
    model.transactions = [charge("card:17"), charge("card:17"), charge("card:17")];
    const repeated = policyBreaches(contextFor(model)).map((b) => b.subject);
    expect(new Set(repeated).size).toBe(3);
    expect(repeated[0]).toBe("no-saas:alpha:2026-07-09:80000");
  });

  it("finds months over a monthly spend limit", () => {
    const model = emptyModel();
    model.transactions = [
      txn("2026-09-02", -300, "expenses:marketing:ads"),
      txn("2026-09-12", -300, "expenses:marketing:ads"),
      txn("2026-10-02", -400, "expenses:marketing:ads"),
    ];
    model.policies = [
      policy({
        id: "ads-cap",
        kind: "max-monthly-spend",
        accounts: ["expenses:marketing"],
        limitCents: 50_000,
      }),
    ];
    const breaches = policyBreaches(contextFor(model));
    expect(breaches.map((b) => [b.subject, b.spentCents])).toEqual([["ads-cap:2026-09", 60_000]]);
    const table = analyseFinance(contextFor(model)).tables.find((t) => t.id === "policy-checks");
    expect(table?.rows[0]?.[2]).toBe("1 month in breach ($600)");
  });
});

describe("dates", () => {
  it("knows month ends and ranges", () => {
    expect(periodEnd("2026-02")).toBe("2026-02-28");
    expect(periodEnd("2028-02")).toBe("2028-02-29");
    expect(periodEnd("2026-10")).toBe("2026-10-31");
    expect(monthRange(["2026-05", "2026-06", "2026-10"])).toBe("May–Oct 2026");
    expect(monthRange(["2025-11", "2026-10"])).toBe("Nov 2025–Oct 2026");
    expect(monthRange(["2026-10"])).toBe("Oct 2026");
  });
});
