import type { DateFormat } from "../../core/config.js";

const DIGIT_0 = 48;
const DIGIT_9 = 57;
const COMMA = 44;
const DOT = 46;

/**
 * Parses a money cell into integer minor units: `-1,234.56`, `(1,234.56)`, `$1,234.56`, `12.5`.
 * Returns undefined for anything else. Integer cents keep sums exact. A single character scan
 * rather than regex + replace, because ledgers run to millions of cells.
 */
export function parseMoneyCents(cell: string): number | undefined {
  let text = cell.trim();
  let negative = false;
  if (text.startsWith("(") && text.endsWith(")")) {
    negative = true;
    text = text.slice(1, -1).trim();
  }
  let i = 0;
  const sign = text.charCodeAt(0);
  if (sign === 45 /* - */ || sign === 43 /* + */) {
    if (sign === 45) negative = !negative;
    i++;
  }
  const symbol = text.charCodeAt(i);
  if (symbol === 36 /* $ */ || symbol === 8364 /* € */ || symbol === 163 /* £ */) {
    i++;
    if (i === 1 && text.charCodeAt(i) === 45) {
      negative = !negative;
      i++;
    }
  }
  let whole = 0;
  let digits = 0;
  let groupDigits = -1; // digits since the last comma, or -1 before any comma
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= DIGIT_0 && c <= DIGIT_9) {
      whole = whole * 10 + (c - DIGIT_0);
      digits++;
      if (groupDigits >= 0) groupDigits++;
    } else if (c === COMMA) {
      if (digits === 0 || (groupDigits === -1 ? digits > 3 : groupDigits !== 3)) return undefined;
      groupDigits = 0;
    } else break;
  }
  if (digits === 0 || (groupDigits !== -1 && groupDigits !== 3)) return undefined;
  let fraction = 0;
  if (i < text.length) {
    if (text.charCodeAt(i) !== DOT) return undefined;
    const decimals = text.length - i - 1;
    if (decimals < 1 || decimals > 2) return undefined;
    for (let k = i + 1; k < text.length; k++) {
      const c = text.charCodeAt(k);
      if (c < DIGIT_0 || c > DIGIT_9) return undefined;
      fraction = fraction * 10 + (c - DIGIT_0);
    }
    if (decimals === 1) fraction *= 10;
  }
  const cents = whole * 100 + fraction;
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
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** True when the text is a real `YYYY-MM` month. */
export function isPeriod(text: string): boolean {
  const match = /^(\d{4})-(\d{2})$/.exec(text);
  return match !== null && Number(match[2]) >= 1 && Number(match[2]) <= 12;
}
