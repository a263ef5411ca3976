import { describe, expect, it } from "vitest";
import { cliJson } from "../../../test/helpers/aws-json.js";
import { parseTables } from "./dynamodb-tables.js";
import type { JsonDocument } from "./json-document.js";

function describeTable(name: string, extra: Record<string, unknown>) {
  return cliJson(
    {
      Table: {
        AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
        TableName: name,
        KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
        TableStatus: "ACTIVE",
        CreationDateTime: "2024-04-11T09:30:12.114000-07:00",
        TableSizeBytes: 1843200,
        ItemCount: 4120,
        TableArn: `arn:aws:dynamodb:us-west-2:123456789012:table/${name}`,
        TableId: "0a1b2c3d-4e5f-6789-abcd-ef0123456789",
        DeletionProtectionEnabled: false,
        ...extra,
      },
    },
    `aws/dynamodb-describe-table/${name}.json`,
  );
}

const provisioned = describeTable("bookings", {
  ProvisionedThroughput: { NumberOfDecreasesToday: 0, ReadCapacityUnits: 5, WriteCapacityUnits: 5 },
});
const onDemand = describeTable("sessions", {
  BillingModeSummary: {
    BillingMode: "PAY_PER_REQUEST",
    LastUpdateToPayPerRequestDateTime: "2025-02-03T10:00:00-08:00",
  },
  ProvisionedThroughput: { NumberOfDecreasesToday: 0, ReadCapacityUnits: 0, WriteCapacityUnits: 0 },
});
const described = (docs: JsonDocument[]) =>
  new Map(docs.map((d) => [(d.value as { Table: { TableName: string } }).Table.TableName, d]));

describe("parseTables", () => {
  it("reads billing mode (absent summary = PROVISIONED) and provisioned capacity", () => {
    const { value, problems } = parseTables(
      cliJson({ TableNames: ["bookings", "sessions"] }),
      described([onDemand, provisioned]),
      () => "alpha",
    );
    expect(problems).toEqual([]);
    expect(value).toEqual([
      {
        name: "bookings",
        entity: "alpha",
        billingMode: "PROVISIONED",
        readCapacity: 5,
        writeCapacity: 5,
        itemCount: 4120,
      },
      { name: "sessions", entity: "alpha", billingMode: "PAY_PER_REQUEST", itemCount: 4120 },
    ]);
  });

  it("warns about listed tables that were not described, and reads an empty listing", () => {
    const { value, problems } = parseTables(
      cliJson({ TableNames: ["bookings", "audit"] }, "aws/dynamodb-list-tables.json"),
      described([provisioned]),
      () => undefined,
    );
    expect(value.map((t) => t.name)).toEqual(["bookings"]);
    expect(problems).toEqual([
      expect.objectContaining({
        file: "aws/dynamodb-list-tables.json",
        severity: "warning",
        message: "dynamodb-describe-table/ has no file for table audit: left out",
      }),
    ]);
    expect(parseTables(cliJson({ TableNames: [] }), new Map(), () => undefined)).toEqual({
      value: [],
      problems: [],
    });
  });

  it("rejects an unknown billing mode with the command to run", () => {
    const odd = describeTable("x", { BillingModeSummary: { BillingMode: "RESERVED" } });
    const { problems } = parseTables(undefined, described([odd]), () => undefined);
    expect(problems[0]).toMatchObject({
      file: "aws/dynamodb-describe-table/x.json",
      message:
        'unexpected shape at Table.BillingModeSummary.BillingMode: must be one of "PROVISIONED", "PAY_PER_REQUEST"',
      hint: "this file should be the output of `aws dynamodb describe-table --table-name TABLE --output json`",
    });
  });
});
