import { S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createS3Archive, type S3ArchiveOptions } from "../../src/adapters/archive/s3-archive.js";
import { type Archive, ArchiveKeyError } from "../../src/core/archive/ports.js";
import {
  type ConditionalProxy,
  S3RVER_ENV,
  type S3rverPeer,
  startConditionalProxy,
  startS3rver,
} from "../helpers/s3rver.js";

let peer: S3rverPeer;
let proxy: ConditionalProxy;

beforeAll(async () => {
  peer = await startS3rver();
  proxy = await startConditionalProxy(peer.url);
});

afterAll(async () => {
  await proxy?.stop();
  await peer?.stop();
});

const KEY = "t/2026-11-21/ceo-report.html";
const bytes = (text: string) => new TextEncoder().encode(text);
const text = (body: Uint8Array | undefined) =>
  body === undefined ? undefined : new TextDecoder().decode(body);
/** Writes `body` (default: the key itself) as plain text. */
const put = (target: Archive, key: string, body = key) =>
  target.putIfAbsent({ key, body: bytes(body), contentType: "text/plain" });

/** An archive in the test bucket, through the conditional proxy unless `endpoint` says otherwise. */
function archive(overrides: Partial<S3ArchiveOptions> = {}) {
  return createS3Archive({
    bucket: peer.bucket,
    prefix: "reports/",
    endpoint: proxy.url,
    forcePathStyle: true,
    serverSideEncryption: "AES256",
    env: S3RVER_ENV,
    ...overrides,
  });
}

/** The PUTs the proxy saw for one bucket-relative key, e.g. `reports/t/a.html`. */
const putsOf = (key: string) =>
  proxy.requests.filter(
    (r) => r.method === "PUT" && new URL(r.path, proxy.url).pathname === `/${peer.bucket}/${key}`,
  );

describe("s3 archive against s3rver", () => {
  test("writes under its prefix and reads back the same bytes and content type", async () => {
    const s3 = await archive();
    const body = bytes("<!doctype html><p>Revenue up 4 %</p>");
    const key = "portfolio/2026-11-21/ceo-report.html";

    expect(await s3.putIfAbsent({ key, body, contentType: "text/html; charset=utf-8" })).toBe(
      "created",
    );

    expect(await s3.get(key)).toEqual(body);
    // Read past the driver: the object sits at prefix + key with the content type it was given.
    const stored = await fetch(`${peer.url}/${peer.bucket}/reports/${key}`);
    expect(stored.status).toBe(200);
    expect(stored.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(new Uint8Array(await stored.arrayBuffer())).toEqual(body);
    expect(s3.location).toBe(`s3://${peer.bucket}/reports/`);
    expect(s3.uri(key)).toBe(`s3://${peer.bucket}/reports/${key}`);
    expect(s3.driver).toBe("s3");
  });

  test("a key that was never written reads as undefined", async () => {
    const s3 = await archive();
    expect(await s3.get("portfolio/2026-11-21/never-written.json")).toBeUndefined();
  });

  test("lists keys under a prefix, relative to its own prefix and sorted", async () => {
    const mine = await archive({ prefix: "listing/" });
    const theirs = await archive({ prefix: "other/" });
    await put(mine, "acme/2026-11-21/sales-report.txt");
    await put(mine, "acme/2026-11-21/ceo-report.txt");
    await put(mine, "acme/2026-11-22/ceo-report.txt");
    await put(mine, "zeta/2026-11-21/ceo-report.txt");
    await put(theirs, "acme/2026-11-21/cfo-report.txt");

    expect(await mine.list("acme/2026-11-21/")).toEqual([
      "acme/2026-11-21/ceo-report.txt",
      "acme/2026-11-21/sales-report.txt",
    ]);
    expect(await mine.list("")).toEqual([
      "acme/2026-11-21/ceo-report.txt",
      "acme/2026-11-21/sales-report.txt",
      "acme/2026-11-22/ceo-report.txt",
      "zeta/2026-11-21/ceo-report.txt",
    ]);
    expect(await theirs.list("")).toEqual(["acme/2026-11-21/cfo-report.txt"]);
    expect(await mine.list("nobody/")).toEqual([]);
  });

  test("follows continuation tokens across pages", async () => {
    const s3 = await archive({ prefix: "paged/", listPageSize: 4 });
    const keys = Array.from(
      { length: 25 },
      (_, i) => `t/2026-11-21/r${String(i).padStart(2, "0")}.json`,
    );
    await Promise.all(keys.map((key) => put(s3, key)));
    const before = proxy.requests.length;

    expect(await s3.list("t/")).toEqual(keys);

    const pages = proxy.requests.slice(before).filter((r) => r.path.includes("list-type=2"));
    expect(pages).toHaveLength(7);
    expect(pages.filter((r) => r.path.includes("continuation-token="))).toHaveLength(6);
  });
});

describe("create-only writes", () => {
  test("s3rver itself ignores If-None-Match: straight to it, a second write replaces the first", async () => {
    const direct = await archive({ endpoint: peer.url, prefix: "unguarded/" });

    expect(await put(direct, KEY, "first")).toBe("created");
    expect(await put(direct, KEY, "second")).toBe("created");
    expect(text(await direct.get(KEY))).toBe("second");
  });

  test("through a peer that enforces it, a second write finds the key taken and changes nothing", async () => {
    const s3 = await archive({ prefix: "guarded/" });

    expect(await put(s3, KEY, "first")).toBe("created");
    expect(await put(s3, KEY, "second")).toBe("exists");

    expect(text(await s3.get(KEY))).toBe("first");
    const puts = putsOf(`guarded/${KEY}`);
    expect(puts).toHaveLength(2);
    for (const put of puts) expect(put.headers["if-none-match"]).toBe("*");
  });

  test("of writers racing for one key exactly one creates it, and its bytes are kept", async () => {
    const s3 = await archive({ prefix: "race/" });
    const outcomes = await Promise.all(
      Array.from({ length: 6 }, (_, i) => put(s3, KEY, `writer ${i}`)),
    );

    expect(outcomes.filter((o) => o === "created")).toHaveLength(1);
    expect(outcomes.filter((o) => o === "exists")).toHaveLength(5);
    expect(text(await s3.get(KEY))).toBe(`writer ${outcomes.indexOf("created")}`);
  });

  test("a conflicting write in flight (409) is retried until S3 gives a definite answer", async () => {
    const s3 = await archive({ prefix: "conflict/" });

    proxy.conflictNext(2);
    expect(await put(s3, KEY, "first")).toBe("created");
    expect(putsOf(`conflict/${KEY}`)).toHaveLength(3);

    proxy.conflictNext(1);
    expect(await put(s3, KEY, "second")).toBe("exists");
    expect(putsOf(`conflict/${KEY}`)).toHaveLength(5);
    expect(text(await s3.get(KEY))).toBe("first");
  });

  test("a conflict that never clears fails, naming the object and the S3 code", async () => {
    const s3 = await archive({ prefix: "stuck/" });
    proxy.conflictNext(100);
    try {
      await expect(put(s3, KEY, "x")).rejects.toThrow(
        `S3 archive: cannot write s3://${peer.bucket}/stuck/${KEY} (ConditionalRequestConflict, HTTP 409)`,
      );
    } finally {
      proxy.conflictNext(0);
    }
    expect(putsOf(`stuck/${KEY}`)).toHaveLength(5);
  });
});

describe("server-side encryption", () => {
  test.each([
    { setting: { serverSideEncryption: "AES256" as const }, sse: "AES256", kmsKey: undefined },
    {
      setting: { serverSideEncryption: "aws:kms" as const, kmsKeyId: "alias/exec-reports" },
      sse: "aws:kms",
      kmsKey: "alias/exec-reports",
    },
    { setting: { serverSideEncryption: "aws:kms" as const }, sse: "aws:kms", kmsKey: undefined },
    { setting: { serverSideEncryption: "none" as const }, sse: undefined, kmsKey: undefined },
  ])("$setting.serverSideEncryption $setting.kmsKeyId", async ({ setting, sse, kmsKey }) => {
    const prefix = `sse-${setting.serverSideEncryption.replace(":", "-")}-${setting.kmsKeyId ? "key" : "default"}/`;
    const s3 = await archive({ prefix, ...setting });
    await put(s3, KEY, "x");

    const [request] = putsOf(`${prefix}${KEY}`);
    expect(request?.headers["x-amz-server-side-encryption"]).toBe(sse);
    expect(request?.headers["x-amz-server-side-encryption-aws-kms-key-id"]).toBe(kmsKey);
  });
});

describe("keys, clients and errors", () => {
  test.each(["../x", "/abs", "a//b", "a/../b", "", "a/", "a b/c"])(
    "rejects the key %j before any request",
    async (key) => {
      const s3 = await archive();
      const before = proxy.requests.length;
      await expect(put(s3, key, "x")).rejects.toThrow(ArchiveKeyError);
      await expect(s3.get(key)).rejects.toThrow(ArchiveKeyError);
      expect(proxy.requests.length).toBe(before);
    },
  );

  test("the region comes from the options, else AWS_REGION, else AWS_DEFAULT_REGION", async () => {
    const signedRegion = async (options: Partial<S3ArchiveOptions>, prefix: string) => {
      const s3 = await archive({ prefix, ...options });
      await put(s3, "t/a.txt");
      return /Credential=S3RVER\/\d{8}\/([^/]+)\/s3\//.exec(
        String(putsOf(`${prefix}t/a.txt`)[0]?.headers.authorization),
      )?.[1];
    };
    const keys = { AWS_ACCESS_KEY_ID: "S3RVER", AWS_SECRET_ACCESS_KEY: "S3RVER" };

    expect(await signedRegion({ region: "ap-south-1" }, "region-option/")).toBe("ap-south-1");
    expect(await signedRegion({}, "region-env/")).toBe(S3RVER_ENV.AWS_REGION);
    expect(
      await signedRegion(
        { env: { ...keys, AWS_DEFAULT_REGION: "eu-west-1" } },
        "region-default-env/",
      ),
    ).toBe("eu-west-1");
  });

  test("a given client is used as it is", async () => {
    const client = new S3Client({
      endpoint: proxy.url,
      forcePathStyle: true,
      region: "eu-central-1",
      credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
    });
    try {
      // The endpoint option points nowhere: only the client's own endpoint can work.
      const s3 = await archive({ client, endpoint: "http://127.0.0.1:9", prefix: "client/" });
      await put(s3, "t/a.txt");
      expect(String(putsOf("client/t/a.txt")[0]?.headers.authorization)).toContain(
        "/eu-central-1/s3/",
      );
    } finally {
      client.destroy();
    }
  });

  test("a missing bucket fails with the bucket, the key and the S3 code in the message", async () => {
    const s3 = await archive({ bucket: "no-such-bucket", endpoint: peer.url });
    const key = "portfolio/2026-11-21/ceo-report.html";
    const where = `s3://no-such-bucket/reports/${key}`;

    await expect(put(s3, key, "x")).rejects.toThrow(
      `S3 archive: cannot write ${where} (NoSuchBucket, HTTP 404)`,
    );
    await expect(s3.get(key)).rejects.toThrow(`cannot read ${where} (NoSuchBucket, HTTP 404)`);
    await expect(s3.list("portfolio/")).rejects.toThrow(
      "cannot list s3://no-such-bucket/reports/portfolio/* (NoSuchBucket, HTTP 404)",
    );
  });

  test("rejected credentials are named by their S3 code, never quoted", async () => {
    const accessKeyId = "AKIAEXECINTELTEST000";
    const secretAccessKey = "never-print-this-secret-0123456789";
    const s3 = await archive({
      endpoint: peer.url,
      env: { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey },
      region: "us-east-1",
    });
    const key = "portfolio/2026-11-21/ceo-report.html";

    const error = await put(s3, key, "x").then(
      () => undefined,
      (e: unknown) => e as Error,
    );

    expect(error?.message).toContain(
      `${peer.bucket}/reports/${key} (InvalidAccessKeyId, HTTP 403)`,
    );
    expect(error?.message).not.toContain(accessKeyId);
    expect(error?.message).not.toContain(secretAccessKey);
    expect(JSON.stringify(error)).not.toContain(secretAccessKey);
  });
});
