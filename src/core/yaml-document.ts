import {
  type Document,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseDocument,
  visit,
  type YAMLError,
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
    const pos = lineCounter.linePos(errorOffset(error, text));
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

/**
 * Where to point for a YAML error. The parser reports an unclosed quote at the end of the
 * file; the fault is the opening quote, which is the last unescaped quote of that kind.
 */
function errorOffset(error: YAMLError, text: string): number {
  const quote = /Missing closing (["'])quote/.exec(error.message)?.[1];
  if (quote === undefined) return error.pos[0];
  for (let i = Math.min(error.pos[0], text.length - 1); i >= 0; i--) {
    if (text[i] === quote && text[i - 1] !== "\\") return i;
  }
  return error.pos[0];
}

/**
 * Converts the document to plain values. Aliases whose anchor is missing, and alias bombs,
 * are problems rather than exceptions.
 */
export function toPlainValue(yaml: LocatedYaml): { value: unknown; problems: Problem[] } {
  const problems: Problem[] = [];
  visit(yaml.document, {
    Alias(_key, node) {
      if (node.resolve(yaml.document) === undefined) {
        const pos = yaml.lineCounter.linePos(node.range?.[0] ?? 0);
        problems.push(
          problem(
            yaml.file,
            pos.line,
            `YAML alias *${node.source} has no anchor &${node.source} before it`,
            "define the anchor first, or write the value out",
            pos.col,
          ),
        );
      }
    },
  });
  if (problems.length > 0) return { value: undefined, problems };
  try {
    return { value: yaml.document.toJS({ maxAliasCount: 1000 }), problems };
  } catch (error) {
    return {
      value: undefined,
      problems: [
        problem(
          yaml.file,
          1,
          `YAML cannot be expanded: ${(error as Error).message}`,
          "use fewer nested aliases; write values out instead",
        ),
      ],
    };
  }
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
  // Nothing located (e.g. a document that is only comments): point at the top of the file.
  return { line: 1, column: 1 };
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
