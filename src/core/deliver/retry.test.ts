import { describe, expect, it } from "vitest";
import type { SendResult } from "./ports.js";
import { backoffDelay, shouldRetry } from "./retry.js";

const options = { baseMs: 100, maxMs: 5_000 };

describe("backoffDelay", () => {
  it("doubles the ceiling with every retry up to maxMs (random() close to 1)", () => {
    const almostOne = () => 0.999_999;
    const ceilings = [0, 1, 2, 3, 4, 5, 6, 7].map((retry) =>
      backoffDelay(retry, options, almostOne),
    );
    expect(ceilings).toEqual([99, 199, 399, 799, 1_599, 3_199, 4_999, 4_999]);
  });

  it("is the random fraction of the ceiling (full jitter)", () => {
    expect(backoffDelay(3, options, () => 0)).toBe(0);
    expect(backoffDelay(3, options, () => 0.5)).toBe(400);
    expect(backoffDelay(3, options, () => 0.25)).toBe(200);
  });

  it("stays within maxMs for absurd retry numbers", () => {
    expect(backoffDelay(5_000, options, () => 0.5)).toBe(2_500);
  });

  it("spreads delays over the whole window", () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 16_807) % 2_147_483_647;
      return seed / 2_147_483_647;
    };
    const delays = Array.from({ length: 2_000 }, () => backoffDelay(4, options, random));
    expect(Math.min(...delays)).toBeLessThan(50);
    expect(Math.max(...delays)).toBeGreaterThan(1_550);
    const mean = delays.reduce((sum, d) => sum + d, 0) / delays.length;
    expect(mean).toBeGreaterThan(720);
    expect(mean).toBeLessThan(880);
  });

  it("rejects a negative or fractional retry and negative bounds", () => {
    expect(() => backoffDelay(-1, options, Math.random)).toThrow(/retry/);
    expect(() => backoffDelay(1.5, options, Math.random)).toThrow(/retry/);
    expect(() => backoffDelay(1, { baseMs: -1, maxMs: 10 }, Math.random)).toThrow(/baseMs/);
  });
});

describe("shouldRetry", () => {
  const failed = (kind: "transient" | "permanent" | "account"): SendResult => ({
    status: "failed",
    kind,
    code: "x",
    message: "x",
  });

  it("retries a transient failure while attempts remain", () => {
    expect(shouldRetry(failed("transient"), 1, 3)).toBe(true);
    expect(shouldRetry(failed("transient"), 2, 3)).toBe(true);
    expect(shouldRetry(failed("transient"), 3, 3)).toBe(false);
  });

  it("never retries a sent message, a permanent or an account-level failure", () => {
    expect(shouldRetry({ status: "sent", providerMessageId: "m" }, 1, 5)).toBe(false);
    expect(shouldRetry(failed("permanent"), 1, 5)).toBe(false);
    expect(shouldRetry(failed("account"), 1, 5)).toBe(false);
  });
});
