import { S3Client } from "@aws-sdk/client-s3";
import { describe, expect, it, vi } from "vitest";
import {
  type AwsClients,
  type AwsConnection,
  type AwsLiveSource,
  connectAws,
} from "./aws-clients.js";

const source = (extra: Partial<AwsLiveSource> = {}): AwsLiveSource => ({
  id: "aws",
  type: "aws",
  mode: "live",
  entityTag: "entity",
  costMonths: 12,
  ...extra,
});

/** The parts of a built client's resolved configuration these tests look at. */
interface Resolved {
  region(): Promise<string>;
  maxAttempts(): Promise<number>;
  endpoint?: () => Promise<{ hostname: string; port?: number }>;
  profile?: string;
  forcePathStyle?: boolean;
  followRegionRedirects?: boolean;
}
const configOf = (client: unknown) => (client as { config: Resolved }).config;
const client = async <K extends keyof AwsClients>(aws: AwsConnection, name: K) =>
  (await aws.use(name)).client;

describe("connectAws", () => {
  it("uses the source's region for regional services and us-east-1 for global ones", async () => {
    const aws = connectAws(source({ region: "us-west-2", profile: "audit" }));
    for (const name of ["sts", "s3", "lambda", "dynamodb", "logs", "ec2", "tagging"] as const)
      expect(await configOf(await client(aws, name)).region()).toBe("us-west-2");
    for (const name of ["cloudfront", "route53", "ce", "taggingGlobal"] as const)
      expect(await configOf(await client(aws, name)).region()).toBe("us-east-1");
    const lambda = configOf(await client(aws, "lambda"));
    expect(lambda.profile).toBe("audit");
    expect(await lambda.maxAttempts()).toBe(5);
    // Built once, then handed out again.
    expect(await client(aws, "lambda")).toBe(await client(aws, "lambda"));
    await aws.destroy();
  });

  it("points a service at its endpoint, S3 by path, and follows S3's region redirects", async () => {
    const aws = connectAws(
      source({ endpoints: { s3: "http://127.0.0.1:4566", tagging: "http://127.0.0.1:4567" } }),
    );
    const s3 = configOf(await client(aws, "s3"));
    expect(await s3.endpoint?.()).toMatchObject({ hostname: "127.0.0.1", port: 4566 });
    expect(s3.forcePathStyle).toBe(true);
    expect(s3.followRegionRedirects).toBe(true);
    // Both Tagging API clients use the tagging endpoint.
    const global = configOf(await client(aws, "taggingGlobal"));
    expect(await global.endpoint?.()).toMatchObject({ port: 4567 });
    const plain = connectAws(source());
    const awsS3 = configOf(await client(plain, "s3"));
    expect(awsS3.forcePathStyle).toBe(false);
    expect(awsS3.followRegionRedirects).toBe(true);
    await Promise.all([aws.destroy(), plain.destroy()]);
  });

  it("destroys the clients it built and leaves injected ones to their owner", async () => {
    const injected = new S3Client({ region: "us-west-2" });
    const aws = connectAws(source(), { s3: injected });
    expect(await client(aws, "s3")).toBe(injected);
    const lambda = await client(aws, "lambda");
    const destroyed = vi.spyOn(lambda, "destroy");
    const kept = vi.spyOn(injected, "destroy");
    await aws.destroy();
    expect(destroyed).toHaveBeenCalledOnce();
    expect(kept).not.toHaveBeenCalled();
    injected.destroy();
  });
});
