import type { RepoEnvFile, RepoSecret } from "../model/index.js";
import { HIGH_ENTROPY_RULE } from "../validate/secret-patterns.js";
import { isEnvFile } from "./env-files.js";
import type { BlobHit, BlobOccurrence } from "./scan-cache.js";

// Turns what the history scan saw (which blob first appeared at which path in which commit, and
// the hits of each blob) into findings: one per secret per path, attributed to the oldest commit
// that added it, and marked when the current tree still holds it.

// Lock files, minified bundles and source maps are machine-made: integrity hashes and mangled
// code look like random tokens, so only vendor-format and context rules count there (a URL
// with a password in a lock file's registry address is still a finding).
const GENERATED =
  /(?:^|\/)(?:package-lock\.json|npm-shrinkwrap\.json|yarn\.lock|pnpm-lock\.yaml|Gemfile\.lock|composer\.lock|poetry\.lock|Pipfile\.lock|Cargo\.lock|go\.sum)$|\.min\.(?:js|css)$|\.map$/;

/** The hits of a blob that count at `path` (generic high-entropy hits do not in generated files). */
export function hitsAt(path: string, hits: readonly BlobHit[]): BlobHit[] {
  return GENERATED.test(path) ? hits.filter((hit) => hit.ruleId !== HIGH_ENTROPY_RULE) : [...hits];
}

/**
 * One finding per secret (by fingerprint) per path, from occurrences ordered oldest first;
 * `head` maps each path of the current tree to its blob id.
 */
export function collectRepoSecrets(
  occurrences: readonly BlobOccurrence[],
  hits: Readonly<Record<string, readonly BlobHit[]>>,
  head: ReadonlyMap<string, string>,
): RepoSecret[] {
  const inHead = new Set<string>();
  for (const [path, blob] of head) {
    for (const hit of hitsAt(path, hits[blob] ?? [])) inHead.add(findingKey(path, hit));
  }
  const findings = new Map<string, RepoSecret>();
  for (const occurrence of occurrences) {
    for (const hit of hitsAt(occurrence.path, hits[occurrence.blob] ?? [])) {
      const key = findingKey(occurrence.path, hit);
      if (findings.has(key)) continue;
      findings.set(key, {
        kind: hit.kind,
        ruleId: hit.ruleId,
        commit: occurrence.commit,
        commitDate: occurrence.commitDate,
        path: occurrence.path,
        line: hit.line,
        fingerprint: hit.fingerprint,
        inHead: inHead.has(key),
      });
    }
  }
  return [...findings.values()].sort(
    (a, b) => compare(a.path, b.path) || (a.line ?? 0) - (b.line ?? 0),
  );
}

/** Committed `.env`-style files, each with the oldest commit that added it. */
export function collectEnvFiles(
  occurrences: readonly BlobOccurrence[],
  head: ReadonlyMap<string, string>,
): RepoEnvFile[] {
  const files = new Map<string, RepoEnvFile>();
  for (const { path, commit, commitDate } of occurrences) {
    if (!files.has(path) && isEnvFile(path))
      files.set(path, { path, commit, commitDate, inHead: head.has(path) });
  }
  return [...files.values()].sort((a, b) => compare(a.path, b.path));
}

const findingKey = (path: string, hit: BlobHit) => `${path}\u0000${hit.fingerprint}`;
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
