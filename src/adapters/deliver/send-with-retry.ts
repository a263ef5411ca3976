import { setTimeout as delay } from "node:timers/promises";
import type { OutgoingMessage, SendResult, Transport } from "../../core/deliver/ports.js";
import { backoffDelay, shouldRetry } from "../../core/deliver/retry.js";
import type { TokenBucket } from "../../core/deliver/token-bucket.js";

/** Attempts, backoff and pacing for one message; clock, sleep and randomness can be replaced in tests. */
export interface RetryOptions {
  /** Attempts in all, the first included (≥ 1). */
  maxAttempts: number;
  /** Backoff ceiling of the first retry; doubles per retry. */
  baseMs: number;
  /** Longest backoff. */
  maxMs: number;
  /** Shared by every send of a run, so retries count against the rate too. */
  bucket: TokenBucket;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Milliseconds on a monotonic clock (default `performance.now`). */
  now?: () => number;
  /** Told about each transient failure that will be retried, for the run's log. */
  onRetry?: (event: { attempt: number; result: SendResult; delayMs: number }) => void;
}

/** The last attempt's result, how many attempts it took and the backoff waited before each retry. */
export interface RetryOutcome {
  result: SendResult;
  attempts: number;
  delaysMs: number[];
}

const realSleep = async (ms: number) => {
  if (ms > 0) await delay(ms);
};

/**
 * Sends one message: waits for a token before every attempt, retries transient failures with
 * full-jitter exponential backoff up to `maxAttempts`, and returns a permanent or account-level
 * failure at once.
 */
export async function sendWithRetry(
  transport: Transport,
  message: OutgoingMessage,
  options: RetryOptions,
): Promise<RetryOutcome> {
  if (!Number.isInteger(options.maxAttempts) || options.maxAttempts < 1) {
    throw new Error(`maxAttempts must be a whole number ≥ 1, got ${options.maxAttempts}`);
  }
  const sleep = options.sleep ?? realSleep;
  const random = options.random ?? Math.random;
  const now = options.now ?? (() => performance.now());
  const delaysMs: number[] = [];
  for (let attempt = 1; ; attempt++) {
    await sleep(options.bucket.take(now()));
    const result = await transport.send(message);
    if (!shouldRetry(result, attempt, options.maxAttempts)) {
      return { result, attempts: attempt, delaysMs };
    }
    const delayMs = backoffDelay(attempt - 1, options, random);
    options.onRetry?.({ attempt, result, delayMs });
    delaysMs.push(delayMs);
    await sleep(delayMs);
  }
}
