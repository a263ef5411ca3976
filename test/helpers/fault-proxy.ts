import { createHash } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";

/** Share of requests (0..1 each) that get each fault; the rest are forwarded as they are. */
export interface FaultRates {
  /** 429 TooManyRequestsException, as SES answers when the send rate is exceeded. */
  throttle?: number;
  /** 500 InternalFailure. */
  serverError?: number;
  /** The connection is reset without an answer (the request never reaches the peer). */
  reset?: number;
  /** Held for `delayMs` before being forwarded. */
  delay?: number;
}

/** A fault for one request, given explicitly instead of drawn. */
export type ScriptedFault =
  | { kind: "throttle" | "serverError" | "reset" }
  | { kind: "delay"; ms: number }
  /** An SES-style error answer: `type` becomes the SDK error's name. */
  | { kind: "error"; status: number; type: string; message: string };

/** What the proxy did with one request. */
export interface ProxyEntry {
  method: string;
  path: string;
  fault: "none" | ScriptedFault["kind"];
  /** Whether the request reached the peer. */
  forwarded: boolean;
  /** The request's headers and body, when the proxy was asked to record them. */
  headers?: http.IncomingHttpHeaders;
  body?: string;
}

/** A running fault-injecting proxy. */
export interface FaultProxy {
  /** Base URL to give the client instead of the peer's. */
  url: string;
  /** Every request so far, in arrival order. */
  log: ProxyEntry[];
  setRates(rates: FaultRates): void;
  /** The next matching requests get these faults, in order, before any drawn ones. */
  enqueue(...faults: ScriptedFault[]): void;
  close(): Promise<void>;
}

/** Options of startFaultProxy. */
export interface FaultProxyOptions {
  /** The peer's base URL, e.g. `http://127.0.0.1:8005`. */
  target: string;
  rates?: FaultRates;
  /** Seed of the fault draws, so a run's sequence of faults is reproducible. */
  seed?: number;
  /** How long a `delay` fault holds a request (default 50 ms). */
  delayMs?: number;
  /** Only requests whose path matches get faults (default: SES v2 SendEmail). */
  paths?: RegExp;
  /** Keep request headers and bodies in the log (off by default: a benchmark sends gigabytes). */
  record?: boolean;
}

/** A seeded generator, uniform on [0, 1): the n-th draw is read from SHA-256 of (seed, n). */
function seeded(seed: number): () => number {
  let n = 0;
  return () => createHash("sha256").update(`${seed}:${n++}`).digest().readUInt32BE(0) / 2 ** 32;
}

// The headers and body the AWS REST-JSON protocol uses for an error: the SDK takes the error's
// name from x-amzn-ErrorType, so these become TooManyRequestsException, MessageRejected, ...
function answerError(res: http.ServerResponse, status: number, type: string, message: string) {
  const body = JSON.stringify({ message });
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(body),
    "x-amzn-errortype": type,
    "x-amzn-requestid": `fault-${Date.now()}`,
  });
  res.end(body);
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/**
 * An HTTP proxy on 127.0.0.1 between a client (the AWS SDK) and a peer (the SES emulator) that
 * answers 429 or 500 with SES-style error bodies, resets connections or delays requests, at the
 * given rates or as scripted. Every fault happens before the request is forwarded, so a faulted
 * request never reaches the peer and exactly-once delivery stays checkable at the peer.
 */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  let rates: FaultRates = options.rates ?? {};
  const random = seeded(options.seed ?? 1);
  const scripted: ScriptedFault[] = [];
  const paths = options.paths ?? /\/v2\/email\/outbound-emails/;
  const log: ProxyEntry[] = [];
  const target = new URL(options.target);

  const draw = (): ScriptedFault | undefined => {
    const next = scripted.shift();
    if (next !== undefined) return next;
    const r = random();
    let edge = 0;
    for (const kind of ["throttle", "serverError", "reset", "delay"] as const) {
      edge += rates[kind] ?? 0;
      if (r < edge) {
        return kind === "delay" ? { kind, ms: options.delayMs ?? 50 } : { kind };
      }
    }
    return undefined;
  };

  const forward = (req: http.IncomingMessage, body: Buffer, res: http.ServerResponse) => {
    const upstream = http.request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", (error) => {
      if (!res.headersSent) answerError(res, 502, "BadGateway", error.message);
      else res.destroy();
    });
    upstream.end(body);
  };

  const server = http.createServer(async (req, res) => {
    const body = await readBody(req);
    const path = req.url ?? "/";
    const fault = paths.test(path) ? draw() : undefined;
    const entry: ProxyEntry = {
      method: req.method ?? "GET",
      path,
      fault: fault?.kind ?? "none",
      forwarded: false,
      ...(options.record === true ? { headers: req.headers, body: body.toString("utf8") } : {}),
    };
    log.push(entry);
    switch (fault?.kind) {
      case "throttle":
        return answerError(res, 429, "TooManyRequestsException", "Maximum sending rate exceeded.");
      case "serverError":
        return answerError(res, 500, "InternalFailure", "An internal error occurred.");
      case "error":
        return answerError(res, fault.status, fault.type, fault.message);
      case "reset":
        req.socket.destroy();
        return;
      case "delay": {
        let gone = false;
        res.once("close", () => {
          gone = !res.writableFinished;
        });
        await new Promise((resolve) => setTimeout(resolve, fault.ms));
        // A client that gave up meanwhile must not have its request delivered behind its back.
        if (gone || req.socket.destroyed) return;
        break;
      }
    }
    entry.forwarded = true;
    forward(req, body, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    log,
    setRates(next) {
      rates = next;
    },
    enqueue(...faults) {
      scripted.push(...faults);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
