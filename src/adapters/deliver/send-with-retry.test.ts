import { describe, expect, it } from "vitest";
import type { OutgoingMessage, SendResult, Transport } from "../../core/deliver/ports.js";
import { createTokenBucket } from "../../core/deliver/token-bucket.js";
import { sendWithRetry } from "./send-with-retry.js";

// The retry loop on a virtual clock: a transport that answers from a script and records when each
// attempt started, and a sleep that only moves the clock. The real peers are in test/deliver.
const message: OutgoingMessage = {
  key: { tenant: "t", period: "2026-10", report: "ceo", recipient: "sam@example.com" },
  raw: Buffer.from("From: a@example.com\r\n\r\nhi\r\n"),
  from: "a@example.com",
  to: ["sam@example.com"],
  messageId: "<m@exec-intel>",
  tags: {},
};

const transient: SendResult = { status: "failed", kind: "transient", code: "429", message: "slow" };

function harness(script: SendResult[]) {
  let clock = 0;
  const startedAt: number[] = [];
  const transport: Transport = {
    name: "ses",
    maxSendRate: async () => undefined,
    remainingQuota: async () => undefined,
    async send() {
      startedAt.push(clock);
      const next = script.shift();
      if (next === undefined) throw new Error("script exhausted");
      return next;
    },
    close: async () => undefined,
  };
  const sleeps: number[] = [];
  return {
    transport,
    startedAt,
    sleeps,
    options: {
      now: () => clock,
      sleep: async (ms: number) => {
        sleeps.push(ms);
        clock += ms;
      },
      random: () => 0.5,
    },
  };
}

describe("sendWithRetry", () => {
  it("retries transient failures with full-jitter backoff until one is sent", async () => {
    const h = harness([transient, transient, { status: "sent", providerMessageId: "p-1" }]);
    const bucket = createTokenBucket({ ratePerSecond: 1_000, burst: 10 });
    const outcome = await sendWithRetry(h.transport, message, {
      maxAttempts: 5,
      baseMs: 100,
      maxMs: 10_000,
      bucket,
      ...h.options,
    });
    expect(outcome).toEqual({
      result: { status: "sent", providerMessageId: "p-1" },
      attempts: 3,
      delaysMs: [50, 100],
    });
    expect(h.startedAt).toEqual([0, 50, 150]);
  });

  it("waits for the token bucket before every attempt, retries included", async () => {
    const h = harness([transient, transient, { status: "sent", providerMessageId: "p-2" }]);
    // One token a second and none to spare: each attempt waits for the next token, even though
    // the backoff (≤ 10 ms) alone would let it go sooner.
    const bucket = createTokenBucket({ ratePerSecond: 1, burst: 1 });
    expect(bucket.take(0)).toBe(0);
    const outcome = await sendWithRetry(h.transport, message, {
      maxAttempts: 3,
      baseMs: 10,
      maxMs: 10,
      bucket,
      ...h.options,
    });
    expect(outcome.attempts).toBe(3);
    expect(outcome.delaysMs).toEqual([5, 5]);
    expect(h.startedAt).toEqual([1_000, 2_000, 3_000]);
  });

  it("returns the last transient failure after maxAttempts", async () => {
    const h = harness([transient, transient, transient, transient]);
    const outcome = await sendWithRetry(h.transport, message, {
      maxAttempts: 3,
      baseMs: 100,
      maxMs: 150,
      bucket: createTokenBucket({ ratePerSecond: 1_000, burst: 10 }),
      ...h.options,
    });
    expect(outcome).toEqual({ result: transient, attempts: 3, delaysMs: [50, 75] });
  });

  it.each(["permanent", "account"] as const)("returns a %s failure at once", async (kind) => {
    const failure: SendResult = { status: "failed", kind, code: "X", message: "no" };
    const h = harness([failure]);
    const retried: number[] = [];
    const outcome = await sendWithRetry(h.transport, message, {
      maxAttempts: 5,
      baseMs: 100,
      maxMs: 1_000,
      bucket: createTokenBucket({ ratePerSecond: 1_000, burst: 10 }),
      onRetry: ({ attempt }) => retried.push(attempt),
      ...h.options,
    });
    expect(outcome).toEqual({ result: failure, attempts: 1, delaysMs: [] });
    expect(retried).toEqual([]);
    expect(h.startedAt).toHaveLength(1);
  });

  it("tells onRetry about each retry it is going to make", async () => {
    const h = harness([transient, { status: "sent", providerMessageId: "p-3" }]);
    const events: unknown[] = [];
    await sendWithRetry(h.transport, message, {
      maxAttempts: 2,
      baseMs: 40,
      maxMs: 1_000,
      bucket: createTokenBucket({ ratePerSecond: 1_000, burst: 10 }),
      onRetry: (event) => events.push(event),
      ...h.options,
    });
    expect(events).toEqual([{ attempt: 1, result: transient, delayMs: 20 }]);
  });

  it("rejects a maxAttempts below 1", async () => {
    const h = harness([]);
    await expect(
      sendWithRetry(h.transport, message, {
        maxAttempts: 0,
        baseMs: 1,
        maxMs: 1,
        bucket: createTokenBucket({ ratePerSecond: 1, burst: 1 }),
      }),
    ).rejects.toThrow(/maxAttempts/);
  });
});
