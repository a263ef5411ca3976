import type { Problem } from "../../../core/errors.js";
import type { Provenance } from "../../../core/model/index.js";
import { type CsvRow, type RowResult, readCsvTable } from "../csv-table.js";
import { parseDate, parseDecimal, parseMoneyCents } from "../values.js";

// Cell readers shared by the billing files: each returns the value or the row's problem, so a
// converter can hand a bad cell straight back to readCsvTable.

/** Why a cell cannot be used, in the shape readCsvTable reports. */
export interface CellError {
  error: string;
  hint: string;
  column: string;
}

/** A cell's value, or why it is bad. */
export type Cell<T> = { value: T } | CellError;

/** True when a cell reader refused the cell. */
export function failed<T>(cell: Cell<T>): cell is CellError {
  return "error" in cell;
}

/** The trimmed text of a cell. */
export function text(row: CsvRow, column: string): string {
  return row.cell(column).trim();
}

/** A non-empty cell. */
export function required(row: CsvRow, column: string, what: string, hint: string): Cell<string> {
  const value = text(row, column);
  return value === "" ? { error: `${what} is empty`, hint, column } : { value };
}

/** A `YYYY-MM-DD` date (empty allowed when optional). */
export function dateCell(row: CsvRow, column: string, optional = false): Cell<string | undefined> {
  const raw = text(row, column);
  if (raw === "" && optional) return { value: undefined };
  const value = parseDate(raw, "YYYY-MM-DD");
  return value === undefined
    ? {
        error: `${column} "${raw}" is not a YYYY-MM-DD date`,
        hint: "write dates as YYYY-MM-DD, e.g. 2026-10-31",
        column,
      }
    : { value };
}

/** A money amount in cents (empty allowed when optional); `positive` refuses zero and below. */
export function moneyCell(
  row: CsvRow,
  column: string,
  options: { optional?: boolean; positive?: boolean } = {},
): Cell<number | undefined> {
  const raw = text(row, column);
  if (raw === "" && options.optional === true) return { value: undefined };
  const value = parseMoneyCents(raw);
  if (value === undefined)
    return {
      error: `${column} "${raw}" is not an amount`,
      hint: "write an amount such as 1200.00 or 1,200.00",
      column,
    };
  if (options.positive === true && value <= 0)
    return {
      error: `${column} ${raw} is not above zero`,
      hint: "write the amount as a positive number",
      column,
    };
  return { value };
}

/** Hours worked: above zero, at most 24, to the hundredth. */
export function hoursCell(row: CsvRow, column: string): Cell<number> {
  const raw = text(row, column);
  const value = parseDecimal(raw);
  if (value === undefined || !/^\d+(\.\d{1,2})?$/.test(raw))
    return {
      error: `${column} "${raw}" is not a number of hours`,
      hint: "write hours as a decimal with at most two places, e.g. 1.5 or 0.25",
      column,
    };
  if (value <= 0 || value > 24)
    return {
      error: `${column} ${raw} is outside 0 to 24 hours`,
      hint: "record one day's work per row, above zero",
      column,
    };
  return { value };
}

/** One of a closed set of words (compared lowercased). */
export function choiceCell<T extends string>(
  row: CsvRow,
  column: string,
  choices: readonly T[],
): Cell<T> {
  const raw = text(row, column);
  const value = raw.toLowerCase() as T;
  return choices.includes(value)
    ? { value }
    : {
        error: `${column} "${raw}" is not one of ${choices.join(", ")}`,
        hint: "use one of the listed values",
        column,
      };
}

/** Adds optional properties only when they have a value (exactOptionalPropertyTypes-safe). */
export function withOptional<T extends object>(record: T, optional: Record<string, unknown>): T {
  for (const [key, value] of Object.entries(optional))
    if (value !== undefined && value !== "") (record as Record<string, unknown>)[key] = value;
  return record;
}

/** Where a billing file's records come from. */
export interface BillingFile {
  sourceId: string;
  /** Workspace-relative path. */
  file: string;
}

/** Reads one comma-separated billing file with its required header; a bad row stops the run. */
export function readBillingTable<T>(
  text: string,
  at: BillingFile,
  required: readonly string[],
  convert: (row: CsvRow) => RowResult<T>,
): { records: T[]; problems: Problem[] } {
  return readCsvTable(text, { file: at.file, delimiter: ",", onBadRow: "fail", required }, convert);
}

/** Provenance of a row of a billing file, as of the date it records. */
export function rowProvenance(at: BillingFile, row: CsvRow, asOf: string): Provenance {
  return { sourceId: at.sourceId, file: at.file, line: row.line, asOf };
}

/** The client a row names, by its id in clients.csv. */
export function clientCell(row: CsvRow): Cell<string> {
  return required(row, "client", "client", "name the client by its id in clients.csv");
}
