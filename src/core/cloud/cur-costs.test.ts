import { describe, expect, it } from "vitest";
import { rulesFor } from "../../../test/helpers/aws-json.js";
import {
  type CurLine,
  convertCurRow,
  curHeaderProblem,
  curTagColumn,
  tallyCurLines,
} from "./cur-costs.js";

const row = (cells: Record<string, string>, line = 2) => ({
  cell: (name: string) => cells[name] ?? "",
  line,
});
const FILE = "aws/cur/report-00001.csv";

describe("convertCurRow", () => {
  it("takes month, product name (else code), unblended cost and the entity tag", () => {
    const converted = convertCurRow(
      row({
        "lineItem/UsageStartDate": "2026-10-01T00:00:00Z",
        "lineItem/ProductCode": "AmazonS3",
        "product/ProductName": "Amazon Simple Storage Service",
        "lineItem/UnblendedCost": "0.0230000000",
        "resourceTags/user:entity": "alpha",
      }),
      FILE,
      "entity",
    );
    expect(converted).toEqual({
      record: {
        file: FILE,
        line: 2,
        month: "2026-10",
        service: "Amazon Simple Storage Service",
        units: 23_000_000_000n,
        tag: "alpha",
      },
    });
    const byCode = convertCurRow(
      row({
        "lineItem/UsageStartDate": "2026-10-01T00:00:00Z",
        "lineItem/ProductCode": "AWSLambda",
        "lineItem/UnblendedCost": "1",
      }),
      FILE,
      "entity",
    );
    expect(byCode).toMatchObject({ record: { service: "AWSLambda", tag: "" } });
  });

  it.each([
    [{ "lineItem/UsageStartDate": "10/01/2026" }, 'usage start date "10/01/2026" is not a date'],
    [
      { "lineItem/UsageStartDate": "2026-10-01T00:00:00Z" },
      "line item has no product name or product code",
    ],
    [
      {
        "lineItem/UsageStartDate": "2026-10-01T00:00:00Z",
        "lineItem/ProductCode": "AWSLambda",
        "lineItem/UnblendedCost": "abc",
      },
      "unblended cost is not a decimal number",
    ],
  ])("rejects a bad row %#", (cells, error) => {
    expect(convertCurRow(row(cells), FILE, "entity")).toMatchObject({ error });
  });

  it("checks the header has a service column, and names the tag column", () => {
    expect(curHeaderProblem(["lineItem/UsageStartDate", "lineItem/UnblendedCost"])).toContain(
      "cannot be split by service",
    );
    expect(curHeaderProblem(["lineItem/ProductCode"])).toBeUndefined();
    expect(curTagColumn("cost-center")).toBe("resourceTags/user:cost-center");
  });
});

describe("tallyCurLines", () => {
  const line = (
    month: string,
    service: string,
    units: bigint,
    tag: string,
    at: number,
  ): CurLine => ({
    file: FILE,
    line: at,
    month,
    service,
    units,
    tag,
  });

  it("sums line items exactly per month, service and entity, and warns once per unknown tag", () => {
    const third = 3_333_333_333n; // 0.003333333333 dollars
    const lines = [
      ...Array.from({ length: 300 }, (_, i) =>
        line("2026-10", "AWS Lambda", third, "alpha", i + 2),
      ),
      line("2026-10", "AWS Lambda", 1_000_000_000_000n, "", 302),
      line("2026-10", "Amazon DynamoDB", 2_500_000_000_000n, "gamma", 303),
      line("2026-09", "Amazon DynamoDB", 500_000_000_000n, "gamma", 304),
    ];
    const { value, problems } = tallyCurLines(lines, rulesFor("beta"));
    expect(value).toEqual({
      costs: [
        { month: "2026-09", service: "Amazon DynamoDB", entity: "beta", amountCents: 50 },
        { month: "2026-10", service: "Amazon DynamoDB", entity: "beta", amountCents: 250 },
        { month: "2026-10", service: "AWS Lambda", entity: "alpha", amountCents: 100 },
        { month: "2026-10", service: "AWS Lambda", entity: "beta", amountCents: 100 },
      ],
      months: ["2026-09", "2026-10"],
    });
    expect(problems).toEqual([
      expect.objectContaining({
        file: FILE,
        line: 303,
        severity: "warning",
        message: 'tag entity="gamma" names no entity; its costs are counted under "beta"',
      }),
    ]);
  });
});
