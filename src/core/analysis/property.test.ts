import { describe, expect, it } from "vitest";
import { sampleBook } from "../../../test/fixtures/rental/sample-book.js";
import { contextFor, emptyModel } from "../../../test/helpers/model.js";
import type { Entity } from "../model/index.js";
import {
  analyseProperty,
  openCommunications,
  propertyWindow,
  settleCharges,
  vacancies,
} from "./property.js";
import type { AnalysisOutput, Cell } from "./types.js";

const FLAT: Entity = { id: "flat", name: "Flat", kind: "property", aliases: [], domains: [] };

function analysed(thresholds: Record<string, number> = {}): AnalysisOutput {
  const model = emptyModel([FLAT]);
  model.propertyBooks.push(sampleBook());
  return analyseProperty(contextFor(model, { thresholds }));
}

function values(output: AnalysisOutput): Record<string, number> {
  return Object.fromEntries(output.figures.map((f) => [f.id, f.value]));
}

function rows(output: AnalysisOutput, id: string): Cell[][] {
  return output.tables.find((t) => t.id === id)?.rows ?? [];
}

describe("analyseProperty", () => {
  it("computes nothing for a tenant without a rental book", () => {
    expect(analyseProperty(contextFor(emptyModel([FLAT])))).toEqual({ figures: [], tables: [] });
  });

  // Window 2025-11-01..2026-10-31: 365 days × 2 units = 730 unit-days. Unit A is let to
  // 2026-08-31 (304 days), unit B from 2026-02-10 (264 days): 568 let, 162 vacant.
  it("derives occupancy and days vacant from the lease dates", () => {
    const v = values(analysed());
    expect(v["property-occupancy-rate"]).toBe(50); // October: 31 of 62 unit-days
    expect(v["property-occupancy-rate-t12"]).toBe(77.8); // 568 / 730 = 77.81%
    expect(v["property-days-vacant"]).toBe(162);
    expect(v["property-rent-roll"]).toBe(2000); // only lease Lb occupies a unit on 10-31
    const october = analysed().figures.find((f) => f.id === "property-occupancy-rate");
    expect(october?.previous).toBe(50); // September: 30 of 60
  });

  it("lists a vacancy before the first lease and an ongoing one after the last", () => {
    const book = sampleBook();
    const found = vacancies(book, propertyWindow("2026-10"));
    expect(found.map((v) => [v.unit, v.from, v.to, v.days, v.ongoing, v.next?.id])).toEqual([
      ["a", "2026-09-01", "2026-10-31", 61, true, undefined],
      ["b", "2025-11-01", "2026-02-09", 101, false, "Lb"],
    ]);
  });

  // Lb: Sep rent paid 09-09 (8 days > 5 grace: late); Oct rent 1,500 on 10-02 + 500 on 10-10
  // (settled 10-10, 9 days: late); the 150 charge of 10-20 is unpaid 11 days (overdue);
  // Nov rent is not yet due. La: Aug rent paid 08-03, 2 days (grace 3): on time.
  it("settles payments against the oldest charge first", () => {
    const settled = settleCharges(sampleBook(), "2026-10-31");
    expect(
      settled.map((s) => [
        s.charge.lease,
        s.charge.due,
        s.paidOn,
        s.daysLate,
        s.status,
        s.openCents,
      ]),
    ).toEqual([
      ["La", "2026-08-01", "2026-08-03", 2, "on time", 0],
      ["Lb", "2026-09-01", "2026-09-09", 8, "late", 0],
      ["Lb", "2026-10-01", "2026-10-10", 9, "late", 0],
      ["Lb", "2026-10-20", undefined, 11, "overdue", 15_000],
      ["Lb", "2026-11-01", undefined, 0, "not yet due", 200_000],
    ]);
    const v = values(analysed());
    expect(v["property-late-payments"]).toBe(2);
    expect(v["property-rent-outstanding"]).toBe(150);
  });

  // Charges and payments of the two leases interleaved and out of date order: each lease is
  // settled with its own payments only (La's $50 overpayment does not reach Lb's open charges),
  // oldest charge first, and two charges due the same day keep the book's order.
  it("settles each lease with its own payments, whatever the order of the files", () => {
    const book = sampleBook();
    const [la, lb] = ["La", "Lb"];
    const charge = (
      lease: string,
      due: string,
      kind: "rent" | "late-fee" | "other",
      cents: number,
    ) => ({
      ...(book.charges[0] as (typeof book.charges)[number]),
      lease,
      due,
      kind,
      amountCents: cents,
    });
    const pay = (lease: string, date: string, cents: number) => ({
      ...(book.payments[0] as (typeof book.payments)[number]),
      lease,
      date,
      amountCents: cents,
    });
    book.charges = [
      charge(lb, "2026-11-01", "rent", 200_000),
      charge(la, "2026-08-15", "late-fee", 5_000),
      charge(lb, "2026-10-20", "other", 15_000),
      charge(lb, "2026-10-01", "rent", 200_000),
      charge(la, "2026-08-01", "rent", 100_000),
      charge(lb, "2026-10-20", "late-fee", 5_000),
      charge(lb, "2026-09-01", "rent", 200_000),
    ];
    book.payments = [
      pay(lb, "2026-10-10", 50_000),
      pay(la, "2026-08-20", 10_000),
      pay(lb, "2026-10-02", 150_000),
      pay(la, "2026-08-03", 100_000),
      pay(lb, "2026-09-09", 200_000),
    ];
    const settled = settleCharges(book, "2026-10-31");
    expect(
      settled.map((s) => [
        s.lease.id,
        s.charge.due,
        s.charge.kind,
        s.paidOn,
        s.status,
        s.openCents,
      ]),
    ).toEqual([
      ["La", "2026-08-01", "rent", "2026-08-03", "on time", 0],
      ["La", "2026-08-15", "late-fee", "2026-08-20", "paid", 0],
      ["Lb", "2026-09-01", "rent", "2026-09-09", "late", 0],
      ["Lb", "2026-10-01", "rent", "2026-10-10", "late", 0],
      ["Lb", "2026-10-20", "other", undefined, "overdue", 15_000],
      ["Lb", "2026-10-20", "late-fee", undefined, "overdue", 5_000],
      ["Lb", "2026-11-01", "rent", undefined, "not yet due", 200_000],
    ]);
    // A payment after the day asked about is not applied.
    const early = settleCharges(book, "2026-10-05").find((s) => s.charge.due === "2026-10-01");
    expect([early?.paidOn, early?.openCents]).toEqual([undefined, 50_000]);
    // The leases table owes each lease only its own open charges due by the period end.
    const model = emptyModel([FLAT]);
    model.propertyBooks.push(book);
    const leases = rows(analyseProperty(contextFor(model)), "property-leases");
    expect(leases.map((r) => [r[0], r[7]])).toEqual([
      ["La", 0],
      ["Lb", 200],
    ]);
  });

  // Income: Aug 1,000, Sep 2,000, Oct 2,000 = 5,000. Expenses in the window: maintenance
  // 100 + 80 + 250 = 430 (T5 is before the window, T4 is open) and other 50 + 300 = 350.
  it("computes income, expenses and net operating income for the month and 12 months", () => {
    const v = values(analysed());
    expect(v["property-income-t12"]).toBe(5000);
    expect(v["property-maintenance-cost-t12"]).toBe(430);
    expect(v["property-expenses-t12"]).toBe(780);
    expect(v["property-noi-t12"]).toBe(4220);
    expect(v["property-income-period"]).toBe(2000);
    expect(v["property-expenses-period"]).toBe(300);
    expect(v["property-noi-period"]).toBe(1700);
    const noi = analysed().figures.find((f) => f.id === "property-noi-period");
    expect(noi?.previous).toBe(1700); // September: 2,000 less 250 + 50
    const table = rows(analysed(), "property-income-expense-by-month");
    expect(table).toHaveLength(13);
    expect(table.at(-1)).toEqual(["Total", 5000, 430, 350, 780, 4220]);
  });

  it("groups maintenance cost by category with a Total row", () => {
    expect(rows(analysed(), "property-maintenance-by-category")).toEqual([
      ["plumbing", 3, 430],
      ["exterior", 1, 0],
      ["Total", 4, 430],
    ]);
    expect(values(analysed())["property-open-tickets"]).toBe(1);
  });

  // Open at 10-31: M6 (its reply M7 is dated after the period, 26 days), M3 (11), M4 (3);
  // M1 is answered by M2 and M5 is after the period.
  it("finds the communications awaiting a reply and those past the threshold", () => {
    const open = openCommunications(sampleBook(), "2026-10-31");
    expect(open.map((o) => [o.message.id, o.daysWaiting])).toEqual([
      ["M6", 26],
      ["M3", 11],
      ["M4", 3],
    ]);
    expect(values(analysed())["property-open-communications"]).toBe(3);
    expect(values(analysed())["property-communications-overdue"]).toBe(2);
    const stricter = analysed({ "property-unanswered-communication.days": 20 });
    expect(values(stricter)["property-communications-overdue"]).toBe(1);
  });

  it("shows a unit column in the lease and vacancy tables only when the property has several units", () => {
    const columns = (output: AnalysisOutput, id: string) =>
      output.tables.find((t) => t.id === id)?.columns.map((c) => c.key);
    const two = analysed();
    expect(columns(two, "property-leases")).toContain("unit");
    expect(columns(two, "property-vacancies")).toEqual(["unit", "from", "to", "days", "ended"]);
    const model = emptyModel([FLAT]);
    const book = sampleBook();
    model.propertyBooks.push({ ...book, units: book.units.slice(0, 1) });
    const one = analyseProperty(contextFor(model));
    expect(columns(one, "property-leases")).not.toContain("unit");
    expect(columns(one, "property-vacancies")).toEqual(["from", "to", "days", "ended"]);
    const leaseRows = one.tables.find((t) => t.id === "property-leases")?.rows ?? [];
    for (const row of leaseRows) expect(row).toHaveLength(8);
  });

  it("analyses the book of the entity the rental-property role names", () => {
    const other: Entity = { ...FLAT, id: "other", name: "Other" };
    const model = emptyModel([FLAT, other]);
    const second = sampleBook("other");
    second.leases = second.leases.filter((l) => l.id === "La");
    model.propertyBooks.push(sampleBook(), second);
    const context = contextFor(
      model,
      {},
      { landlord: { report: "rental-property", expectedKpis: [], entity: "other" } },
    );
    expect(values(analyseProperty(context))["property-rent-roll"]).toBe(0);
    expect(values(analyseProperty(contextFor(model)))["property-rent-roll"]).toBe(2000);
  });
});
