import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { copyWorkspace, PORTFOLIO, runCli } from "../helpers/cli.js";
import {
  type ConditionalProxy,
  S3RVER_ENV,
  type S3rverPeer,
  s3rverClient,
  startConditionalProxy,
  startS3rver,
} from "../helpers/s3rver.js";

// `exec-intel run` archiving to S3: s3rver on 127.0.0.1 with the real SDK, behind the test
// suite's proxy that enforces If-None-Match as S3 does (s3rver alone ignores it). Two runs on one
// day, then `verify` against the bucket, then an object overwritten behind the archive's back.

const DAY = "2026-11-21";
const PREFIX = "reports/";
let s3: S3rverPeer;
let proxy: ConditionalProxy;
let dir: string;
let cleanup: () => Promise<void>;

interface Summary {
  runId: string;
  archive: { location: string; manifests: { key: string }[] };
}

const run = async () => {
  const result = await runCli(["run", "-w", dir, "--period", "2026-10", "--json"], {
    env: { ...S3RVER_ENV },
  });
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as Summary;
};

const direct = () => s3rverClient(s3);

let first: Summary;
let second: Summary;

beforeAll(async () => {
  s3 = await startS3rver();
  proxy = await startConditionalProxy(s3.url);
  ({ dir, cleanup } = await copyWorkspace(PORTFOLIO));
  const config = path.join(dir, "exec-intel.yaml");
  const text = (await readFile(config, "utf8")).replace(
    "render:\n  pdf: auto",
    "render:\n  pdf: off",
  );
  await writeFile(
    config,
    text.replace(
      /^archive:\n {2}driver: fs$/m,
      `archive:\n  driver: s3\n  s3:\n    bucket: ${s3.bucket}\n    prefix: ${PREFIX}\n    endpoint: ${proxy.url}\n    forcePathStyle: true\n    serverSideEncryption: AES256`,
    ),
  );
  first = await run();
  second = await run();
}, 120_000);

afterAll(async () => {
  await proxy?.stop();
  await s3?.stop();
  await cleanup?.();
});

describe("run with the S3 archive", () => {
  it("writes the day's objects and manifest under the prefix, create-only and encrypted", async () => {
    expect(first.archive.location).toBe(`s3://${s3.bucket}/${PREFIX}`);
    const body = await direct().send(
      new GetObjectCommand({ Bucket: s3.bucket, Key: `${PREFIX}portfolio/${DAY}/manifest.json` }),
    );
    const manifest = JSON.parse((await body.Body?.transformToString()) ?? "{}");
    expect(manifest.runId).toBe(first.runId);
    expect(manifest.archive).toEqual({ driver: "s3", location: `s3://${s3.bucket}/${PREFIX}` });
    expect(manifest.objects.map((o: { uri: string }) => o.uri)).toContain(
      `s3://${s3.bucket}/${PREFIX}portfolio/${DAY}/ceo-report.html`,
    );
    const puts = proxy.requests.filter((r) => r.method === "PUT");
    expect(puts.length).toBeGreaterThan(30);
    for (const put of puts) {
      expect(put.headers["if-none-match"]).toBe("*");
      expect(put.headers["x-amz-server-side-encryption"]).toBe("AES256");
    }
  });

  it("a second run on the same day gets 412 on the day's names and writes run-suffixed keys", async () => {
    expect(second.archive.manifests.map((m) => m.key)).toContain(
      `portfolio/${DAY}/manifest.${second.runId}.json`,
    );
    const body = await direct().send(
      new GetObjectCommand({
        Bucket: s3.bucket,
        Key: `${PREFIX}portfolio/${DAY}/manifest.${second.runId}.json`,
      }),
    );
    const manifest = JSON.parse((await body.Body?.transformToString()) ?? "{}");
    expect(manifest.related).toEqual([`portfolio/${DAY}/manifest.json`]);
    for (const object of manifest.objects) expect(object.key).toContain(`.${second.runId}.`);
  });

  it("verify re-hashes the bucket's objects, and catches one overwritten behind the archive", async () => {
    const ok = await runCli(["verify", "-w", dir, first.runId], { env: { ...S3RVER_ENV } });
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(
      /verified run .*: \d+ object\(s\) in 2 manifest\(s\), all hashes match/,
    );
    // Straight to s3rver, without If-None-Match: what a bucket without object lock allows.
    await direct().send(
      new PutObjectCommand({
        Bucket: s3.bucket,
        Key: `${PREFIX}portfolio/${DAY}/cto-report.json`,
        Body: "{}",
      }),
    );
    const bad = await runCli(["verify", "-w", dir, first.runId], { env: { ...S3RVER_ENV } });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain(
      `changed  s3://${s3.bucket}/${PREFIX}portfolio/${DAY}/cto-report.json`,
    );
    expect(
      (await runCli(["verify", "-w", dir, second.runId], { env: { ...S3RVER_ENV } })).code,
    ).toBe(0);
  });
});
