import { escapeHtml } from "../render/escape.js";
import { dedupeMatches, findSecrets, maskSecret } from "./secret-patterns.js";
import type { SecretHit } from "./types.js";

/** The text that stands in for a credential: its kind and masked fingerprint, never its value. */
export function redaction(hit: Pick<SecretHit, "kind" | "fingerprint">): string {
  return `[redacted: ${hit.kind} ${hit.fingerprint}]`;
}

/**
 * Replaces every occurrence of each hit's value with `[redacted: {kind} {fingerprint}]`, longest
 * values first so a secret inside a longer one (a password inside its URL) cannot leave a
 * remainder. The value's JSON-escaped and HTML-escaped spellings are replaced too: a secret found
 * in one rendition may be printed in another.
 */
export function redactSecrets(text: string, hits: readonly SecretHit[]): string {
  const replacements = new Map<string, string>();
  for (const hit of hits) {
    if (hit.value === "") continue;
    const stand = redaction(hit);
    for (const spelling of spellings(hit.value))
      if (!replacements.has(spelling)) replacements.set(spelling, stand);
  }
  const ordered = [...replacements].sort(([a], [b]) => b.length - a.length);
  let out = text;
  for (const [value, stand] of ordered) if (out.includes(value)) out = out.split(value).join(stand);
  return out;
}

/** The ways a value is spelled in the outputs: as is, inside a JSON string, inside HTML. */
function spellings(value: string): string[] {
  return [...new Set([value, JSON.stringify(value).slice(1, -1), escapeHtml(value)])];
}

/**
 * For text the gate never saw (log lines): the known hits are redacted as above, then whatever
 * our own detectors find is replaced by `[redacted: {kind} {mask}]`.
 */
export function maskSecrets(text: string, hits: readonly SecretHit[]): string {
  const known = redactSecrets(text, hits);
  const found = dedupeMatches(findSecrets(known));
  let out = "";
  let at = 0;
  for (const match of found) {
    out += `${known.slice(at, match.start)}[redacted: ${match.kind} ${maskSecret(known.slice(match.start, match.end))}]`;
    at = match.end;
  }
  return out + known.slice(at);
}
