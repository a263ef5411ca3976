import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isPeriod, parseDate, parseDecimal, parseMoneyCents } from "./values.js";

/** Formats cents the way bank exports do, to check the parser against many shapes. */
function formatCents(cents: number, style: "plain" | "grouped" | "parens" | "dollar"): string {
  const abs = Math.abs(cents);
  const whole = Math.floor(abs / 100);
  const fraction = String(abs % 100).padStart(2, "0");
  const grouped = whole.toLocaleString("en-US");
  const body = style === "plain" ? `${whole}.${fraction}` : `${grouped}.${fraction}`;
  if (cents >= 0) return style === "dollar" ? `$${body}` : body;
  if (style === "parens") return `(${body})`;
  return style === "dollar" ? `-$${body}` : `-${body}`;
}

describe("parseMoneyCents", () => {
  it.each([
    ["1650", 165000],
    ["1,650.00", 165000],
    ["-84.10", -8410],
    ["(1,234.56)", -123456],
    ["$12.5", 1250],
    ["-$3.07", -307],
    ["$-3.07", -307],
    [" 0.00 ", 0],
    ["+7", 700],
  ])("reads %s as %i cents", (text, cents) => {
    expect(parseMoneyCents(text)).toBe(cents);
  });

  it.each(["", "abc", "12.345", "1,23.00", "--5", "12,5", "1.2.3", "$", "()"])(
    "refuses %j",
    (text) => {
      expect(parseMoneyCents(text)).toBeUndefined();
    },
  );

  it("round-trips every amount in every export style", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -10_000_000_000, max: 10_000_000_000 }),
        fc.constantFrom("plain", "grouped", "parens", "dollar" as const),
        (cents, style) => {
          expect(parseMoneyCents(formatCents(cents, style))).toBe(cents);
        },
      ),
    );
  });
});

describe("parseDate", () => {
  it("reads each declared format strictly", () => {
    expect(parseDate("10/31/2026", "MM/DD/YYYY")).toBe("2026-10-31");
    expect(parseDate("31/10/2026", "DD/MM/YYYY")).toBe("2026-10-31");
    expect(parseDate("3/7/2026", "M/D/YYYY")).toBe("2026-03-07");
    expect(parseDate("3/7/2026", "D/M/YYYY")).toBe("2026-07-03");
    expect(parseDate("31.10.2026", "DD.MM.YYYY")).toBe("2026-10-31");
    expect(parseDate("2026-10-03 17:22:10", "YYYY-MM-DD HH:mm:ss")).toBe("2026-10-03");
    expect(parseDate("2026-10-31", "MM/DD/YYYY")).toBeUndefined();
    expect(parseDate("31/10/2026", "MM/DD/YYYY")).toBeUndefined();
  });

  it("refuses impossible calendar dates", () => {
    expect(parseDate("02/29/2026", "MM/DD/YYYY")).toBeUndefined();
    expect(parseDate("02/29/2028", "MM/DD/YYYY")).toBe("2028-02-29");
    expect(parseDate("2026-04-31", "YYYY-MM-DD")).toBeUndefined();
    expect(parseDate("2026-13-01", "YYYY-MM-DD")).toBeUndefined();
  });

  it("round-trips every real date through every format", () => {
    const day = fc.date({
      min: new Date("1990-01-01T00:00:00Z"),
      max: new Date("2099-12-31T00:00:00Z"),
      noInvalidDate: true,
    });
    fc.assert(
      fc.property(day, (date) => {
        const iso = date.toISOString().slice(0, 10);
        const [y, m, d] = iso.split("-") as [string, string, string];
        expect(parseDate(iso, "YYYY-MM-DD")).toBe(iso);
        expect(parseDate(`${m}/${d}/${y}`, "MM/DD/YYYY")).toBe(iso);
        expect(parseDate(`${d}/${m}/${y}`, "DD/MM/YYYY")).toBe(iso);
        expect(parseDate(`${Number(m)}/${Number(d)}/${y}`, "M/D/YYYY")).toBe(iso);
        expect(parseDate(`${d}.${m}.${y}`, "DD.MM.YYYY")).toBe(iso);
      }),
    );
  });
});

describe("parseDecimal and isPeriod", () => {
  it("reads plain numbers only", () => {
    expect(parseDecimal("3676")).toBe(3676);
    expect(parseDecimal("-2.5")).toBe(-2.5);
    expect(parseDecimal(".25")).toBe(0.25);
    expect(parseDecimal("1,000")).toBeUndefined();
    expect(parseDecimal("n/a")).toBeUndefined();
  });

  it("accepts real months only", () => {
    expect(isPeriod("2026-10")).toBe(true);
    expect(isPeriod("2026-13")).toBe(false);
    expect(isPeriod("2026-1")).toBe(false);
    expect(isPeriod("10/2026")).toBe(false);
  });
});
