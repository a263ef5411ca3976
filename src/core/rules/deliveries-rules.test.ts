import { describe, expect, it } from "vitest";
import { deliveryContext, handBook } from "../../../test/fixtures/deliveries/book.js";
import type { Finding } from "../analysis/types.js";
import { deliveryRules } from "./deliveries-rules.js";
import { evaluateRules } from "./rule.js";

// Findings over the hand-worked book of test/fixtures/deliveries/book.ts (period 2026-10).

function run(thresholds: Record<string, number> = {}, book = handBook()): Finding[] {
  return evaluateRules(deliveryRules, deliveryContext(book, thresholds), new Map());
}

const of = (findings: Finding[], ruleId: string) => findings.filter((f) => f.ruleId === ruleId);

describe("delivery-over-budget", () => {
  it("flags the completed delivery and the under-way one whose cost passed their budgets", () => {
    const found = of(run(), "delivery-over-budget");
    expect(found.map((f) => [f.fingerprint, f.severity, f.title])).toEqual([
      [
        "delivery-over-budget:B",
        "medium",
        "B Vessel B (San Diego → Ensenada) cost $4,400 against a $3,000 budget: $1,400 over",
      ],
      [
        "delivery-over-budget:D",
        "medium",
        "D Vessel D (San Diego → Ensenada) has committed $1,400 against a $1,000 budget: $400 over",
      ],
    ]);
    expect(found[0]?.roles).toEqual(["yacht-delivery"]);
    expect(found[0]?.evidence.map((e) => `${e.source.file}:${e.source.line}`)).toEqual([
      "data/deliveries/deliveries.csv:3",
      "data/deliveries/legs.csv:4",
      "data/deliveries/crew.csv:4",
    ]);
    expect(found[0]?.action).toContain("$22 a nautical mile"); // 4,400 / 200 = 22
  });

  it("rates a delivery that lost money high", () => {
    const book = handBook();
    const b = book.deliveries.find((d) => d.id === "B");
    if (b !== undefined) b.quoteCents = 400_000; // cost 4,400 > quote 4,000
    const [loss] = of(run({}, book), "delivery-over-budget");
    expect(loss?.severity).toBe("high");
    expect(loss?.title).toContain("a loss of $400 on a $4,000 quote");
  });

  it("leaves overruns within the configured tolerance alone", () => {
    expect(
      of(run({ "delivery-over-budget.tolerancePercent": 50 }), "delivery-over-budget"),
    ).toEqual([]);
  });
});

describe("delivery-crew-unconfirmed", () => {
  it("flags an upcoming delivery inside the horizon with an unconfirmed position", () => {
    const found = of(run(), "delivery-crew-unconfirmed");
    expect(found.map((f) => [f.fingerprint, f.severity, f.title])).toEqual([
      [
        "delivery-crew-unconfirmed:E",
        "medium",
        "E Vessel E departs 2026-11-10 (10 days after 2026-10-31) with mate Tess Lindqvist not confirmed",
      ],
    ]);
    expect(found[0]?.evidence[1]?.source).toMatchObject({
      file: "data/deliveries/crew.csv",
      line: 8,
    });
  });

  it("reaches further with a longer horizon, and rates a delivery with no crew high", () => {
    const found = of(
      run({ "delivery-crew-unconfirmed.daysAhead": 60 }),
      "delivery-crew-unconfirmed",
    );
    const f = found.find((x) => x.fingerprint === "delivery-crew-unconfirmed:F");
    expect(f?.severity).toBe("high");
    expect(f?.title).toBe(
      "F Vessel F departs 2026-12-15 (45 days after 2026-10-31) with no crew listed",
    );
  });
});

describe("delivery-document-gap", () => {
  it("raises one finding per holder and document that is not valid through arrival", () => {
    const found = of(run(), "delivery-document-gap");
    expect(found.map((f) => [f.fingerprint, f.severity, f.title])).toEqual([
      [
        "delivery-document-gap:d:insurance",
        "high",
        "D Vessel D (departs 2026-10-28) insurance expires 2026-11-01, before arrival",
      ],
      [
        "delivery-document-gap:tess-lindqvist:stcw",
        "medium",
        "Tess Lindqvist's STCW certificate expired 2026-09-30 (proposed as mate on E Vessel E from 2026-11-10)",
      ],
      [
        "delivery-document-gap:f:insurance",
        "high",
        "F Vessel F (departs 2026-12-15) has no insurance on file",
      ],
    ]);
  });

  it("cites the expired document next to the crew row that needs it", () => {
    const tess = of(run(), "delivery-document-gap").find((f) => f.title.startsWith("Tess"));
    expect(tess?.evidence.map((e) => `${e.source.file}:${e.source.line}`)).toEqual([
      "data/deliveries/crew.csv:8",
      "data/deliveries/documents.csv:6",
    ]);
  });
});

it("raises nothing for a tenant without a delivery book", () => {
  expect(evaluateRules(deliveryRules, deliveryContext(null), new Map())).toEqual([]);
});
