// Pacing: at most `ratePerSecond` sends per second on average, with short bursts of up to `burst`.
// The clock is a parameter so the bucket is pure and its arithmetic testable to the millisecond.

/** Rate and burst of a token bucket. */
export interface TokenBucketOptions {
  /** Tokens added per second (messages per second); must be > 0. */
  ratePerSecond: number;
  /** Most tokens the bucket holds, i.e. how many sends may go at once after a pause; ≥ 1. */
  burst: number;
}

/** A token bucket that hands out send slots; each `take` reserves one. */
export interface TokenBucket {
  /**
   * Reserves one token at time `now` (ms) and returns how many ms to wait before using it (0 when
   * one is available). Reservations queue: callers that take together get increasing waits.
   */
  take(now: number): number;
  /** Changes the rate (e.g. to SES's MaxSendRate) from `now` on, keeping tokens earned so far. */
  setRate(ratePerSecond: number, now: number): void;
  readonly ratePerSecond: number;
}

function checkRate(ratePerSecond: number): void {
  if (!(ratePerSecond > 0) || !Number.isFinite(ratePerSecond)) {
    throw new Error(`ratePerSecond must be a finite number > 0, got ${ratePerSecond}`);
  }
}

/** A token bucket that starts full. */
export function createTokenBucket(options: TokenBucketOptions): TokenBucket {
  checkRate(options.ratePerSecond);
  if (!(options.burst >= 1) || !Number.isFinite(options.burst)) {
    throw new Error(`burst must be a finite number ≥ 1, got ${options.burst}`);
  }
  let rate = options.ratePerSecond;
  const burst = options.burst;
  // Negative tokens are reservations already handed out for the future.
  let tokens = burst;
  let last: number | undefined;

  const refill = (now: number) => {
    // A clock that steps back earns nothing rather than taking tokens away.
    const elapsed = last === undefined ? 0 : Math.max(0, now - last);
    tokens = Math.min(burst, tokens + (elapsed * rate) / 1000);
    last = now;
  };

  return {
    take(now) {
      refill(now);
      tokens -= 1;
      // Whole milliseconds, rounded up, but not for a float error: 0.995 s must not become 996 ms.
      return tokens >= 0 ? 0 : Math.ceil((-tokens * 1000) / rate - 1e-6);
    },
    setRate(ratePerSecond, now) {
      checkRate(ratePerSecond);
      refill(now);
      rate = ratePerSecond;
    },
    get ratePerSecond() {
      return rate;
    },
  };
}
