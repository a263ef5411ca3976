import type { GitScanCache, GitScanState } from "../../core/tech/scan-cache.js";
import { openStateDatabase } from "./state-database.js";

// The git scan cache in the workspace's state database: one row per repository holding its scan
// state as JSON. A state is read and written whole, once per scan, so one row beats a table of
// blob ids here (a 10,000-commit history's state is about a megabyte).

interface StoredScan {
  rules: string;
  state: string;
}

/** The cache plus a way to close its database. */
export interface SqliteGitScanCache extends GitScanCache {
  close(): void;
}

/** Opens (creating or migrating) the state database at `file` as a git scan cache. */
export function openGitScanCache(file: string): SqliteGitScanCache {
  const db = openStateDatabase(file);
  const select = db.prepare<[string], StoredScan>(
    "SELECT rules, state FROM git_scans WHERE repository = ?",
  );
  const upsert = db.prepare<[string, string, string, string]>(
    `INSERT INTO git_scans (repository, rules, state, updated_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (repository) DO UPDATE SET
       rules = excluded.rules, state = excluded.state, updated_at = excluded.updated_at`,
  );
  return {
    async get(repository) {
      const row = select.get(repository);
      return row === undefined ? undefined : (JSON.parse(row.state) as GitScanState);
    },
    async put(repository, state) {
      upsert.run(repository, state.rules, JSON.stringify(state), new Date().toISOString());
    },
    close: () => db.close(),
  };
}
