import { describe, expect, it } from "vitest";
import { cliJson, rulesFor } from "../../../test/helpers/aws-json.js";
import { parseCostAndUsage } from "./cost-explorer.js";

const cost = (amount: string, unit = "USD") => ({ UnblendedCost: { Amount: amount, Unit: unit } });
const group = (keys: string[], amount: string, unit?: string) => ({
  Keys: keys,
  Metrics: cost(amount, unit),
});
const month = (start: string, end: string, groups: unknown[]) => ({
  TimePeriod: { Start: start, End: end },
  Total: {},
  Groups: groups,
  Estimated: false,
});
const BY_SERVICE_AND_TAG = [
  { Type: "DIMENSION", Key: "SERVICE" },
  { Type: "TAG", Key: "entity" },
];

describe("parseCostAndUsage", () => {
  it("sums by month, service and entity tag; entity$ alone is untagged", () => {
    const document = cliJson({
      GroupDefinitions: BY_SERVICE_AND_TAG,
      ResultsByTime: [
        month("2026-09-01", "2026-10-01", [
          group(["AWS Lambda", "entity$alpha"], "4.1234567891"),
          group(["AWS Lambda", "entity$Beta Studio"], "2.0049999999"),
          group(["AWS Lambda", "entity$"], "0.0050000001"),
          group(["Amazon DynamoDB", "entity$AC"], "10.8700000000"),
        ]),
        month("2026-10-01", "2026-11-01", [group(["AWS Lambda", "entity$alpha"], "0.0000000042")]),
      ],
      DimensionValueAttributes: [],
    });
    const { value, problems } = parseCostAndUsage(document, { rules: rulesFor(), currency: "USD" });
    expect(problems).toEqual([]);
    expect(value).toEqual({
      // Sorted by month, then service (as people read them: "Amazon" before "AWS"), then entity.
      costs: [
        { month: "2026-09", service: "Amazon DynamoDB", entity: "alpha", amountCents: 1087 },
        { month: "2026-09", service: "AWS Lambda", amountCents: 1 },
        { month: "2026-09", service: "AWS Lambda", entity: "alpha", amountCents: 412 },
        { month: "2026-09", service: "AWS Lambda", entity: "beta", amountCents: 200 },
      ],
      // October cost less than half a cent: no cost line, but the month is covered.
      months: ["2026-09", "2026-10"],
    });
  });

  it("counts untagged and unknown-tag costs under the account's entity, warning once per tag", () => {
    const document = cliJson(
      {
        GroupDefinitions: BY_SERVICE_AND_TAG,
        ResultsByTime: [
          month("2026-10-01", "2026-11-01", [
            group(["AWS Lambda", "entity$"], "1.00"),
            group(["AWS Lambda", "entity$gamma"], "2.00"),
            group(["Amazon Route 53", "entity$gamma"], "0.50"),
          ]),
        ],
      },
      "aws/ce-get-cost-and-usage.json",
    );
    const { value, problems } = parseCostAndUsage(document, {
      rules: rulesFor("beta"),
      currency: "USD",
    });
    expect(value.costs).toEqual([
      { month: "2026-10", service: "Amazon Route 53", entity: "beta", amountCents: 50 },
      { month: "2026-10", service: "AWS Lambda", entity: "beta", amountCents: 300 },
    ]);
    expect(problems).toEqual([
      expect.objectContaining({
        file: "aws/ce-get-cost-and-usage.json",
        line: 33, // the Keys of the first group tagged gamma
        severity: "warning",
        message: 'tag entity="gamma" names no entity; its costs are counted under "beta"',
      }),
    ]);
  });

  it("reads output grouped by service only, and output whose GroupDefinitions were trimmed", () => {
    const byService = cliJson({
      GroupDefinitions: [{ Type: "DIMENSION", Key: "SERVICE" }],
      ResultsByTime: [month("2026-10-01", "2026-11-01", [group(["AWS Lambda"], "3.605")])],
    });
    const trimmed = cliJson({
      ResultsByTime: [
        month("2026-10-01", "2026-11-01", [group(["entity$beta", "AWS Lambda"], "1")]),
      ],
    });
    const options = { rules: rulesFor("alpha"), currency: "USD" };
    expect(parseCostAndUsage(byService, options).value.costs).toEqual([
      { month: "2026-10", service: "AWS Lambda", entity: "alpha", amountCents: 361 },
    ]);
    expect(parseCostAndUsage(trimmed, options).value.costs).toEqual([
      { month: "2026-10", service: "AWS Lambda", entity: "beta", amountCents: 100 },
    ]);
  });

  it("refuses costs that are not grouped by service", () => {
    const byAccount = cliJson({
      GroupDefinitions: [{ Type: "DIMENSION", Key: "LINKED_ACCOUNT" }],
      ResultsByTime: [month("2026-10-01", "2026-11-01", [group(["123456789012"], "9.00")])],
    });
    const ungrouped = cliJson({
      ResultsByTime: [
        {
          TimePeriod: { Start: "2026-10-01", End: "2026-11-01" },
          Total: cost("9.00"),
          Groups: [],
        },
      ],
    });
    for (const document of [byAccount, ungrouped]) {
      const { value, problems } = parseCostAndUsage(document, {
        rules: rulesFor(),
        currency: "USD",
      });
      expect(value.costs).toEqual([]);
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatchObject({
        severity: "error",
        message: "costs are not grouped by service",
      });
      expect(problems[0]?.hint).toContain("--group-by Type=DIMENSION,Key=SERVICE");
    }
  });

  it("ignores another tag, and warns about another currency and a cut-short answer", () => {
    const document = cliJson({
      GroupDefinitions: [
        { Type: "DIMENSION", Key: "SERVICE" },
        { Type: "TAG", Key: "Project" },
      ],
      ResultsByTime: [
        month("2026-10-01", "2026-11-01", [group(["AWS Lambda", "Project$web"], "1.00", "EUR")]),
      ],
      NextPageToken: "AAMA-EFRSURBVEhQ",
    });
    const { value, problems } = parseCostAndUsage(document, {
      rules: rulesFor("alpha"),
      currency: "USD",
    });
    expect(value.costs).toEqual([
      { month: "2026-10", service: "AWS Lambda", entity: "alpha", amountCents: 100 },
    ]);
    expect(problems.map((p) => [p.severity, p.message])).toEqual([
      [
        "warning",
        'costs are grouped by the tag "Project", not the entity tag "entity": that tag is ignored',
      ],
      ["warning", "costs are in EUR, the tenant reports in USD; amounts are taken as they are"],
      ["warning", "the cost data is cut short: Cost Explorer returned one page of several"],
    ]);
  });

  it("locates an amount that is not a number", () => {
    const document = cliJson({
      GroupDefinitions: [{ Type: "DIMENSION", Key: "SERVICE" }],
      ResultsByTime: [month("2026-10-01", "2026-11-01", [group(["AWS Lambda"], "n/a")])],
    });
    const { problems } = parseCostAndUsage(document, { rules: rulesFor(), currency: "USD" });
    expect(problems).toEqual([
      expect.objectContaining({
        line: 22,
        severity: "error",
        message: "the amount is not a decimal number",
      }),
    ]);
  });
});
