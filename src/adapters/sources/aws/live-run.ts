import { type JsonDocument, parseJsonDocument } from "../../../core/cloud/json-document.js";
import { type Problem, warning } from "../../../core/errors.js";
import {
  type AwsFailure,
  adviseOnFailure,
  describeAwsError,
  explainFailure,
} from "./aws-errors.js";
import type { JsonBody } from "./cli-pages.js";
import type { LiveCall } from "./live-calls.js";

// Per-bucket and per-table calls in flight at once: enough to be quick, few enough not to be throttled.
const PER_RESOURCE_LIMIT = 8;
// More names than this in one warning are counted, not listed.
const NAMES_SHOWN = 10;

/** What one live read has gathered besides documents: its warnings and what it could not read. */
export interface LiveRun {
  problems: Problem[];
  unreadable: Set<string>;
  /** Adds a warning about the live source. */
  warn(message: string, hint: string): void;
  /** The CLI's JSON for a snapshot file, as a document labelled with the source and the file. */
  document(file: string, body: JsonBody): JsonDocument | undefined;
  /** One whole call: its document, or undefined after one warning (and its file unreadable). */
  call(call: LiveCall, ask: () => Promise<JsonBody>): Promise<JsonDocument | undefined>;
  /** The same, returning the body to combine with another before it becomes a document. */
  body(call: LiveCall, ask: () => Promise<JsonBody>): Promise<JsonBody | undefined>;
  /**
   * One call per resource, a few at a time: documents by name (saved under `folder/NAME.json`)
   * and the names that failed, one warning per error. `quiet` errors fail without a warning.
   */
  perResource(
    names: readonly string[],
    what: { call: LiveCall; folder: string; noun: string; quiet?: string },
    ask: (name: string) => Promise<JsonBody>,
  ): Promise<{ documents: Map<string, JsonDocument>; failed: Set<string> }>;
}

/** A live read of the account whose problems point at `folder` (the source's location). */
export function createRun(folder: string): LiveRun {
  const problems: Problem[] = [];
  const unreadable = new Set<string>();
  const run: LiveRun = {
    problems,
    unreadable,
    warn(message, hint) {
      problems.push(warning(folder, undefined, message, hint));
    },
    document(file, body) {
      const parsed = parseJsonDocument(JSON.stringify(body, null, 2), `${folder}/${file}`);
      problems.push(...parsed.problems);
      return parsed.document;
    },
    async body(call, ask) {
      const result = await attempt(ask);
      if ("value" in result) return result.value;
      if (call.file !== undefined) unreadable.add(call.file);
      run.warn(
        `${call.operation} failed (${failureText(result.failure)}); ${call.lost}`,
        adviseOnFailure(result.failure, call.action),
      );
      return undefined;
    },
    async call(call, ask) {
      const body = await run.body(call, ask);
      return body !== undefined && call.file !== undefined
        ? run.document(call.file, body)
        : undefined;
    },
    async perResource(names, what, ask) {
      const documents = new Map<string, JsonDocument>();
      const failedNames = new Set<string>();
      const byError = new Map<string, { failure: AwsFailure; names: string[] }>();
      await eachLimited(names, PER_RESOURCE_LIMIT, async (name) => {
        const result = await attempt(() => ask(name));
        if ("value" in result) {
          const document = run.document(`${what.folder}/${name}.json`, result.value);
          if (document !== undefined) documents.set(name, document);
          return;
        }
        failedNames.add(name);
        unreadable.add(`${what.folder}/${name}.json`);
        if (result.failure.name === what.quiet) return;
        const group = byError.get(result.failure.name) ?? { failure: result.failure, names: [] };
        group.names.push(name);
        byError.set(result.failure.name, group);
      });
      // Sorted: calls finish in any order, the warnings must not.
      const groups = [...byError.values()].sort((a, b) =>
        a.failure.name.localeCompare(b.failure.name),
      );
      for (const { failure, names: failing } of groups) {
        failing.sort();
        const count = failing.length === 1 ? what.noun : `${failing.length} ${what.noun}s`;
        run.warn(
          `${what.call.operation} failed for ${count} ${listNames(failing)} (${failureText(failure)}); ${what.call.lost}`,
          adviseOnFailure(failure, what.call.action),
        );
      }
      return { documents, failed: failedNames };
    },
  };
  return run;
}

/** The call's value, or its failure reduced to what may be shown. */
export async function attempt<T>(
  ask: () => Promise<T>,
): Promise<{ value: T } | { failure: AwsFailure }> {
  try {
    return { value: await ask() };
  } catch (error) {
    return { failure: describeAwsError(error) };
  }
}

/** "AccessDenied: access denied": the error's name and what it means. */
export const failureText = (failure: AwsFailure) => `${failure.name}: ${explainFailure(failure)}`;

function listNames(names: readonly string[]): string {
  const shown = names.slice(0, NAMES_SHOWN).join(", ");
  return names.length > NAMES_SHOWN ? `${shown} and ${names.length - NAMES_SHOWN} more` : shown;
}

async function eachLimited<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
