import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createTokenBucket } from "./token-bucket.js";

describe("createTokenBucket", () => {
  it("lets a full burst go at once, then spaces sends 1/rate apart", () => {
    const bucket = createTokenBucket({ ratePerSecond: 10, burst: 3 });
    expect([0, 0, 0].map(() => bucket.take(1_000))).toEqual([0, 0, 0]);
    // Reservations queue: the 4th waits one interval, the 5th two.
    expect(bucket.take(1_000)).toBe(100);
    expect(bucket.take(1_000)).toBe(200);
  });

  it("earns tokens back with time, never more than the burst", () => {
    const bucket = createTokenBucket({ ratePerSecond: 4, burst: 2 });
    expect(bucket.take(0)).toBe(0);
    expect(bucket.take(0)).toBe(0);
    expect(bucket.take(0)).toBe(250);
    // At 10 s the bucket is full again (2 tokens), not 40.
    expect(bucket.take(10_000)).toBe(0);
    expect(bucket.take(10_000)).toBe(0);
    expect(bucket.take(10_000)).toBe(250);
  });

  it("does not let a clock that steps back create tokens", () => {
    const bucket = createTokenBucket({ ratePerSecond: 1, burst: 1 });
    expect(bucket.take(5_000)).toBe(0);
    expect(bucket.take(4_000)).toBe(1_000);
  });

  it("follows a rate change from the moment it is made", () => {
    const bucket = createTokenBucket({ ratePerSecond: 1, burst: 1 });
    expect(bucket.take(0)).toBe(0);
    bucket.setRate(14, 0);
    expect(bucket.ratePerSecond).toBe(14);
    expect(bucket.take(0)).toBe(Math.ceil(1000 / 14));
  });

  it("rejects a rate or burst it cannot honour", () => {
    expect(() => createTokenBucket({ ratePerSecond: 0, burst: 1 })).toThrow(/ratePerSecond/);
    expect(() => createTokenBucket({ ratePerSecond: Number.NaN, burst: 1 })).toThrow(
      /ratePerSecond/,
    );
    expect(() => createTokenBucket({ ratePerSecond: 5, burst: 0.5 })).toThrow(/burst/);
    expect(() => createTokenBucket({ ratePerSecond: 5, burst: 1 }).setRate(-1, 0)).toThrow(
      /ratePerSecond/,
    );
  });

  it("never starts more than burst + rate × t sends within any t ms (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 500 }),
        fc.integer({ min: 1, max: 20 }),
        fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 1, maxLength: 200 }),
        (rate, burst, gaps) => {
          const bucket = createTokenBucket({ ratePerSecond: rate, burst });
          // Callers arrive at increasing times and start when the bucket tells them to.
          let now = 0;
          const starts = gaps.map((gap) => {
            now += gap;
            return now + bucket.take(now);
          });
          const sorted = [...starts].sort((a, b) => a - b);
          const first = sorted[0] ?? 0;
          const last = sorted[sorted.length - 1] ?? 0;
          // 1e-6: waits forgive a float error of a millionth of a millisecond.
          return sorted.length <= burst + (rate * (last - first)) / 1000 + 1e-6;
        },
      ),
    );
  });
});
