import { describe, expect, it } from "vitest";
import { sampleBook } from "../../../test/fixtures/rental/sample-book.js";
import { contextFor, emptyModel } from "../../../test/helpers/model.js";
import { analyseProperty } from "../analysis/property.js";
import type { Finding } from "../analysis/types.js";
import type { Entity } from "../model/index.js";
import type { PropertyBook } from "../model/property.js";
import { propertyRules } from "./property-rules.js";
import { evaluateRules } from "./rule.js";

const FLAT: Entity = { id: "flat", name: "Flat", kind: "property", aliases: [], domains: [] };

function findings(
  book: PropertyBook | null = sampleBook(),
  thresholds: Record<string, number> = {},
): Finding[] {
  const model = emptyModel([FLAT]);
  if (book !== null) model.propertyBooks.push(book);
  const context = contextFor(model, { thresholds });
  const figures = new Map(analyseProperty(context).figures.map((f) => [f.id, f]));
  return evaluateRules(propertyRules, context, figures);
}

function of(list: Finding[], category: string): Finding[] {
  return list.filter((f) => f.category === category);
}

describe("property rules", () => {
  it("raise nothing for a tenant without a rental book", () => {
    expect(findings(null)).toEqual([]);
  });

  it("flag the current tenant's late rent with each charge as evidence, not the former tenant's", () => {
    const [late, ...rest] = of(findings(), "late-rent");
    expect(rest).toEqual([]);
    expect(late).toMatchObject({
      fingerprint: "property-late-rent:Lb",
      title: "Ben: 2 late rent payments in Nov 2025–Oct 2026, $150 overdue",
      severity: "medium", // the overdue charge is not rent
      entity: "flat",
      roles: ["rental-property"],
    });
    expect(late?.evidence.map((e) => [e.text, e.source.file, e.source.line])).toEqual([
      [
        "rent $2,000 due 2026-09-01 paid 2026-09-09, 8 days after due (grace 5 days)",
        "data/rental/payments.csv",
        3,
      ],
      [
        "rent $2,000 due 2026-10-01 paid 2026-10-10, 9 days after due (grace 5 days)",
        "data/rental/payments.csv",
        5,
      ],
      [
        "other $150 due 2026-10-20: $150 unpaid 11 days after due (grace 5 days)",
        "data/rental/rent-charges.csv",
        5,
      ],
    ]);
  });

  it("rate unpaid rent past the grace period high", () => {
    const book = sampleBook();
    book.payments = book.payments.filter((p) => p.date !== "2026-10-10");
    const [late] = of(findings(book), "late-rent");
    expect(late?.severity).toBe("high");
    // October rent now has 500 open 21 days after due: it counts as late, and 500 + 150 is overdue.
    expect(late?.title).toBe("Ben: 2 late rent payments in Nov 2025–Oct 2026, $650 overdue");
  });

  it("flag the same item of a unit repaired twice within 12 months, not across units", () => {
    const repeats = of(findings(), "repeat-maintenance");
    expect(repeats.map((f) => [f.fingerprint, f.title])).toEqual([
      ["property-repeat-maintenance:a:sink", "Sink needed 2 repairs in 12 months ($350)"],
    ]);
    expect(repeats[0]?.evidence.map((e) => e.source.line)).toEqual([3, 5]);
    const wider = of(
      findings(sampleBook(), { "property-repeat-maintenance.count": 3 }),
      "repeat-maintenance",
    );
    expect(wider).toEqual([]);
  });

  it("flag vacancies over 30 days: an ongoing one high, an ended one medium", () => {
    const found = of(findings(), "vacancy");
    expect(found.map((f) => [f.fingerprint, f.severity, f.title])).toEqual([
      [
        "property-long-vacancy:a:2026-09-01",
        "high",
        "Unit A has been vacant 61 days (since 2026-09-01), over the 30-day threshold",
      ],
      [
        "property-long-vacancy:b:2025-11-01",
        "medium",
        "Unit B stood vacant 101 days (2025-11-01 to 2026-02-09), over the 30-day threshold",
      ],
    ]);
    expect(
      of(findings(sampleBook(), { "property-long-vacancy.days": 90 }), "vacancy"),
    ).toHaveLength(1);
  });

  it("flag entries waiting for a reply longer than the threshold", () => {
    const found = of(findings(), "tenant-communication");
    expect(found.map((f) => [f.fingerprint, f.severity, f.title])).toEqual([
      [
        "property-unanswered-communication:M6",
        "medium", // 26 days: more than twice the 7-day threshold
        "Ben has waited 26 days for a reply: Subject M6",
      ],
      [
        "property-unanswered-communication:M3",
        "low",
        "Ben has waited 11 days for a reply: Subject M3",
      ],
    ]);
    expect(found[0]?.evidence[0]?.source).toMatchObject({
      file: "data/rental/communications.csv",
      line: 7,
    });
    const relaxed = findings(sampleBook(), { "property-unanswered-communication.days": 20 });
    expect(of(relaxed, "tenant-communication").map((f) => f.fingerprint)).toEqual([
      "property-unanswered-communication:M6",
    ]);
  });
});
