import { describe, expect, it } from "vitest";
import { amountToCents, parseAmount } from "./amount.js";

const cents = (text: string) => {
  const units = parseAmount(text);
  return units === undefined ? undefined : amountToCents(units);
};

describe("parseAmount and amountToCents", () => {
  it.each([
    ["40.3543773134", 4035],
    ["0.2682364644", 27],
    ["3.6", 360],
    ["0", 0],
    ["0.005", 1],
    ["-0.005", -1],
    ["0.0049999999", 0],
    ["-12.3456", -1235],
    ["1.2E-7", 0],
    ["1E+2", 10000],
    ["2.5e1", 2500],
    [" 7.10 ", 710],
  ])("%s is %d cents", (text, expected) => {
    expect(cents(text)).toBe(expected);
  });

  it.each(["", "abc", "1,000.00", "$3.00", "1.2.3", "NaN", "1E+9999"])(
    "%j is not an amount",
    (text) => {
      expect(parseAmount(text)).toBeUndefined();
    },
  );

  it("sums exactly before rounding once, as the bill does", () => {
    // 1,000 line items of a third of a cent: 3.33 dollars, where rounding each would give 0.
    const third = parseAmount("0.0033333333") as bigint;
    let sum = 0n;
    for (let i = 0; i < 1000; i++) sum += third;
    expect(amountToCents(sum)).toBe(333);
    expect(amountToCents(third)).toBe(0);
  });
});
