import {
  type Document,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseDocument,
  visit,
} from "yaml";
import { type Problem, problem } from "./errors.js";

/** A parsed YAML file that can still answer "which line holds this path?". */
export interface LocatedYaml {
  file: string;
  document: Document.Parsed;
  lineCounter: LineCounter;
}

/** Parses YAML text; syntax errors come back as problems with line and column. */
export function parseLocatedYaml(
  text: string,
  file: string,
): { yaml: LocatedYaml; problems: Problem[] } {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const problems: Problem[] = [];
  for (const error of document.errors) {
    const pos = lineCounter.linePos(error.pos[0]);
    problems.push(
      problem(
        file,
        pos.line,
        `YAML syntax: ${firstLine(error.message)}`,
        error.code === "DUPLICATE_KEY"
          ? "remove or rename the repeated key"
          : "check indentation, quoting and colons on this line",
        pos.col,
      ),
    );
  }
  return { yaml: { file, document, lineCounter }, problems };
}

/** Line and column of the node at `path`, or of its nearest existing ancestor. */
export function locate(
  yaml: LocatedYaml,
  path: readonly PropertyKey[],
): { line?: number; column?: number } {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = yaml.document.getIn(path.slice(0, depth) as unknown[], true) as Node | undefined;
    const offset = node?.range?.[0];
    if (offset !== undefined) {
      const pos = yaml.lineCounter.linePos(offset);
      return { line: pos.line, column: pos.col };
    }
  }
  return {};
}

/** 1-based line of the node at `path` (or its nearest ancestor). */
export function lineOf(yaml: LocatedYaml, path: readonly PropertyKey[]): number | undefined {
  return locate(yaml, path).line;
}

const VARIABLE = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/**
 * Replaces `${VAR}` in every string scalar with its value from `env`, in place.
 * Each unset variable is a problem naming the key that uses it.
 */
export function interpolateVariables(
  yaml: LocatedYaml,
  env: Readonly<Record<string, string | undefined>>,
): Problem[] {
  const problems: Problem[] = [];
  visit(yaml.document, {
    Scalar(_key, node, ancestry) {
      if (typeof node.value !== "string" || !node.value.includes("${")) return;
      node.value = node.value.replace(VARIABLE, (whole, name: string) => {
        const value = env[name];
        if (value !== undefined) return value;
        const pos = yaml.lineCounter.linePos(node.range?.[0] ?? 0);
        problems.push(
          problem(
            yaml.file,
            pos.line,
            `environment variable ${name} is not set (used by "${keyPath(ancestry, node)}")`,
            `set ${name} in the environment or in the workspace .env file`,
            pos.col,
          ),
        );
        return whole;
      });
    },
  });
  return problems;
}

/** Dotted key path of a node from the visitor's ancestry, e.g. `tenants.0.transport.password`. */
function keyPath(ancestry: readonly unknown[], node: unknown): string {
  const parts: string[] = [];
  ancestry.forEach((item, i) => {
    if (isSeq(item)) parts.push(String(item.items.indexOf(ancestry[i + 1] ?? node)));
    else if (isPair(item))
      parts.push(isScalar(item.key) ? String(item.key.value) : String(item.key));
  });
  return parts.join(".") || "(root)";
}

function firstLine(message: string): string {
  return message.split("\n")[0] ?? message;
}

/** An error-severity problem located at the node for `path`. */
export function problemAt(
  yaml: LocatedYaml,
  path: readonly PropertyKey[],
  message: string,
  hint: string,
): Problem {
  return { file: yaml.file, ...locate(yaml, path), message, hint, severity: "error" };
}
