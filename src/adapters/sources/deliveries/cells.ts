import { type Problem, problem } from "../../../core/errors.js";
import type { Provenance } from "../../../core/model/index.js";
import { type CsvRow, type RowResult, readCsvTable } from "../csv-table.js";
import { parseDate, parseDecimal, parseMoneyCents } from "../values.js";

// Typed cell readers shared by the four deliveries files. A bad cell throws BadCell, which
// convertRow turns into the row's problem, so each file's converter reads as a list of fields.

/** A cell that cannot be read: what is wrong, what to do, and its column. */
export class BadCell extends Error {
  constructor(
    readonly column: string,
    message: string,
    readonly hint: string,
  ) {
    super(message);
    this.name = "BadCell";
  }
}

/** Runs a row's field readers; a BadCell becomes the row's problem. */
export function convertRow<T>(build: () => T): RowResult<T> {
  try {
    return { record: build() };
  } catch (error) {
    if (error instanceof BadCell)
      return { error: error.message, hint: error.hint, column: error.column };
    throw error;
  }
}

/** Where the deliveries files are read from, for provenance. */
export interface FileRef {
  sourceId: string;
  file: string;
}

/** Provenance of a row; its as-of date is set once the whole folder is read. */
export function rowProvenance(ref: FileRef, row: CsvRow): Provenance {
  return { sourceId: ref.sourceId, file: ref.file, line: row.line, asOf: "" };
}

/**
 * Reads one file of the folder (comma-separated, every bad row an error, as the folder is one
 * export), building each row's record from its cells and provenance.
 */
export function readRows<T>(
  text: string,
  ref: FileRef,
  required: readonly string[],
  build: (cell: Cells, provenance: Provenance) => T,
): { records: T[]; problems: Problem[] } {
  return readCsvTable<T>(
    text,
    { file: ref.file, delimiter: ",", onBadRow: "fail", required },
    (row) => convertRow(() => build(cellsOf(row), rowProvenance(ref, row))),
  );
}

/** Typed readers of one row's cells. */
export type Cells = ReturnType<typeof cellsOf>;

/** Readers of one row's cells by column name; each throws BadCell on a bad value. */
export function cellsOf(row: CsvRow) {
  const raw = (column: string) => row.cell(column).trim();
  return {
    /** Non-empty text. */
    text(column: string, what: string): string {
      const value = raw(column);
      if (value === "") throw new BadCell(column, `${column} is empty`, `write the ${what}`);
      return value;
    },
    /** Text that may be empty. */
    optional(column: string): string {
      return raw(column);
    },
    date(column: string): string {
      const value = parseDate(raw(column), "YYYY-MM-DD");
      if (value === undefined)
        throw new BadCell(
          column,
          `${column} "${raw(column)}" is not a YYYY-MM-DD date`,
          "write dates as YYYY-MM-DD, e.g. 2026-10-31",
        );
      return value;
    },
    /** A non-negative amount in cents; an empty cell is zero when `emptyIsZero`. */
    money(column: string, emptyIsZero = false): number {
      const text = raw(column);
      const value = text === "" && emptyIsZero ? 0 : parseMoneyCents(text);
      if (value === undefined || value < 0)
        throw new BadCell(
          column,
          `${column} "${text}" is not a non-negative amount`,
          "write a plain number such as 1650 or 1650.00",
        );
      return value;
    },
    /** A number above zero (whole when `whole`). */
    positive(column: string, whole = false): number {
      const value = parseDecimal(raw(column));
      if (value === undefined || value <= 0 || (whole && !Number.isInteger(value)))
        throw new BadCell(
          column,
          `${column} "${raw(column)}" is not a ${whole ? "whole number" : "number"} above zero`,
          whole ? "write a whole number such as 3" : "write a number such as 65 or 1.5",
        );
      return value;
    },
    oneOf<T extends string>(column: string, allowed: readonly T[]): T {
      const value = raw(column).toLowerCase();
      if (!(allowed as readonly string[]).includes(value))
        throw new BadCell(
          column,
          `${column} "${raw(column)}" is not one of ${allowed.join(", ")}`,
          "use one of the listed values",
        );
      return value as T;
    },
    yesNo(column: string): boolean {
      const value = raw(column).toLowerCase();
      if (value !== "yes" && value !== "no")
        throw new BadCell(column, `${column} "${raw(column)}" is not yes or no`, "write yes or no");
      return value === "yes";
    },
  };
}

/** A problem for every record whose key an earlier record already used. */
export function repeatedKeys<T extends { provenance: Provenance }>(
  records: readonly T[],
  keyOf: (record: T) => string,
  what: (record: T) => string,
  hint: string,
): Problem[] {
  const first = new Map<string, T>();
  const problems: Problem[] = [];
  for (const record of records) {
    const key = keyOf(record);
    const earlier = first.get(key);
    if (earlier === undefined) first.set(key, record);
    else
      problems.push(
        problem(
          record.provenance.file,
          record.provenance.line,
          `${what(record)} is listed twice (first on line ${earlier.provenance.line})`,
          hint,
        ),
      );
  }
  return problems;
}
