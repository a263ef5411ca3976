import { type Problem, problem } from "../errors.js";

/** A parsed JSON file that can still say which line holds a path. */
export interface JsonDocument {
  /** Workspace-relative path. */
  file: string;
  text: string;
  value: unknown;
}

/** A JSON path as zod reports it: object keys and array indexes. */
export type JsonPath = readonly PropertyKey[];

/**
 * Parses JSON strictly. A syntax error comes back as a problem with line and column; its
 * message never quotes the file (JSON.parse's does, and a Lambda listing holds secrets).
 */
export function parseJsonDocument(
  text: string,
  file: string,
): { document?: JsonDocument; problems: Problem[] } {
  if (text.trim() === "")
    return {
      problems: [
        problem(
          file,
          1,
          "file is empty",
          "save the AWS CLI's JSON output in it, or delete the file if it was not collected",
        ),
      ],
    };
  try {
    return { document: { file, text, value: JSON.parse(text) }, problems: [] };
  } catch {
    const found = scanJson(text).error ?? { offset: 0, message: "not valid JSON" };
    const { line, column } = lineAndColumn(text, found.offset);
    return {
      problems: [
        problem(
          file,
          line,
          `malformed JSON: ${found.message}`,
          "save the command's output unchanged (`--output json`), or fix the JSON at this line",
          column,
        ),
      ],
    };
  }
}

/** Line and column of the value at `path`, or of its nearest ancestor that exists. */
export function locateJsonPath(
  document: JsonDocument,
  path: JsonPath,
): { line: number; column: number } {
  return lineAndColumn(document.text, scanJson(document.text, path).located ?? 0);
}

/** The value at `path`, or undefined when the path does not exist. */
export function valueAtPath(value: unknown, path: JsonPath): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/** `DistributionList.Items[0].Id`: a path as a person would type it in a JMESPath query. */
export function formatJsonPath(path: JsonPath): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out === "" ? String(key) : `.${String(key)}`;
  }
  return out === "" ? "(top level)" : out;
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf("\n"); i !== -1 && i < offset; i = text.indexOf("\n", i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

const MAX_DEPTH = 512;
const END_OF_FILE = "unexpected end of file (the JSON is cut short)";
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPE = /\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})/y;

class JsonSyntaxError extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A strict recursive-descent pass over JSON text: finds the first syntax error, and the start
 * of the deepest value along `target`. Only run when JSON.parse failed or a problem needs a line.
 */
function scanJson(
  text: string,
  target: JsonPath = [],
): { error?: { offset: number; message: string }; located?: number } {
  let i = 0;
  let located: number | undefined;
  let locatedDepth = -1;

  const fail = (message: string, at = i): never => {
    // Whatever was expected next, a file that stops early is best described as cut short.
    if (at >= text.length) throw new JsonSyntaxError(at, END_OF_FILE);
    throw new JsonSyntaxError(at, message);
  };
  const skipSpace = () => {
    while (i < text.length && " \t\n\r".includes(text[i] as string)) i++;
  };
  const unexpected = (): never => {
    const c = text[i] as string;
    // Punctuation is safe to show; anything else could be the start of a secret value.
    return fail("{}[],:\"'".includes(c) ? `unexpected "${c}"` : "unexpected character");
  };

  // `depth` counts path elements matched so far, or -1 once the path left the target.
  const value = (depth: number, nesting: number): void => {
    if (nesting > MAX_DEPTH) fail("nested too deeply");
    skipSpace();
    if (depth > locatedDepth) {
      located = i;
      locatedDepth = depth;
    }
    const c = text[i];
    if (c === "{") object(depth, nesting);
    else if (c === "[") array(depth, nesting);
    else if (c === '"') string();
    else if (c === "t" || c === "f" || c === "n") literal();
    else if (c === "-" || (c !== undefined && c >= "0" && c <= "9")) number();
    else unexpected();
  };
  const child = (depth: number, key: PropertyKey) =>
    depth >= 0 && depth < target.length && String(target[depth]) === String(key) ? depth + 1 : -1;

  const object = (depth: number, nesting: number) => {
    i++;
    skipSpace();
    if (text[i] === "}") {
      i++;
      return;
    }
    for (;;) {
      skipSpace();
      if (text[i] !== '"')
        fail(text[i] === "}" ? "trailing comma before }" : "expected a property name in quotes");
      const start = i;
      string();
      const key = JSON.parse(text.slice(start, i)) as string;
      skipSpace();
      if (text[i] !== ":") fail('expected ":" after the property name');
      i++;
      value(child(depth, key), nesting + 1);
      skipSpace();
      if (text[i] === ",") i++;
      else if (text[i] === "}") {
        i++;
        return;
      } else fail('expected "," or "}" after a property value');
    }
  };
  const array = (depth: number, nesting: number) => {
    i++;
    skipSpace();
    if (text[i] === "]") {
      i++;
      return;
    }
    for (let index = 0; ; index++) {
      skipSpace();
      if (text[i] === "]") fail("trailing comma before ]");
      value(child(depth, index), nesting + 1);
      skipSpace();
      if (text[i] === ",") i++;
      else if (text[i] === "]") {
        i++;
        return;
      } else fail('expected "," or "]" after an array element');
    }
  };
  const string = () => {
    const open = i;
    i++;
    for (;;) {
      if (i >= text.length) fail("a string is never closed", open);
      const code = text.charCodeAt(i);
      if (code === 0x22) {
        i++;
        return;
      }
      if (code < 0x20) fail("control character (such as a raw line break) inside a string");
      if (code === 0x5c) {
        ESCAPE.lastIndex = i;
        if (!ESCAPE.test(text)) fail("invalid escape sequence in a string");
        i = ESCAPE.lastIndex;
      } else i++;
    }
  };
  const literal = () => {
    for (const word of ["true", "false", "null"]) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return;
      }
    }
    unexpected();
  };
  const number = () => {
    NUMBER.lastIndex = i;
    if (!NUMBER.test(text)) fail("invalid number");
    i = NUMBER.lastIndex;
  };

  try {
    value(0, 0);
    skipSpace();
    if (i < text.length) fail("unexpected content after the end of the JSON value");
    return located !== undefined ? { located } : {};
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error;
    return { error: { offset: error.offset, message: error.message }, located: located ?? 0 };
  }
}
