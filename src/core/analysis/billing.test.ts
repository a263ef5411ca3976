import { describe, expect, it } from "vitest";
import { modelWithBooks, sampleBook } from "../../../test/fixtures/billing/sample-book.js";
import { contextFor, emptyModel } from "../../../test/helpers/model.js";
import type { BillingClient, ClientContract, ClientPayment, TimeEntry } from "../model/billing.js";
import {
  analyseBilling,
  billingWindow,
  clientName,
  clientsWithoutModel,
  clientYears,
  contractOn,
  currentContract,
  invoiceBalances,
} from "./billing.js";
import type { AnalysisOutput } from "./types.js";

// Expectations worked out by hand from test/fixtures/billing/sample-book.ts (window
// 2025-11-01 … 2026-10-31, receivables at 2026-10-31).

function values(output: AnalysisOutput): Record<string, number> {
  return Object.fromEntries(output.figures.map((f) => [f.id, f.value]));
}

const rows = (output: AnalysisOutput, id: string) =>
  output.tables.find((t) => t.id === id)?.rows ?? [];

describe("analyseBilling", () => {
  const output = analyseBilling(contextFor(modelWithBooks()));

  it("returns nothing for a tenant without a client book", () => {
    expect(analyseBilling(contextFor(emptyModel()))).toEqual({ figures: [], tables: [] });
  });

  it("splits the window's hours into billed and unbilled, valuing unbilled hours at the contract rate", () => {
    expect(values(output)).toMatchObject({
      // alpha 2 + 1.5 + 0.25, beta 4 + 1, gamma 3; the 5 hours of 2025-10-15 are before the window
      "billing-hours-worked": 11.75,
      "billing-hours-billed": 6,
      "billing-hours-unbilled": 5.75,
      // 5.75 / 11.75 = 48.94%
      "billing-unbilled-share": 48.9,
      // alpha 1.75 h × $100 + beta's extra hour at the retainer's $120; gamma's 3 h have no rate
      "billing-unbilled-value": 295,
    });
    const value = output.figures.find((f) => f.id === "billing-unbilled-value");
    expect(value?.basis).toContain("3 hours have no rate");
    expect(rows(output, "billing-unbilled")).toEqual([
      ["Alpha Co", "hourly, $100/hour", 2, 1.75, "2026-09-20", 175],
      ["Beta LLC", "retainer, $1,000/month", 1, 1, "2026-10-06", 120],
      ["Gamma", "none", 1, 3, "2026-06-15", "no rate"],
      ["Total", "", 4, 5.75, "", 295],
    ]);
  });

  it("counts sent and paid invoices issued in the window, and every payment received in it", () => {
    expect(values(output)).toMatchObject({
      // A1 200 + B0 1,000 + A2 300 + B1 1,000 (A0 is before the window, V1 void, D1 a draft)
      "billing-invoiced": 2500,
      // 500 + 400 + 250 + 1,000 + 75
      "billing-collected": 2225,
      // 2,500 / 11.75 hours
      "billing-effective-rate": 212.77,
    });
    expect(rows(output, "billing-clients")).toEqual([
      ["Beta LLC", "retainer, $1,000/month", 5, 4, 2000, 1400, 400],
      ["Alpha Co", "hourly, $100/hour", 3.75, 2, 500, 825, 133.33],
      ["Gamma", "none", 3, 0, 0, 0, 0],
      ["Total", "", 11.75, 6, 2500, 2225, "$212.77 overall"],
    ]);
  });

  it("ages receivables by days since issue; an invoice marked paid is closed even when short", () => {
    expect(values(output)).toMatchObject({
      // A1 $200 issued 2026-09-30 (31 days), B0 $1,000 less $400 issued 2026-06-01 (152 days)
      "billing-receivable": 800,
      "billing-ar-0-30": 0,
      "billing-ar-31-60": 200,
      "billing-ar-61-90": 0,
      "billing-ar-90-plus": 600,
      "billing-overdue": 800,
      "billing-overdue-invoices": 2,
    });
    expect(rows(output, "billing-ar-ageing").at(-1)).toEqual(["Total", 2, 800]);
    expect(rows(output, "billing-open-invoices")).toEqual([
      ["B0", "Beta LLC", "2026-06-01", "2026-07-01", 1000, 400, 600, "122"],
      ["A1", "Alpha Co", "2026-09-30", "2026-10-15", 200, 0, 200, "16"],
      ["Total", "", "", "", 1200, 400, 800, ""],
    ]);
  });

  it("names the short-paid invoice and the payment of an unknown invoice as mismatches", () => {
    expect(values(output)["billing-payment-mismatches"]).toBe(2);
    expect(rows(output, "billing-payment-mismatches")).toEqual([
      ["A2", "Alpha Co", 300, 250, -50, "marked paid, but $50 short"],
      [
        "ACH 555",
        "Alpha Co",
        "no invoice",
        75,
        "",
        "ACH payment of 2026-10-12 names invoice X9, which is not in the invoices",
      ],
    ]);
  });

  it("measures concentration on the largest client's share of invoicing and counts clients without a model", () => {
    expect(values(output)).toMatchObject({
      // Beta: 2,000 of 2,500
      "billing-top-client-share": 80,
      "billing-clients-no-model": 1,
    });
    expect(rows(output, "billing-revenue-by-client")).toEqual([
      ["Beta LLC", 2000, 80],
      ["Alpha Co", 500, 20],
    ]);
  });

  it("puts each month's hours, invoicing and collections in the monthly table", () => {
    const months = rows(output, "billing-by-month");
    expect(months).toHaveLength(12);
    expect(months.at(-1)).toEqual(["2026-10", 5.25, 1.25, 1000, 1075]);
    expect(months[0]).toEqual(["2025-11", 0, 0, 0, 500]);
  });

  it("analyses the book of the entity the billing-audit role covers", () => {
    const other = { ...sampleBook("other-clients"), invoices: [], payments: [] };
    const context = contextFor(
      modelWithBooks(other, sampleBook("dc-clients")),
      {},
      { billing: { report: "billing-audit", expectedKpis: [], entity: "dc-clients" } },
    );
    expect(values(analyseBilling(context))["billing-invoiced"]).toBe(2500);
  });
});

describe("joins of the billing records", () => {
  // Records of different clients and invoices interleaved, to show each join keeps its own records
  // in the book's order and takes the first match where a lookup finds one.
  function interleaved() {
    const book = sampleBook();
    const pay = (date: string, invoice: string, dollars: number, reference: string) => ({
      ...(book.payments[0] as ClientPayment),
      date,
      invoice,
      client: invoice.startsWith("A") ? "alpha" : "beta",
      amountCents: dollars * 100,
      reference,
    });
    book.payments = [
      pay("2026-10-05", "A1", 50, "a1-second"),
      pay("2026-06-20", "B0", 400, "b0-first"),
      pay("2026-10-01", "A1", 20, "a1-first"),
      pay("2026-11-02", "A1", 130, "a1-after"), // after the day asked about
      pay("2026-07-01", "B0", 100, "b0-second"),
    ];
    return book;
  }

  it("gives each invoice only its own payments up to the day, in the book's order", () => {
    const balances = invoiceBalances(interleaved(), "2026-10-31");
    const of = (id: string) => balances.find((b) => b.invoice.id === id);
    expect(of("A1")?.payments.map((p) => p.reference)).toEqual(["a1-second", "a1-first"]);
    expect(of("A1")?.outstandingCents).toBe(13_000);
    expect(of("B0")?.payments.map((p) => p.reference)).toEqual(["b0-first", "b0-second"]);
    expect(of("B0")?.outstandingCents).toBe(50_000);
    expect(of("A2")?.payments).toEqual([]);
    // Invoices keep the book's order; those issued after the day are left out.
    expect(balances.map((b) => b.invoice.id)).toEqual(["A0", "B0", "V1", "A2", "A1", "B1", "D1"]);
    expect(invoiceBalances(interleaved(), "2026-07-15").map((b) => b.invoice.id)).toEqual([
      "A0",
      "B0",
      "V1",
    ]);
    // The later payment counts once the day reaches it.
    const later = invoiceBalances(interleaved(), "2026-11-30").find((b) => b.invoice.id === "A1");
    expect(later?.payments.map((p) => p.reference)).toEqual(["a1-second", "a1-first", "a1-after"]);
  });

  it("finds a client's contract among others' and the first one in force when two overlap", () => {
    const book = sampleBook();
    const [alpha, beta, gamma] = book.contracts as [ClientContract, ClientContract, ClientContract];
    const alphaLater = { ...alpha, start: "2026-03-01", rateCents: 15_000 };
    const alphaOverlap = { ...alphaLater, start: "2026-04-01", rateCents: 99_900 };
    book.contracts = [{ ...alpha, end: "2026-02-28" }, beta, alphaLater, gamma, alphaOverlap];
    expect(contractOn(book, "alpha", "2026-01-15")?.rateCents).toBe(10_000);
    expect(contractOn(book, "alpha", "2026-05-01")?.rateCents).toBe(15_000);
    expect(contractOn(book, "gamma", "2026-04-30")).toBeUndefined();
    expect(contractOn(book, "nobody", "2026-05-01")).toBeUndefined();
    expect(currentContract(book, "gamma", "2026-01-01")?.model).toBe("none");
    expect(currentContract(book, "alpha", "2026-10-31")?.rateCents).toBe(15_000);
  });

  it("sums each client's own entries, invoices and payments, and names clients by the first record", () => {
    const book = interleaved();
    book.clients.push({ ...(book.clients[0] as BillingClient), name: "Alpha Again" });
    const years = clientYears(book, billingWindow("2026-10"));
    expect(years.map((y) => [y.client, y.hours, y.invoicedCents, y.collectedCents])).toEqual([
      ["beta", 5, 200_000, 50_000],
      ["alpha", 3.75, 50_000, 7_000],
      // The second record of alpha is summed again, as every client record is.
      ["alpha", 3.75, 50_000, 7_000],
      ["gamma", 3, 0, 0],
    ]);
    expect(clientName(book, "alpha")).toBe("Alpha Co");
    expect(clientName(book, "zeta")).toBe("zeta");
    // Delta has no contract; gamma's contract starts 2026-05-01. Each keeps its entries in book order.
    const work = (client: string, date: string, hours: number): TimeEntry => ({
      ...(book.timeEntries[0] as TimeEntry),
      client,
      date,
      hours,
    });
    book.timeEntries = [
      work("delta", "2026-10-02", 2),
      ...book.timeEntries,
      work("gamma", "2026-04-01", 1),
      work("delta", "2026-08-01", 0.5),
    ];
    const unmodelled = clientsWithoutModel(book, billingWindow("2026-10"));
    expect(unmodelled.map((u) => [u.client, u.hours, u.entries.map((e) => e.date)])).toEqual([
      ["gamma", 4, ["2026-06-15", "2026-04-01"]],
      ["delta", 2.5, ["2026-10-02", "2026-08-01"]],
    ]);
  });
});
