// S3 goes through the real SDK to s3rver and DynamoDB to dynalite. CloudFront, Lambda, CloudWatch
// Logs, EC2, Route 53, Cost Explorer, the Tagging API and STS have no local emulator: they are
// mocked at the SDK's `send` (aws-sdk-client-mock), answering with the reference portfolio's
// snapshot files, which hold the real response shapes. The clients themselves are the reader's.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { CloudFrontClient, ListDistributionsCommand } from "@aws-sdk/client-cloudfront";
import {
  AccessDeniedException,
  CloudWatchLogsClient,
  DescribeLogGroupsCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import { CostExplorerClient, GetCostAndUsageCommand } from "@aws-sdk/client-cost-explorer";
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ListTablesCommand,
} from "@aws-sdk/client-dynamodb";
import { DescribeAddressesCommand, EC2Client } from "@aws-sdk/client-ec2";
import { LambdaClient, ListFunctionsCommand } from "@aws-sdk/client-lambda";
import {
  GetResourcesCommand,
  ResourceGroupsTaggingAPIClient,
} from "@aws-sdk/client-resource-groups-tagging-api";
import { ListHostedZonesCommand, Route53Client } from "@aws-sdk/client-route-53";
import {
  GetBucketEncryptionCommand,
  GetPublicAccessBlockCommand,
  ListBucketsCommand,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { type AwsLiveSource, connectAws } from "../../src/adapters/sources/aws/aws-clients.js";
import { CREDENTIALS_ADVICE } from "../../src/adapters/sources/aws/aws-errors.js";
import { LIVE_CALLS, listFunctions } from "../../src/adapters/sources/aws/live-calls.js";
import { readAwsLive } from "../../src/adapters/sources/aws/read-aws-live.js";
import { readAwsSnapshot } from "../../src/adapters/sources/aws/read-aws-snapshot.js";
import type { DriverContext } from "../../src/adapters/sources/collect.js";
import { loadWorkspaceConfig } from "../../src/adapters/workspace/config-file.js";
import type { TenantConfig } from "../../src/core/config.js";
import { createEntityResolver } from "../../src/core/entity-resolver.js";
import { makeTempDir, PORTFOLIO } from "../helpers/cli.js";
import { type DynalitePeer, startDynalite } from "../helpers/dynalite.js";
import { S3RVER_ENV, type S3rverPeer, startS3rver } from "../helpers/s3rver.js";

const QSD = path.join(PORTFOLIO, "data/aws/queenofsandiego");
const LOCATION = 'aws source "qsd-aws" (live)';
// The day the tests pretend it is, after the reported month (October 2026) ended.
const NOW = () => new Date("2026-11-03T15:20:00Z");

/** A snapshot file of queenofsandiego, as the mocked service answers it. */
const qsd = async <T = Record<string, never>>(file: string) =>
  JSON.parse(await readFile(path.join(QSD, file), "utf8")) as T;

let tenant: TenantConfig;
let s3rver: S3rverPeer;
let dynalite: DynalitePeer;
let home: { dir: string; cleanup: () => Promise<void> };

const contextFor = (period: string): DriverContext => ({
  workspace: PORTFOLIO,
  tenant,
  periodEnd: period,
  entities: createEntityResolver(tenant.entities.map((e) => ({ ...e }))),
});
const liveSource = (extra: Partial<AwsLiveSource> = {}): AwsLiveSource => ({
  id: "qsd-aws",
  type: "aws",
  mode: "live",
  entity: "queenofsandiego",
  entityTag: "entity",
  costMonths: 12,
  region: "us-west-2",
  ...extra,
});
/** The source with S3 and DynamoDB pointed at the emulators. */
const emulated = (extra: Partial<AwsLiveSource> = {}) =>
  liveSource({ endpoints: { s3: s3rver.url, dynamodb: dynalite.url }, ...extra });

const stubs: { restore(): void }[] = [];
/** mockClient, restored after each test. */
const mock: typeof mockClient = (client, options) => {
  const stub = mockClient(client, options);
  stubs.push(stub);
  return stub;
};

/** A mocked client whose `command` answers with a queenofsandiego snapshot file. */
async function answering<C>(client: C, command: unknown, file: string) {
  const stub = mock(client as never);
  stub.on(command as never).resolves(await qsd(file));
  return stub;
}

/** The services without an emulator, answering as queenofsandiego's account. */
async function mockUnemulated() {
  const [sts, cloudfront, lambda, logs, ec2, route53, ce, tagging] = await Promise.all([
    answering(STSClient, GetCallerIdentityCommand, "sts-get-caller-identity.json"),
    answering(CloudFrontClient, ListDistributionsCommand, "cloudfront-list-distributions.json"),
    answering(LambdaClient, ListFunctionsCommand, "lambda-list-functions.json"),
    answering(CloudWatchLogsClient, DescribeLogGroupsCommand, "logs-describe-log-groups.json"),
    answering(EC2Client, DescribeAddressesCommand, "ec2-describe-addresses.json"),
    answering(Route53Client, ListHostedZonesCommand, "route53-list-hosted-zones.json"),
    answering(CostExplorerClient, GetCostAndUsageCommand, "ce-get-cost-and-usage.json"),
    answering(
      ResourceGroupsTaggingAPIClient,
      GetResourcesCommand,
      "resourcegroupstaggingapi-get-resources.json",
    ),
  ]);
  return { sts, cloudfront, lambda, logs, ec2, route53, ce, tagging };
}

/** S3 and DynamoDB mocked too, answering queenofsandiego's per-bucket and per-table files. */
async function mockEmulated() {
  const s3 = await answering(S3Client, ListBucketsCommand, "s3api-list-buckets.json");
  for (const bucket of ["queenofsandiego-access-logs", "queenofsandiego-site"]) {
    s3.on(GetBucketEncryptionCommand, { Bucket: bucket }).resolves(
      await qsd(`s3api-get-bucket-encryption/${bucket}.json`),
    );
    s3.on(GetPublicAccessBlockCommand, { Bucket: bucket }).resolves(
      await qsd(`s3api-get-public-access-block/${bucket}.json`),
    );
  }
  const dynamodb = await answering(DynamoDBClient, ListTablesCommand, "dynamodb-list-tables.json");
  dynamodb
    .on(DescribeTableCommand, { TableName: "bookings" })
    .resolves(await qsd("dynamodb-describe-table/bookings.json"));
  return { s3, dynamodb };
}

/** The region a mocked call's client was built for. */
const regionOf = (stub: { call(index: number): { thisValue: unknown } }) =>
  (stub.call(0).thisValue as { config: { region: () => Promise<string> } }).config.region();

beforeAll(async () => {
  const config = await loadWorkspaceConfig(PORTFOLIO, {});
  tenant = config.tenants.find((t) => t.id === "portfolio") as TenantConfig;
  home = await makeTempDir();
  [s3rver, dynalite] = await Promise.all([
    startS3rver({ buckets: ["alpha-site", "beta-uploads"] }),
    startDynalite(),
  ]);
  const dynamodb = new DynamoDBClient({
    endpoint: dynalite.url,
    region: "us-west-2",
    credentials: { accessKeyId: "dynalite", secretAccessKey: "dynalite" },
  });
  const key = {
    AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" as const }],
    KeySchema: [{ AttributeName: "pk", KeyType: "HASH" as const }],
  };
  await dynamodb.send(
    new CreateTableCommand({
      TableName: "quotes",
      ...key,
      ProvisionedThroughput: { ReadCapacityUnits: 7, WriteCapacityUnits: 3 },
    }),
  );
  await dynamodb.send(
    new CreateTableCommand({ TableName: "sessions", ...key, BillingMode: "PAY_PER_REQUEST" }),
  );
  dynamodb.destroy();
});
afterAll(async () => {
  await Promise.all([s3rver?.stop(), dynalite?.stop()]);
  await home?.cleanup();
});

beforeEach(() => {
  // Only these credentials, and nothing from this machine's AWS configuration or metadata.
  for (const [name, value] of Object.entries(S3RVER_ENV)) vi.stubEnv(name, value);
  vi.stubEnv("AWS_CONFIG_FILE", path.join(home.dir, "config"));
  vi.stubEnv("AWS_SHARED_CREDENTIALS_FILE", path.join(home.dir, "credentials"));
  vi.stubEnv("AWS_EC2_METADATA_DISABLED", "true");
  for (const name of [
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_SESSION_TOKEN",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
  ])
    vi.stubEnv(name, undefined);
});
afterEach(() => {
  for (const stub of stubs.splice(0)) stub.restore();
  vi.unstubAllEnvs();
});

describe("AWS live source", () => {
  it("reads queenofsandiego into the very account its snapshot gives: one output shape", async () => {
    const services = await mockUnemulated();
    await mockEmulated();
    const context = contextFor("2026-10-31");
    const live = await readAwsLive(liveSource(), context, { now: NOW });
    const snapshot = await readAwsSnapshot(
      { ...liveSource(), mode: "snapshot", path: "data/aws/queenofsandiego" },
      context,
    );
    expect(live.problems).toEqual([]);
    expect(snapshot.problems).toEqual([]);
    const [{ provenance, ...account } = fail()] = live.accounts;
    const [{ provenance: _file, ...captured } = fail()] = snapshot.accounts;
    expect(account).toEqual(captured);
    expect(account.tables[0]).toMatchObject({ readCapacity: 20, writeCapacity: 15 });
    // As of the day it was read, which the clock says.
    expect(provenance).toEqual({ sourceId: "qsd-aws", file: LOCATION, asOf: "2026-11-03" });
    expect(live.asOf).toBe("2026-11-03");

    // The twelve months ending with October, by service and entity tag.
    expect(services.ce.commandCalls(GetCostAndUsageCommand)[0]?.args[0].input).toEqual({
      TimePeriod: { Start: "2025-11-01", End: "2026-11-01" },
      Granularity: "MONTHLY",
      Metrics: ["UnblendedCost"],
      GroupBy: [
        { Type: "DIMENSION", Key: "SERVICE" },
        { Type: "TAG", Key: "entity" },
      ],
    });
    // Global services are asked in us-east-1, regional ones in the source's region; the Tagging
    // API in both, since only us-east-1 knows CloudFront's tags.
    expect(await regionOf(services.cloudfront)).toBe("us-east-1");
    expect(await regionOf(services.route53)).toBe("us-east-1");
    expect(await regionOf(services.ce)).toBe("us-east-1");
    expect(await regionOf(services.lambda)).toBe("us-west-2");
    expect(await regionOf(services.logs)).toBe("us-west-2");
    const tagCalls = services.tagging.commandCalls(GetResourcesCommand);
    expect(tagCalls.map((c) => c.args[0].input.ResourceTypeFilters)).toEqual(
      expect.arrayContaining([undefined, ["cloudfront:distribution"]]),
    );
  });

  it("lists S3 buckets from s3rver: encryption and public access block it does not implement show as unknown, with one warning each", async () => {
    await mockUnemulated();
    const result = await readAwsLive(emulated(), contextFor("2026-10-31"), { now: NOW });
    expect(result.accounts[0]?.buckets).toEqual([
      {
        name: "alpha-site",
        entity: "queenofsandiego",
        encrypted: null,
        publicAccessBlocked: null,
      },
      {
        name: "beta-uploads",
        entity: "queenofsandiego",
        encrypted: null,
        publicAccessBlocked: null,
      },
    ]);
    // Not the snapshot's advice to save a file per bucket: the live reader's own, once per call.
    expect(result.problems).toEqual([
      {
        file: LOCATION,
        message:
          "GetBucketEncryption failed for 2 buckets alpha-site, beta-uploads (NotImplemented: the endpoint does not implement this call); encryption shows as unknown",
        hint: "expected from an emulator; against AWS, allow s3:GetEncryptionConfiguration in the identity's IAM policy",
        severity: "warning",
      },
      {
        file: LOCATION,
        message:
          "GetPublicAccessBlock failed for 2 buckets alpha-site, beta-uploads (NotImplemented: the endpoint does not implement this call); public access block shows as unknown",
        hint: "expected from an emulator; against AWS, allow s3:GetBucketPublicAccessBlock in the identity's IAM policy",
        severity: "warning",
      },
    ]);
  });

  it("lists DynamoDB tables from dynalite with their billing mode and capacity", async () => {
    await mockUnemulated();
    const result = await readAwsLive(emulated(), contextFor("2026-10-31"), { now: NOW });
    expect(result.accounts[0]?.tables).toEqual([
      {
        name: "quotes",
        entity: "queenofsandiego",
        billingMode: "PROVISIONED",
        readCapacity: 7,
        writeCapacity: 3,
        itemCount: 0,
      },
      { name: "sessions", entity: "queenofsandiego", billingMode: "PAY_PER_REQUEST", itemCount: 0 },
    ]);
  });
});

describe("AWS live source, page by page and on failure", () => {
  /** queenofsandiego's functions over two pages, with credentials planted in their values. */
  async function pagedFunctions(planted: string) {
    const { Functions: all } = await qsd<{
      Functions: { Environment?: { Variables: Record<string, string> } }[];
    }>("lambda-list-functions.json");
    const [first, second, third] = all;
    if (first?.Environment === undefined || third?.Environment === undefined)
      throw new Error("the snapshot's functions have no environment");
    first.Environment.Variables.STRIPE_SECRET_KEY = planted;
    third.Environment.Variables.DB_PASSWORD = `${planted}-2`;
    return [{ Functions: [first, second], NextMarker: "lambda-page-2" }, { Functions: [third] }];
  }

  it("merges Lambda, CloudWatch Logs and Cost Explorer pages as the CLI does", async () => {
    const services = await mockUnemulated();
    await mockEmulated();
    const [one, two] = await pagedFunctions("unused");
    services.lambda
      .on(ListFunctionsCommand)
      .resolvesOnce(one as never)
      .resolvesOnce(two as never);
    const { logGroups } = await qsd<{ logGroups: object[] }>("logs-describe-log-groups.json");
    services.logs
      .on(DescribeLogGroupsCommand)
      .resolvesOnce({ logGroups: logGroups.slice(0, 1), nextToken: "logs-page-2" } as never)
      .resolvesOnce({ logGroups: logGroups.slice(1) } as never);
    // Cost Explorer pages by groups: September's Lambda cost is split across the two pages.
    const group = (service: string, tag: string, amount: string) => ({
      Keys: [service, `entity$${tag}`],
      Metrics: { UnblendedCost: { Amount: amount, Unit: "USD" } },
    });
    const month = (start: string, end: string, groups: object[]) => ({
      TimePeriod: { Start: start, End: end },
      Total: {},
      Groups: groups,
      Estimated: false,
    });
    services.ce
      .on(GetCostAndUsageCommand)
      .resolvesOnce({
        GroupDefinitions: [
          { Type: "DIMENSION", Key: "SERVICE" },
          { Type: "TAG", Key: "entity" },
        ],
        ResultsByTime: [
          month("2026-09-01", "2026-10-01", [group("AWS Lambda", "queenofsandiego", "1.004")]),
        ],
        DimensionValueAttributes: [],
        NextPageToken: "ce-page-2",
      } as never)
      .resolvesOnce({
        GroupDefinitions: [
          { Type: "DIMENSION", Key: "SERVICE" },
          { Type: "TAG", Key: "entity" },
        ],
        ResultsByTime: [
          month("2026-09-01", "2026-10-01", [group("AWS Lambda", "", "2.004")]),
          month("2026-10-01", "2026-11-01", [group("Amazon DynamoDB", "queenofsandiego", "9.5")]),
        ],
        DimensionValueAttributes: [],
      } as never);

    const result = await readAwsLive(liveSource(), contextFor("2026-10-31"), { now: NOW });
    expect(result.problems).toEqual([]);
    const account = result.accounts[0];
    expect(account?.functions.map((f) => f.name)).toEqual([
      "qsd-booking",
      "qsd-checkout",
      "qsd-quote",
    ]);
    expect(account?.logGroups).toHaveLength(3);
    // 1.004 + 2.004 summed exactly before rounding: 3.01, where each page alone would give 3.00.
    expect(account?.costs).toEqual([
      { month: "2026-09", service: "AWS Lambda", entity: "queenofsandiego", amountCents: 301 },
      { month: "2026-10", service: "Amazon DynamoDB", entity: "queenofsandiego", amountCents: 950 },
    ]);
    // Each next page was asked for with the token of the one before.
    expect(services.lambda.commandCalls(ListFunctionsCommand).map((c) => c.args[0].input)).toEqual([
      { Marker: undefined },
      { Marker: "lambda-page-2" },
    ]);
    expect(
      services.logs.commandCalls(DescribeLogGroupsCommand).map((c) => c.args[0].input.nextToken),
    ).toEqual([undefined, "logs-page-2"]);
    expect(
      services.ce.commandCalls(GetCostAndUsageCommand).map((c) => c.args[0].input.NextPageToken),
    ).toEqual([undefined, "ce-page-2"]);
  });

  it("never lets a Lambda environment variable's value out, only its name", async () => {
    // Built at run time: no credential-shaped literal in the repository.
    const planted = ["sk", "live", "51Hq", "PLANTEDlive", String(Date.now())].join("_");
    const services = await mockUnemulated();
    await mockEmulated();
    const [one, two] = await pagedFunctions(planted);
    services.lambda
      .on(ListFunctionsCommand)
      .resolvesOnce(one as never)
      .resolvesOnce(two as never);
    const result = await readAwsLive(liveSource(), contextFor("2026-10-31"), { now: NOW });
    expect(result.problems).toEqual([]);
    expect(result.accounts[0]?.functions.map((f) => f.secretLikeEnvNames)).toEqual([
      ["STRIPE_SECRET_KEY"],
      [],
      ["DB_PASSWORD"],
    ]);
    expect(JSON.stringify(result)).not.toContain(planted);

    // Blanked on arrival: the listing the reader turns into a document already holds no value.
    services.lambda
      .reset()
      .on(ListFunctionsCommand)
      .resolvesOnce((await pagedFunctions(planted))[0] as never)
      .resolvesOnce((await pagedFunctions(planted))[1] as never);
    const aws = connectAws(liveSource());
    const listing = JSON.stringify(await listFunctions(aws));
    await aws.destroy();
    expect(listing).not.toContain(planted);
    expect(listing).toContain('"STRIPE_SECRET_KEY":""');
    expect(listing).toContain('"DB_PASSWORD":""');
  });

  it("reads the rest when one service is denied or a bucket's detail is, naming the IAM action to allow", async () => {
    const services = await mockUnemulated();
    const { s3 } = await mockEmulated();
    // The service's message names the identity: it must stay out of the problems.
    const message = "User: arn:aws:iam::381492057716:user/PLANTED-audit is not authorized";
    services.logs
      .on(DescribeLogGroupsCommand)
      .rejects(new AccessDeniedException({ message, $metadata: { httpStatusCode: 400 } }));
    const s3Error = (name: string) =>
      new S3ServiceException({ name, message, $fault: "client", $metadata: {} });
    s3.on(GetBucketEncryptionCommand, { Bucket: "queenofsandiego-site" }).rejects(
      s3Error("AccessDenied"),
    );
    // No configuration at all is not an error: the snapshot's `{}`, "none configured".
    s3.on(GetBucketEncryptionCommand, { Bucket: "queenofsandiego-access-logs" }).rejects(
      s3Error("ServerSideEncryptionConfigurationNotFoundError"),
    );
    const result = await readAwsLive(liveSource(), contextFor("2026-10-31"), { now: NOW });
    expect(result.problems).toEqual([
      {
        file: LOCATION,
        message:
          "DescribeLogGroups failed (AccessDeniedException: access denied); CloudWatch log groups are left out",
        hint: `allow logs:DescribeLogGroups in the identity's IAM policy (docs/aws-snapshot.md, "Live mode", lists every action)`,
        severity: "warning",
      },
      {
        file: LOCATION,
        message:
          "GetBucketEncryption failed for bucket queenofsandiego-site (AccessDenied: access denied); encryption shows as unknown",
        hint: `allow s3:GetEncryptionConfiguration in the identity's IAM policy (docs/aws-snapshot.md, "Live mode", lists every action)`,
        severity: "warning",
      },
    ]);
    const account = result.accounts[0];
    expect(account?.logGroups).toEqual([]);
    expect(account?.buckets.map((b) => [b.name, b.encrypted, b.publicAccessBlocked])).toEqual([
      ["queenofsandiego-access-logs", false, true],
      ["queenofsandiego-site", null, true],
    ]);
    expect(account?.functions).toHaveLength(3);
    expect(account?.tables).toHaveLength(1);
    expect(account?.costs.length).toBeGreaterThan(0);
    expect(JSON.stringify(result)).not.toContain("PLANTED");
  });

  it("is an error with no account when there are no credentials at all", async () => {
    const services = await mockUnemulated();
    // STS for real this time, with nothing to sign with; its endpoint refuses any connection.
    services.sts.restore();
    for (const name of ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"]) vi.stubEnv(name, undefined);
    const result = await readAwsLive(
      liveSource({ endpoints: { sts: "http://127.0.0.1:9" } }),
      contextFor("2026-10-31"),
      { now: NOW },
    );
    expect(result).toEqual({
      accounts: [],
      asOf: undefined,
      problems: [
        {
          file: LOCATION,
          message:
            "cannot identify the AWS account: GetCallerIdentity failed (CredentialsProviderError: no valid AWS credentials)",
          hint: CREDENTIALS_ADVICE,
          severity: "error",
        },
      ],
    });
    expect(CREDENTIALS_ADVICE).toContain("mode: snapshot");
    // Nothing else was asked.
    expect(services.lambda.calls()).toHaveLength(0);
    expect(services.ce.calls()).toHaveLength(0);
  });

  it("cuts Cost Explorer's window at today when the reported month is the current one", async () => {
    const services = await mockUnemulated();
    await mockEmulated();
    const november = contextFor("2026-11-30");
    const midMonth = () => new Date("2026-11-17T09:00:00Z");
    const result = await readAwsLive(liveSource(), november, { now: midMonth });
    expect(result.accounts).toHaveLength(1);
    expect(services.ce.commandCalls(GetCostAndUsageCommand)[0]?.args[0].input.TimePeriod).toEqual({
      Start: "2025-12-01",
      End: "2026-11-17",
    });

    // On its first day, one month of it is nothing yet: said once, and not asked.
    services.ce.resetHistory();
    const firstDay = () => new Date("2026-11-01T06:00:00Z");
    const early = await readAwsLive(liveSource({ costMonths: 1 }), november, { now: firstDay });
    expect(services.ce.calls()).toHaveLength(0);
    expect(early.accounts[0]?.costs).toEqual([]);
    expect(early.problems).toEqual([
      {
        file: LOCATION,
        message:
          "Cost Explorer has no costs yet for 2026-11 (today is 2026-11-01); costs are left out",
        hint: "report a month that has begun (--period), or run again once it has",
        severity: "warning",
      },
    ]);
  });

  it("documents exactly the IAM actions live mode calls", async () => {
    const doc = await readFile(new URL("../../docs/aws-snapshot.md", import.meta.url), "utf8");
    const live = doc.slice(doc.indexOf("## Live mode"));
    const policy = /```json\n([\s\S]*?)```/.exec(live)?.[1] ?? "{}";
    const actions = (JSON.parse(policy) as { Statement: { Action: string[] }[] }).Statement.flatMap(
      (s) => s.Action,
    );
    expect([...actions].sort()).toEqual(
      [...new Set(Object.values(LIVE_CALLS).map((c) => c.action))].sort(),
    );
  });
});

/** For destructuring an account that must be there. */
function fail(): never {
  throw new Error("no account was read");
}
