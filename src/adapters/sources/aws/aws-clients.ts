import type { CloudFrontClient } from "@aws-sdk/client-cloudfront";
import type { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import type { CostExplorerClient } from "@aws-sdk/client-cost-explorer";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { EC2Client } from "@aws-sdk/client-ec2";
import type { LambdaClient } from "@aws-sdk/client-lambda";
import type { ResourceGroupsTaggingAPIClient } from "@aws-sdk/client-resource-groups-tagging-api";
import type { Route53Client } from "@aws-sdk/client-route-53";
import type { S3Client } from "@aws-sdk/client-s3";
import type { STSClient } from "@aws-sdk/client-sts";
import type { SourceConfig } from "../../../core/config.js";

/** An AWS source as live mode reads it. */
export type AwsLiveSource = Extract<SourceConfig, { type: "aws" }>;

/** A service as the source's `endpoints` names it. */
export type AwsService = keyof NonNullable<AwsLiveSource["endpoints"]>;

/** Every client live mode asks through. */
export interface AwsClients {
  sts: STSClient;
  s3: S3Client;
  cloudfront: CloudFrontClient;
  lambda: LambdaClient;
  dynamodb: DynamoDBClient;
  logs: CloudWatchLogsClient;
  ec2: EC2Client;
  route53: Route53Client;
  ce: CostExplorerClient;
  tagging: ResourceGroupsTaggingAPIClient;
  /** The Tagging API in us-east-1, the only region that knows CloudFront's tags. */
  taggingGlobal: ResourceGroupsTaggingAPIClient;
}

/** The SDK module of each client, for its commands. */
export interface AwsSdks {
  sts: typeof import("@aws-sdk/client-sts");
  s3: typeof import("@aws-sdk/client-s3");
  cloudfront: typeof import("@aws-sdk/client-cloudfront");
  lambda: typeof import("@aws-sdk/client-lambda");
  dynamodb: typeof import("@aws-sdk/client-dynamodb");
  logs: typeof import("@aws-sdk/client-cloudwatch-logs");
  ec2: typeof import("@aws-sdk/client-ec2");
  route53: typeof import("@aws-sdk/client-route-53");
  ce: typeof import("@aws-sdk/client-cost-explorer");
  tagging: typeof import("@aws-sdk/client-resource-groups-tagging-api");
  taggingGlobal: typeof import("@aws-sdk/client-resource-groups-tagging-api");
}

/** Hands out clients, building each on first use. */
export interface AwsConnection {
  /** The client with its SDK module, whose command classes it sends. */
  use<K extends keyof AwsClients>(name: K): Promise<Built<K>>;
  /** Closes the clients it built; injected ones are left to their owner. */
  destroy(): Promise<void>;
}

/** A client ready to send, with the module of its commands. */
type Built<K extends keyof AwsClients> = { client: AwsClients[K]; sdk: AwsSdks[K] };

/** The part of a client's configuration live mode sets; the SDK resolves the rest. */
interface ClientConfig {
  region?: string;
  profile?: string;
  endpoint?: string;
  maxAttempts: number;
  requestHandler: {
    connectionTimeout: number;
    requestTimeout: number;
    throwOnRequestTimeout: boolean;
  };
}

// CloudFront, Route 53 and Cost Explorer are global services served from us-east-1.
const GLOBAL = new Set<keyof AwsClients>(["cloudfront", "route53", "ce", "taggingGlobal"]);

// Each SDK is imported when it is first used, so other commands never load it.
const SDKS: { [K in keyof AwsClients]: () => Promise<AwsSdks[K]> } = {
  sts: () => import("@aws-sdk/client-sts"),
  s3: () => import("@aws-sdk/client-s3"),
  cloudfront: () => import("@aws-sdk/client-cloudfront"),
  lambda: () => import("@aws-sdk/client-lambda"),
  dynamodb: () => import("@aws-sdk/client-dynamodb"),
  logs: () => import("@aws-sdk/client-cloudwatch-logs"),
  ec2: () => import("@aws-sdk/client-ec2"),
  route53: () => import("@aws-sdk/client-route-53"),
  ce: () => import("@aws-sdk/client-cost-explorer"),
  tagging: () => import("@aws-sdk/client-resource-groups-tagging-api"),
  taggingGlobal: () => import("@aws-sdk/client-resource-groups-tagging-api"),
};

const BUILDERS: {
  [K in keyof AwsClients]: (sdk: AwsSdks[K], config: ClientConfig) => AwsClients[K];
} = {
  sts: (sdk, config) => new sdk.STSClient(config),
  s3: (sdk, config) =>
    new sdk.S3Client({
      ...config,
      // Per-bucket calls reach buckets of every region from one client.
      followRegionRedirects: true,
      // Emulators serve buckets by path, not by subdomain.
      ...(config.endpoint !== undefined ? { forcePathStyle: true } : {}),
    }),
  cloudfront: (sdk, config) => new sdk.CloudFrontClient(config),
  lambda: (sdk, config) => new sdk.LambdaClient(config),
  dynamodb: (sdk, config) => new sdk.DynamoDBClient(config),
  logs: (sdk, config) => new sdk.CloudWatchLogsClient(config),
  ec2: (sdk, config) => new sdk.EC2Client(config),
  route53: (sdk, config) => new sdk.Route53Client(config),
  ce: (sdk, config) => new sdk.CostExplorerClient(config),
  tagging: (sdk, config) => new sdk.ResourceGroupsTaggingAPIClient(config),
  taggingGlobal: (sdk, config) => new sdk.ResourceGroupsTaggingAPIClient(config),
};

/**
 * Clients for a live source: its region for regional services (else the SDK's own resolution),
 * us-east-1 for global ones, its profile (else the standard credential chain), its endpoint per
 * service, and the SDK's standard retry with up to 5 attempts for throttling.
 */
export function connectAws(
  source: AwsLiveSource,
  injected: Partial<AwsClients> = {},
): AwsConnection {
  const built = new Map<keyof AwsClients, Promise<Built<keyof AwsClients>>>();
  const configFor = (name: keyof AwsClients): ClientConfig => {
    const service: AwsService = name === "taggingGlobal" ? "tagging" : name;
    const region = GLOBAL.has(name) ? "us-east-1" : source.region;
    const endpoint = source.endpoints?.[service];
    return {
      ...(region !== undefined ? { region } : {}),
      ...(source.profile !== undefined ? { profile: source.profile } : {}),
      ...(endpoint !== undefined ? { endpoint } : {}),
      maxAttempts: 5,
      requestHandler: {
        connectionTimeout: 10_000,
        requestTimeout: 60_000,
        // Otherwise a request past its timeout only logs a warning and waits on.
        throwOnRequestTimeout: true,
      },
    };
  };
  return {
    use<K extends keyof AwsClients>(name: K) {
      let ready = built.get(name) as Promise<Built<K>> | undefined;
      if (ready === undefined) {
        ready = SDKS[name]().then((sdk) => ({
          sdk,
          client: injected[name] ?? BUILDERS[name](sdk, configFor(name)),
        }));
        built.set(name, ready);
      }
      return ready;
    },
    async destroy() {
      const ready = await Promise.allSettled(built.values());
      for (const entry of ready)
        if (entry.status === "fulfilled" && !Object.values(injected).includes(entry.value.client))
          entry.value.client.destroy();
    },
  };
}
