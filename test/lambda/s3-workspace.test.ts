import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { DeleteObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  downloadWorkspace,
  readWorkspaceFile,
  workspaceRelativePath,
} from "../../src/adapters/workspace/s3-workspace.js";
import { type S3rverPeer, s3rverClient, startS3rver } from "../helpers/s3rver.js";

// The workspace copy the Lambda worker runs on: every object under the prefix, paged, into a
// local folder with the same layout; a key that is not a plain relative path stops the copy.

let s3: S3rverPeer;
let client: S3Client;
const dirs: string[] = [];

beforeAll(async () => {
  s3 = await startS3rver();
  client = s3rverClient(s3);
  for (const [key, body] of [
    ["ws/exec-intel.yaml", "version: 1\n"],
    ["ws/.env", "A=1\n"],
    ["ws/data/ledger/checking.csv", "Date,Amount\n"],
    ["ws/data/", ""],
    ["other/secret.txt", "not part of the workspace"],
  ] as const) {
    await client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: key, Body: body }));
  }
}, 30_000);

afterAll(async () => {
  client?.destroy();
  await s3?.stop();
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function emptyDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "exec-intel-ws-"));
  dirs.push(dir);
  return dir;
}

describe("downloadWorkspace", () => {
  it("copies every object under the prefix, across pages, in the same layout", async () => {
    const into = await emptyDir();
    const copied = await downloadWorkspace({
      client,
      bucket: s3.bucket,
      prefix: "ws/",
      into,
      pageSize: 1,
    });
    expect(copied.files).toEqual([".env", "data/ledger/checking.csv", "exec-intel.yaml"]);
    expect(copied.bytes).toBe(4 + 12 + 11);
    expect(await readFile(path.join(into, "data/ledger/checking.csv"), "utf8")).toBe(
      "Date,Amount\n",
    );
    expect((await readdir(into)).sort()).toEqual([".env", "data", "exec-intel.yaml"]);
  });

  it("stops before writing anything when a key is not a plain relative path", async () => {
    const key = "ws/data\\..\\..\\escape.txt";
    await client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: key, Body: "x" }));
    try {
      const into = await emptyDir();
      await expect(
        downloadWorkspace({ client, bucket: s3.bucket, prefix: "ws/", into }),
      ).rejects.toThrow(/cannot be copied: it holds a backslash or NUL/);
      expect(await readdir(into)).toEqual([]);
    } finally {
      await client.send(new DeleteObjectCommand({ Bucket: s3.bucket, Key: key }));
    }
  });

  it("reads one file, or nothing when it is not there", async () => {
    const where = { client, bucket: s3.bucket, prefix: "ws/" };
    expect((await readWorkspaceFile({ ...where, path: "exec-intel.yaml" }))?.toString("utf8")).toBe(
      "version: 1\n",
    );
    expect(await readWorkspaceFile({ ...where, path: "missing.yaml" })).toBeUndefined();
  });
});

describe("workspaceRelativePath", () => {
  it("refuses parent, current and empty segments, absolute keys and backslashes", () => {
    expect(workspaceRelativePath("ws/data/a.csv", "ws/")).toBe("data/a.csv");
    for (const key of ["ws/../a", "ws/data/../../a", "ws/./a", "ws//a", "ws/a/", "ws/a\\b"]) {
      expect(() => workspaceRelativePath(key, "ws/"), key).toThrow(/cannot be copied/);
    }
    expect(() => workspaceRelativePath("/etc/passwd", "")).toThrow(/it is absolute/);
    expect(() => workspaceRelativePath("elsewhere/a", "ws/")).toThrow(/not under the workspace/);
  });
});
