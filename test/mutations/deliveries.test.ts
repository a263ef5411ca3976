import { beforeAll, describe, expect, it } from "vitest";
import type { Intelligence } from "../../src/core/analysis/intelligence.js";
import { PORTFOLIO } from "../helpers/cli.js";
import { type Computed, fingerprints, mutated, replaceIn, sectionText } from "../helpers/mutate.js";
import { computeTenant } from "../helpers/pipeline.js";

// Data change → report change: each test edits one file of the deliveries folder in a copy of
// the reference portfolio and checks that the figures, findings and yacht-delivery report follow.

const ROLE = "delivery-manager";
const CREW = "data/deliveries/crew.csv";
const DELIVERIES = "data/deliveries/deliveries.csv";
const DOCUMENTS = "data/deliveries/documents.csv";
const LEGS = "data/deliveries/legs.csv";

const figure = (intelligence: Intelligence, id: string) => intelligence.figures.get(id)?.value;
const summary = (computed: Computed) => sectionText(computed.report(ROLE), "summary");

describe("yacht-delivery mutations", () => {
  let base: Computed;
  beforeAll(async () => {
    base = await computeTenant(PORTFOLIO);
  });

  it("the baseline: 9 deliveries, 3,829 nm, a $17,848 margin, 2 over budget, 3 document gaps", () => {
    expect(figure(base.intelligence, "delivery-completed")).toBe(9);
    expect(figure(base.intelligence, "delivery-nautical-miles")).toBe(3829);
    expect(figure(base.intelligence, "delivery-margin")).toBe(17848.35);
    expect(figure(base.intelligence, "delivery-cost-per-nm")).toBe(18.67);
    expect(figure(base.intelligence, "delivery-crew-days")).toBe(130);
    expect(figure(base.intelligence, "delivery-crew-unconfirmed")).toBe(2);
    expect(figure(base.intelligence, "delivery-document-gaps")).toBe(3);
    expect(fingerprints(base.intelligence, "delivery-over-budget")).toEqual([
      "delivery-over-budget:EYD-106",
      "delivery-over-budget:EYD-108",
    ]);
    expect(base.report(ROLE).subject).toBe(
      "Delivery operations · Oct 2026 · 9 deliveries, 3,829 nm · margin $17,848 (20%) · 2 over budget",
    );
  });

  it("confirming the last crew member of EYD-112 clears its crew finding", async () => {
    const after = await mutated((dir) =>
      replaceIn(
        dir,
        CREW,
        "EYD-112,Jonah Reyes,crew,175.00,9,no",
        "EYD-112,Jonah Reyes,crew,175.00,9,yes",
      ),
    );
    expect(fingerprints(after.intelligence, "delivery-crew-unconfirmed")).toEqual([
      "delivery-crew-unconfirmed:EYD-113",
    ]);
    expect(figure(after.intelligence, "delivery-crew-unconfirmed")).toBe(1);
    expect(summary(after)).toContain("1 of the 2 upcoming deliveries lacks confirmed crew");
  });

  it("a higher quote for EYD-106 turns its loss into a margin and raises the total", async () => {
    const after = await mutated((dir) =>
      replaceIn(
        dir,
        DELIVERIES,
        "735,21500.00,16800.00,completed",
        "735,24000.00,16800.00,completed",
      ),
    );
    // 17,848.35 + 2,500: the cost is unchanged, so EYD-106 is still over its $16,800 budget.
    expect(figure(after.intelligence, "delivery-margin")).toBe(20348.35);
    const overrun = after.intelligence.findings.find(
      (f) => f.fingerprint === "delivery-over-budget:EYD-106",
    );
    expect(overrun?.severity).toBe("medium");
    expect(summary(base)).toContain("EYD-106 Marlin Run lost $1,497");
    expect(summary(after)).not.toContain("lost");
    expect(summary(after)).toContain("$20,348");
  });

  it("filing EYD-113's insurance removes that document gap", async () => {
    const after = await mutated((dir) =>
      replaceIn(
        dir,
        DOCUMENTS,
        "Rafael Ortega,uscg-license,",
        "EYD-113,insurance,Owner's yacht policy with delivery-crew endorsement,2027-03-31\nRafael Ortega,uscg-license,",
      ),
    );
    expect(figure(after.intelligence, "delivery-document-gaps")).toBe(2);
    expect(fingerprints(after.intelligence, "delivery-document-gap")).toEqual([
      "delivery-document-gap:ben-castillo:stcw",
      "delivery-document-gap:tess-lindqvist:stcw",
    ]);
    expect(sectionText(after.report(ROLE), "documents")).toContain("8 of 10 are on file and valid");
  });

  it("a longer leg changes the distance, the cost per mile and the completed table", async () => {
    const after = await mutated((dir) =>
      replaceIn(
        dir,
        LEGS,
        "EYD-110,2,Newport Beach,San Diego,2026-10-06,2026-10-06,72,",
        "EYD-110,2,Newport Beach,San Diego,2026-10-06,2026-10-06,80,",
      ),
    );
    expect(figure(after.intelligence, "delivery-nautical-miles")).toBe(3837);
    // $71,501.65 over 3,837 nm.
    expect(figure(after.intelligence, "delivery-cost-per-nm")).toBe(18.63);
    const row = '"EYD-110 Halcyon, Santa Barbara → San Diego","2026-10-06"';
    expect(sectionText(base.report(ROLE), "deliveries")).toContain(`${row},177,`);
    expect(sectionText(after.report(ROLE), "deliveries")).toContain(`${row},185,`);
    expect(after.report(ROLE).subject).toContain("3,837 nm");
  });
});
