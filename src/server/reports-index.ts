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

/** Archived objects kept in memory, parsed or decoded (reports are about 100 KB each). */
const CACHE_LIMIT = 2000;

/** Reads of archived objects as text or parsed JSON, cached. */
export interface ArchiveReader {
  text(key: string): Promise<string | undefined>;
  json<T>(key: string): Promise<T | undefined>;
  /** The object's text through `transform`, computed once per key and `kind` of transform. */
  derived(
    kind: string,
    key: string,
    transform: (text: string) => string | Promise<string>,
  ): Promise<string | undefined>;
}

/**
 * Reads archived objects through a cache: archived objects are create-only, so what a key holds
 * never changes and a decoded copy stays true for as long as the server runs. The least recently
 * used entry goes first when the cache is full.
 */
export function archiveReader(archive: Archive, limit = CACHE_LIMIT): ArchiveReader {
  const cache = new Map<string, unknown>();
  const remember = (key: string, value: unknown) => {
    if (cache.size >= limit) cache.delete(cache.keys().next().value as string);
    cache.set(key, value);
  };
  const cached = async <T>(
    kind: string,
    key: string,
    decode: (text: string) => T | Promise<T>,
  ): Promise<T | undefined> => {
    const id = `${kind}\u0000${key}`;
    if (cache.has(id)) {
      const value = cache.get(id) as T;
      cache.delete(id);
      cache.set(id, value);
      return value;
    }
    const bytes = await archive.get(key);
    if (bytes === undefined) return undefined;
    const value = await decode(Buffer.from(bytes).toString("utf8"));
    remember(id, value);
    return value;
  };
  return {
    text: (key) => cached("text", key, (text) => text),
    json: <T>(key: string) => cached<T>("json", key, (text) => JSON.parse(text) as T),
    derived: (kind, key, transform) => cached(`derived:${kind}`, key, transform),
  };
}

/** One tenant's manifests, newest run first. */
export async function manifestsOf(
  history: RunHistory,
  reader: ArchiveReader,
  tenant: string,
  limit = 500,
): Promise<RunManifest[]> {
  const manifests: RunManifest[] = [];
  for (const run of await history.list(limit)) {
    for (const ref of run.manifests.filter((m) => m.tenant === tenant)) {
      const manifest = await reader.json<RunManifest>(ref.key);
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
