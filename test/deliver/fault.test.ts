import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { sendWithRetry } from "../../src/adapters/deliver/send-with-retry.js";
import { createSesTransport } from "../../src/adapters/deliver/ses-transport.js";
import type { OutgoingMessage, Transport } from "../../src/core/deliver/ports.js";
import { createTokenBucket } from "../../src/core/deliver/token-bucket.js";
import type { RenderedReport } from "../../src/core/render/rendered.js";
import { type FaultProxy, startFaultProxy } from "../helpers/fault-proxy.js";
import { type SesEmulator, startSesEmulator } from "../helpers/ses-emulator.js";
import { outgoing, referenceReport } from "./report-message.js";

// sendWithRetry and the SES transport through a proxy that fails 30% of SendEmail requests
// (throttling, server errors, connection resets) or delays them, in front of aws-ses-v2-local.
// Every fault happens before the request reaches the emulator, so its store must end with each
// message exactly once, and the proxy's count of requests must match the attempts reported.
const MESSAGES = 50;
const FAULT_RATES = { throttle: 0.1, serverError: 0.1, reset: 0.05, delay: 0.05 };
const SEND_PATH = /\/v2\/email\/outbound-emails/;
const RETRY = { maxAttempts: 10, baseMs: 5, maxMs: 100 };

describe("delivery through injected SES faults", () => {
  let emulator: SesEmulator;
  let proxy: FaultProxy;
  let transport: Transport;
  let report: RenderedReport;

  beforeAll(async () => {
    [report, emulator] = await Promise.all([referenceReport(), startSesEmulator()]);
    proxy = await startFaultProxy({ target: emulator.url, seed: 20_261_101, delayMs: 20 });
    transport = createSesTransport({
      endpoint: proxy.url,
      region: "eu-west-1",
      credentials: { accessKeyId: "test-access-key", secretAccessKey: "test-secret" },
      requestTimeoutMs: 5_000,
    });
  }, 60_000);

  afterAll(async () => {
    await transport?.close();
    await proxy?.close();
    await emulator?.stop();
  });

  beforeEach(async () => {
    await emulator.clear();
    proxy.log.length = 0;
    proxy.setRates({});
  });

  const sendRequests = () => proxy.log.filter((entry) => SEND_PATH.test(entry.path));

  it(`delivers each of ${MESSAGES} messages exactly once with 30% faults, attempts adding up`, async () => {
    const recipients = Array.from({ length: MESSAGES }, (_, i) => `exec-${i}@example.com`);
    const messages: OutgoingMessage[] = [];
    for (const recipient of recipients) messages.push(await outgoing(report, recipient));
    proxy.setRates(FAULT_RATES);
    const bucket = createTokenBucket({ ratePerSecond: 200, burst: 5 });

    // Four senders share the bucket, as a run's workers would.
    const queue = [...messages];
    const outcomes: Awaited<ReturnType<typeof sendWithRetry>>[] = [];
    const worker = async () => {
      for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
        outcomes.push(await sendWithRetry(transport, next, { ...RETRY, bucket }));
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);

    expect(outcomes.map((o) => o.result.status)).toEqual(messages.map(() => "sent"));
    const stored = await emulator.emails();
    expect(stored.map((email) => email.destination.to.join()).sort()).toEqual(
      [...recipients].sort(),
    );
    const providerIds = outcomes.map((o) =>
      o.result.status === "sent" ? o.result.providerMessageId : "",
    );
    expect(new Set(providerIds)).toEqual(new Set(stored.map((email) => email.messageId)));

    // Every attempt is one request at the proxy; all but the last of each message were faults
    // that never reached the emulator.
    const attempts = outcomes.reduce((sum, o) => sum + o.attempts, 0);
    const requests = sendRequests();
    expect(requests).toHaveLength(attempts);
    expect(requests.filter((r) => r.forwarded)).toHaveLength(MESSAGES);
    expect(requests.filter((r) => !r.forwarded)).toHaveLength(attempts - MESSAGES);
    expect(outcomes.every((o) => o.delaysMs.length === o.attempts - 1)).toBe(true);

    // The faults really happened, in roughly the configured share.
    const faults = (kind: string) => requests.filter((r) => r.fault === kind).length;
    for (const kind of ["throttle", "serverError", "reset", "delay"]) {
      expect(faults(kind), kind).toBeGreaterThan(0);
    }
    const share = requests.filter((r) => r.fault !== "none").length / requests.length;
    expect(share).toBeGreaterThan(0.15);
    expect(share).toBeLessThan(0.45);
  });

  it("does not retry a permanent error, from the emulator or as SES words it", async () => {
    const message = await outgoing(report, "sam@example.com");
    const noFrom: OutgoingMessage = {
      ...message,
      raw: Buffer.from(message.raw.toString("latin1").replace(/^From: .*\r\n/m, ""), "latin1"),
    };
    const bucket = createTokenBucket({ ratePerSecond: 200, burst: 5 });
    const byEmulator = await sendWithRetry(transport, noFrom, { ...RETRY, bucket });
    expect(byEmulator).toMatchObject({ result: { kind: "permanent" }, attempts: 1 });

    proxy.enqueue({
      kind: "error",
      status: 400,
      type: "MessageRejected",
      message: "Email address is not verified.",
    });
    const rejected = await sendWithRetry(transport, message, { ...RETRY, bucket });
    expect(rejected).toMatchObject({
      result: { kind: "permanent", code: "MessageRejected" },
      attempts: 1,
      delaysMs: [],
    });
    expect(sendRequests()).toHaveLength(2);
    expect(await emulator.emails()).toHaveLength(0);
  });

  it("stops at once on an account-level error and gives up on a transient one after maxAttempts", async () => {
    const message = await outgoing(report, "sam@example.com");
    const bucket = createTokenBucket({ ratePerSecond: 200, burst: 5 });
    proxy.enqueue({
      kind: "error",
      status: 400,
      type: "SendingPausedException",
      message: "paused",
    });
    const paused = await sendWithRetry(transport, message, { ...RETRY, bucket });
    expect(paused).toMatchObject({ result: { kind: "account" }, attempts: 1 });

    proxy.enqueue({ kind: "throttle" }, { kind: "serverError" }, { kind: "reset" });
    const exhausted = await sendWithRetry(transport, message, { ...RETRY, maxAttempts: 3, bucket });
    expect(exhausted).toMatchObject({ result: { kind: "transient" }, attempts: 3 });
    expect(exhausted.delaysMs).toHaveLength(2);
    expect(sendRequests().map((r) => r.fault)).toEqual([
      "error",
      "throttle",
      "serverError",
      "reset",
    ]);
    expect(await emulator.emails()).toHaveLength(0);
  });
});
