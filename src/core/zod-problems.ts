import type { z } from "zod";
import type { Problem } from "./errors.js";
import { type LocatedYaml, locate } from "./yaml-document.js";

/** Turns a zod issue on a YAML document into a located problem with a hint. */
export function zodIssueToProblem(
  issue: z.core.$ZodIssue,
  yaml: LocatedYaml,
  schemaHint = "see docs/workspace.md for the allowed form",
  prefix = "",
): Problem {
  const path = issue.path as PropertyKey[];
  const key = path.length > 0 ? path.join(".") : "(top level)";
  return {
    file: yaml.file,
    ...locate(yaml, path),
    message: `${prefix}${key}: ${describeIssue(issue)}`,
    hint: hintFor(issue, schemaHint),
    severity: "error",
  };
}

function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "unrecognized_keys":
      return `unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")}`;
    case "invalid_type":
      return issue.input === undefined
        ? `missing required value (${issue.expected})`
        : `expected ${issue.expected}, got ${JSON.stringify(issue.input)}`;
    case "invalid_value": {
      const allowed = issue.values.map((v) => JSON.stringify(v)).join(", ");
      return issue.input === undefined
        ? `missing required value (one of ${allowed})`
        : `${JSON.stringify(issue.input)} must be one of ${allowed}`;
    }
    case "invalid_union": {
      const union = issue as typeof issue & { discriminator?: string; options?: unknown[] };
      if (union.discriminator !== undefined && union.options !== undefined) {
        const value = (issue.input as Record<string, unknown> | undefined)?.[union.discriminator];
        const allowed = union.options.map((v) => JSON.stringify(v)).join(", ");
        return value === undefined
          ? `missing required value (one of ${allowed})`
          : `${JSON.stringify(value)} must be one of ${allowed}`;
      }
      if (issue.input === undefined) return "missing required value";
      // Each branch's first objection, so the reader sees what the forms are.
      const branches = (issue.errors ?? [])
        .map((branch) => branch[0]?.message)
        .filter((message): message is string => message !== undefined);
      const forms = [...new Set(branches)].join("; or ");
      return `${JSON.stringify(issue.input)} does not match any allowed form${forms !== "" ? ` (${forms})` : ""}`;
    }
    default:
      return issue.message;
  }
}

function hintFor(issue: z.core.$ZodIssue, schemaHint: string): string {
  switch (issue.code) {
    case "unrecognized_keys":
      return `check the spelling or remove the key; ${schemaHint}`;
    case "invalid_type":
      return issue.input === undefined
        ? "add the missing key"
        : `write a value of type ${issue.expected}`;
    case "invalid_value":
      return "pick one of the listed values";
    case "invalid_union": {
      const union = issue as typeof issue & { discriminator?: string };
      if (union.discriminator !== undefined) return "pick one of the listed values";
      return issue.input === undefined ? `add the missing key; ${schemaHint}` : schemaHint;
    }
    default:
      return schemaHint;
  }
}
