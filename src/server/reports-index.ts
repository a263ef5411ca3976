import type { RunManifest } from "../core/archive/manifest.js";
import type { Archive } from "../core/archive/ports.js";
import type { RunHistory } from "../core/history/ports.js";

// Which reports the archive holds, found the way a reader would: through the run history's
// manifests. The dashboard shows what was archived (and sent), never a recomputed report.

/** The archived renditions of one report of one period, from the newest run that made it. */
export interface ArchivedReport {
  tenant: string;
  period: string;
  role: string;
  runId: string;
  generatedAt: string;
  /** Archive keys by format (html, json, md, txt, pdf). */
  keys: Record<string, string>;
}

/** Most manifests kept parsed in memory (about 30 KB each). */
const CACHE_LIMIT = 5000;

/**
 * Reads manifests through a cache: archived objects are create-only, so a key's manifest never
 * changes and a parsed copy stays true for as long as the server runs.
 */
export function manifestReader(archive: Archive) {
  const cache = new Map<string, RunManifest>();
  return async (key: string): Promise<RunManifest | undefined> => {
    const known = cache.get(key);
    if (known !== undefined) return known;
    const bytes = await archive.get(key);
    if (bytes === undefined) return undefined;
    const manifest = JSON.parse(Buffer.from(bytes).toString("utf8")) as RunManifest;
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
    cache.set(key, manifest);
    return manifest;
  };
}

/** One tenant's manifests, newest run first. */
export async function manifestsOf(
  history: RunHistory,
  read: (key: string) => Promise<RunManifest | undefined>,
  tenant: string,
  limit = 500,
): Promise<RunManifest[]> {
  const manifests: RunManifest[] = [];
  for (const run of history.list(limit)) {
    for (const ref of run.manifests.filter((m) => m.tenant === tenant)) {
      const manifest = await read(ref.key);
      if (manifest !== undefined) manifests.push(manifest);
    }
  }
  return manifests;
}

/** The newest archived rendition of each (period, role) of the tenant, newest period first. */
export function archivedReports(manifests: readonly RunManifest[]): ArchivedReport[] {
  const found = new Map<string, ArchivedReport>();
  for (const manifest of manifests) {
    for (const object of manifest.objects) {
      const id = `${manifest.period}/${object.role}`;
      const known = found.get(id);
      if (known !== undefined && known.runId !== manifest.runId) continue;
      const report = known ?? {
        tenant: manifest.tenant.id,
        period: manifest.period,
        role: object.role,
        runId: manifest.runId,
        generatedAt: manifest.generatedAt,
        keys: {},
      };
      report.keys[object.format] = object.key;
      found.set(id, report);
    }
  }
  return [...found.values()].sort(
    (a, b) => b.period.localeCompare(a.period) || a.role.localeCompare(b.role),
  );
}
