// When and how long to wait before trying a failed send again.
import type { SendResult } from "./ports.js";

/** Bounds of the exponential backoff. */
export interface BackoffOptions {
  /** Cap of the first retry's delay; doubles for every retry after it. */
  baseMs: number;
  /** No delay is ever longer than this. */
  maxMs: number;
}

/**
 * Delay before retry number `retry` (0 for the first retry) with full jitter:
 * `random() × min(maxMs, baseMs × 2^retry)`. Full jitter spreads many senders that failed together
 * over the whole window instead of letting them retry in step.
 */
export function backoffDelay(retry: number, options: BackoffOptions, random: () => number): number {
  if (!Number.isInteger(retry) || retry < 0) {
    throw new Error(`retry must be a whole number ≥ 0, got ${retry}`);
  }
  if (!(options.baseMs >= 0) || !(options.maxMs >= 0)) {
    throw new Error(`baseMs and maxMs must be ≥ 0, got ${options.baseMs} and ${options.maxMs}`);
  }
  // 2 ** retry is Infinity for very large retries; min() keeps the ceiling at maxMs.
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** retry);
  const fraction = Math.min(Math.max(random(), 0), 1);
  return Math.floor(fraction * ceiling);
}

/**
 * Whether to send again after attempt number `attempt` (1 for the first) ended in `result`:
 * only a transient failure, and only while fewer than `maxAttempts` attempts were made.
 */
export function shouldRetry(result: SendResult, attempt: number, maxAttempts: number): boolean {
  return result.status === "failed" && result.kind === "transient" && attempt < maxAttempts;
}
