import type { z } from "zod";
import { type Problem, problem, warning } from "../errors.js";
import {
  formatJsonPath,
  type JsonDocument,
  type JsonPath,
  locateJsonPath,
  valueAtPath,
} from "./json-document.js";

/** A parsed value plus the problems met reading it. */
export interface Parsed<T> {
  value: T;
  problems: Problem[];
}

const MAX_SHAPE_PROBLEMS = 5;

/** The hint on every shape problem: which command writes this file. */
export function commandHint(command: string): string {
  return `this file should be the output of \`${command}\``;
}

/**
 * Checks a document against the part of a CLI response we read. Problems name the JSON path,
 * its line and the command that writes the file; they never quote a value from the file.
 */
export function readShape<S extends z.ZodType>(
  document: JsonDocument,
  schema: S,
  command: string,
): { value?: z.output<S>; problems: Problem[] } {
  const parsed = schema.safeParse(document.value);
  if (parsed.success) return { value: parsed.data, problems: [] };
  const issues = parsed.error.issues;
  const problems = issues.slice(0, MAX_SHAPE_PROBLEMS).map((issue) => {
    const path = issue.path as PropertyKey[];
    return problemAtPath(
      document,
      path,
      `unexpected shape at ${formatJsonPath(path)}: ${describe(issue, document)}`,
      commandHint(command),
    );
  });
  if (issues.length > MAX_SHAPE_PROBLEMS)
    problems.push(
      problem(
        document.file,
        undefined,
        `${issues.length - MAX_SHAPE_PROBLEMS} more shape problems in this file`,
        commandHint(command),
      ),
    );
  return { problems };
}

/** An error located at the value for `path` (or its nearest ancestor). */
export function problemAtPath(
  document: JsonDocument,
  path: JsonPath,
  message: string,
  hint: string,
): Problem {
  const { line, column } = locateJsonPath(document, path);
  return problem(document.file, line, message, hint, column);
}

/** A warning located at the line of the value for `path`. */
export function warningAtPath(
  document: JsonDocument,
  path: JsonPath,
  message: string,
  hint: string,
): Problem {
  return warning(document.file, locateJsonPath(document, path).line, message, hint);
}

function describe(issue: z.core.$ZodIssue, document: JsonDocument): string {
  switch (issue.code) {
    case "invalid_type": {
      // The kind of what was found, never the value itself.
      const found = kindOf(valueAtPath(document.value, issue.path as PropertyKey[]));
      return found === "missing"
        ? `missing (expected ${issue.expected})`
        : `expected ${issue.expected}, found ${found}`;
    }
    case "invalid_value":
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
    default:
      return issue.message;
  }
}

function kindOf(value: unknown): string {
  if (value === undefined) return "missing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}
