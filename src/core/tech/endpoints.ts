import type { RepoEndpoint } from "../model/index.js";

// Unauthenticated HTTP endpoints declared in code, where detectable: Apps Script web apps answer
// anyone with the URL through `doGet(e)` / `doPost(e)`, so a handler whose body never looks at a
// token, key, secret, signature or the signed-in user is reported for a person to review. A
// heuristic by design: a check delegated to another function is not seen.

const HANDLER =
  /\bfunction\s+(doGet|doPost)\s*\(|\b(?:const|let|var)\s+(doGet|doPost)\s*=\s*(?:function\b|\()/g;

// Words that show the handler looks at a credential or the caller's identity: whole words in
// any case, then camelCase and CONSTANT_CASE parts (`expectedToken`, `API_KEY`), so `monkey` is
// not a key.
const CREDENTIAL_WORDS =
  /\b(?:token|key|api_?key|secret|password|passwd|signature|hmac|auth|authenticate\w*|authoriz\w*|getActiveUser|getEffectiveUser|getOAuthToken|verify\w*)\b/i;
const CREDENTIAL_PARTS =
  /[a-z0-9](?:Token|Key|Secret|Signature|Password)\b|[A-Z0-9]_?(?:TOKEN|KEY|SECRET|SIGNATURE|PASSWORD)\b/;

const VENDORED = /(?:^|\/)(?:node_modules|vendor|bower_components)\//;

/**
 * The files that may declare Apps Script handlers: every `*.gs`, and `*.js` when the repository
 * is an Apps Script project (it has an `appsscript.json`, as clasp projects do).
 */
export function endpointSources(files: readonly string[]): string[] {
  const appsScript = files.some((path) => path.endsWith("appsscript.json"));
  return files.filter(
    (path) =>
      !VENDORED.test(path) && (path.endsWith(".gs") || (appsScript && path.endsWith(".js"))),
  );
}

/** The `doGet`/`doPost` handlers of one source file whose body checks no credential. */
export function findOpenEndpoints(path: string, text: string): RepoEndpoint[] {
  const endpoints: RepoEndpoint[] = [];
  for (const match of text.matchAll(HANDLER)) {
    const handler = (match[1] ?? match[2]) as string;
    const body = functionBody(text, match.index + match[0].length);
    if (body === undefined || checksCredential(body)) continue;
    endpoints.push({
      path,
      line: lineAt(text, match.index),
      handler,
      note: `needs review: ${handler} answers every HTTP request to the web app and checks no token, key or signed-in user`,
    });
  }
  return endpoints;
}

function checksCredential(code: string): boolean {
  return CREDENTIAL_WORDS.test(code) || CREDENTIAL_PARTS.test(code);
}

/**
 * The code of the function body starting at the first `{` from `from`, comments removed, or
 * undefined when the braces never close. Strings and template literals are kept as code.
 */
function functionBody(text: string, from: number): string | undefined {
  const open = text.indexOf("{", from);
  if (open === -1) return undefined;
  let depth = 0;
  let code = "";
  for (let i = open; i < text.length; i++) {
    const char = text[i] as string;
    const next = text[i + 1];
    if (char === "/" && next === "/") {
      i = lineEnd(text, i) - 1;
      continue;
    }
    if (char === "/" && next === "*") {
      const end = text.indexOf("*/", i + 2);
      i = end === -1 ? text.length : end + 1;
      continue;
    }
    if (char === '"' || char === "'" || char === "`") {
      const end = stringEnd(text, i);
      code += text.slice(i, end + 1);
      i = end;
      continue;
    }
    code += char;
    if (char === "{") depth++;
    else if (char === "}" && --depth === 0) return code;
  }
  return undefined;
}

/** Index of the quote closing the string that opens at `start` (escapes honoured). */
function stringEnd(text: string, start: number): number {
  const quote = text[start];
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === "\\") i++;
    else if (text[i] === quote) return i;
    else if (quote !== "`" && text[i] === "\n") return i;
  }
  return text.length;
}

function lineEnd(text: string, from: number): number {
  const end = text.indexOf("\n", from);
  return end === -1 ? text.length : end;
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf("\n"); i !== -1 && i < offset; i = text.indexOf("\n", i + 1)) line++;
  return line;
}
