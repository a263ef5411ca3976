import path from "node:path";
import { loadWorkspaceConfig } from "../adapters/workspace/config-file.js";
import type { RunManifest } from "../core/archive/manifest.js";
import type { Config } from "../core/config.js";
import { InputError, problem } from "../core/errors.js";
import type { RunRecord } from "../core/history/ports.js";

// `exec-intel history`, `show RUN` and `verify RUN`: read the run history in the state database
// and the manifests in the archive; they never change either.

type Env = Readonly<Record<string, string | undefined>>;

async function withHistory<T>(
  workspace: string,
  env: Env,
  use: (history: import("../core/history/ports.js").RunHistory, config: Config) => T | Promise<T>,
): Promise<T> {
  const config = await loadWorkspaceConfig(workspace, env);
  const { openRunHistory } = await import("../adapters/store/run-history.js");
  const history = openRunHistory(path.join(workspace, config.stateDir, "state.sqlite"));
  try {
    return await use(history, config);
  } finally {
    history.close();
  }
}

/** The newest `limit` runs. */
export function listRuns(workspace: string, env: Env, limit: number): Promise<RunRecord[]> {
  return withHistory(workspace, env, (history) => history.list(limit));
}

/** The run history as a table: time, period, tenants, reports, sent/failed, validation, status. */
export function formatHistory(runs: readonly RunRecord[]): string {
  if (runs.length === 0) return "no runs yet (exec-intel run records one)\n";
  const rows = runs.map((r) => [
    r.runId,
    r.startedAt.replace("T", " ").slice(0, 19),
    r.period,
    r.tenants.join(","),
    String(r.reports),
    `${r.sent}/${r.failed}`,
    r.validation,
    r.status,
  ]);
  const header = [
    "run",
    "started (UTC)",
    "period",
    "tenants",
    "reports",
    "sent/failed",
    "gate",
    "status",
  ];
  const widths = header.map((h, i) =>
    Math.max(h.length, ...rows.map((row) => row[i]?.length ?? 0)),
  );
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  return `${[line(header), ...rows.map(line)].join("\n")}\n`;
}

async function findRun(
  history: import("../core/history/ports.js").RunHistory,
  runId: string,
): Promise<RunRecord> {
  const run = await history.find(runId);
  if (run === undefined) {
    throw new InputError([
      problem(
        "(command line)",
        undefined,
        `no run "${runId}" in this workspace's history (or the prefix matches several runs)`,
        "list the runs with exec-intel history and give a full run id",
      ),
    ]);
  }
  return run;
}

/** A run's record, then each tenant's manifest and deliveries as the archive holds them. */
export function showRun(workspace: string, env: Env, runId: string): Promise<string> {
  return withHistory(workspace, env, async (history, config) => {
    const run = await findRun(history, runId);
    const lines = [
      `run ${run.runId}: ${run.status}, gate ${run.validation}`,
      `  period ${run.period}; tenants ${run.tenants.join(", ")}; ${run.reports} report(s)`,
      `  started ${run.startedAt}, finished ${run.finishedAt ?? "— (still running, or killed)"}`,
      `  sent ${run.sent}, not sent ${run.failed}`,
      `  archive ${run.archive ?? "— (nothing archived)"}`,
      `  log ${run.logFile ?? "—"}`,
    ];
    if (run.manifests.length > 0) {
      const { openArchive } = await import("../archive.js");
      const archive = await openArchive(config, workspace, env);
      for (const ref of run.manifests) {
        const body = await archive.get(ref.key);
        lines.push("", `manifest ${archive.uri(ref.key)} (sha256 ${ref.sha256})`);
        if (body === undefined) {
          lines.push("  missing from the archive");
          continue;
        }
        const manifest = JSON.parse(new TextDecoder().decode(body)) as RunManifest;
        lines.push(`  deliveries of ${manifest.tenant.id}:`);
        for (const d of manifest.deliveries) {
          lines.push(
            `    ${d.status.padEnd(9)} ${d.report} → ${d.recipient} ${d.messageId ?? ""}${d.error !== null ? ` — ${d.error}` : ""}`,
          );
        }
        lines.push(JSON.stringify(manifest, null, 2));
      }
    }
    return `${lines.join("\n")}\n`;
  });
}

/** Re-hashes a run's manifests and objects; `ok` is false when anything is missing or changed. */
export function verifyRun(
  workspace: string,
  env: Env,
  runId: string,
): Promise<{ ok: boolean; text: string }> {
  return withHistory(workspace, env, async (history, config) => {
    const run = await findRun(history, runId);
    if (run.manifests.length === 0) {
      return {
        ok: false,
        text: `run ${run.runId} has no manifest to verify (status ${run.status}, gate ${run.validation})\n`,
      };
    }
    const { openArchive, verifyManifests } = await import("../archive.js");
    const archive = await openArchive(config, workspace, env);
    const checks = await verifyManifests(archive, run.manifests);
    const lines: string[] = [];
    for (const check of checks) {
      lines.push(
        check.problems.length === 0
          ? `ok       ${archive.uri(check.ref.key)}: manifest and ${check.objects} object(s) match`
          : `MISMATCH ${archive.uri(check.ref.key)}:`,
      );
      for (const p of check.problems) {
        lines.push(
          `  ${p.problem.padEnd(8)} ${archive.uri(p.key)}: expected sha256 ${p.expected}${p.actual !== null ? `, found ${p.actual}` : ""}`,
        );
      }
    }
    const ok = checks.every((c) => c.problems.length === 0);
    lines.push(
      ok
        ? `verified run ${run.runId}: ${checks.reduce((n, c) => n + c.objects, 0)} object(s) in ${checks.length} manifest(s), all hashes match`
        : `run ${run.runId}: ${checks.reduce((n, c) => n + c.problems.length, 0)} problem(s); the archive no longer matches what the run wrote`,
    );
    return { ok, text: `${lines.join("\n")}\n` };
  });
}
