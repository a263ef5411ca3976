/**
 * `toLocaleString("en-US", …)` builds a new Intl.NumberFormat on every call, which costs tens of
 * microseconds; reports format thousands of numbers, so each shape of format is built once here.
 */
const formats = new Map<string, Intl.NumberFormat>();

function format(minimumFractionDigits: number, maximumFractionDigits: number): Intl.NumberFormat {
  const key = `${minimumFractionDigits}:${maximumFractionDigits}`;
  let found = formats.get(key);
  if (found === undefined) {
    found = new Intl.NumberFormat("en-US", { minimumFractionDigits, maximumFractionDigits });
    formats.set(key, found);
  }
  return found;
}

/** `n` with US thousands separators and exactly `digits` decimals: `1,234.50`. */
export function fixedGrouped(n: number, digits: number): string {
  return format(digits, digits).format(n);
}

/** `n` with US thousands separators and up to `maxDigits` decimals (3, as toLocaleString). */
export function grouped(n: number, maxDigits = 3): string {
  return format(0, maxDigits).format(n);
}
