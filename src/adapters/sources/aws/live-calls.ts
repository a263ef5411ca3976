import type { ListFunctionsResponse } from "@aws-sdk/client-lambda";
import { SNAPSHOT } from "../../../core/cloud/snapshot-files.js";
import type { AwsConnection } from "./aws-clients.js";
import { allPages, cliBody, type JsonBody } from "./cli-pages.js";
import type { CostWindow } from "./cost-window.js";

/** An AWS API call live mode makes: what IAM must allow, and what is lost when it fails. */
export interface LiveCall {
  /** The snapshot file its output stands for, when it has one of its own. */
  file?: string;
  /** The operation as IAM and CloudTrail name it. */
  operation: string;
  /** The IAM action it needs. */
  action: string;
  /** What the account shows without it. */
  lost: string;
}

/** Every call of live mode, by the snapshot field it fills. */
export const LIVE_CALLS = {
  callerIdentity: {
    file: SNAPSHOT.callerIdentity.file,
    operation: "GetCallerIdentity",
    action: "sts:GetCallerIdentity",
    lost: "no account is read",
  },
  buckets: {
    file: SNAPSHOT.buckets.file,
    operation: "ListBuckets",
    action: "s3:ListAllMyBuckets",
    lost: "S3 buckets are left out",
  },
  bucketEncryption: {
    operation: "GetBucketEncryption",
    action: "s3:GetEncryptionConfiguration",
    lost: "encryption shows as unknown",
  },
  publicAccessBlock: {
    operation: "GetPublicAccessBlock",
    action: "s3:GetBucketPublicAccessBlock",
    lost: "public access block shows as unknown",
  },
  distributions: {
    file: SNAPSHOT.distributions.file,
    operation: "ListDistributions",
    action: "cloudfront:ListDistributions",
    lost: "CloudFront distributions are left out",
  },
  functions: {
    file: SNAPSHOT.functions.file,
    operation: "ListFunctions",
    action: "lambda:ListFunctions",
    lost: "Lambda functions are left out",
  },
  tableNames: {
    file: SNAPSHOT.tableNames.file,
    operation: "ListTables",
    action: "dynamodb:ListTables",
    lost: "DynamoDB tables are left out",
  },
  tables: {
    operation: "DescribeTable",
    action: "dynamodb:DescribeTable",
    lost: "left out",
  },
  logGroups: {
    file: SNAPSHOT.logGroups.file,
    operation: "DescribeLogGroups",
    action: "logs:DescribeLogGroups",
    lost: "CloudWatch log groups are left out",
  },
  addresses: {
    file: SNAPSHOT.addresses.file,
    operation: "DescribeAddresses",
    action: "ec2:DescribeAddresses",
    lost: "Elastic IPs are left out",
  },
  hostedZones: {
    file: SNAPSHOT.hostedZones.file,
    operation: "ListHostedZones",
    action: "route53:ListHostedZones",
    lost: "Route 53 hosted zones are left out",
  },
  costs: {
    file: SNAPSHOT.costs.file,
    operation: "GetCostAndUsage",
    action: "ce:GetCostAndUsage",
    lost: "costs are left out",
  },
  tags: {
    file: SNAPSHOT.tags.file,
    operation: "GetResources",
    action: "tag:GetResources",
    lost: "no resource gets its entity from its tags",
  },
  cloudfrontTags: {
    operation: "GetResources (us-east-1, for CloudFront)",
    action: "tag:GetResources",
    lost: "no distribution gets its entity from its tags",
  },
} as const satisfies Record<string, LiveCall>;

/** The account the credentials belong to (`aws sts get-caller-identity`). */
export async function getCallerIdentity(aws: AwsConnection): Promise<JsonBody> {
  const { client, sdk } = await aws.use("sts");
  return cliBody(await client.send(new sdk.GetCallerIdentityCommand({})));
}

/** `aws s3api list-buckets`. */
export async function listBuckets(aws: AwsConnection): Promise<JsonBody> {
  const { client, sdk } = await aws.use("s3");
  return allPages(
    (ContinuationToken) => client.send(new sdk.ListBucketsCommand({ ContinuationToken })),
    { token: ["ContinuationToken"], items: [["Buckets"]] },
  );
}

/** `aws s3api get-bucket-encryption`; `{}` when the bucket has none, as in a snapshot. */
export async function getBucketEncryption(aws: AwsConnection, bucket: string): Promise<JsonBody> {
  const { client, sdk } = await aws.use("s3");
  return orEmptyWhen("ServerSideEncryptionConfigurationNotFoundError", async () =>
    cliBody(await client.send(new sdk.GetBucketEncryptionCommand({ Bucket: bucket }))),
  );
}

/** `aws s3api get-public-access-block`; `{}` when the bucket has none, as in a snapshot. */
export async function getPublicAccessBlock(aws: AwsConnection, bucket: string): Promise<JsonBody> {
  const { client, sdk } = await aws.use("s3");
  return orEmptyWhen("NoSuchPublicAccessBlockConfiguration", async () =>
    cliBody(await client.send(new sdk.GetPublicAccessBlockCommand({ Bucket: bucket }))),
  );
}

/** `aws cloudfront list-distributions`. */
export async function listDistributions(aws: AwsConnection): Promise<JsonBody> {
  const { client, sdk } = await aws.use("cloudfront");
  return allPages((Marker) => client.send(new sdk.ListDistributionsCommand({ Marker })), {
    token: ["DistributionList", "NextMarker"],
    items: [["DistributionList", "Items"]],
  });
}

/** `aws lambda list-functions`, with every environment variable's value blanked on arrival. */
export async function listFunctions(aws: AwsConnection): Promise<JsonBody> {
  const { client, sdk } = await aws.use("lambda");
  return allPages(
    async (Marker) =>
      dropEnvironmentValues(await client.send(new sdk.ListFunctionsCommand({ Marker }))),
    { token: ["NextMarker"], items: [["Functions"]] },
  );
}

/**
 * Only the names of environment variables are read: their values (credentials, often) are
 * replaced before the page goes anywhere, so none can reach a document, a problem or a log.
 */
function dropEnvironmentValues(page: ListFunctionsResponse): ListFunctionsResponse {
  for (const fn of page.Functions ?? []) {
    const variables = fn.Environment?.Variables;
    if (variables !== undefined) for (const name of Object.keys(variables)) variables[name] = "";
  }
  return page;
}

/** `aws dynamodb list-tables`. */
export async function listTables(aws: AwsConnection): Promise<JsonBody> {
  const { client, sdk } = await aws.use("dynamodb");
  return allPages(
    (ExclusiveStartTableName) =>
      client.send(new sdk.ListTablesCommand({ ExclusiveStartTableName })),
    { token: ["LastEvaluatedTableName"], items: [["TableNames"]] },
  );
}

/** `aws dynamodb describe-table`. */
export async function describeTable(aws: AwsConnection, table: string): Promise<JsonBody> {
  const { client, sdk } = await aws.use("dynamodb");
  return cliBody(await client.send(new sdk.DescribeTableCommand({ TableName: table })));
}

/** `aws logs describe-log-groups`. */
export async function describeLogGroups(aws: AwsConnection): Promise<JsonBody> {
  const { client, sdk } = await aws.use("logs");
  return allPages((nextToken) => client.send(new sdk.DescribeLogGroupsCommand({ nextToken })), {
    token: ["nextToken"],
    items: [["logGroups"]],
  });
}

/** `aws ec2 describe-addresses` (not paginated). */
export async function describeAddresses(aws: AwsConnection): Promise<JsonBody> {
  const { client, sdk } = await aws.use("ec2");
  return cliBody(await client.send(new sdk.DescribeAddressesCommand({})));
}

/** `aws route53 list-hosted-zones`. */
export async function listHostedZones(aws: AwsConnection): Promise<JsonBody> {
  const { client, sdk } = await aws.use("route53");
  return allPages((Marker) => client.send(new sdk.ListHostedZonesCommand({ Marker })), {
    token: ["NextMarker"],
    items: [["HostedZones"]],
  });
}

/**
 * `aws ce get-cost-and-usage` as docs/aws-snapshot.md captures it: monthly unblended cost by
 * service and entity tag. Pages may split one month's groups; the cost tally sums them again.
 */
export async function getCostAndUsage(
  aws: AwsConnection,
  window: Extract<CostWindow, { start: string }>,
  tagKey: string,
): Promise<JsonBody> {
  const { client, sdk } = await aws.use("ce");
  return allPages(
    (NextPageToken) =>
      client.send(
        new sdk.GetCostAndUsageCommand({
          TimePeriod: { Start: window.start, End: window.end },
          Granularity: "MONTHLY",
          Metrics: ["UnblendedCost"],
          GroupBy: [
            { Type: "DIMENSION", Key: "SERVICE" },
            { Type: "TAG", Key: tagKey },
          ],
          NextPageToken,
        }),
      ),
    { token: ["NextPageToken"], items: [["ResultsByTime"], ["DimensionValueAttributes"]] },
  );
}

/**
 * `aws resourcegroupstaggingapi get-resources` in the source's region, or in us-east-1 for
 * CloudFront's distributions, whose tags no other region knows.
 */
export async function getResources(
  aws: AwsConnection,
  where: "tagging" | "taggingGlobal",
): Promise<JsonBody> {
  const { client, sdk } = await aws.use(where);
  const filter =
    where === "taggingGlobal" ? { ResourceTypeFilters: ["cloudfront:distribution"] } : {};
  return allPages(
    (PaginationToken) => client.send(new sdk.GetResourcesCommand({ ...filter, PaginationToken })),
    { token: ["PaginationToken"], items: [["ResourceTagMappingList"]] },
  );
}

async function orEmptyWhen(errorName: string, call: () => Promise<JsonBody>): Promise<JsonBody> {
  try {
    return await call();
  } catch (error) {
    if ((error as { name?: unknown } | undefined)?.name === errorName) return {};
    throw error;
  }
}
