/**
 * The AWS snapshot folder layout: one file per AWS CLI command, saved as the CLI prints it with
 * `--output json` (docs/aws-snapshot.md). Per-resource commands write one file per resource into
 * a folder named after the command.
 */
export const SNAPSHOT = {
  manifest: { file: "snapshot.json", command: 'echo \'{ "capturedAt": "YYYY-MM-DD" }\'' },
  callerIdentity: {
    file: "sts-get-caller-identity.json",
    command: "aws sts get-caller-identity --output json",
  },
  buckets: { file: "s3api-list-buckets.json", command: "aws s3api list-buckets --output json" },
  bucketEncryption: {
    folder: "s3api-get-bucket-encryption",
    command: "aws s3api get-bucket-encryption --bucket BUCKET --output json",
  },
  publicAccessBlock: {
    folder: "s3api-get-public-access-block",
    command: "aws s3api get-public-access-block --bucket BUCKET --output json",
  },
  distributions: {
    file: "cloudfront-list-distributions.json",
    command: "aws cloudfront list-distributions --output json",
  },
  functions: {
    file: "lambda-list-functions.json",
    command: "aws lambda list-functions --output json",
  },
  tableNames: {
    file: "dynamodb-list-tables.json",
    command: "aws dynamodb list-tables --output json",
  },
  tables: {
    folder: "dynamodb-describe-table",
    command: "aws dynamodb describe-table --table-name TABLE --output json",
  },
  logGroups: {
    file: "logs-describe-log-groups.json",
    command: "aws logs describe-log-groups --output json",
  },
  addresses: {
    file: "ec2-describe-addresses.json",
    command: "aws ec2 describe-addresses --output json",
  },
  hostedZones: {
    file: "route53-list-hosted-zones.json",
    command: "aws route53 list-hosted-zones --output json",
  },
  costs: {
    file: "ce-get-cost-and-usage.json",
    command:
      "aws ce get-cost-and-usage --time-period Start=YYYY-MM-01,End=YYYY-MM-01 --granularity MONTHLY --metrics UnblendedCost --group-by Type=DIMENSION,Key=SERVICE Type=TAG,Key=entity --output json",
  },
  costReport: { folder: "cur" },
  tags: {
    file: "resourcegroupstaggingapi-get-resources.json",
    command: "aws resourcegroupstaggingapi get-resources --output json",
  },
} as const;

/** Where the folder and per-resource commands are spelled out for a person. */
export const SNAPSHOT_DOC = "docs/aws-snapshot.md";

/** Every top-level file name the layout knows (anything else in the folder is flagged). */
export const SNAPSHOT_FILE_NAMES: readonly string[] = Object.values(SNAPSHOT).flatMap((entry) =>
  "file" in entry ? [entry.file] : [],
);

/** Every folder name the layout knows. */
export const SNAPSHOT_FOLDER_NAMES: readonly string[] = Object.values(SNAPSHOT).flatMap((entry) =>
  "folder" in entry ? [entry.folder] : [],
);
