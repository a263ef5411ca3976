import { valueAtPath } from "../../../core/cloud/json-document.js";

/** A response body as the AWS CLI prints it. */
export type JsonBody = Record<string, unknown>;

/** Where a paginated operation keeps its next-page token and the lists each page adds to. */
export interface Paging {
  token: readonly string[];
  items: readonly (readonly string[])[];
}

// Far beyond any account's size: only a service that keeps answering the same token gets here.
const MAX_PAGES = 10_000;

/** An SDK response without `$metadata` (request id, attempts), which the CLI never prints. */
export function cliBody(output: object): JsonBody {
  const { $metadata: _metadata, ...body } = output as JsonBody;
  return body;
}

/**
 * Asks for every page and merges them as the AWS CLI's auto-pagination does: each list of
 * `items` holds every page's entries in order, other fields are the first page's, and the
 * next-page token is gone. `ask` gets undefined for the first page, then each token in turn.
 */
export async function allPages(
  ask: (token: string | undefined) => Promise<object>,
  paging: Paging,
): Promise<JsonBody> {
  const merged = cliBody(await ask(undefined));
  const seen = new Set<string>();
  for (let token = tokenAt(merged, paging.token); token !== undefined; ) {
    if (seen.has(token) || seen.size >= MAX_PAGES)
      throw Object.assign(new Error("the service kept answering with the same page token"), {
        name: "RepeatedPageToken",
      });
    seen.add(token);
    const page = cliBody(await ask(token));
    for (const path of paging.items) append(merged, path, valueAtPath(page, path));
    token = tokenAt(page, paging.token);
  }
  const parent = valueAtPath(merged, paging.token.slice(0, -1));
  if (isObject(parent)) delete parent[paging.token.at(-1) as string];
  return merged;
}

/** A non-empty token (the Tagging API ends with `""`), else undefined. */
function tokenAt(body: JsonBody, path: readonly string[]): string | undefined {
  const token = valueAtPath(body, path);
  return typeof token === "string" && token !== "" ? token : undefined;
}

function append(body: JsonBody, path: readonly string[], more: unknown): void {
  if (!Array.isArray(more) || more.length === 0) return;
  let parent: JsonBody = body;
  for (const key of path.slice(0, -1)) {
    const next = parent[key];
    if (!isObject(next)) parent[key] = {};
    parent = parent[key] as JsonBody;
  }
  const key = path.at(-1) as string;
  const list = parent[key];
  parent[key] = Array.isArray(list) ? [...list, ...more] : [...more];
}

function isObject(value: unknown): value is JsonBody {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
