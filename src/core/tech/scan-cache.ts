// The port through which a repository's credential scan remembers what it has already read, so
// the next scan of the same repository reads only the blobs of commits it has not seen. Blob ids
// are content hashes, so a blob's hits stay true for as long as the rules do.

/** A credential found in one blob: where and what kind, never the value. */
export interface BlobHit {
  ruleId: string;
  kind: string;
  line: number;
  /** Masked fingerprint (`maskSecret`). */
  fingerprint: string;
}

/** A blob at a path, as first introduced there by a commit. */
export interface BlobOccurrence {
  commit: string;
  /** The commit's date (YYYY-MM-DD). */
  commitDate: string;
  path: string;
  blob: string;
}

/** What the scan of one repository leaves for the next scan of it. */
export interface GitScanState {
  /** The scanner's rules and limits when written; a state written under others is not reused. */
  rules: string;
  /** Ref tips at the end of the scan: the next scan walks only commits none of them reaches. */
  tips: string[];
  /** Commits walked so far. */
  commits: number;
  /** Every blob read (or skipped as binary or too large) so far. */
  blobs: string[];
  /** Hits per blob id, for the blobs that had any. */
  hits: Record<string, BlobHit[]>;
  /** The first introductions findings need: blobs with hits and `.env`-style paths, oldest first. */
  occurrences: BlobOccurrence[];
}

/** Storage for scan states, one per repository (keyed by its absolute folder). */
export interface GitScanCache {
  get(repository: string): Promise<GitScanState | undefined>;
  put(repository: string, state: GitScanState): Promise<void>;
}
