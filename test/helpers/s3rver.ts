import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { S3Client } from "@aws-sdk/client-s3";

/** The bucket startS3rver creates unless told otherwise. */
export const S3RVER_BUCKET = "exec-reports";

/** The only key pair s3rver accepts, with a region for the SDK, as environment variables. */
export const S3RVER_ENV = {
  AWS_ACCESS_KEY_ID: "S3RVER",
  AWS_SECRET_ACCESS_KEY: "S3RVER",
  AWS_REGION: "us-east-1",
} as const;

/** An S3 client for a running s3rver, with the one key pair it accepts. */
export function s3rverClient(peer: Pick<S3rverPeer, "url">): S3Client {
  return new S3Client({
    endpoint: peer.url,
    region: S3RVER_ENV.AWS_REGION,
    forcePathStyle: true,
    credentials: {
      accessKeyId: S3RVER_ENV.AWS_ACCESS_KEY_ID,
      secretAccessKey: S3RVER_ENV.AWS_SECRET_ACCESS_KEY,
    },
  });
}

/** A running s3rver. */
export interface S3rverPeer {
  /** Endpoint for the SDK (with `forcePathStyle: true`). */
  url: string;
  bucket: string;
  /** Where it keeps buckets and objects; removed by stop(). */
  directory: string;
  stop(): Promise<void>;
}

const CLI = fileURLToPath(new URL("../../node_modules/s3rver/bin/s3rver.js", import.meta.url));

/**
 * Starts s3rver as a child process on 127.0.0.1 (a port the OS picks) over a fresh temp folder,
 * with the buckets made. A child, not in-process: s3rver encrypts ListObjectsV2 continuation
 * tokens with DES, which Node's OpenSSL 3 only offers with `--openssl-legacy-provider`.
 */
export async function startS3rver(options: { buckets?: string[] } = {}): Promise<S3rverPeer> {
  const buckets = options.buckets ?? [S3RVER_BUCKET];
  const directory = await mkdtemp(path.join(tmpdir(), "exec-intel-s3rver-"));
  const args = ["-d", directory, "-a", "127.0.0.1", "-p", "0", "--silent"];
  const child = spawn(
    process.execPath,
    [
      "--openssl-legacy-provider",
      CLI,
      ...args,
      ...buckets.flatMap((b) => ["--configure-bucket", b]),
    ],
    { env: { PATH: process.env.PATH ?? "" }, stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = once(child, "exit");
      child.kill("SIGTERM");
      await exited;
    }
    await rm(directory, { recursive: true, force: true });
  };
  try {
    const port = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("no answer within 15 s")), 15_000);
      child.stdout?.on("data", (chunk: Buffer) => {
        output += chunk.toString();
        const listening = /listening on [\d.]+:(\d+)/.exec(output);
        if (listening?.[1] !== undefined) {
          clearTimeout(timer);
          resolve(listening[1]);
        }
      });
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`exited (${code})`));
      });
    });
    return {
      url: `http://127.0.0.1:${port}`,
      bucket: buckets[0] ?? S3RVER_BUCKET,
      directory,
      stop,
    };
  } catch (error) {
    await stop();
    throw new Error(`s3rver did not start: ${(error as Error).message}: ${output}`);
  }
}

/** One request as the conditional proxy saw it (header names in lower case). */
export interface SeenRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
}

/** A running conditional-write proxy. */
export interface ConditionalProxy {
  /** Endpoint for the SDK instead of s3rver's. */
  url: string;
  /** Every request so far, in arrival order. */
  requests: SeenRequest[];
  /** The next `count` conditional PUTs get 409 ConditionalRequestConflict (0 stops it). */
  conflictNext(count: number): void;
  stop(): Promise<void>;
}

function s3Error(
  res: http.ServerResponse,
  status: number,
  code: string,
  message: string,
  extra = "",
) {
  const body =
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Error><Code>${code}</Code><Message>${message}</Message>${extra}` +
    `<RequestId>proxy-${Date.now()}</RequestId><HostId>conditional-proxy</HostId></Error>`;
  res.writeHead(status, {
    "content-type": "application/xml",
    "content-length": Buffer.byteLength(body),
  });
  res.end(body);
}

/** Sends one request to the target and resolves with its answer (body not yet read). */
function request(
  target: URL,
  method: string,
  pathname: string,
  headers: http.OutgoingHttpHeaders,
  body?: Buffer,
): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const upstream = http.request(
      { host: target.hostname, port: target.port, method, path: pathname, headers },
      resolve,
    );
    upstream.on("error", reject);
    upstream.end(body);
  });
}

/**
 * An HTTP proxy in front of s3rver that enforces `If-None-Match: *` on PUT as S3 does (s3rver
 * ignores it): when the object exists it answers 412 PreconditionFailed with S3's XML error body
 * and s3rver never sees the write. Conditional PUTs are handled one at a time, so the HEAD and the
 * write cannot interleave with another's. Records every request's method, path and headers.
 */
export async function startConditionalProxy(targetUrl: string): Promise<ConditionalProxy> {
  const target = new URL(targetUrl);
  const requests: SeenRequest[] = [];
  let conflicts = 0;
  let conditionalTail: Promise<unknown> = Promise.resolve();

  const relay = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const body = Buffer.concat(await req.toArray());
    const method = req.method ?? "GET";
    const url = req.url ?? "/";
    requests.push({ method, path: url, headers: req.headers });
    const forward = async () => {
      const answer = await request(target, method, url, req.headers, body);
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
      await new Promise((resolve) => answer.on("end", resolve));
    };
    if (method !== "PUT" || req.headers["if-none-match"] !== "*") return forward();
    if (conflicts > 0) {
      conflicts -= 1;
      return s3Error(
        res,
        409,
        "ConditionalRequestConflict",
        "A conflicting conditional operation is currently in progress against this resource. Try again.",
      );
    }
    const turn = conditionalTail.then(async () => {
      const head = await request(target, "HEAD", new URL(url, target).pathname, {});
      head.resume();
      if (head.statusCode === 200) {
        return s3Error(
          res,
          412,
          "PreconditionFailed",
          "At least one of the pre-conditions you specified did not hold",
          "<Condition>If-None-Match</Condition>",
        );
      }
      return forward();
    });
    conditionalTail = turn.catch(() => undefined);
    return turn;
  };

  const server = http.createServer((req, res) => {
    relay(req, res).catch((error: Error) => {
      if (res.headersSent) res.destroy();
      else s3Error(res, 502, "BadGateway", error.message);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    conflictNext(count) {
      conflicts = count;
    },
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
