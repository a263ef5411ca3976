import { describe, expect, it } from "vitest";
import { deliveryContext, handBook } from "../../../test/fixtures/deliveries/book.js";
import {
  analyseDeliveries,
  completedDeliveries,
  costDelivery,
  crewShortDeliveries,
  deliveryBookOf,
  documentChecks,
  hasConfirmedSkipper,
  unconfirmedCrew,
} from "./deliveries.js";
import type { AnalysisOutput } from "./types.js";

// Expectations worked out by hand from the book described in test/fixtures/deliveries/book.ts.

const value = (out: AnalysisOutput, id: string) => out.figures.find((f) => f.id === id)?.value;
const rows = (out: AnalysisOutput, id: string) => out.tables.find((t) => t.id === id)?.rows;

describe("analyseDeliveries", () => {
  const out = analyseDeliveries(deliveryContext());

  it("counts completed deliveries in the 12 months to the period, and the open ones", () => {
    expect(value(out, "delivery-completed")).toBe(2); // A and B; C ended 2025-10-31
    expect(value(out, "delivery-completed-period")).toBe(1); // A
    expect(value(out, "delivery-under-way")).toBe(1); // D
    expect(value(out, "delivery-upcoming")).toBe(2); // E and F; G is cancelled
  });

  it("adds up distance, crew days, fees, cost and margin of the completed deliveries", () => {
    expect(value(out, "delivery-nautical-miles")).toBe(350); // 100 + 50 + 200
    expect(value(out, "delivery-crew-days")).toBe(9); // 2 + 2 + 5
    expect(value(out, "delivery-revenue")).toBe(8000);
    expect(value(out, "delivery-cost")).toBe(5700); // 1,300 + 4,400
    expect(value(out, "delivery-margin")).toBe(2300);
    expect(value(out, "delivery-margin-average")).toBe(1150);
    expect(value(out, "delivery-margin-percent")).toBe(28.8); // 2,300 / 8,000 = 28.75%
    expect(value(out, "delivery-cost-per-nm")).toBe(16.29); // 5,700 / 350 = 16.2857
  });

  it("flags over-budget, crew-short and document gaps", () => {
    expect(value(out, "delivery-over-budget")).toBe(2); // B 4,400 > 3,000; D 1,400 > 1,000
    expect(value(out, "delivery-crew-unconfirmed")).toBe(2); // E (Tess), F (nobody)
    expect(value(out, "delivery-document-gaps")).toBe(3); // D lapses, Tess expired, F missing
  });

  it("lists the completed deliveries with a Total row that sums them", () => {
    expect(rows(out, "delivery-completed-list")).toEqual([
      ["B Vessel B, San Diego → Ensenada", "2026-04-20", 200, 5000, 3000, 4400, 600],
      ["A Vessel A, San Diego → Ensenada", "2026-10-05", 150, 3000, 2000, 1300, 1700],
      ["Total", "", 350, 8000, 5000, 5700, 2300],
    ]);
  });

  it("splits the cost into crew, fuel, marinas and other, with shares to 0.1%", () => {
    expect(rows(out, "delivery-cost-breakdown")).toEqual([
      ["Crew pay", 3100, 54.4],
      ["Fuel", 1640.5, 28.8],
      ["Marinas", 550, 9.6],
      ["Other (clearance, travel)", 409.5, 7.2],
      ["Total", 5700, ""],
    ]);
  });

  it("gives every month of the window a row, empty months included", () => {
    const byMonth = rows(out, "delivery-by-month") ?? [];
    expect(byMonth).toHaveLength(12);
    expect(byMonth[0]).toEqual(["2025-11", 0, 0, 0, 0]);
    expect(byMonth.find((r) => r[0] === "2026-04")).toEqual(["2026-04", 1, 200, 5000, 4400]);
  });

  it("sums crew days and pay per person", () => {
    expect(rows(out, "delivery-crew")).toEqual([
      ["Rafael Ortega", "skipper", 2, 7, 2800],
      ["Jonah Reyes", "crew", 1, 2, 300],
      ["Total", "", 3, 9, 3100],
    ]);
  });

  it("shows the open deliveries with sailed distance, confirmed crew and document gaps", () => {
    expect(rows(out, "delivery-open")).toEqual([
      ["D Vessel D, San Diego → Ensenada", "under-way", "2026-10-28", 300, 80, "1 of 1", "1 gap"],
      ["E Vessel E, San Diego → Ensenada", "confirmed", "2026-11-10", 120, 0, "1 of 2", "1 gap"],
      [
        "F Vessel F, San Diego → Ensenada",
        "planned",
        "2026-12-15",
        90,
        0,
        "no crew listed",
        "1 gap",
      ],
    ]);
  });

  it("judges each document against arrival, taking the latest expiry on file", () => {
    const checks = documentChecks(handBook(), "2026-10");
    expect(checks.map((c) => [c.delivery.id, c.holder, c.kind, c.status])).toEqual([
      ["D", "D", "insurance", "lapses"],
      ["D", "Rafael Ortega", "uscg-license", "valid"],
      ["E", "E", "insurance", "valid"],
      ["E", "Rafael Ortega", "uscg-license", "valid"],
      ["E", "Tess Lindqvist", "stcw", "expired"],
      ["F", "F", "insurance", "missing"],
    ]);
    expect(rows(out, "delivery-documents")?.[0]).toEqual([
      "D Vessel D",
      "vessel",
      "insurance of D",
      "2026-11-02",
      "expires 2026-11-01, before arrival",
    ]);
  });

  it("applies the over-budget tolerance from the thresholds", () => {
    const tolerant = analyseDeliveries(
      deliveryContext(handBook(), { "delivery-over-budget.tolerancePercent": 45 }),
    );
    // B is 46.7% over its budget, D 40%.
    expect(value(tolerant, "delivery-over-budget")).toBe(1);
  });

  it("returns nothing for a tenant without a delivery book", () => {
    expect(analyseDeliveries(deliveryContext(null))).toEqual({ figures: [], tables: [] });
  });

  it("analyses the book of the entity the report's role names", () => {
    const other = { ...handBook(), entity: "other", deliveries: [] };
    const context = deliveryContext(handBook());
    context.model.deliveryBooks.unshift(other);
    expect(deliveryBookOf(context)?.entity).toBe("eyd");
    expect(completedDeliveries(handBook(), "2026-10").map((c) => c.costCents)).toEqual([
      440_000, 130_000,
    ]);
    expect(crewShortDeliveries(handBook()).map((d) => d.id)).toEqual(["E", "F"]);
  });
});

describe("joins of legs, crew and documents", () => {
  // The hand book's records reordered so that deliveries interleave: each delivery must get only
  // its own legs (by leg number) and crew (in the book's order), and each person only their own
  // certification of the right kind, whatever the case of the name.
  function shuffled() {
    const book = handBook();
    book.legs = [...book.legs].reverse();
    const [a1, a2, b, c, d, e1, e2] = book.crew;
    book.crew = [e2, a2, d, b, a1, c, e1].filter((x) => x !== undefined);
    const doc = (i: number) => book.documents[i] as (typeof book.documents)[number];
    book.documents = [
      ...book.documents,
      // A licence is not the STCW certificate Tess's position needs.
      { ...doc(3), holder: "Tess Lindqvist", name: "licence of Tess" },
      // Rafael's renewed licence, his name in capitals, is his latest; an STCW is not a licence.
      { ...doc(3), holder: "RAFAEL ORTEGA", expires: "2029-01-01", name: "renewed licence" },
      { ...doc(4), holder: "Rafael Ortega", expires: "2030-01-01", name: "stcw of Rafael" },
      // Same expiry as the insurance of D already on file: the first on file is kept.
      { ...doc(0), name: "second insurance of D" },
    ];
    return book;
  }

  it("costs each delivery from its own legs and crew only", () => {
    const book = shuffled();
    const a = book.deliveries.find((d) => d.id === "A");
    if (a === undefined) throw new Error("no A");
    const costing = costDelivery(book, a);
    expect(costing.legs.map((l) => [l.delivery, l.leg])).toEqual([
      ["A", 1],
      ["A", 2],
    ]);
    expect(costing.crew.map((c) => c.person)).toEqual(["Jonah Reyes", "Rafael Ortega"]);
    expect(costing.costCents).toBe(130_000);
    expect(completedDeliveries(book, "2026-10").map((c) => c.costCents)).toEqual([
      440_000, 130_000,
    ]);
  });

  it("finds each delivery's crew and each person's document of the kind needed", () => {
    const book = shuffled();
    const [e, f] = ["E", "F"].map((id) => book.deliveries.find((d) => d.id === id));
    if (e === undefined || f === undefined) throw new Error("no E or F");
    expect(unconfirmedCrew(book, e).map((c) => c.person)).toEqual(["Tess Lindqvist"]);
    expect(hasConfirmedSkipper(book, e)).toBe(true);
    expect(hasConfirmedSkipper(book, f)).toBe(false);
    expect(crewShortDeliveries(book).map((d) => d.id)).toEqual(["E", "F"]);
    const checks = documentChecks(book, "2026-10");
    expect(checks.map((c) => [c.delivery.id, c.holder, c.status, c.document?.name])).toEqual([
      ["D", "D", "lapses", "insurance of D"],
      ["D", "Rafael Ortega", "valid", "renewed licence"],
      ["E", "E", "valid", "insurance of E"],
      ["E", "Tess Lindqvist", "expired", "stcw of Tess Lindqvist"],
      ["E", "Rafael Ortega", "valid", "renewed licence"],
      ["F", "F", "missing", undefined],
    ]);
    const open = rows(analyseDeliveries(deliveryContext(book)), "delivery-open");
    expect(open?.map((r) => [r[0], r[5], r[6]])).toEqual([
      ["D Vessel D, San Diego → Ensenada", "1 of 1", "1 gap"],
      ["E Vessel E, San Diego → Ensenada", "1 of 2", "1 gap"],
      ["F Vessel F, San Diego → Ensenada", "no crew listed", "1 gap"],
    ]);
  });
});
