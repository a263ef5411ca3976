import { readdir, readFile } from "node:fs/promises";
import path from "node:path";

// Reading a run's audit log the way CloudWatch Logs does: each line is one log event that must
// parse as a JSON object on its own, and a Logs Insights query reads its fields by name.

/** One parsed log event. */
export type LogLine = Record<string, unknown>;

/** A log file's lines, raw and parsed. */
export interface LogFile {
  raw: string[];
  lines: LogLine[];
}

/**
 * Splits JSON-lines text into events; every line must end with a newline and parse as a JSON
 * object by itself (a line that does not says which one).
 */
export function parseLogLines(text: string): LogFile {
  if (text !== "" && !text.endsWith("\n")) throw new Error("the last log line has no newline");
  const raw = text === "" ? [] : text.slice(0, -1).split("\n");
  const lines = raw.map((line, i) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch (error) {
      throw new Error(`log line ${i + 1} is not JSON (${String(error)}): ${line.slice(0, 200)}`);
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
      throw new Error(`log line ${i + 1} is not a JSON object: ${line.slice(0, 200)}`);
    return parsed as LogLine;
  });
  return { raw, lines };
}

/** Reads and parses a JSON-lines log file. */
export async function readLogFile(file: string): Promise<LogFile> {
  return parseLogLines(await readFile(file, "utf8"));
}

/** Every file under `dir`, relative to it and sorted; none when the folder does not exist. */
export async function filesUnder(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { recursive: true, withFileTypes: true });
    return entries
      .filter((e) => e.isFile())
      .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
      .sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
}

type Condition = (line: LogLine) => boolean;

const EQUALS = /^([A-Za-z_][\w]*)\s*=\s*(?:"([^"]*)"|(-?\d+(?:\.\d+)?))$/;
const PRESENT = /^ispresent\(([A-Za-z_][\w]*)\)$/;
const STATS = /^stats count\(\)(?:\s+by\s+(.+))?$/;

function condition(text: string): Condition {
  const equals = EQUALS.exec(text);
  if (equals !== null) {
    const [, field = "", quoted, number] = equals;
    const value = quoted ?? Number(number);
    return (line) => line[field] === value;
  }
  const present = PRESENT.exec(text);
  if (present !== null) {
    const field = present[1] ?? "";
    return (line) => line[field] !== undefined && line[field] !== null;
  }
  throw new Error(`unsupported filter condition: ${text}`);
}

/**
 * A small subset of CloudWatch Logs Insights over parsed lines: `filter` with `field = "text"`,
 * `field = 12` and `ispresent(field)` joined by `and`, then `stats count() [by f1, f2]`. Fields
 * are read as top-level keys only, so a query that works here needs no parsing of nested values.
 * Rows come back sorted by their group values.
 */
export function logsInsights(lines: readonly LogLine[], query: string): LogLine[] {
  let events = [...lines];
  for (const command of query.split("|").map((c) => c.trim())) {
    if (command.startsWith("filter ")) {
      const conditions = command
        .slice("filter ".length)
        .split(/\s+and\s+/)
        .map((c) => condition(c.trim()));
      events = events.filter((line) => conditions.every((test) => test(line)));
      continue;
    }
    const stats = STATS.exec(command);
    if (stats === null) throw new Error(`unsupported query command: ${command}`);
    const by = stats[1]?.split(",").map((f) => f.trim()) ?? [];
    const groups = new Map<string, LogLine>();
    for (const line of events) {
      const values = by.map((field) => line[field] ?? null);
      const key = JSON.stringify(values);
      const row = groups.get(key) ?? {
        ...Object.fromEntries(by.map((field, i) => [field, values[i]])),
        "count()": 0,
      };
      row["count()"] = (row["count()"] as number) + 1;
      groups.set(key, row);
    }
    return [...groups].sort(([a], [b]) => a.localeCompare(b)).map(([, row]) => row);
  }
  throw new Error("the query has no stats command");
}
