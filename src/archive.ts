import { createHash } from "node:crypto";
import path from "node:path";
import {
  type ArchivedObject,
  archiveKey,
  compareHashes,
  dayFolder,
  isManifestKey,
  MANIFEST_NAME,
  manifestBytes,
  type RunManifest,
  reportFiles,
  type VerifyProblem,
} from "./core/archive/manifest.js";
import type { Archive } from "./core/archive/ports.js";
import type { Config } from "./core/config.js";
import type { ManifestRef } from "./core/history/ports.js";
import type { RenderedReport } from "./core/render/rendered.js";

// The archive step: every gated report kept create-only before it is sent, and one manifest per
// tenant written after delivery, so the manifest can say what was sent as well as what was made.

/** The configured archive: a folder under the state directory by default, or S3. */
export async function openArchive(
  config: Pick<Config, "archive" | "stateDir">,
  workspace: string,
  env: Readonly<Record<string, string | undefined>>,
): Promise<Archive> {
  const { archive } = config;
  if (archive.driver === "s3" && archive.s3 !== undefined) {
    const { createS3Archive } = await import("./adapters/archive/s3-archive.js");
    return createS3Archive({ ...archive.s3, env });
  }
  const { createFsArchive } = await import("./adapters/archive/fs-archive.js");
  return createFsArchive(
    path.join(workspace, archive.dir ?? path.join(config.stateDir, "archive")),
  );
}

/** SHA-256 of bytes, hex. */
export function sha256Hex(body: Uint8Array): string {
  return createHash("sha256").update(body).digest("hex");
}

/**
 * Archives one tenant's reports under its day folder. A key another run already took is left as
 * it is and this run's object goes under its run-suffixed key; the returned list says which.
 */
export async function archiveReports(
  archive: Archive,
  request: { tenant: string; day: string; runId: string; reports: readonly RenderedReport[] },
): Promise<ArchivedObject[]> {
  const archived: ArchivedObject[] = [];
  for (const file of request.reports.flatMap(reportFiles)) {
    const key = await putCreateOnly(archive, request, file.name, file.body, file.contentType);
    archived.push({
      key,
      uri: archive.uri(key),
      role: file.role,
      report: file.report,
      format: file.format,
      contentType: file.contentType,
      bytes: file.body.byteLength,
      sha256: sha256Hex(file.body),
    });
  }
  return archived;
}

/** Keys of the manifests earlier runs wrote for this tenant and day. */
export async function earlierManifests(
  archive: Archive,
  tenant: string,
  day: string,
): Promise<string[]> {
  const keys = (await archive.list(`${dayFolder(tenant, day)}/`)).filter(isManifestKey);
  // The day's first manifest first; run-suffixed ones follow in run-id (time) order.
  return keys.sort(
    (a, b) =>
      Number(b.endsWith(`/${MANIFEST_NAME}`)) - Number(a.endsWith(`/${MANIFEST_NAME}`)) ||
      a.localeCompare(b),
  );
}

/** Writes a tenant's manifest (run-suffixed when the day's first is taken); returns its ref. */
export async function writeManifest(
  archive: Archive,
  manifest: RunManifest,
  day: string,
): Promise<ManifestRef> {
  const body = manifestBytes(manifest);
  const request = { tenant: manifest.tenant.id, day, runId: manifest.runId };
  const key = await putCreateOnly(archive, request, MANIFEST_NAME, body, "application/json");
  return { tenant: manifest.tenant.id, key, sha256: sha256Hex(body) };
}

async function putCreateOnly(
  archive: Archive,
  at: { tenant: string; day: string; runId: string },
  name: string,
  body: Uint8Array,
  contentType: string,
): Promise<string> {
  const first = archiveKey(at.tenant, at.day, name);
  if ((await archive.putIfAbsent({ key: first, body, contentType })) === "created") return first;
  const suffixed = archiveKey(at.tenant, at.day, name, at.runId);
  if ((await archive.putIfAbsent({ key: suffixed, body, contentType })) === "created")
    return suffixed;
  throw new Error(
    `archive: ${archive.uri(suffixed)} already exists; run ids are unique, so another process is writing as run ${at.runId}`,
  );
}

/** What `verify` found for one manifest. */
export interface ManifestCheck {
  ref: ManifestRef;
  /** Objects the manifest lists (0 when the manifest itself is missing or changed). */
  objects: number;
  problems: VerifyProblem[];
}

/**
 * Re-hashes a run's manifests against the hashes the run history recorded, then every object
 * each manifest lists against the manifest: a changed manifest is reported and not trusted.
 */
export async function verifyManifests(
  archive: Archive,
  refs: readonly ManifestRef[],
): Promise<ManifestCheck[]> {
  const checks: ManifestCheck[] = [];
  for (const ref of refs) {
    const body = await archive.get(ref.key);
    const manifestProblems = compareHashes(
      [ref],
      new Map([[ref.key, body === undefined ? undefined : sha256Hex(body)]]),
    );
    if (body === undefined || manifestProblems.length > 0) {
      checks.push({ ref, objects: 0, problems: manifestProblems });
      continue;
    }
    const manifest = JSON.parse(new TextDecoder().decode(body)) as RunManifest;
    const actual = new Map<string, string | undefined>();
    for (const object of manifest.objects) {
      const bytes = await archive.get(object.key);
      actual.set(object.key, bytes === undefined ? undefined : sha256Hex(bytes));
    }
    checks.push({
      ref,
      objects: manifest.objects.length,
      problems: compareHashes(manifest.objects, actual),
    });
  }
  return checks;
}
