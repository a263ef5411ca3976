import { describe, expect, it } from "vitest";
import { cliJson, rulesFor } from "../../../test/helpers/aws-json.js";
import type { CurLine } from "./cur-costs.js";
import { type AccountSnapshot, buildCloudAccount } from "./snapshot-account.js";

const FOLDER = "data/aws/alpha";
const identity = cliJson(
  {
    UserId: "AIDASAMPLEUSERID",
    Account: "123456789012",
    Arn: "arn:aws:iam::123456789012:user/audit",
  },
  `${FOLDER}/sts-get-caller-identity.json`,
);
const manifest = (capturedAt: string) => cliJson({ capturedAt }, `${FOLDER}/snapshot.json`);
const costs = cliJson(
  {
    GroupDefinitions: [{ Type: "DIMENSION", Key: "SERVICE" }],
    ResultsByTime: ["2026-08", "2026-09"].map((m) => ({
      TimePeriod: { Start: `${m}-01`, End: `${m}-28` },
      Total: {},
      Groups: [
        { Keys: ["AWS Lambda"], Metrics: { UnblendedCost: { Amount: "1.5", Unit: "USD" } } },
      ],
      Estimated: false,
    })),
  },
  `${FOLDER}/ce-get-cost-and-usage.json`,
);
const snapshot = (extra: Partial<AccountSnapshot>): AccountSnapshot => ({
  folder: FOLDER,
  bucketEncryption: new Map(),
  publicAccessBlock: new Map(),
  ...extra,
});
const options = {
  id: "aws",
  sourceId: "aws",
  entity: "alpha",
  resolve: rulesFor().resolve,
  tagKey: "entity",
  currency: "USD",
};

describe("buildCloudAccount", () => {
  it("needs the caller identity", () => {
    const { account, problems } = buildCloudAccount(
      snapshot({ manifest: manifest("2026-10-31") }),
      options,
    );
    expect(account).toBeUndefined();
    expect(problems).toEqual([
      expect.objectContaining({
        file: FOLDER,
        severity: "error",
        message: "no sts-get-caller-identity.json: this folder is not an AWS snapshot",
      }),
    ]);
  });

  it("reads a folder with only the identity and a manifest as an empty account, listing what was not collected", () => {
    const { account, asOf, problems } = buildCloudAccount(
      snapshot({ callerIdentity: identity, manifest: manifest("2026-10-31") }),
      options,
    );
    expect(asOf).toBe("2026-10-31");
    expect(account).toEqual({
      id: "aws",
      entity: "alpha",
      accountId: "123456789012",
      buckets: [],
      distributions: [],
      functions: [],
      tables: [],
      logGroups: [],
      addresses: [],
      hostedZones: [],
      costs: [],
      provenance: { sourceId: "aws", file: FOLDER, asOf: "2026-10-31" },
    });
    expect(problems).toEqual([
      {
        file: FOLDER,
        message:
          "not collected: s3api-list-buckets.json, cloudfront-list-distributions.json, lambda-list-functions.json, logs-describe-log-groups.json, ec2-describe-addresses.json, route53-list-hosted-zones.json, dynamodb-list-tables.json (or dynamodb-describe-table/), ce-get-cost-and-usage.json (or cur/*.csv); those resources show as none",
        hint: "run the missing commands listed in docs/aws-snapshot.md, or ignore this if the account does not use them",
        severity: "warning",
      },
    ]);
  });

  it("dates the snapshot by the end of the latest cost month when there is no manifest", () => {
    const { account, asOf } = buildCloudAccount(
      snapshot({ callerIdentity: identity, costs }),
      options,
    );
    expect(asOf).toBe("2026-09-30");
    expect(account?.costs).toEqual([
      { month: "2026-08", service: "AWS Lambda", entity: "alpha", amountCents: 150 },
      { month: "2026-09", service: "AWS Lambda", entity: "alpha", amountCents: 150 },
    ]);
  });

  it("refuses a snapshot it cannot date, and a manifest date that is not a date", () => {
    const undated = buildCloudAccount(snapshot({ callerIdentity: identity }), options);
    expect(undated.account).toBeUndefined();
    expect(undated.problems.filter((p) => p.severity === "error")).toEqual([
      expect.objectContaining({
        message:
          "cannot tell when this snapshot was captured: it has no snapshot.json and no cost data",
      }),
    ]);
    const misdated = buildCloudAccount(
      snapshot({ callerIdentity: identity, manifest: manifest("2026-02-30"), costs }),
      options,
    );
    expect(misdated.account).toBeUndefined();
    expect(misdated.problems).toContainEqual(
      expect.objectContaining({
        file: `${FOLDER}/snapshot.json`,
        line: 2,
        message:
          "unexpected shape at capturedAt: capturedAt must be a date written YYYY-MM-DD, e.g. 2026-10-31",
      }),
    );
  });

  it("prefers Cost Explorer over a Cost and Usage Report, so nothing is counted twice", () => {
    const report: CurLine[] = [
      {
        file: `${FOLDER}/cur/a.csv`,
        line: 2,
        month: "2026-09",
        service: "AWS Lambda",
        units: 10n ** 14n,
        tag: "",
      },
    ];
    const both = buildCloudAccount(
      snapshot({ callerIdentity: identity, costs, costReport: report }),
      options,
    );
    expect(both.account?.costs.map((c) => c.amountCents)).toEqual([150, 150]);
    expect(both.problems).toContainEqual(
      expect.objectContaining({
        file: `${FOLDER}/cur`,
        severity: "warning",
        message:
          "both ce-get-cost-and-usage.json and a Cost and Usage Report are present; the report is ignored so nothing is counted twice",
      }),
    );
    const reportOnly = buildCloudAccount(
      snapshot({ callerIdentity: identity, costReport: report }),
      options,
    );
    expect(reportOnly.account?.costs).toEqual([
      { month: "2026-09", service: "AWS Lambda", entity: "alpha", amountCents: 10000 },
    ]);
    expect(reportOnly.asOf).toBe("2026-09-30");
  });

  it("does not list a file that was there but unreadable as not collected", () => {
    const unreadable = new Set(["sts-get-caller-identity.json", "lambda-list-functions.json"]);
    expect(buildCloudAccount(snapshot({ unreadable }), options)).toEqual({ problems: [] });
    const { problems } = buildCloudAccount(
      snapshot({ callerIdentity: identity, costs, unreadable }),
      options,
    );
    expect(problems[0]?.message).not.toContain("lambda-list-functions.json");
  });

  it("rejects a caller identity without a 12-digit account", () => {
    const bad = cliJson({ Account: "12345" }, `${FOLDER}/sts-get-caller-identity.json`);
    const { account, problems } = buildCloudAccount(
      snapshot({ callerIdentity: bad, manifest: manifest("2026-10-31") }),
      options,
    );
    expect(account).toBeUndefined();
    expect(problems[0]).toMatchObject({
      line: 2,
      message: "unexpected shape at Account: an AWS account id is 12 digits",
      hint: "this file should be the output of `aws sts get-caller-identity --output json`",
    });
  });
});
