import { CsvError, parse } from "csv-parse/sync";
import { type Problem, problem, warning } from "../../core/errors.js";

/** How a CSV file is read and what its header must contain. */
export interface CsvTableOptions {
  file: string;
  delimiter: string;
  onBadRow: "fail" | "skip";
  /** Header names that must be present, mapped to the field name used in messages. */
  required: readonly string[];
  optional?: readonly string[];
}

/** A data row: cells by header name and the 1-based line it started on. */
export interface CsvRow {
  cell: (header: string) => string;
  line: number;
}

/** What a row converter returns: the record, or why the row is bad. */
export type RowResult<T> = { record: T } | { error: string; hint: string; column?: string };

/**
 * Reads a CSV with a header row and converts each data row. Bad rows become problems
 * (errors with `onBadRow: fail`, warnings when skipped); structural faults stop the file.
 */
export function readCsvTable<T>(
  text: string,
  options: CsvTableOptions,
  convert: (row: CsvRow) => RowResult<T>,
): { records: T[]; problems: Problem[] } {
  const { file } = options;
  if (text.trim() === "") {
    return {
      records: [],
      problems: [
        problem(file, 1, "file is empty", `add a header row: ${options.required.join(",")}`),
      ],
    };
  }
  const records: T[] = [];
  const problems: Problem[] = [];
  let index: Map<string, number> | undefined;
  let headerProblem = false;
  const badRow = options.onBadRow === "skip" ? warning : problem;
  try {
    parse(text, {
      delimiter: options.delimiter,
      relax_column_count: true,
      skip_empty_lines: true,
      trim: false,
      on_record: (fields: string[], context) => {
        const line = context.lines - countNewlines(fields);
        if (index === undefined) {
          index = new Map(fields.map((name, i) => [name.trim(), i]));
          const missing = options.required.filter((name) => !index?.has(name));
          if (missing.length > 0) {
            headerProblem = true;
            problems.push(
              problem(
                file,
                line,
                `header is missing column${missing.length > 1 ? "s" : ""} ${missing.map((m) => `"${m}"`).join(", ")}`,
                `the header row has: ${fields.join(", ")}; rename the columns or fix the source's column mapping`,
              ),
            );
          }
          return null;
        }
        if (headerProblem) return null;
        if (fields.length !== index.size) {
          problems.push(
            badRow(
              file,
              line,
              `row has ${fields.length} fields, the header has ${index.size}`,
              "check for an unquoted delimiter inside a value, or a missing value",
            ),
          );
          return null;
        }
        const columns = index;
        const result = convert({ cell: (name) => fields[columns.get(name) ?? -1] ?? "", line });
        if ("record" in result) records.push(result.record);
        else {
          const column =
            result.column !== undefined ? (columns.get(result.column) ?? -1) + 1 : undefined;
          const p = badRow(file, line, result.error, result.hint);
          problems.push(column !== undefined && column > 0 ? { ...p, column } : p);
        }
        return null;
      },
    });
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    const line = (error as CsvError & { lines?: number }).lines;
    problems.push(
      problem(
        file,
        line,
        `CSV structure: ${error.message.replace(/^Invalid (Record|Opening|Closing) /, "")}`,
        'close every quoted value with a matching double quote and escape inner quotes as ""',
      ),
    );
  }
  if (index === undefined && problems.length === 0) {
    problems.push(
      problem(file, 1, "file has no header row", `add a header row: ${options.required.join(",")}`),
    );
  }
  return { records, problems };
}

/** Newlines inside quoted fields push context.lines past the row's first line. */
function countNewlines(fields: readonly string[]): number {
  let count = 0;
  for (const field of fields) {
    if (field.includes("\n")) count += field.split("\n").length - 1;
  }
  return count;
}
