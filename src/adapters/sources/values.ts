import type { DateFormat } from "../../core/config.js";

const MONEY = /^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?$/;

/**
 * Parses a money cell into integer minor units: `-1,234.56`, `(1,234.56)`, `$1,234.56`, `12.5`.
 * Returns undefined for anything else. Integer cents keep sums exact.
 */
export function parseMoneyCents(cell: string): number | undefined {
  let text = cell.trim();
  let negative = false;
  if (text.startsWith("(") && text.endsWith(")")) {
    negative = true;
    text = text.slice(1, -1).trim();
  }
  if (text.startsWith("-")) {
    negative = !negative;
    text = text.slice(1).trim();
  } else if (text.startsWith("+")) text = text.slice(1).trim();
  const first = text.charCodeAt(0);
  if (first === 36 || first === 8364 || first === 163) text = text.slice(1).trim(); // $ € £
  if (text.startsWith("-") && !negative) {
    negative = true;
    text = text.slice(1);
  }
  const match = MONEY.exec(text);
  if (!match) return undefined;
  const [whole, fraction = ""] = text.replaceAll(",", "").split(".");
  const cents = Number(whole) * 100 + Number(fraction.padEnd(2, "0"));
  if (!Number.isSafeInteger(cents)) return undefined;
  return negative && cents !== 0 ? -cents : cents;
}

/** Parses a plain decimal number such as `3676`, `-2.5` or `0.25`; undefined otherwise. */
export function parseDecimal(cell: string): number | undefined {
  const text = cell.trim();
  if (!/^[-+]?(?:\d+(?:\.\d*)?|\.\d+)$/.test(text)) return undefined;
  return Number(text);
}

interface CompiledDateFormat {
  pattern: RegExp;
  year: number;
  month: number;
  day: number;
}

// Hand-written rather than date-fns/dayjs: the closed set of bank formats compiles to one regex
// each, strict to the declared format, and stays fast on million-row exports.
const DATE_PATTERNS: Record<DateFormat, CompiledDateFormat> = {
  "YYYY-MM-DD": { pattern: /^(\d{4})-(\d{2})-(\d{2})$/, year: 1, month: 2, day: 3 },
  "YYYY-MM-DD HH:mm:ss": {
    pattern: /^(\d{4})-(\d{2})-(\d{2})[ T]([01]\d|2[0-3]):[0-5]\d:[0-5]\d$/,
    year: 1,
    month: 2,
    day: 3,
  },
  "MM/DD/YYYY": { pattern: /^(\d{2})\/(\d{2})\/(\d{4})$/, year: 3, month: 1, day: 2 },
  "DD/MM/YYYY": { pattern: /^(\d{2})\/(\d{2})\/(\d{4})$/, year: 3, month: 2, day: 1 },
  "M/D/YYYY": { pattern: /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/, year: 3, month: 1, day: 2 },
  "D/M/YYYY": { pattern: /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/, year: 3, month: 2, day: 1 },
  "DD.MM.YYYY": { pattern: /^(\d{2})\.(\d{2})\.(\d{4})$/, year: 3, month: 2, day: 1 },
};

/** Parses a date cell in the declared format into `YYYY-MM-DD`; undefined if it does not match or is not a real date. */
export function parseDate(cell: string, format: DateFormat): string | undefined {
  const spec = DATE_PATTERNS[format];
  const match = spec.pattern.exec(cell.trim());
  if (!match) return undefined;
  const year = Number(match[spec.year]);
  const month = Number(match[spec.month]);
  const day = Number(match[spec.day]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  return `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

/** Number of days in a month of the Gregorian calendar. */
export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** True when the text is a real `YYYY-MM` month. */
export function isPeriod(text: string): boolean {
  const match = /^(\d{4})-(\d{2})$/.exec(text);
  return match !== null && Number(match[2]) >= 1 && Number(match[2]) <= 12;
}
