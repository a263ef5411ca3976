/**
 * AWS on-demand list prices the savings estimates use, in US dollars, as published for us-east-1
 * and us-west-2 (identical for these items) on the AWS pricing pages in 2026. They are inputs,
 * not findings: every estimate shows the price it used, so a reader can redo the arithmetic.
 */
export const AWS_LIST_PRICES = {
  /** CloudWatch Logs archived storage, per GB-month. */
  logStorageGbMonth: 0.03,
  /** DynamoDB provisioned read capacity unit, per hour. */
  dynamoReadUnitHour: 0.00013,
  /** DynamoDB provisioned write capacity unit, per hour. */
  dynamoWriteUnitHour: 0.00065,
  /** A public IPv4 address (an Elastic IP, attached or not), per hour. */
  publicIpv4Hour: 0.005,
} as const;

/** Hours in the month AWS's own pricing calculator assumes. */
export const HOURS_PER_MONTH = 730;

/** Bytes in the GB the CloudWatch price is quoted per (AWS bills logs by GiB). */
export const BYTES_PER_GB = 1024 ** 3;

/** Lambda memory above which a function is worth measuring: the console's default is 128 MB. */
export const LAMBDA_MEMORY_REVIEW_MB = 1024;

/** The prices a savings estimate may be computed with (tests pass their own). */
export type ListPrices = { readonly [K in keyof typeof AWS_LIST_PRICES]: number };
