import { createHash } from "node:crypto";
import type { PutObjectCommandInput, S3Client, S3ClientConfig } from "@aws-sdk/client-s3";
import {
  type Archive,
  type ArchiveObject,
  checkArchiveKey,
  type PutOutcome,
} from "../../core/archive/ports.js";

/** Where the S3 archive lives and how its objects are encrypted; unset fields come from AWS defaults. */
export interface S3ArchiveOptions {
  bucket: string;
  /** Prepended to every key: empty or ending with "/". */
  prefix: string;
  /** Else `AWS_REGION`, then `AWS_DEFAULT_REGION` from `env`, then the SDK's chain (profile, ...). */
  region?: string;
  /** An S3-compatible store or emulator instead of AWS. */
  endpoint?: string;
  /** `http://host/bucket/key` instead of `http://bucket.host/key` (emulators, some stores). */
  forcePathStyle?: boolean;
  serverSideEncryption: "AES256" | "aws:kms" | "none";
  /** With aws:kms: the key id or ARN; else S3 uses the account's aws/s3 key. */
  kmsKeyId?: string;
  /** A ready client (its own region, endpoint and credentials); the options above are then unused. */
  client?: S3Client;
  /**
   * The environment to read the region and `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY` from;
   * without keys there, credentials come from the SDK's chain (environment, profile, SSO, role).
   */
  env?: Readonly<Record<string, string | undefined>>;
  /** Keys per ListObjectsV2 page (default 1000, S3's maximum); tests page with fewer. */
  listPageSize?: number;
}

// S3 answers 409 ConditionalRequestConflict while another conditional write to the same key is
// in flight; once that one lands the next attempt gets a definite 200 or 412.
const CONFLICT_BACKOFF_MS = [50, 100, 200, 400];

/** What an SDK or socket error says about itself (S3 errors are named after their code). */
function describeFailure(error: unknown): { code: string; status?: number; message: string } {
  const e = (error ?? {}) as { name?: string; $metadata?: { httpStatusCode?: number } };
  const status = e.$metadata?.httpStatusCode;
  return {
    code: typeof e.name === "string" ? e.name : "Error",
    ...(status !== undefined ? { status } : {}),
    message: error instanceof Error ? error.message : String(error),
  };
}

/** The client the options describe; only the given fields are set, the SDK fills in the rest. */
function buildClient(
  sdk: typeof import("@aws-sdk/client-s3"),
  options: S3ArchiveOptions,
): S3Client {
  const env = options.env ?? {};
  const region = options.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  const credentials: S3ClientConfig["credentials"] =
    accessKeyId && secretAccessKey
      ? {
          accessKeyId,
          secretAccessKey,
          ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
        }
      : undefined;
  return new sdk.S3Client({
    ...(region ? { region } : {}),
    ...(options.endpoint !== undefined ? { endpoint: options.endpoint } : {}),
    ...(credentials !== undefined ? { credentials } : {}),
    forcePathStyle: options.forcePathStyle ?? false,
    requestHandler: {
      connectionTimeout: 10_000,
      requestTimeout: 60_000,
      // Otherwise a request past its timeout only logs a warning and waits on.
      throwOnRequestTimeout: true,
    },
  });
}

/** The encryption headers of every PutObject: none at all for "none", so the bucket default applies. */
function encryptionOf(options: S3ArchiveOptions): Partial<PutObjectCommandInput> {
  switch (options.serverSideEncryption) {
    case "none":
      return {};
    case "AES256":
      return { ServerSideEncryption: "AES256" };
    case "aws:kms":
      return {
        ServerSideEncryption: "aws:kms",
        ...(options.kmsKeyId !== undefined ? { SSEKMSKeyId: options.kmsKeyId } : {}),
      };
  }
}

/**
 * An archive in an S3 bucket under a key prefix. Writes are create-only through S3's conditional
 * PutObject (`If-None-Match: *`): a key that exists answers 412 and is left as it was, so an
 * archived report can never be replaced, even by two runs racing for the same key.
 */
export async function createS3Archive(options: S3ArchiveOptions): Promise<Archive> {
  // The SDK is imported only when an S3 archive is configured, so other commands start without it.
  const sdk = await import("@aws-sdk/client-s3");
  const client = options.client ?? buildClient(sdk, options);
  const { bucket, prefix } = options;
  const encryption = encryptionOf(options);
  const pageSize = options.listPageSize ?? 1000;

  // Names the object and the S3 error code; the SDK's message comes from S3's answer, which
  // never holds the secret key (requests are signed with it, never carry it).
  const failure = (action: string, key: string, error: unknown): Error => {
    const { code, status, message } = describeFailure(error);
    const http = status !== undefined ? `, HTTP ${status}` : "";
    return new Error(
      `S3 archive: cannot ${action} s3://${bucket}/${prefix}${key} (${code}${http}): ${message}`,
      { cause: error },
    );
  };

  // One conditional PutObject: its outcome, or the 409 error of a conflicting write in flight.
  const putOnce = async (object: ArchiveObject): Promise<PutOutcome | { conflict: unknown }> => {
    try {
      await client.send(
        new sdk.PutObjectCommand({
          Bucket: bucket,
          Key: prefix + object.key,
          Body: object.body,
          ContentType: object.contentType,
          IfNoneMatch: "*",
          // S3 checks the bytes it received against this before storing them.
          ChecksumSHA256: createHash("sha256").update(object.body).digest("base64"),
          ...encryption,
        }),
      );
      return "created";
    } catch (error) {
      const { code, status } = describeFailure(error);
      if (status === 412 || code === "PreconditionFailed") return "exists";
      if (status === 409 || code === "ConditionalRequestConflict") return { conflict: error };
      throw failure("write", object.key, error);
    }
  };

  return {
    driver: "s3",
    location: `s3://${bucket}/${prefix}`,
    uri: (key) => `s3://${bucket}/${prefix}${key}`,

    async putIfAbsent(object) {
      checkArchiveKey(object.key);
      let outcome = await putOnce(object);
      for (const wait of CONFLICT_BACKOFF_MS) {
        if (typeof outcome === "string") return outcome;
        await new Promise((resolve) => setTimeout(resolve, wait));
        outcome = await putOnce(object);
      }
      if (typeof outcome === "string") return outcome;
      throw failure("write", object.key, outcome.conflict);
    },

    async get(key) {
      checkArchiveKey(key);
      try {
        const answer = await client.send(
          new sdk.GetObjectCommand({ Bucket: bucket, Key: prefix + key }),
        );
        return answer.Body === undefined
          ? new Uint8Array()
          : await answer.Body.transformToByteArray();
      } catch (error) {
        if (describeFailure(error).code === "NoSuchKey") return undefined;
        throw failure("read", key, error);
      }
    },

    async list(under) {
      const keys: string[] = [];
      let token: string | undefined;
      do {
        try {
          const page = await client.send(
            new sdk.ListObjectsV2Command({
              Bucket: bucket,
              Prefix: prefix + under,
              MaxKeys: pageSize,
              ...(token !== undefined ? { ContinuationToken: token } : {}),
            }),
          );
          for (const object of page.Contents ?? []) {
            if (object.Key?.startsWith(prefix)) keys.push(object.Key.slice(prefix.length));
          }
          token = page.IsTruncated ? page.NextContinuationToken : undefined;
        } catch (error) {
          throw failure("list", `${under}*`, error);
        }
      } while (token !== undefined);
      return keys.sort();
    },
  };
}
