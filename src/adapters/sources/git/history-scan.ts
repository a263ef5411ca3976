import type { RepoEnvFile, RepoSecret } from "../../../core/model/index.js";
import { isEnvFile } from "../../../core/tech/env-files.js";
import { collectEnvFiles, collectRepoSecrets } from "../../../core/tech/repo-secrets.js";
import type {
  BlobHit,
  BlobOccurrence,
  GitScanCache,
  GitScanState,
} from "../../../core/tech/scan-cache.js";
import {
  type ScanItem,
  scanSecrets,
  secretRulesFingerprint,
} from "../../secrets/secret-scanner.js";
import { commitsDroppedSince, objectInfo, readBlobs, refTips, walkHistory } from "./git-cli.js";

// The credential scan of a repository's whole history: every blob any ref reaches is read once
// and scanned with the validation gate's rules (secretlint's recommended preset plus our own
// detectors); each finding is attributed to the oldest commit that wrote it at its path. With a
// cache, a repository scanned before is walked only from its previous ref tips, and only blobs
// never scanned are read.

/** Bump when the rules or what a state holds change: older states are then not reused. */
const SCAN_VERSION = 1;
/** Texts handed to the scanner at once: enough to keep it busy, few enough to stream. */
const SCAN_BATCH = 128;
/** Git's own test for binary content: a NUL byte in the first 8,000 bytes. */
const BINARY_PROBE = 8000;

/** Counts of one scan. */
export interface BlobScanCounts {
  /** Blobs read and scanned as text. */
  read: number;
  skipped: { binary: number; large: number };
}

/** Reads blobs from a repository and scans their text for credentials. */
export interface BlobScanner {
  maxBytes: number;
  /** Identifies the rules and limits, so a cached scan made under others is not reused. */
  rules: string;
  /** Scans each blob (by id; the path names it in debug lines); returns hits of blobs that have any. */
  scan(
    dir: string,
    blobs: ReadonlyMap<string, string>,
  ): Promise<BlobScanCounts & { hits: Record<string, BlobHit[]>; done: Set<string> }>;
}

/** The text of each blob no larger than `maxBytes` and not binary, with the reasons others were skipped. */
export async function* readTextBlobs(
  dir: string,
  oids: readonly string[],
  maxBytes: number,
  skip: (oid: string, reason: "binary" | "large") => void = () => {},
): AsyncGenerator<{ oid: string; text: string }> {
  const small: string[] = [];
  for (const info of await objectInfo(dir, oids)) {
    if (info.type !== "blob") continue;
    if (info.size > maxBytes) skip(info.oid, "large");
    else small.push(info.oid);
  }
  for await (const blob of readBlobs(dir, small)) {
    if (blob.content.subarray(0, BINARY_PROBE).includes(0)) skip(blob.oid, "binary");
    else yield { oid: blob.oid, text: blob.content.toString("utf8") };
  }
}

/** A scanner that skips blobs over `maxBytes` and binary blobs, saying so through `debug`. */
export function createBlobScanner(maxBytes: number, debug?: (line: string) => void): BlobScanner {
  return {
    maxBytes,
    rules: `exec-intel git scan v${SCAN_VERSION}, ${secretRulesFingerprint()}, blobs up to ${maxBytes} bytes`,
    async scan(dir, blobs) {
      const hits: Record<string, BlobHit[]> = {};
      const done = new Set<string>();
      const counts: BlobScanCounts = { read: 0, skipped: { binary: 0, large: 0 } };
      let batch: ScanItem[] = [];
      const flush = async () => {
        for (const hit of await scanSecrets(batch)) {
          // The value stays here: a hit leaves with its masked fingerprint only.
          const { ruleId, kind, line, fingerprint } = hit;
          hits[hit.output] = [...(hits[hit.output] ?? []), { ruleId, kind, line, fingerprint }];
        }
        batch = [];
      };
      const skip = (oid: string, reason: "binary" | "large") => {
        done.add(oid);
        counts.skipped[reason]++;
        debug?.(
          `${dir}: ${blobs.get(oid)} (blob ${oid.slice(0, 12)}) not scanned: ${reason === "large" ? `larger than ${maxBytes} bytes` : "binary"}`,
        );
      };
      for await (const blob of readTextBlobs(dir, [...blobs.keys()], maxBytes, skip)) {
        done.add(blob.oid);
        counts.read++;
        batch.push({ report: blobs.get(blob.oid) ?? "", output: blob.oid, text: blob.text });
        if (batch.length >= SCAN_BATCH) await flush();
      }
      await flush();
      return { ...counts, hits, done };
    },
  };
}

/** What one repository's credential scan did, for logs and for tests of the cache. */
export interface ScanStats {
  /** `full`: whole history; `incremental`: only commits new since the cached scan; `head`. */
  mode: "full" | "incremental" | "head";
  commitsWalked: number;
  /** Blobs read from git and scanned in this run. */
  blobsRead: number;
  /** Blobs the walk met that the cache had already scanned. */
  blobsReused: number;
  skipped: { binary: number; large: number; submodules: number };
}

/** Findings and counts of a credential scan. */
export interface RepoScan {
  secrets: RepoSecret[];
  envFiles: RepoEnvFile[];
  stats: ScanStats;
}

/**
 * Scans every blob reachable from any ref. With a cached state whose commits are all still
 * reachable, only commits new since then are walked; after a history rewrite the whole history
 * is walked again, but blobs scanned before are still not re-read.
 */
export async function scanHistory(
  dir: string,
  headBlobs: ReadonlyMap<string, string>,
  scanner: BlobScanner,
  cache?: GitScanCache,
): Promise<RepoScan> {
  const cached = await cache?.get(dir);
  const state = cached?.rules === scanner.rules ? cached : undefined;
  const tips = await refTips(dir);
  const incremental =
    state !== undefined && (await commitsDroppedSince(dir, state.tips)) === 0 ? state : undefined;
  const known = new Set(state?.blobs ?? []);
  const hits: Record<string, BlobHit[]> = { ...state?.hits };
  const relevant = (o: BlobOccurrence) => hits[o.blob] !== undefined || isEnvFile(o.path);

  // Occurrences in walk order (oldest first): those that matter, and those of unread blobs.
  const candidates: BlobOccurrence[] = [...(incremental?.occurrences ?? [])];
  const unread = new Map<string, string>();
  const reached = new Set<string>();
  let walked = 0;
  const submodules = new Set<string>();
  for await (const commit of walkHistory(dir, incremental?.tips ?? [])) {
    walked++;
    for (const blob of commit.blobs) {
      if (blob.mode === "160000") {
        submodules.add(blob.path);
        continue;
      }
      reached.add(blob.oid);
      const occurrence = {
        commit: commit.commit,
        commitDate: commit.date,
        path: blob.path,
        blob: blob.oid,
      };
      if (!known.has(blob.oid)) {
        if (!unread.has(blob.oid)) unread.set(blob.oid, blob.path);
        candidates.push(occurrence);
      } else if (relevant(occurrence)) candidates.push(occurrence);
    }
  }
  const scanned = await scanner.scan(dir, unread);
  Object.assign(hits, scanned.hits);
  const occurrences = firstOccurrences(candidates.filter(relevant));

  if (cache !== undefined) {
    // A full walk keeps only what the history still reaches, so states do not grow forever.
    const blobs =
      incremental !== undefined
        ? [...known, ...scanned.done]
        : [...reached].filter((oid) => known.has(oid) || scanned.done.has(oid));
    const kept = new Set(blobs);
    await cache.put(dir, {
      rules: scanner.rules,
      tips,
      commits: (incremental?.commits ?? 0) + walked,
      blobs,
      hits: Object.fromEntries(Object.entries(hits).filter(([oid]) => kept.has(oid))),
      occurrences,
    } satisfies GitScanState);
  }
  return {
    secrets: collectRepoSecrets(occurrences, hits, headBlobs),
    envFiles: collectEnvFiles(occurrences, headBlobs),
    stats: {
      mode: incremental !== undefined ? "incremental" : "full",
      commitsWalked: walked,
      blobsRead: scanned.read,
      blobsReused: [...reached].filter((oid) => known.has(oid)).length,
      skipped: { ...scanned.skipped, submodules: submodules.size },
    },
  };
}

/** Each (path, blob) once, at its first occurrence. */
function firstOccurrences(occurrences: readonly BlobOccurrence[]): BlobOccurrence[] {
  const seen = new Set<string>();
  return occurrences.filter((o) => {
    const key = `${o.path}\u0000${o.blob}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
