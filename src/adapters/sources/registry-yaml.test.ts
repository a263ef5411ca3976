import { describe, expect, it } from "vitest";
import { createEntityResolver } from "../../core/entity-resolver.js";
import { parseRegistryYaml } from "./registry-yaml.js";

const entities = createEntityResolver([
  {
    id: "queenofsandiego",
    name: "QueenofSanDiego",
    kind: "business",
    aliases: ["Queen of San Diego"],
    domains: [],
  },
  { id: "dangerouscentaur", name: "DangerousCentaur", kind: "business", aliases: [], domains: [] },
]);
const options = { sourceId: "registry", file: "data/registry.yaml" };

const REGISTRY = `asOf: 2026-10-28
assets:
  - id: email-list
    entity: Queen of San Diego
    kind: email-list
    name: Concert guests list
    contacts: 3676
revenueStreams:
  - id: private-charter
    entity: queenofsandiego
    name: Private charter
    pricing: { model: per-unit, price: 1650, unit: charter, variableCost: 350.5 }
    billing: { model: stripe }
channels:
  - { id: qsd-viator, entity: queenofsandiego, kind: ota, name: Viator, status: not-listed, prerequisites: [coi], priority: 3 }
documents:
  - { id: coi, entity: queenofsandiego, name: Certificate of insurance, status: missing }
systems:
  - id: qsd-lambda
    entity: queenofsandiego
    name: Booking API
    kind: backend
    technology: AWS Lambda
    monthlyCost: { low: 12.5, high: 20 }
    savings: [{ monthly: 9, action: Set CloudWatch log retention to 30 days }]
campaigns:
  - id: concert-blast
    entity: queenofsandiego
    kind: email-blast
    name: Concert booking blast
    audience: email-list
    valuePerConversion: 1500
    assumptions:
      low: { open: 0.2, click: 0.1, conversion: 0.1 }
      high: { open: 0.35, click: 0.15, conversion: 0.18 }
`;

describe("parseRegistryYaml", () => {
  it("turns the registry into model records with cents, resolved entities and lines", () => {
    const { records, problems } = parseRegistryYaml(REGISTRY, options, entities);
    expect(problems).toEqual([]);
    expect(records?.assets[0]).toMatchObject({
      entity: "queenofsandiego",
      contacts: 3676,
      provenance: { line: 3, asOf: "2026-10-28", file: "data/registry.yaml" },
    });
    expect(records?.revenueStreams[0]?.pricing).toEqual({
      model: "per-unit",
      priceCents: 165000,
      unit: "charter",
      variableCostCents: 35050,
    });
    expect(records?.systems[0]).toMatchObject({
      monthlyCostCents: { low: 1250, high: 2000 },
      savings: [{ monthlyCents: 900 }],
    });
    expect(records?.channels[0]?.prerequisites).toEqual(["coi"]);
    expect(records?.campaigns[0]?.valuePerConversionCents).toBe(150000);
    expect(records?.people).toEqual([]);
  });

  it("reports duplicate ids, unknown entities and dangling references together", () => {
    const text = REGISTRY.replace("entity: Queen of San Diego", "entity: Queen of Sandiego")
      .replace("prerequisites: [coi]", "prerequisites: [insurance]")
      .replace("audience: email-list", "audience: mailing-list")
      .concat(
        "plannedSpends:\n  - { id: a, entity: dangerouscentaur, description: X, amount: 1, cadence: once, revenueProducing: false }\n  - { id: a, entity: dangerouscentaur, description: Y, amount: 2, cadence: once, revenueProducing: true }\n",
      );
    const { records, problems } = parseRegistryYaml(text, options, entities);
    expect(records).toBeUndefined();
    expect(problems.map((p) => [p.line, p.message])).toEqual([
      [4, 'unknown entity "Queen of Sandiego"'],
      [15, 'prerequisite "insurance" is not a document id'],
      [31, 'audience "mailing-list" is not an asset id'],
      [38, 'duplicate id "a" in plannedSpends'],
    ]);
  });

  it("names unknown keys and wrong enum values with their line", () => {
    const text = REGISTRY.replace("kind: email-list", "kind: newsletter").replace(
      "contacts: 3676",
      "contacts: 3676\n    colour: red",
    );
    const { problems } = parseRegistryYaml(text, options, entities);
    expect(problems.map((p) => p.line)).toEqual([3, 5]);
    expect(problems.map((p) => p.message)).toEqual([
      expect.stringContaining('unknown key "colour"'),
      expect.stringContaining('"newsletter" must be one of'),
    ]);
  });

  it("refuses an empty file", () => {
    expect(parseRegistryYaml("  \n", options, entities).problems).toMatchObject([
      { line: 1, message: "registry file is empty" },
    ]);
  });
});
