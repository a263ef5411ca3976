import type { SourceFreshness } from "../model/index.js";
import type { RenderedReport } from "../render/rendered.js";
import type { GateProblem, GateVerdict } from "../validate/index.js";

// What a run archives and the manifest that vouches for it. Keys follow
// `{tenant}/{YYYY-MM-DD}/{role}-report.{ext}`; a later run on the same day finds those taken and
// writes `{role}-report.{runId}.{ext}` instead, and its manifest names the earlier manifests.

/** One file a report is archived as, before it has a key. */
export interface ReportFile {
  /** File name in the day folder, e.g. `ceo-report.html` or `cfo-burn.png`. */
  name: string;
  role: string;
  /** The report document id. */
  report: string;
  format: "html" | "txt" | "md" | "json" | "pdf" | "png";
  contentType: string;
  body: Uint8Array;
}

const utf8 = (text: string) => new TextEncoder().encode(text);

/** The files a rendered report is archived as: exactly what was sent, plus its other renditions. */
export function reportFiles(report: RenderedReport): ReportFile[] {
  const { role, id } = report.document;
  const file = (format: ReportFile["format"], contentType: string, body: Uint8Array) => ({
    name: `${role}-report.${format}`,
    role,
    report: id,
    format,
    contentType,
    body,
  });
  return [
    file("html", "text/html; charset=utf-8", utf8(report.html)),
    file("txt", "text/plain; charset=utf-8", utf8(report.text)),
    file("md", "text/markdown; charset=utf-8", utf8(report.markdown)),
    file("json", "application/json", utf8(report.json)),
    ...(report.pdf !== undefined ? [file("pdf", "application/pdf", report.pdf)] : []),
    // The HTML shows charts by cid:, so the images it was sent with are kept beside it.
    ...report.charts.map((chart) => ({
      name: chart.fileName,
      role,
      report: id,
      format: "png" as const,
      contentType: "image/png",
      body: chart.png,
    })),
  ];
}

/** The folder of one tenant's archive for one day (`YYYY-MM-DD`, UTC). */
export function dayFolder(tenant: string, day: string): string {
  return `${tenant}/${day}`;
}

/** The key of a file in a day folder; with a run id, the run-suffixed key a later run uses. */
export function archiveKey(tenant: string, day: string, name: string, runId?: string): string {
  if (runId === undefined) return `${dayFolder(tenant, day)}/${name}`;
  const dot = name.lastIndexOf(".");
  if (dot <= 0) return `${dayFolder(tenant, day)}/${name}.${runId}`;
  return `${dayFolder(tenant, day)}/${name.slice(0, dot)}.${runId}${name.slice(dot)}`;
}

/** File name of a run's manifest in its day folder. */
export const MANIFEST_NAME = "manifest.json";

/** Whether a key in a day folder is a manifest (the day's first, or a run-suffixed one). */
export function isManifestKey(key: string): boolean {
  return /(^|\/)manifest(\.[^/]+)?\.json$/.test(key);
}

/** One archived object as the manifest lists it. */
export interface ArchivedObject {
  key: string;
  uri: string;
  role: string;
  report: string;
  format: ReportFile["format"];
  contentType: string;
  bytes: number;
  sha256: string;
}

/** One delivery as the manifest lists it. */
export interface ManifestDelivery {
  report: string;
  recipient: string;
  status: string;
  attempts: number;
  messageId: string | null;
  providerMessageId: string | null;
  error: string | null;
  sentNow: boolean;
}

/** The manifest of one tenant's part of a run: what was made, from what, and what was sent. */
export interface RunManifest {
  format: "exec-intel/manifest@1";
  runId: string;
  tool: { name: "exec-intel"; version: string };
  /** The workspace's git commit, when the workspace is in a git repository. */
  workspace: { gitCommit: string | null; dirty: boolean | null };
  generatedAt: string;
  period: string;
  tenant: { id: string; name: string };
  archive: { driver: string; location: string };
  sources: (Omit<SourceFreshness, "asOf" | "ageDays"> & {
    asOf: string | null;
    ageDays: number | null;
  })[];
  validation: {
    ok: boolean;
    problems: ManifestProblem[];
    warnings: ManifestProblem[];
    downgraded: string[];
  };
  objects: ArchivedObject[];
  deliveries: ManifestDelivery[];
  deliveryStopped: { code: string; message: string } | null;
  /** Manifests of earlier runs of this tenant on the same day. */
  related: string[];
}

/** A gate problem as the manifest keeps it. */
export interface ManifestProblem {
  gate: string;
  report: string | null;
  section: string | null;
  message: string;
}

/** Everything the manifest is built from. */
export interface ManifestInput {
  runId: string;
  toolVersion: string;
  workspace: RunManifest["workspace"];
  generatedAt: string;
  period: string;
  tenant: { id: string; name: string };
  archive: RunManifest["archive"];
  sources: readonly SourceFreshness[];
  verdict: GateVerdict;
  objects: readonly ArchivedObject[];
  deliveries: readonly ManifestDelivery[];
  deliveryStopped?: { code: string; message: string };
  related: readonly string[];
}

/** Builds a tenant's manifest; absent values become explicit nulls so every manifest has one shape. */
export function buildManifest(input: ManifestInput): RunManifest {
  const problem = (p: GateProblem): ManifestProblem => ({
    gate: p.gate,
    report: p.report ?? null,
    section: p.section ?? null,
    message: p.message,
  });
  return {
    format: "exec-intel/manifest@1",
    runId: input.runId,
    tool: { name: "exec-intel", version: input.toolVersion },
    workspace: input.workspace,
    generatedAt: input.generatedAt,
    period: input.period,
    tenant: input.tenant,
    archive: input.archive,
    sources: input.sources.map((s) => ({ ...s, asOf: s.asOf ?? null, ageDays: s.ageDays ?? null })),
    validation: {
      ok: input.verdict.ok,
      problems: input.verdict.problems.map(problem),
      warnings: input.verdict.warnings.map(problem),
      downgraded: [...input.verdict.downgraded],
    },
    objects: [...input.objects],
    deliveries: [...input.deliveries],
    deliveryStopped: input.deliveryStopped ?? null,
    related: [...input.related],
  };
}

/** The manifest's archived bytes: stable, indented JSON with a final newline. */
export function manifestBytes(manifest: RunManifest): Uint8Array {
  return utf8(`${JSON.stringify(manifest, null, 2)}\n`);
}

/** A difference `verify` found between a manifest and the archive. */
export interface VerifyProblem {
  key: string;
  problem: "missing" | "changed";
  expected: string;
  actual: string | null;
}

/** Compares the manifest's hashes with those just computed from the archive (`undefined`: missing). */
export function compareHashes(
  objects: readonly Pick<ArchivedObject, "key" | "sha256">[],
  actual: ReadonlyMap<string, string | undefined>,
): VerifyProblem[] {
  return objects.flatMap((object): VerifyProblem[] => {
    const found = actual.get(object.key);
    if (found === undefined)
      return [{ key: object.key, problem: "missing", expected: object.sha256, actual: null }];
    return found === object.sha256
      ? []
      : [{ key: object.key, problem: "changed", expected: object.sha256, actual: found }];
  });
}
