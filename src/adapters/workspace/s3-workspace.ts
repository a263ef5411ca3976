import { createWriteStream } from "node:fs";
import { mkdir, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { S3Client } from "@aws-sdk/client-s3";

// A deployment keeps its workspace (exec-intel.yaml, .env, data/) under a prefix of its bucket.
// The pipeline reads a local folder, so a Lambda copies the prefix into /tmp first and then runs
// exactly as the CLI does. Keys come from whoever can write the bucket: one that would land
// outside the folder (`..`, absolute, backslashes) stops the copy rather than being skipped.

/** Where a workspace lives in S3. */
export interface S3WorkspaceLocation {
  /** The caller's client (region, endpoint, credentials). */
  client: S3Client;
  bucket: string;
  /** Key prefix of the workspace folder: empty or ending with "/". */
  prefix: string;
}

/** What a download wrote. */
export interface DownloadedWorkspace {
  /** Relative paths written, sorted. */
  files: string[];
  bytes: number;
}

/** How many objects are fetched at once: enough to hide latency, few enough for 1 GB of /tmp. */
const PARALLEL = 8;

/**
 * The relative path a key names under the workspace prefix; throws for one that is not a plain
 * relative path (`..`, `.`, empty segments, absolute, backslashes, NUL).
 */
export function workspaceRelativePath(key: string, prefix: string): string {
  if (!key.startsWith(prefix)) throw unsafeKey(key, "it is not under the workspace prefix");
  const relative = key.slice(prefix.length);
  if (relative.startsWith("/")) throw unsafeKey(key, "it is absolute");
  if (relative.includes("\\") || relative.includes("\0"))
    throw unsafeKey(key, "it holds a backslash or NUL");
  const segments = relative.split("/");
  if (segments.some((s) => s === "" || s === "." || s === ".."))
    throw unsafeKey(key, "it has an empty, '.' or '..' segment");
  return relative;
}

/** Copies every object under the prefix into `into` (which must exist), in the same layout. */
export async function downloadWorkspace(
  options: S3WorkspaceLocation & {
    into: string;
    pageSize?: number;
    /** Which files (relative paths) to copy: a worker copies only its tenant's. Default: all. */
    include?: (relative: string) => boolean;
  },
): Promise<DownloadedWorkspace> {
  const sdk = await import("@aws-sdk/client-s3");
  const root = path.resolve(options.into);
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await options.client.send(
      new sdk.ListObjectsV2Command({
        Bucket: options.bucket,
        Prefix: options.prefix,
        ...(options.pageSize !== undefined ? { MaxKeys: options.pageSize } : {}),
        ...(token !== undefined ? { ContinuationToken: token } : {}),
      }),
    );
    for (const object of page.Contents ?? []) {
      // A "folder" made in the console is a zero-byte object whose key ends with "/".
      if (object.Key !== undefined && !object.Key.endsWith("/")) keys.push(object.Key);
    }
    token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
  } while (token !== undefined);

  // Every key is checked before anything is written: a bad one leaves no half-copied folder.
  const files = keys
    .map((key) => {
      const relative = workspaceRelativePath(key, options.prefix);
      const target = path.resolve(root, relative);
      if (!target.startsWith(root + path.sep))
        throw unsafeKey(key, "it resolves outside the folder");
      return { key, relative, target };
    })
    .filter((file) => options.include?.(file.relative) ?? true);
  let bytes = 0;
  for (let i = 0; i < files.length; i += PARALLEL) {
    const sizes = await Promise.all(
      files.slice(i, i + PARALLEL).map(async (file) => {
        await mkdir(path.dirname(file.target), { recursive: true });
        return fetchTo(options, file.key, file.target, sdk);
      }),
    );
    bytes += sizes.reduce((sum, size) => sum + size, 0);
  }
  return { files: files.map((f) => f.relative).sort(), bytes };
}

/** One file of the workspace (e.g. `exec-intel.yaml`), or undefined when there is no such object. */
export async function readWorkspaceFile(
  options: S3WorkspaceLocation & { path: string },
): Promise<Buffer | undefined> {
  const sdk = await import("@aws-sdk/client-s3");
  const key = options.prefix + options.path;
  workspaceRelativePath(key, options.prefix);
  try {
    const answer = await options.client.send(
      new sdk.GetObjectCommand({ Bucket: options.bucket, Key: key }),
    );
    return Buffer.from((await answer.Body?.transformToByteArray()) ?? new Uint8Array());
  } catch (error) {
    if ((error as { name?: string }).name === "NoSuchKey") return undefined;
    throw readFailure(options.bucket, key, error);
  }
}

async function fetchTo(
  options: S3WorkspaceLocation,
  key: string,
  target: string,
  sdk: typeof import("@aws-sdk/client-s3"),
): Promise<number> {
  try {
    const answer = await options.client.send(
      new sdk.GetObjectCommand({ Bucket: options.bucket, Key: key }),
    );
    const body = answer.Body;
    if (body instanceof Readable) {
      // Streamed: a workspace's exports can be larger than is comfortable to hold in memory.
      await pipeline(body, createWriteStream(target));
      return (await stat(target)).size;
    }
    const bytes = (await body?.transformToByteArray()) ?? new Uint8Array();
    await writeFile(target, bytes);
    return bytes.byteLength;
  } catch (error) {
    throw readFailure(options.bucket, key, error);
  }
}

function unsafeKey(key: string, why: string): Error {
  return new Error(
    `workspace object ${JSON.stringify(key)} cannot be copied: ${why}. Rename or remove it in the bucket.`,
  );
}

function readFailure(bucket: string, key: string, error: unknown): Error {
  const name = (error as { name?: string }).name ?? "Error";
  const message = error instanceof Error ? error.message : String(error);
  return new Error(`cannot read s3://${bucket}/${key} (${name}): ${message}`, { cause: error });
}
