import { createHash, createHmac } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import {
  createTaskWebhook,
  signTaskWebhook,
  type TaskWebhookEvent,
  type TaskWebhookOptions,
  verifyTaskWebhookSignature,
} from "../../src/adapters/tasks/webhook.js";
import type { Task } from "../../src/core/follow-up/tasks.js";

// The webhook against a real node:http peer on loopback. Sleeps are recorded and skipped, and
// randomness is fixed, so backoff delays are exact and the tests fast.

const SECRET = "whsec-test-s3cr3t-never-leak";
const AT = "2026-11-02T09:30:00.000Z";
const AT_SECONDS = "1793611800";

interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** What the peer does with request number `index` (0-based). */
type Reply = { status: number; headers?: Record<string, string>; delayMs?: number } | "hang";

interface Peer {
  url: string;
  received: Received[];
  /** Most requests the peer held at the same time. */
  maxInFlight: number;
}

const servers: http.Server[] = [];

afterEach(async () => {
  // Drop held (hanging) connections too, so the server closes by itself.
  await Promise.all(
    servers.splice(0).map(
      (server) =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    ),
  );
});

async function startPeer(reply: (index: number, request: Received) => Reply): Promise<Peer> {
  const peer: Peer = { url: "", received: [], maxInFlight: 0 };
  let inFlight = 0;
  const server = http.createServer((req, res) => {
    inFlight++;
    peer.maxInFlight = Math.max(peer.maxInFlight, inFlight);
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const request: Received = {
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      const index = peer.received.push(request) - 1;
      const answer = reply(index, request);
      if (answer === "hang") {
        res.on("close", () => inFlight--);
        return;
      }
      const send = () => {
        inFlight--;
        res.writeHead(answer.status, { "content-type": "text/plain", ...answer.headers });
        res.end(`answer ${answer.status}`);
      };
      if (answer.delayMs === undefined) send();
      else setTimeout(send, answer.delayMs);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  peer.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/exec`;
  return peer;
}

/** A port on loopback that nothing listens on: bound by a server that is closed again. */
async function unusedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The message of the error `run` throws; fails the test when it does not throw. */
function thrown(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("expected a throw");
}

function task(id: string, overrides: Partial<Task> = {}): Task {
  return {
    id,
    tenant: "acme",
    status: "open",
    fingerprint: `fp-${id}`,
    title: `Renew the TLS certificate (${id})`,
    action: "Renew before it expires",
    entity: "web-shop",
    owner: "cto",
    severity: "high",
    due: "2026-11-15",
    report: "acme/2026-10/cto",
    section: "security",
    lastPeriod: "2026-10",
    firstPeriod: "2026-09",
    updatedAt: AT,
    ...overrides,
  };
}

function event(id: string, overrides: Partial<TaskWebhookEvent> = {}): TaskWebhookEvent {
  return {
    event: "task.created",
    tenant: "acme",
    actor: "run",
    at: AT,
    runId: "run-2026-10-01",
    task: task(id),
    ...overrides,
  };
}

/** A webhook with recorded sleeps and random fixed at 0.5: backoff is 250, 500, 1000, … ms. */
function webhook(url: string, overrides: Partial<TaskWebhookOptions> = {}) {
  const sleeps: number[] = [];
  const hook = createTaskWebhook({
    url,
    secret: SECRET,
    maxAttempts: 5,
    baseDelayMs: 500,
    maxDelayMs: 30_000,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    ...overrides,
  });
  return { hook, sleeps };
}

describe("task webhook: a delivered event", () => {
  it("sends the exact body with every header, and the signature verifies", async () => {
    const peer = await startPeer(() => ({ status: 204 }));
    const { hook, sleeps } = webhook(`${peer.url}?token=abc`);
    const sent = event("T-7", { event: "task.reopened", actor: "ana@example.com" });

    const [outcome, ...rest] = await hook.post([sent]);

    expect(rest).toEqual([]);
    expect(outcome).toEqual({ event: sent, status: "delivered", attempts: 1, httpStatus: 204 });
    expect(sleeps).toEqual([]);
    expect(peer.received).toHaveLength(1);
    const request = peer.received[0] as Received;
    const body = JSON.stringify(sent);
    expect(request.method).toBe("POST");
    expect(request.url).toBe("/hooks/exec?token=abc");
    expect(request.body).toBe(body);
    expect(JSON.parse(request.body)).toEqual(sent);
    const expectedSignature = `sha256=${createHmac("sha256", SECRET).update(`${AT_SECONDS}.${body}`).digest("hex")}`;
    expect(request.headers).toMatchObject({
      "content-type": "application/json",
      "user-agent": "exec-intel",
      "x-exec-intel-event": "task.reopened",
      "x-exec-intel-delivery": createHash("sha256").update(body).digest("hex").slice(0, 32),
      "x-exec-intel-timestamp": AT_SECONDS,
      "x-exec-intel-signature": expectedSignature,
    });
    expect(request.headers["x-exec-intel-delivery"]).toMatch(/^[0-9a-f]{32}$/);
    expect(request.headers["content-length"]).toBe(String(Buffer.byteLength(body)));

    const timestamp = request.headers["x-exec-intel-timestamp"] as string;
    const header = request.headers["x-exec-intel-signature"] as string;
    expect(verifyTaskWebhookSignature(SECRET, timestamp, request.body, header)).toBe(true);
    expect(verifyTaskWebhookSignature(`${SECRET}x`, timestamp, request.body, header)).toBe(false);
    expect(
      verifyTaskWebhookSignature(SECRET, timestamp, request.body.replace("T-7", "T-8"), header),
    ).toBe(false);
    expect(
      verifyTaskWebhookSignature(SECRET, `${Number(timestamp) + 1}`, request.body, header),
    ).toBe(false);
  });

  it("rejects malformed signature headers without throwing", () => {
    const body = JSON.stringify(event("T-1"));
    const good = signTaskWebhook(SECRET, AT_SECONDS, body);
    expect(good).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifyTaskWebhookSignature(SECRET, AT_SECONDS, body, good)).toBe(true);
    expect(
      verifyTaskWebhookSignature(
        SECRET,
        AT_SECONDS,
        body,
        good.toUpperCase().replace("SHA256=", "sha256="),
      ),
    ).toBe(true);
    const hex = good.slice("sha256=".length);
    for (const header of [
      undefined,
      "",
      hex,
      `sha1=${hex}`,
      `SHA256=${hex}`,
      "sha256=",
      `sha256=${hex.slice(0, 63)}`,
      `sha256=${hex}0`,
      `sha256=${hex}00`,
      `sha256=${hex.slice(0, 62)}zz`,
      ` ${good}`,
      `${good},${good}`,
    ]) {
      expect(verifyTaskWebhookSignature(SECRET, AT_SECONDS, body, header), String(header)).toBe(
        false,
      );
    }
    expect(verifyTaskWebhookSignature(SECRET, `${AT_SECONDS}.5`, body, good)).toBe(false);
    expect(
      verifyTaskWebhookSignature("", AT_SECONDS, body, signTaskWebhook("", AT_SECONDS, body)),
    ).toBe(false);
  });
});

describe("task webhook: retries", () => {
  it("delivers after 500, 500, 200 with two backoff sleeps and one delivery id", async () => {
    const peer = await startPeer((index) => ({ status: index < 2 ? 500 : 200 }));
    const { hook, sleeps } = webhook(peer.url);

    const [outcome] = await hook.post([event("T-1")]);

    expect(outcome).toMatchObject({ status: "delivered", attempts: 3, httpStatus: 200 });
    expect(outcome?.error).toBeUndefined();
    expect(sleeps).toEqual([250, 500]);
    expect(peer.received).toHaveLength(3);
    const ids = new Set(peer.received.map((r) => r.headers["x-exec-intel-delivery"]));
    const signatures = new Set(peer.received.map((r) => r.headers["x-exec-intel-signature"]));
    const bodies = new Set(peer.received.map((r) => r.body));
    expect(ids.size).toBe(1);
    expect(signatures.size).toBe(1);
    expect(bodies).toEqual(new Set([JSON.stringify(event("T-1"))]));
  });

  it.each([400, 404, 401, 410, 422])("fails at once on %i", async (status) => {
    const peer = await startPeer(() => ({ status }));
    const { hook, sleeps } = webhook(peer.url);

    const [outcome] = await hook.post([event("T-1")]);

    expect(outcome).toMatchObject({ status: "failed", attempts: 1, httpStatus: status });
    expect(outcome?.error).toContain(`answered ${status}`);
    expect(outcome?.error).toContain(peer.url);
    expect(sleeps).toEqual([]);
    expect(peer.received).toHaveLength(1);
  });

  it.each([408, 425, 429, 502, 504])("retries %i, then delivers", async (status) => {
    const peer = await startPeer((index) => ({ status: index === 0 ? status : 201 }));
    const { hook, sleeps } = webhook(peer.url);

    const [outcome] = await hook.post([event("T-1")]);

    expect(outcome).toMatchObject({ status: "delivered", attempts: 2, httpStatus: 201 });
    expect(sleeps).toEqual([250]);
    expect(peer.received).toHaveLength(2);
  });

  it("does not follow a redirect: 302 fails at once", async () => {
    const peer = await startPeer(() => ({ status: 302, headers: { location: "/elsewhere" } }));
    const { hook } = webhook(peer.url);

    const [outcome] = await hook.post([event("T-1")]);

    expect(outcome).toMatchObject({ status: "failed", attempts: 1, httpStatus: 302 });
    expect(outcome?.error).toContain("redirect");
    expect(peer.received.map((r) => r.url)).toEqual(["/hooks/exec"]);
  });

  it("honours Retry-After on 503 and 429", async () => {
    const peer = await startPeer((index) =>
      index === 0
        ? { status: 503, headers: { "retry-after": "2" } }
        : index === 1
          ? { status: 429, headers: { "retry-after": "3" } }
          : { status: 200 },
    );
    const { hook, sleeps } = webhook(peer.url);

    const [outcome] = await hook.post([event("T-1")]);

    expect(outcome).toMatchObject({ status: "delivered", attempts: 3 });
    expect(sleeps).toEqual([2000, 3000]);
  });

  it("caps Retry-After at maxDelayMs", async () => {
    const peer = await startPeer((index) =>
      index === 0 ? { status: 503, headers: { "retry-after": "120" } } : { status: 200 },
    );
    const { hook, sleeps } = webhook(peer.url, { maxDelayMs: 5000 });

    const [outcome] = await hook.post([event("T-1")]);

    expect(outcome).toMatchObject({ status: "delivered", attempts: 2 });
    expect(sleeps).toEqual([5000]);
  });

  it("falls back to backoff for Retry-After on a 500, or one that is not whole seconds", async () => {
    const peer = await startPeer((index) =>
      index === 0
        ? { status: 500, headers: { "retry-after": "9" } }
        : index === 1
          ? { status: 503, headers: { "retry-after": "Wed, 21 Oct 2015 07:28:00 GMT" } }
          : { status: 200 },
    );
    const { hook, sleeps } = webhook(peer.url);

    const [outcome] = await hook.post([event("T-1")]);

    expect(outcome).toMatchObject({ status: "delivered", attempts: 3 });
    expect(sleeps).toEqual([250, 500]);
  });

  it("fails after maxAttempts when every answer is 500", async () => {
    const peer = await startPeer(() => ({ status: 500 }));
    const { hook, sleeps } = webhook(peer.url, { maxAttempts: 4 });

    const [outcome] = await hook.post([event("T-1")]);

    expect(outcome).toMatchObject({ status: "failed", attempts: 4, httpStatus: 500 });
    expect(outcome?.error).toContain("answered 500");
    expect(sleeps).toEqual([250, 500, 1000]);
    expect(peer.received).toHaveLength(4);
  });

  it("times out a peer that never answers, without leaking the query or the secret", async () => {
    const peer = await startPeer(() => "hang");
    const { hook, sleeps } = webhook(`${peer.url}?token=abc#frag`, {
      maxAttempts: 3,
      timeoutMs: 200,
    });

    const started = performance.now();
    const outcomes = await hook.post([event("T-1")]);
    const elapsed = performance.now() - started;

    const [outcome] = outcomes;
    expect(outcome).toMatchObject({ status: "failed", attempts: 3 });
    expect(outcome?.httpStatus).toBeUndefined();
    expect(outcome?.error).toBe(`POST ${peer.url} timed out after 200 ms`);
    expect(sleeps).toEqual([250, 500]);
    expect(peer.received).toHaveLength(3);
    expect(peer.received[0]?.url).toBe("/hooks/exec?token=abc");
    expect(elapsed).toBeGreaterThanOrEqual(3 * 190);
    const text = JSON.stringify(outcomes);
    expect(text).not.toContain("token");
    expect(text).not.toContain("abc");
    expect(text).not.toContain("frag");
    expect(text).not.toContain(SECRET);
  });

  it("fails after maxAttempts when the connection is refused", async () => {
    const port = await unusedPort();
    const { hook, sleeps } = webhook(`http://127.0.0.1:${port}/hook?token=abc`, { maxAttempts: 3 });

    const outcomes = await hook.post([event("T-1")]);

    const [outcome] = outcomes;
    expect(outcome).toMatchObject({ status: "failed", attempts: 3 });
    expect(outcome?.httpStatus).toBeUndefined();
    expect(outcome?.error).toContain(`POST http://127.0.0.1:${port}/hook failed:`);
    expect(outcome?.error).toContain("ECONNREFUSED");
    expect(sleeps).toEqual([250, 500]);
    expect(JSON.stringify(outcomes)).not.toContain("token=abc");
    expect(JSON.stringify(outcomes)).not.toContain(SECRET);
  });
  it("removes the query from a lower layer's error that quotes the full URL", async () => {
    const url = "https://hooks.example.com/exec?token=abc";
    const calls: string[] = [];
    const { hook } = webhook(url, {
      maxAttempts: 2,
      fetch: async (input) => {
        calls.push(String(input));
        throw new TypeError("fetch failed", {
          cause: Object.assign(new Error(`socket hang up while posting to ${url}`), {
            code: "ECONNRESET",
          }),
        });
      },
    });

    const [outcome] = await hook.post([event("T-1")]);

    expect(calls).toEqual([url, url]);
    expect(outcome).toMatchObject({ status: "failed", attempts: 2 });
    expect(outcome?.error).toBe(
      "POST https://hooks.example.com/exec failed: ECONNRESET: socket hang up while posting to https://hooks.example.com/exec",
    );
  });
});

describe("task webhook: several events", () => {
  it("posts in order, one at a time, and a failure does not stop the rest", async () => {
    // The first answer is slow, so posting in parallel would show as two requests in flight.
    const peer = await startPeer((_index, request) => {
      const id = (JSON.parse(request.body) as TaskWebhookEvent).task.id;
      return id === "T-2" ? { status: 400 } : { status: 200, delayMs: id === "T-1" ? 50 : 0 };
    });
    const { hook, sleeps } = webhook(peer.url);
    const events = [
      event("T-1"),
      event("T-2", { event: "task.status", actor: "ana@example.com" }),
      event("T-3", { event: "task.resolved-in-data" }),
    ];

    const outcomes = await hook.post(events);

    expect(outcomes.map((o) => [o.event.task.id, o.status, o.attempts, o.httpStatus])).toEqual([
      ["T-1", "delivered", 1, 200],
      ["T-2", "failed", 1, 400],
      ["T-3", "delivered", 1, 200],
    ]);
    expect(outcomes.map((o) => o.event)).toEqual(events);
    expect(peer.received.map((r) => r.headers["x-exec-intel-event"])).toEqual([
      "task.created",
      "task.status",
      "task.resolved-in-data",
    ]);
    expect(peer.received.map((r) => r.body)).toEqual(events.map((e) => JSON.stringify(e)));
    expect(peer.maxInFlight).toBe(1);
    expect(sleeps).toEqual([]);
  });

  it("fails an event whose time is not ISO without a request, and sends the others", async () => {
    const peer = await startPeer(() => ({ status: 200 }));
    const { hook } = webhook(peer.url);

    const outcomes = await hook.post([event("T-1", { at: "yesterday" }), event("T-2")]);

    expect(outcomes.map((o) => [o.status, o.attempts])).toEqual([
      ["failed", 0],
      ["delivered", 1],
    ]);
    expect(outcomes[0]?.error).toContain("T-1");
    expect(peer.received.map((r) => (JSON.parse(r.body) as TaskWebhookEvent).task.id)).toEqual([
      "T-2",
    ]);
  });

  it("returns no outcomes and makes no request for no events", async () => {
    const peer = await startPeer(() => ({ status: 200 }));
    const { hook } = webhook(peer.url);

    expect(await hook.post([])).toEqual([]);
    expect(peer.received).toEqual([]);
  });
});

describe("task webhook: options", () => {
  it("rejects bad options at creation, without echoing credentials", () => {
    const base = { secret: SECRET, maxAttempts: 3, baseDelayMs: 500, maxDelayMs: 30_000 };
    expect(() => createTaskWebhook({ ...base, url: "not a url ?token=abc" })).toThrow(
      /not a valid URL/,
    );
    expect(() => createTaskWebhook({ ...base, url: "ftp://example.com/hook" })).toThrow(
      /https or http/,
    );
    expect(() =>
      createTaskWebhook({ ...base, url: "https://example.com", maxAttempts: 0 }),
    ).toThrow(/maxAttempts/);
    expect(() => createTaskWebhook({ ...base, url: "https://example.com", secret: "" })).toThrow(
      /secret is empty/,
    );
    expect(() =>
      createTaskWebhook({ ...base, url: "https://example.com", baseDelayMs: Number.NaN }),
    ).toThrow(/baseDelayMs/);
    expect(() => createTaskWebhook({ ...base, url: "https://example.com", timeoutMs: 0 })).toThrow(
      /timeoutMs/,
    );
    const credentials = thrown(() =>
      createTaskWebhook({ ...base, url: "https://bob:hunter2@example.com/hook" }),
    );
    expect(credentials).toContain("https://example.com");
    expect(credentials).toContain("user:password");
    expect(credentials).not.toContain("hunter2");
    expect(credentials).not.toContain("bob");
    expect(thrown(() => createTaskWebhook({ ...base, url: "not a url ?token=abc" }))).not.toContain(
      "token",
    );
  });
});
