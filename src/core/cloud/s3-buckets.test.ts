import { describe, expect, it } from "vitest";
import { cliJson } from "../../../test/helpers/aws-json.js";
import { bucketKey, entityLookup } from "./entity-assignment.js";
import type { JsonDocument } from "./json-document.js";
import { parseBuckets } from "./s3-buckets.js";

const list = cliJson(
  {
    Buckets: [
      { Name: "site", CreationDate: "2024-03-02T18:11:09+00:00" },
      { Name: "logs", CreationDate: "2024-03-02T18:12:40+00:00" },
      { Name: "old", CreationDate: "2021-07-19T02:05:51+00:00" },
    ],
    Owner: {
      DisplayName: "owner",
      ID: "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be",
    },
    Prefix: null,
  },
  "aws/s3api-list-buckets.json",
);
const sseS3 = cliJson({
  ServerSideEncryptionConfiguration: {
    Rules: [
      { ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" }, BucketKeyEnabled: false },
    ],
  },
});
const allBlocked = cliJson({
  PublicAccessBlockConfiguration: {
    BlockPublicAcls: true,
    IgnorePublicAcls: true,
    BlockPublicPolicy: true,
    RestrictPublicBuckets: true,
  },
});
const partlyBlocked = cliJson({
  PublicAccessBlockConfiguration: {
    BlockPublicAcls: true,
    IgnorePublicAcls: true,
    BlockPublicPolicy: false,
    RestrictPublicBuckets: false,
  },
});
const none = cliJson({});
const entityOf = entityLookup(new Map([[bucketKey("logs"), "beta"]]), "alpha");
const files = (entries: [string, JsonDocument][]) => new Map(entries);

describe("parseBuckets", () => {
  it("maps encryption and public access block per bucket, unknown when not captured", () => {
    const { value, problems } = parseBuckets(
      list,
      {
        encryption: files([
          ["site", sseS3],
          ["logs", none],
        ]),
        publicAccessBlock: files([
          ["site", allBlocked],
          ["logs", partlyBlocked],
        ]),
      },
      entityOf,
    );
    expect(value).toEqual([
      { name: "site", entity: "alpha", encrypted: true, publicAccessBlocked: true },
      { name: "logs", entity: "beta", encrypted: false, publicAccessBlocked: false },
      { name: "old", entity: "alpha", encrypted: null, publicAccessBlocked: null },
    ]);
    expect(problems.map((p) => [p.severity, p.file, p.message])).toEqual([
      [
        "warning",
        "aws/s3api-list-buckets.json",
        "s3api-get-bucket-encryption/ has no file for bucket old: shown as unknown",
      ],
      [
        "warning",
        "aws/s3api-list-buckets.json",
        "s3api-get-public-access-block/ has no file for bucket old: shown as unknown",
      ],
    ]);
  });

  it("shows a bucket whose detail was unreadable (already reported) as unknown, without the advice to add a file", () => {
    const { value, problems } = parseBuckets(
      list,
      {
        encryption: files([["site", sseS3]]),
        publicAccessBlock: files([["site", allBlocked]]),
        unreadable: new Set([
          "s3api-get-bucket-encryption/logs.json",
          "s3api-get-bucket-encryption/old.json",
          "s3api-get-public-access-block/logs.json",
        ]),
      },
      entityOf,
    );
    expect(value.map((b) => [b.name, b.encrypted, b.publicAccessBlocked])).toEqual([
      ["site", true, true],
      ["logs", null, null],
      ["old", null, null],
    ]);
    // Only the public access block of "old" is neither there nor known unreadable.
    expect(problems.map((p) => p.message)).toEqual([
      "s3api-get-public-access-block/ has no file for bucket old: shown as unknown",
    ]);
  });

  it("reads an empty rule list as not encrypted, and warns about a file for an unlisted bucket", () => {
    const stray = cliJson({}, "aws/s3api-get-bucket-encryption/gone.json");
    const { value, problems } = parseBuckets(
      cliJson({ Buckets: [{ Name: "site" }] }),
      {
        encryption: files([
          ["site", cliJson({ ServerSideEncryptionConfiguration: { Rules: [] } })],
          ["gone", stray],
        ]),
        publicAccessBlock: files([["site", allBlocked]]),
      },
      entityOf,
    );
    expect(value[0]?.encrypted).toBe(false);
    expect(problems).toEqual([
      expect.objectContaining({
        file: "aws/s3api-get-bucket-encryption/gone.json",
        severity: "warning",
        message: 'bucket "gone" is not in s3api-list-buckets.json; this file is ignored',
      }),
    ]);
  });

  it("reports a per-bucket file of the wrong shape with its command, and keeps the bucket", () => {
    const wrong = cliJson({ Rules: [] }, "aws/s3api-get-bucket-encryption/site.json");
    const { value, problems } = parseBuckets(
      cliJson({ Buckets: [{ Name: "site" }] }),
      { encryption: files([["site", wrong]]), publicAccessBlock: files([["site", allBlocked]]) },
      entityOf,
    );
    expect(value[0]).toMatchObject({ name: "site", encrypted: null, publicAccessBlocked: true });
    expect(problems[0]).toMatchObject({
      file: "aws/s3api-get-bucket-encryption/site.json",
      severity: "error",
      message: "unexpected shape at ServerSideEncryptionConfiguration: missing (expected object)",
      hint: "this file should be the output of `aws s3api get-bucket-encryption --bucket BUCKET --output json`",
    });
  });
});
