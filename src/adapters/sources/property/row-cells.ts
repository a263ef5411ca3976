import type { CsvRow, RowResult } from "../csv-table.js";
import { parseDate, parseMoneyCents } from "../values.js";

// Typed cell readers for the rental CSV files. A bad cell throws a CellError that `convertRow`
// turns into the row's problem, so each converter reads as a list of fields, not of checks.

/** Why a cell cannot be read: the problem text, what to do, and the column at fault. */
export class CellError extends Error {
  constructor(
    message: string,
    readonly hint: string,
    readonly column: string,
  ) {
    super(message);
  }
}

/** Reads the cells of one row by column name, throwing a CellError on a bad value. */
export class RowCells {
  constructor(private readonly row: CsvRow) {}

  /** The trimmed cell; empty when the column is absent. */
  text(column: string): string {
    return this.row.cell(column).trim();
  }

  /** A cell that must not be empty. */
  required(column: string, hint: string): string {
    const value = this.text(column);
    if (value === "") throw new CellError(`${column} is empty`, hint, column);
    return value;
  }

  /** The cell, or undefined when it is empty. */
  optional(column: string): string | undefined {
    const value = this.text(column);
    return value === "" ? undefined : value;
  }

  /** The cell read as `read` reads it (e.g. `cells.date`), or undefined when it is empty. */
  ifPresent<T>(column: string, read: (this: RowCells, column: string) => T): T | undefined {
    return this.text(column) === "" ? undefined : read.call(this, column);
  }

  /** A `YYYY-MM-DD` date. */
  date(column: string): string {
    const raw = this.text(column);
    const value = parseDate(raw, "YYYY-MM-DD");
    if (value === undefined)
      throw new CellError(
        `${column} "${raw}" is not a YYYY-MM-DD date`,
        "write dates as YYYY-MM-DD, e.g. 2026-10-31",
        column,
      );
    return value;
  }

  /** A non-negative amount of money, in cents. */
  money(column: string): number {
    const raw = this.text(column);
    const value = parseMoneyCents(raw);
    if (value === undefined || value < 0)
      throw new CellError(
        `${column} "${raw}" is not a non-negative amount`,
        "write a plain number such as 2950 or 2950.00",
        column,
      );
    return value;
  }

  /** A whole number of at least zero. */
  count(column: string): number {
    const raw = this.text(column);
    if (!/^\d+$/.test(raw))
      throw new CellError(
        `${column} "${raw}" is not a whole number`,
        "write a whole number such as 3",
        column,
      );
    return Number(raw);
  }

  /** One of a closed set of words (compared in lowercase). */
  oneOf<T extends string>(column: string, allowed: readonly T[]): T {
    const raw = this.text(column);
    const value = raw.toLowerCase() as T;
    if (!allowed.includes(value))
      throw new CellError(
        `${column} "${raw}" is not one of ${allowed.join(", ")}`,
        "use one of the listed values",
        column,
      );
    return value;
  }

  /** A slug such as `water-heater`: lowercase letters, digits and dashes. */
  slug(column: string): string {
    const raw = this.text(column);
    if (!/^[a-z0-9][a-z0-9-]*$/.test(raw))
      throw new CellError(
        `${column} "${raw}" is not a slug`,
        "use lowercase letters, digits and dashes, e.g. water-heater",
        column,
      );
    return raw;
  }

  /** Fails the row when `later` is before `earlier` (both named columns). */
  notBefore(later: string, laterValue: string, earlier: string, earlierValue: string): void {
    if (laterValue < earlierValue)
      throw new CellError(
        `${later} ${laterValue} is before ${earlier} ${earlierValue}`,
        `correct the dates: ${later} cannot come before ${earlier}`,
        later,
      );
  }
}

/** Runs a converter over a row, turning a thrown CellError into the row's problem. */
export function convertRow<T>(row: CsvRow, convert: (cells: RowCells) => T): RowResult<T> {
  try {
    return { record: convert(new RowCells(row)) };
  } catch (error) {
    if (!(error instanceof CellError)) throw error;
    return { error: error.message, hint: error.hint, column: error.column };
  }
}

/** The record with each defined value of `optional` set on it (optional fields stay absent, not undefined). */
export function withDefined<T extends object>(
  record: NoInfer<Omit<T, OptionalKeys<T>>>,
  optional: NoInfer<{ [K in OptionalKeys<T>]?: T[K] | undefined }>,
): T {
  for (const [key, value] of Object.entries(optional))
    if (value !== undefined) (record as Record<string, unknown>)[key] = value;
  return record as T;
}

/** The keys of T whose property is optional. */
type OptionalKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? K : never }[keyof T];
