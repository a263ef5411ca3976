/** Fixed-point units per currency unit: 12 decimals, more than the 10 Cost Explorer prints. */
const SCALE = 12;
const UNITS_PER_CENT = 10n ** BigInt(SCALE - 2);
const DECIMAL = /^([+-])?(\d+)(?:\.(\d*))?(?:[eE]([+-]?\d{1,3}))?$/;

/**
 * Parses a decimal amount such as `"40.3543773134"`, `"-0.01"` or `"1.2E-7"` exactly, into
 * units of 10^-12, so that summing hundreds of line items and rounding once gives the cents
 * the bill shows. Undefined when the text is not a number.
 */
export function parseAmount(text: string): bigint | undefined {
  const match = DECIMAL.exec(text.trim());
  if (match === null) return undefined;
  const [, sign, whole, fraction = "", exponent = "0"] = match;
  const shift = Number(exponent) - fraction.length + SCALE;
  let units = BigInt(`${whole}${fraction}`);
  if (shift >= 0) units *= 10n ** BigInt(shift);
  else units = roundDivide(units, 10n ** BigInt(-shift));
  return sign === "-" ? -units : units;
}

/** Cents of an amount in 10^-12 units, rounded half away from zero. */
export function amountToCents(units: bigint): number {
  const cents = roundDivide(units < 0n ? -units : units, UNITS_PER_CENT);
  return Number(units < 0n ? -cents : cents);
}

function roundDivide(value: bigint, divisor: bigint): bigint {
  const quotient = value / divisor;
  return (value % divisor) * 2n >= divisor ? quotient + 1n : quotient;
}
