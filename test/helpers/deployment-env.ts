import { S3RVER_ENV } from "./s3rver.js";

/**
 * The environment the stack gives the Lambda functions (infra/lib/exec-intel-stack.ts), pointed
 * at local peers: s3rver, dynalite and, when given, the SES emulator and an SQS stand-in.
 */
export function deploymentEnv(peers: {
  table: string;
  bucket: string;
  s3: string;
  dynamodb: string;
  ses?: string;
  sqs?: string;
}): Record<string, string> {
  return {
    ...S3RVER_ENV,
    EXEC_INTEL_TABLE: peers.table,
    EXEC_INTEL_BUCKET: peers.bucket,
    EXEC_INTEL_WORKSPACE_PREFIX: "workspace/",
    EXEC_INTEL_ARCHIVE_PREFIX: "archive/",
    EXEC_INTEL_INBOUND_PREFIX: "inbound/",
    EXEC_INTEL_SES_CONFIGURATION_SET: "exec-intel-test",
    EXEC_INTEL_FROM: "reports@example.com",
    AWS_ENDPOINT_URL_S3: peers.s3,
    AWS_ENDPOINT_URL_DYNAMODB: peers.dynamodb,
    ...(peers.ses !== undefined ? { AWS_ENDPOINT_URL_SESV2: peers.ses } : {}),
    ...(peers.sqs !== undefined
      ? { AWS_ENDPOINT_URL_SQS: peers.sqs, EXEC_INTEL_QUEUE_URL: `${peers.sqs}/123456789012/work` }
      : {}),
  };
}
