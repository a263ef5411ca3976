import { describe, expect, it } from "vitest";
import {
  at,
  booking,
  business,
  contextFor,
  emptyModel,
  handoffNote,
  txn,
} from "../../../test/helpers/model.js";
import type { SystemComponent } from "../model/index.js";
import {
  accountingSystems,
  analyseAccounting,
  chartOfAccounts,
  descriptionPattern,
  miscategorised,
  profitabilityRoadmap,
  quarterOf,
  receiptsInEmail,
  recognise,
  uncategorisedGroups,
} from "./accounting.js";
import type { AnalysisOutput } from "./types.js";

function value(output: AnalysisOutput, id: string): number | undefined {
  return output.figures.find((f) => f.id === id)?.value;
}

describe("revenue recognition at period end", () => {
  it("defers a deposit paid for service after the period", () => {
    const b = booking("F1", "confirmed", "2026-11-07", 1_650, {
      depositCents: 41_250,
      paidCents: 41_250,
      bookedOn: "2026-10-06",
    });
    const r = recognise(b, "2026-10", "2026-10-21");
    expect(r).toMatchObject({ earnedPeriodCents: 0, deferredCents: 41_250, receivableCents: 0 });
  });

  it("earns a two-day service straddling the period end by day, cash included", () => {
    // 4,400 over Oct 31 and Nov 1, 1,100 paid: 2,200 earned in October, 550 of the cash deferred,
    // and 1,650 of the earned half still unpaid.
    const b = booking("E1", "confirmed", "2026-10-31", 4_400, {
      serviceEnd: "2026-11-01",
      depositCents: 110_000,
      paidCents: 110_000,
    });
    expect(recognise(b, "2026-10", "2026-10-21")).toMatchObject({
      serviceDays: 2,
      daysInPeriod: 1,
      daysAfter: 1,
      earnedPeriodCents: 220_000,
      deferredCents: 55_000,
      receivableCents: 165_000,
    });
  });

  it("earns only the period's days of a service that began the month before", () => {
    const b = booking("D1", "completed", "2026-09-30", 475, {
      serviceEnd: "2026-10-03",
      paidCents: 47_500,
      depositCents: 11_875,
    });
    // 3 of 4 days fall in October.
    expect(recognise(b, "2026-10", "2026-10-21")).toMatchObject({
      earnedPeriodCents: 35_625,
      deferredCents: 0,
      receivableCents: 0,
    });
    expect(recognise(b, "2026-09", "2026-10-21")?.earnedPeriodCents).toBe(11_875);
  });

  it("counts only the deposit as received when the bookings export postdates the period", () => {
    const b = booking("F2", "completed", "2026-07-20", 1_000, {
      depositCents: 25_000,
      paidCents: 100_000,
      bookedOn: "2026-05-01",
    });
    // At the end of June the balance (paid on the service day) had not arrived.
    expect(recognise(b, "2026-06", "2026-10-21")).toMatchObject({
      cashCents: 25_000,
      deferredCents: 25_000,
    });
  });

  it("earns a kept deposit of a cancelled booking on its service date, and skips the rest", () => {
    const kept = booking("C1", "cancelled", "2026-10-12", 1_650, {
      depositCents: 41_250,
      paidCents: 41_250,
    });
    expect(recognise(kept, "2026-10", "2026-10-21")).toMatchObject({
      forfeited: true,
      earnedPeriodCents: 41_250,
    });
    expect(recognise(booking("C2", "cancelled", "2026-10-12", 475), "2026-10")).toBeUndefined();
    expect(recognise(booking("Q1", "quoted", "2026-10-12", 475), "2026-10")).toBeUndefined();
    expect(
      recognise(
        booking("L1", "confirmed", "2026-11-12", 475, { bookedOn: "2026-11-02" }),
        "2026-10",
      ),
    ).toBeUndefined();
  });

  it("totals the figures and the per-entity table, with ledger income beside them", () => {
    const model = emptyModel([business("alpha", "Alpha"), business("beta", "Beta")]);
    model.freshness = [
      { sourceId: "test", type: "bookings", records: 3, asOf: "2026-10-21", status: "fresh" },
    ];
    model.bookings = [
      booking("A1", "completed", "2026-10-10", 1_000, { paidCents: 100_000 }),
      booking("A2", "confirmed", "2026-11-10", 1_000, { paidCents: 30_000 }),
      booking("B1", "completed", "2026-10-20", 500, { entity: "beta", paidCents: 20_000 }),
      booking("A0", "completed", "2026-08-10", 999, { paidCents: 99_900 }), // nothing left
    ];
    model.transactions = [txn("2026-10-10", 700, "income:charters")];
    const output = analyseAccounting(contextFor(model));
    expect(value(output, "revenue-earned-period")).toBe(1_500);
    expect(value(output, "revenue-deferred")).toBe(300);
    expect(value(output, "revenue-receivable")).toBe(300);
    expect(value(output, "income-ledger-period")).toBe(700);
    // The ledger has no September rows, so there is nothing to compare October's income with;
    // September earned A0's nothing but the bookings reach back that far, so $0 is a real value.
    const figureOf = (id: string) => output.figures.find((f) => f.id === id);
    expect(figureOf("income-ledger-period")?.previous).toBeUndefined();
    expect(figureOf("revenue-earned-period")?.previous).toBe(0);
    expect(figureOf("revenue-receivable")?.better).toBe("lower");
    const table = output.tables.find((t) => t.id === "revenue-recognition");
    expect(table?.rows).toEqual([
      ["Alpha", 2, 1_000, 700, 300, 0],
      ["Beta", 1, 500, 0, 0, 300],
      ["Total", 3, 1_500, 700, 300, 300],
    ]);
    const detail = output.tables.find((t) => t.id === "revenue-recognition-detail");
    expect(detail?.rows.map((r) => [r[0], r[8]])).toEqual([
      ["A2", "service after period end"],
      ["B1", "balance unpaid"],
    ]);
  });
});

describe("last month's revenue, for the figure tiles", () => {
  it("earns the month before by service day and reads its ledger income", () => {
    const model = emptyModel();
    model.bookings = [
      booking("S1", "completed", "2026-09-15", 400, { paidCents: 40_000 }),
      booking("O1", "completed", "2026-10-10", 1_000, { paidCents: 100_000 }),
    ];
    model.transactions = [
      txn("2026-09-15", 300, "income:charters"),
      txn("2026-10-10", 700, "income:charters"),
    ];
    const output = analyseAccounting(contextFor(model));
    const figureOf = (id: string) => output.figures.find((f) => f.id === id);
    expect([
      figureOf("revenue-earned-period")?.value,
      figureOf("revenue-earned-period")?.previous,
    ]).toEqual([1_000, 400]);
    expect([
      figureOf("income-ledger-period")?.value,
      figureOf("income-ledger-period")?.previous,
    ]).toEqual([700, 300]);
  });

  it("has no previous earned revenue when the bookings start in the period", () => {
    const model = emptyModel();
    model.bookings = [
      booking("O1", "completed", "2026-10-10", 1_000, { bookedOn: "2026-10-01", paidCents: 1 }),
    ];
    const output = analyseAccounting(contextFor(model));
    expect(output.figures.find((f) => f.id === "revenue-earned-period")?.previous).toBeUndefined();
  });
});

describe("categorisation audit", () => {
  it("cuts descriptions at their first token with a number", () => {
    expect(descriptionPattern("ATM WITHDRAWAL 0412 POINT LOMA")).toBe("ATM WITHDRAWAL");
    expect(descriptionPattern("AMZN MKTP US*2K4LQ81Z0")).toBe("AMZN MKTP");
    expect(descriptionPattern("TJ MAXX #1182 SAN DIEGO")).toBe("TJ MAXX");
    expect(descriptionPattern("sq *kettle coffee")).toBe("SQ *KETTLE COFFEE");
    expect(descriptionPattern("12345 ACME")).toBe("UNKNOWN");
  });

  it("measures the uncategorised share of rows and of outflow dollars, by pattern", () => {
    const model = emptyModel();
    model.transactions = [
      txn("2026-10-01", -900, "expenses:rent"),
      txn("2026-10-02", -1_000, "transfers:internal"), // not an outflow of the business
      txn("2026-10-03", 500, "income:sales"),
      txn("2026-10-04", -60, undefined, "alpha", "ATM WITHDRAWAL 0412"),
      txn("2026-09-04", -40, undefined, "alpha", "ATM WITHDRAWAL 7710"),
      txn("2026-09-05", 120, undefined, "alpha", "VENMO CASHOUT"),
      txn("2026-08-05", -10, "expenses:rent"),
      txn("2025-10-05", -10, undefined, "alpha", "OLD ROW 1"), // outside the audit year
    ];
    const context = contextFor(model);
    const output = analyseAccounting(context);
    expect(value(output, "ledger-rows")).toBe(7);
    expect(value(output, "uncategorised-rows")).toBe(3);
    // 3 of 7 rows = 42.9%; 100 of 1,010 outflow dollars = 9.9%.
    expect(value(output, "uncategorised-share")).toBe(42.9);
    expect(value(output, "uncategorised-outflow-share")).toBe(9.9);
    const groups = uncategorisedGroups(context);
    expect(
      groups.map((g) => [g.key, g.transactions.length, g.outflowCents, g.inflowCents]),
    ).toEqual([
      ["atm-withdrawal", 2, 10_000, 0],
      ["venmo-cashout", 1, 0, 12_000],
    ]);
  });

  it("flags categories that contradict the direction of the money, refunds excepted", () => {
    const model = emptyModel();
    model.transactions = [
      txn("2026-10-01", -200, "income:sales", "alpha", "SQUARE INC ADJ"),
      txn("2026-10-02", 50, "expenses:software", "alpha", "GITHUB INC"),
      txn("2026-10-03", 30, "expenses:software", "alpha", "FIGMA REFUND"),
      txn("2026-10-04", -30, "income:sales", "alpha", "CHARGEBACK 991"),
    ];
    const found = miscategorised(contextFor(model));
    expect(found.map((m) => [m.transaction.description, m.reason])).toEqual([
      ["SQUARE INC ADJ", "an outflow booked to income account income:sales"],
      ["GITHUB INC", "an inflow booked to expense account expenses:software"],
    ]);
  });
});

describe("accounting system detection", () => {
  const system = (technology: string): SystemComponent => ({
    id: technology.toLowerCase().replace(/\W+/g, "-"),
    entity: "alpha",
    name: technology,
    kind: "other",
    technology,
    provenance: at("data/registry.yaml", 50, "2026-10-28"),
  });

  it("recognises accounting ledgers by technology and receipts kept in email", () => {
    const model = emptyModel();
    model.systems = [system("Stripe API"), system("Amazon S3")];
    expect(accountingSystems(model)).toEqual([]);
    model.systems.push(system("QuickBooks Online"));
    expect(accountingSystems(model).map((s) => s.technology)).toEqual(["QuickBooks Online"]);
    model.handoffs = [
      handoffNote("ops", "alpha", [
        ["state", "Receipts live only in email."],
        ["state", "Invoices are printed."],
      ]),
    ];
    expect(receiptsInEmail(model).map((r) => r.item.text)).toEqual([
      "Receipts live only in email.",
    ]);
  });
});

describe("chart of accounts", () => {
  it("merges the accounts in use with the template, numbered by group", () => {
    const model = emptyModel();
    model.transactions = [
      txn("2026-10-01", -100, "expenses:cost-of-sales:fuel"),
      txn("2026-10-02", -100, "expenses:rent"),
      txn("2026-10-03", -100, "expenses:rent"),
      txn("2026-10-04", 100, "transfers:internal"),
    ];
    const chart = chartOfAccounts(contextFor(model));
    const row = (account: string) => chart.find((a) => a.account === account);
    // Every row's source account (assets:bank from the helper) is in use; it sorts after the
    // proposed assets:accounts-receivable (1010), so it is 1020.
    expect(row("assets:bank")).toMatchObject({ status: "in use", rows: 4, number: 1020 });
    expect(row("expenses:rent")).toMatchObject({ status: "in use", rows: 2, group: "Expenses" });
    expect(row("expenses:cost-of-sales:fuel")?.group).toBe("Cost of sales");
    expect(row("liabilities:customer-deposits")).toMatchObject({ status: "proposed", rows: 0 });
    expect(row("transfers:internal")).toMatchObject({ status: "in use", number: 9010 });
    // Numbers run in statement order.
    const numbers = chart.map((a) => a.number);
    expect([...numbers].sort((a, b) => a - b)).toEqual(numbers);
  });
});

describe("profitability roadmap", () => {
  it("spreads four milestones to the horizon quarter, measured from the data", () => {
    const model = emptyModel();
    model.revenueStreams = [
      {
        id: "s",
        entity: "alpha",
        name: "Charter",
        pricing: { model: "per-unit", priceCents: 100_000, unit: "charter", variableCostCents: 0 },
        billing: { model: "stripe" },
        provenance: at("data/registry.yaml", 5, "2026-10-28"),
      },
    ];
    model.transactions = [
      txn("2026-10-01", -2_000, "expenses:rent"),
      txn("2026-10-02", 1_500, "income:sales"),
      txn("2026-10-03", -10, undefined, "alpha", "ATM"),
    ];
    model.bookings = [booking("B", "completed", "2026-10-05", 1_000, { stream: "s" })];
    const context = contextFor(model, {
      trailingMonths: 1,
      breakEvenStream: "s",
      planningHorizon: "2027-03",
    });
    const roadmap = profitabilityRoadmap(context);
    expect(roadmap.map((m) => m.due)).toEqual([
      "end of Dec 2026",
      "end of Jan 2027",
      "end of Feb 2027",
      "end of Mar 2027",
    ]);
    expect(roadmap[0]?.now).toBe("33.3% (1 of 3, Nov 2025–Oct 2026)");
    expect(roadmap[1]).toMatchObject({
      now: "1 in Oct 2026 (average 1.0)",
      target: "2",
      met: false,
    });
    // No KPI target: the break-even revenue (2,000 fixed ÷ 100% margin) is the target.
    expect(roadmap[2]?.target).toBe("$2,000 (break-even revenue for Feb 2027)");
    expect(roadmap[3]).toMatchObject({ now: "$500 in Oct 2026", met: false });
    expect(roadmap[3]?.title).toContain("Q1 2027");
    expect(quarterOf("2027-03")).toBe("Q1 2027");
    expect(quarterOf("2026-10")).toBe("Q4 2026");
  });
});
