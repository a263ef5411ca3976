import { cp, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  type AwsSnapshotSource,
  readAwsSnapshot,
} from "../../src/adapters/sources/aws/read-aws-snapshot.js";
import { makeTempDir } from "../helpers/cli.js";
import { sourceWithContext } from "../helpers/source-context.js";

const FIXTURES = fileURLToPath(new URL("../fixtures/aws-snapshot/", import.meta.url));

/** A workspace config through the real schema, so the source gets its defaults (entityTag). */
function workspaceFor(workspace: string, source: Record<string, unknown>) {
  return sourceWithContext(
    workspace,
    [
      { id: "alpha", name: "Alpha Charters", kind: "business", aliases: ["AC"] },
      { id: "beta", name: "Beta Studio", kind: "business" },
    ],
    { id: "aws", type: "aws" as const, ...source },
  );
}

let workspace: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir: workspace, cleanup } = await makeTempDir());
  await cp(FIXTURES, path.join(workspace, "aws"), { recursive: true });
});
afterEach(() => cleanup());

const read = (source: Record<string, unknown>) => {
  const { source: aws, context } = workspaceFor(workspace, source);
  return readAwsSnapshot(aws as AwsSnapshotSource, context);
};
const fixture = (relative: string) => path.join(workspace, "aws", relative);
const editJson = async (relative: string, edit: (value: never) => unknown) => {
  const file = fixture(relative);
  const value = JSON.parse(await readFile(file, "utf8"));
  await writeFile(file, `${JSON.stringify(edit(value as never) ?? value, null, 4)}\n`);
};

describe("AWS snapshot source", () => {
  it("maps every field of a complete snapshot", async () => {
    const result = await read({ path: "aws/complete", entity: "alpha" });
    expect(result.problems).toEqual([]);
    expect(result.asOf).toBe("2026-10-31");
    expect(result.accounts).toEqual([
      {
        id: "aws",
        entity: "alpha",
        accountId: "123456789012",
        buckets: [
          { name: "alpha-site", entity: "alpha", encrypted: true, publicAccessBlocked: true },
          { name: "beta-uploads", entity: "beta", encrypted: false, publicAccessBlocked: false },
        ],
        distributions: [
          {
            id: "E2QWRUHAPOMQZL",
            entity: "alpha",
            domainName: "d111111abcdef8.cloudfront.net",
            aliases: ["alpha.example", "www.alpha.example"],
            webAclId: null,
            enabled: true,
            origins: ["alpha-site.s3.us-west-2.amazonaws.com"],
          },
          {
            id: "E1KWRUHXPOMQZA",
            entity: "beta",
            domainName: "d222222abcdef8.cloudfront.net",
            aliases: [],
            webAclId:
              "arn:aws:wafv2:us-east-1:123456789012:global/webacl/beta-web/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111",
            enabled: false,
            origins: ["beta-uploads.s3.us-west-2.amazonaws.com"],
          },
        ],
        functions: [
          {
            name: "alpha-quote",
            entity: "alpha",
            runtime: "nodejs18.x",
            memoryMb: 512,
            secretLikeEnvNames: ["STRIPE_SECRET_KEY"],
          },
          {
            name: "beta-portal",
            entity: "beta",
            runtime: "nodejs20.x",
            memoryMb: 256,
            secretLikeEnvNames: ["JWT_SECRET", "STRIPE_API_KEY"],
          },
          {
            name: "beta-render",
            entity: "beta",
            runtime: "container-image",
            memoryMb: 2048,
            secretLikeEnvNames: [],
          },
        ],
        tables: [
          {
            name: "bookings",
            entity: "alpha",
            billingMode: "PROVISIONED",
            readCapacity: 5,
            writeCapacity: 5,
            itemCount: 4120,
          },
          { name: "sessions", entity: "beta", billingMode: "PAY_PER_REQUEST", itemCount: 4120 },
        ],
        logGroups: [
          {
            name: "/aws/lambda/alpha-quote",
            entity: "alpha",
            kmsKeyId: null,
            retentionDays: null,
            storedBytes: 3221225472,
          },
          {
            name: "/aws/lambda/beta-portal",
            entity: "beta",
            kmsKeyId: "arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            retentionDays: 30,
            storedBytes: 52428800,
          },
          {
            name: "/aws/lambda/beta-render",
            entity: "alpha",
            kmsKeyId: null,
            retentionDays: 14,
            storedBytes: 1048576,
          },
        ],
        addresses: [
          // Associated with an instance: untagged, so the account's entity.
          {
            publicIp: "203.0.113.25",
            entity: "alpha",
            allocationId: "eipalloc-0f1e2d3c4b5a69788",
            attached: true,
          },
          // No association: idle, tagged for beta by its allocation's ARN.
          {
            publicIp: "198.51.100.17",
            entity: "beta",
            allocationId: "eipalloc-0a1b2c3d4e5f67890",
            attached: false,
          },
        ],
        hostedZones: ["alpha.example", "beta.example"],
        costs: [
          { month: "2026-09", service: "Amazon DynamoDB", entity: "alpha", amountCents: 1087 },
          // Two groups of 0.0031: each rounds to nothing, their exact sum to a cent.
          {
            month: "2026-09",
            service: "Amazon Simple Storage Service",
            entity: "beta",
            amountCents: 1,
          },
          { month: "2026-09", service: "AWS Lambda", entity: "alpha", amountCents: 412 },
          { month: "2026-09", service: "AWS Lambda", entity: "beta", amountCents: 200 },
          // `entity$` (untagged) falls back to the source's entity.
          { month: "2026-09", service: "Tax", entity: "alpha", amountCents: 120 },
          { month: "2026-10", service: "Amazon DynamoDB", entity: "alpha", amountCents: 1105 },
          { month: "2026-10", service: "AmazonCloudWatch", entity: "alpha", amountCents: 642 },
          { month: "2026-10", service: "AWS Lambda", entity: "alpha", amountCents: 451 },
          { month: "2026-10", service: "AWS Lambda", entity: "beta", amountCents: 210 },
        ],
        provenance: { sourceId: "aws", file: "aws/complete", asOf: "2026-10-31" },
      },
    ]);
  });

  it("never lets an environment variable's value into the model or the problems", async () => {
    // Built at run time: no credential-shaped literal in the repository.
    const planted = ["sk", "live", "51Hq", "PLANTEDw0rth", String(Date.now())].join("_");
    await editJson("complete/lambda-list-functions.json", (value: { Functions: unknown[] }) => {
      const [first] = value.Functions as { Environment: { Variables: Record<string, unknown> } }[];
      if (first === undefined) throw new Error("fixture has no function");
      first.Environment.Variables.STRIPE_SECRET_KEY = planted;
      first.Environment.Variables.WEBHOOK_SECRET = { nested: planted };
      first.Environment.Variables.RETRIES = [planted];
    });
    const result = await read({ path: "aws/complete", entity: "alpha" });
    expect(result.problems).toEqual([]);
    expect(result.accounts[0]?.functions[0]?.secretLikeEnvNames).toEqual([
      "STRIPE_SECRET_KEY",
      "WEBHOOK_SECRET",
    ]);
    expect(JSON.stringify(result)).not.toContain(planted);

    // Malformed around the value: the syntax error is located but the value is not quoted.
    const file = fixture("complete/lambda-list-functions.json");
    const text = await readFile(file, "utf8");
    await writeFile(file, text.replace(`"${planted}"`, planted));
    const broken = await read({ path: "aws/complete", entity: "alpha" });
    expect(broken.problems).toContainEqual(
      expect.objectContaining({
        file: "aws/complete/lambda-list-functions.json",
        severity: "error",
        message: "malformed JSON: unexpected character",
      }),
    );
    expect(JSON.stringify(broken)).not.toContain(planted);
  });

  it("warns about a tag that names no entity, naming the file and the tag", async () => {
    await editJson(
      "complete/resourcegroupstaggingapi-get-resources.json",
      (value: { ResourceTagMappingList: { Tags: { Key: string; Value: string }[] }[] }) => {
        const tags = value.ResourceTagMappingList[1]?.Tags;
        if (tags?.[0] === undefined) throw new Error("fixture has no second mapping");
        tags[0].Value = "Gamma Ventures";
      },
    );
    const result = await read({ path: "aws/complete", entity: "alpha" });
    expect(result.problems).toEqual([
      {
        file: "aws/complete/resourcegroupstaggingapi-get-resources.json",
        line: 17,
        message:
          'tag entity="Gamma Ventures" names no entity; its resource is counted under "alpha"',
        hint: "retag with an entity id, name or alias from exec-intel.yaml, or add the value as an alias of the entity",
        severity: "warning",
      },
    ]);
    expect(result.accounts[0]?.buckets[1]).toMatchObject({ name: "beta-uploads", entity: "alpha" });
  });

  it("reports malformed JSON with the file and line", async () => {
    const file = fixture("complete/route53-list-hosted-zones.json");
    const lines = (await readFile(file, "utf8")).split("\n");
    // Drop the comma after the first zone's Id (line 4), as a hand edit might.
    lines[3] = (lines[3] as string).replace(/,$/, "");
    await writeFile(file, lines.join("\n"));
    const result = await read({ path: "aws/complete", entity: "alpha" });
    expect(result.problems).toEqual([
      {
        file: "aws/complete/route53-list-hosted-zones.json",
        line: 5,
        column: 13,
        message: 'malformed JSON: expected "," or "}" after a property value',
        hint: "save the command's output unchanged (`--output json`), or fix the JSON at this line",
        severity: "error",
      },
    ]);
  });

  it("reports a wrong shape with the file, the JSON path and the command to run", async () => {
    await editJson(
      "complete/cloudfront-list-distributions.json",
      (value: { DistributionList: { Items: unknown[] } }) => {
        value.DistributionList.Items = { Id: "E2QWRUHAPOMQZL" } as never;
      },
    );
    const result = await read({ path: "aws/complete", entity: "alpha" });
    expect(result.problems).toEqual([
      {
        file: "aws/complete/cloudfront-list-distributions.json",
        line: 7,
        column: 18,
        message: "unexpected shape at DistributionList.Items: expected array, found an object",
        hint: "this file should be the output of `aws cloudfront list-distributions --output json`",
        severity: "error",
      },
    ]);
  });

  it("collects a snapshot with only the required file as empty, with one warning", async () => {
    const result = await read({ path: "aws/minimal" });
    expect(result.accounts).toHaveLength(1);
    const [account] = result.accounts;
    expect(account).toMatchObject({
      id: "aws",
      accountId: "123456789012",
      provenance: { sourceId: "aws", file: "aws/minimal", asOf: "2026-10-31" },
    });
    expect(account?.entity).toBeUndefined();
    const lists = [
      "buckets",
      "distributions",
      "functions",
      "tables",
      "logGroups",
      "addresses",
      "hostedZones",
      "costs",
    ] as const;
    for (const list of lists) expect(account?.[list]).toEqual([]);
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toMatchObject({ file: "aws/minimal", severity: "warning" });
    expect(result.problems[0]?.message).toMatch(
      /^not collected: s3api-list-buckets\.json, cloudfront-list-distributions\.json, lambda-list-functions\.json, .*ce-get-cost-and-usage\.json \(or cur\/\*\.csv\)/,
    );
  });

  it("shows a bucket whose per-bucket file is missing as unknown, with a warning", async () => {
    await rm(fixture("complete/s3api-get-public-access-block/beta-uploads.json"));
    const result = await read({ path: "aws/complete", entity: "alpha" });
    expect(result.accounts[0]?.buckets[1]).toEqual({
      name: "beta-uploads",
      entity: "beta",
      encrypted: false,
      publicAccessBlocked: null,
    });
    expect(result.problems).toEqual([
      expect.objectContaining({
        file: "aws/complete/s3api-list-buckets.json",
        line: 2,
        severity: "warning",
        message:
          "s3api-get-public-access-block/ has no file for bucket beta-uploads: shown as unknown",
      }),
    ]);
  });

  it("reads a Cost and Usage Report instead of Cost Explorer, dated by its last month", async () => {
    const result = await read({ path: "aws/cur-only", entity: "alpha" });
    expect(result.asOf).toBe("2026-10-31");
    expect(result.accounts[0]?.costs).toEqual([
      // An untagged half cent: rounded up, under the source's entity.
      {
        month: "2026-09",
        service: "Amazon Simple Storage Service",
        entity: "alpha",
        amountCents: 1,
      },
      {
        month: "2026-09",
        service: "Amazon Simple Storage Service",
        entity: "beta",
        amountCents: 29,
      },
      // 0.024 + 1.01666939 dollars of line items.
      { month: "2026-09", service: "AWS Lambda", entity: "alpha", amountCents: 104 },
      // No product name: the product code names the service.
      { month: "2026-10", service: "AmazonDynamoDB", entity: "alpha", amountCents: 242 },
      // Usage 1.196669 plus an untagged 0.10 tax line.
      { month: "2026-10", service: "AWS Lambda", entity: "alpha", amountCents: 130 },
    ]);
    expect(result.problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/^not collected: s3api-list-buckets\.json/),
    ]);
  });

  it("reports a bad CUR row and a CUR file without a service column", async () => {
    const file = fixture("cur-only/cur/2026-10.csv");
    const text = await readFile(file, "utf8");
    await writeFile(file, text.replace("1.1666690000", "1.17 USD"));
    await writeFile(
      fixture("cur-only/cur/2026-11.csv"),
      "lineItem/UsageStartDate,lineItem/UnblendedCost\n2026-11-01T00:00:00Z,1.00\n",
    );
    const result = await read({ path: "aws/cur-only", entity: "alpha" });
    const errors = result.problems.filter((p) => p.severity === "error");
    expect(errors).toEqual([
      expect.objectContaining({
        file: "aws/cur-only/cur/2026-10.csv",
        line: 3,
        message: "unblended cost is not a decimal number",
      }),
      expect.objectContaining({
        file: "aws/cur-only/cur/2026-11.csv",
        line: 1,
        message: expect.stringContaining("cannot be split by service"),
      }),
    ]);
  });

  it("reads a folder of account folders, each folder's name giving its entity", async () => {
    await mkdir(path.join(workspace, "accounts"));
    await cp(fixture("minimal"), path.join(workspace, "accounts/beta"), { recursive: true });
    await cp(fixture("cur-only"), path.join(workspace, "accounts/alpha"), { recursive: true });
    await mkdir(path.join(workspace, "accounts/notes"));
    const result = await read({ path: "accounts/" });
    expect(result.accounts.map((a) => [a.id, a.entity, a.provenance.file])).toEqual([
      ["aws/alpha", "alpha", "accounts/alpha"],
      ["aws/beta", "beta", "accounts/beta"],
    ]);
    expect(result.accounts[0]?.costs.every((c) => c.entity !== undefined)).toBe(true);
    expect(result.asOf).toBe("2026-10-31");
  });

  it("turns a missing folder, an unknown entity, a missing identity and stray files into problems", async () => {
    const missing = await read({ path: "aws/nope" });
    expect(missing).toEqual({
      accounts: [],
      asOf: undefined,
      problems: [
        expect.objectContaining({ file: "aws/nope", message: "file or folder does not exist" }),
      ],
    });

    const unknown = await read({ path: "aws/minimal", entity: "gamma" });
    expect(unknown.problems).toEqual([
      expect.objectContaining({
        file: "aws/minimal",
        severity: "error",
        message: 'source "aws" names an unknown entity "gamma"',
      }),
    ]);

    await rm(fixture("minimal/sts-get-caller-identity.json"));
    await writeFile(fixture("minimal/s3-buckets.json"), "{}\n");
    const stray = await read({ path: "aws/minimal" });
    expect(stray.accounts).toEqual([]);
    expect(stray.problems.map((p) => [p.file, p.severity, p.message])).toEqual([
      [
        "aws/minimal/s3-buckets.json",
        "warning",
        "not a file of the AWS snapshot layout; it is ignored",
      ],
      [
        "aws/minimal",
        "error",
        "no sts-get-caller-identity.json: this folder is not an AWS snapshot",
      ],
    ]);
  });
});
