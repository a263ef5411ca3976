import path from "node:path";
import type { SharedBrowser } from "./adapters/browser/chromium.js";
import type { FileAuditLog } from "./adapters/log/audit-log.js";
import type { RenderThread } from "./adapters/render/render-thread.js";
import type { ArchivedObject, ManifestDelivery } from "./core/archive/manifest.js";
import type { Archive } from "./core/archive/ports.js";
import { type AuditLog, SILENT_AUDIT_LOG } from "./core/audit/ports.js";
import { InputError, InterruptedError } from "./core/errors.js";
import type { TaskChange } from "./core/follow-up/tasks.js";
import type { ManifestRef, RunHistory } from "./core/history/ports.js";
import type { StateStores } from "./core/state-stores.js";
import { type DeliveryOutcome, INTERRUPTED } from "./deliver.js";
import type { TenantTasks } from "./follow-up.js";
import {
  type CollectedWorkspace,
  collectWorkspace,
  composeReports,
  deliverGated,
  type GatedBatch,
  renderAndValidate,
  type TenantReports,
} from "./run.js";

// `exec-intel run` from end to end: collect → analyse → render → validate → archive → deliver,
// each step logged to the run's audit log, the archive's manifests written after delivery, and
// the run recorded in the history whatever the outcome.

/** What `run` was asked to do. */
export interface ExecuteRunRequest {
  workspace: string;
  env: Readonly<Record<string, string | undefined>>;
  now: () => Date;
  runId: string;
  toolVersion: string;
  period: string;
  tenant?: string;
  report?: string;
  recipient?: string;
  dryRun: boolean;
  resend: boolean;
  /** Echo every audit-log line here too (`--log-format json`). */
  echoLog?: (line: string) => void;
  /** Human lines about deliveries (retries, uncertain rows), already meant for stderr. */
  deliveryNote: (line: string) => void;
  onProgress?: (message: string) => void;
  /**
   * Ctrl-C: the run stops at the next safe point (between steps, or between two messages) and
   * throws an InterruptedError saying what was kept.
   */
  signal?: AbortSignal;
  /** Prints the gate's verdict and says whether delivery may go ahead. */
  judgeGate: (gated: GatedBatch) => Promise<boolean>;
  /** Checks the command line against the collected config (e.g. an unknown --report). */
  checkRequest?: (collected: CollectedWorkspace) => void;
  /**
   * The stores to record the run in (the DynamoDB ones on AWS); without them the workspace's
   * SQLite state database is used, and delivery holds the workspace's lock.
   */
  stores?: Omit<StateStores, "close" | "schedule">;
}

/** Everything the CLI prints a summary from. */
export interface ExecutedRun {
  collected: CollectedWorkspace;
  composed: TenantReports[];
  gated: GatedBatch;
  passed: boolean;
  deliveries?: DeliveryOutcome;
  /** What the follow-up step did per tenant (not in a dry run or a blocked one). */
  tasks?: TenantTasks[];
  archive?: { location: string; manifests: ManifestRef[]; objects: ArchivedObject[] };
  logFile?: string;
}

/** Runs the pipeline; a dry run keeps no log, archive or history and sends nothing. */
export async function executeRun(request: ExecuteRunRequest): Promise<ExecutedRun> {
  // Rendering moves to a worker thread started now: it loads Vega, MJML and resvg (about half a
  // second) on the second core while this one collects and analyses. Where no worker can start,
  // those libraries load here instead, while collecting waits on files and git. The gate's
  // modules load here meanwhile. A failure of either is met again, and reported, where used.
  const { startRenderThread } = await import("./adapters/render/render-thread.js");
  const renderThread = startRenderThread();
  Promise.all([import("./adapters/render/render-report.js"), import("./gate.js")]).then(
    ([render]) => {
      if (renderThread === undefined) render.preloadRenderer();
    },
    () => {},
  );
  try {
    return await runPipeline(request, renderThread);
  } finally {
    // Every way out stops the thread: a scheduler runs many pipelines in one process.
    await renderThread?.close();
  }
}

async function runPipeline(
  request: ExecuteRunRequest,
  renderThread: RenderThread | undefined,
): Promise<ExecutedRun> {
  const started = request.now();
  // Before the archive nothing is kept, so stopping there loses nothing.
  const stopIfInterrupted = (before: string) => {
    if (request.signal?.aborted === true)
      throw new InterruptedError(
        `stopped before ${before}: nothing was archived or sent; run the same command again`,
      );
  };
  const collected = await collectWorkspace({
    workspace: request.workspace,
    environment: request.env,
    period: request.period,
    ...(request.tenant !== undefined ? { tenant: request.tenant } : {}),
    ...(request.onProgress !== undefined ? { onProgress: request.onProgress } : {}),
    useStateCache: !request.dryRun,
  });
  request.checkRequest?.(collected);
  stopIfInterrupted("analysing");
  const { config } = collected;
  const { missingSecrets } = await import("./follow-up.js");
  const unset = missingSecrets(config, request.env);
  if (unset.length > 0) throw new InputError(unset);
  const stateDir = path.join(request.workspace, config.stateDir);
  const { maskSecrets } = await import("./core/validate/redact.js");
  // Credentials found by the gate join the redactor once it has run; until then our own
  // detectors mask whatever looks like one.
  let knownSecrets: GatedBatch["secrets"] = [];
  const redact = (text: string) => maskSecrets(text, knownSecrets);
  const { openAuditLog } = await import("./adapters/log/audit-log.js");
  const logFile = request.dryRun
    ? undefined
    : path.join(
        request.workspace,
        config.log.dir ?? path.join(config.stateDir, "logs"),
        `${request.runId}.jsonl`,
      );
  const audit: AuditLog & Partial<Pick<FileAuditLog, "flush">> =
    logFile === undefined && request.echoLog === undefined
      ? SILENT_AUDIT_LOG
      : openAuditLog({
          ...(logFile !== undefined ? { file: logFile } : {}),
          runId: request.runId,
          level: config.log.level,
          ...(request.echoLog !== undefined ? { echo: request.echoLog } : {}),
          metrics: config.log.metrics,
          namespace: config.log.namespace,
          redact,
          now: request.now,
        });
  const tenants = collected.models.map((m) => m.tenant.id);
  let history: RunHistory | undefined;
  if (!request.dryRun) {
    history =
      request.stores?.history ??
      (await import("./adapters/store/run-history.js")).openRunHistory(
        path.join(stateDir, "state.sqlite"),
      );
    await history.start({
      runId: request.runId,
      startedAt: started.toISOString(),
      period: request.period,
      tenants,
      logFile: logFile ?? null,
    });
  }
  const elapsed = (since: Date) => request.now().getTime() - since.getTime();
  audit.event(
    "info",
    "run",
    `run ${request.runId} for ${request.period}${request.dryRun ? " (dry run)" : ""}`,
    {
      period: request.period,
      tenants: tenants.join(","),
    },
  );
  for (const model of collected.models) {
    audit.event(
      "info",
      "collect",
      `collected ${model.tenant.id}: ${model.freshness.length} sources`,
      {
        tenant: model.tenant.id,
        sources: model.freshness.length,
        records: model.freshness.reduce((n, f) => n + f.records, 0),
        stale: model.freshness.filter((f) => f.status !== "fresh").length,
        durationMs: elapsed(started),
      },
    );
  }
  let outcome: Omit<Parameters<RunHistory["finish"]>[1], "finishedAt"> = {
    status: "failed",
    validation: "not-run",
    reports: 0,
    sent: 0,
    failed: 0,
    archive: null,
    manifests: [],
  };
  let browser: SharedBrowser | undefined;
  let failing = false;
  try {
    // Chromium starts now, so its launch overlaps analysing and rendering instead of adding to it.
    if (!request.dryRun && config.render.pdf === "auto") {
      const { findChromium, launchSharedBrowser } = await import("./adapters/browser/chromium.js");
      const chromiumPath = findChromium();
      if (chromiumPath !== undefined) browser = launchSharedBrowser(chromiumPath);
    }
    const analysing = request.now();
    const { readHistories } = await import("./follow-up.js");
    const histories = await readHistories(
      request.stores ?? path.join(stateDir, "state.sqlite"),
      tenants,
      request.period,
    );
    const composed = composeReports(collected, request.report, histories);
    for (const { model, intelligence, reports } of composed) {
      audit.event("info", "analyse", `analysed ${model.tenant.id}: ${reports.length} reports`, {
        tenant: model.tenant.id,
        figures: intelligence.figures.size,
        findings: intelligence.findings.length,
        reports: reports.length,
        durationMs: elapsed(analysing),
      });
    }
    const rendering = request.now();
    const gated = await renderAndValidate(collected, composed, {
      pdf: !request.dryRun,
      ...(request.report !== undefined ? { requestedRoles: [request.report] } : {}),
      ...(browser !== undefined ? { browser: browser.browser } : {}),
      ...(renderThread !== undefined ? { renderThread } : {}),
    });
    await renderThread?.close();
    // Closed as soon as the PDFs are printed: Chromium holds a few hundred MB.
    await browser?.close();
    knownSecrets = gated.secrets;
    // Logged only now: a warning can quote a bad row, and a credential in it is known to the
    // redactor only once the gate (which scans these lines too) has run.
    for (const warning of collected.warnings) {
      audit.event("warn", "collect", `${warning.file}:${warning.line ?? ""}: ${warning.message}`);
    }
    const renderMs = elapsed(rendering);
    const reportCount = gated.tenants.reduce((n, t) => n + t.reports.length, 0);
    for (const tenant of gated.tenants) {
      for (const report of tenant.reports) {
        audit.event("info", "render", `rendered ${report.document.id}`, {
          tenant: tenant.tenant,
          report: report.document.role,
          htmlBytes: Buffer.byteLength(report.html),
          charts: report.charts.length,
          pdf: report.pdf !== undefined,
        });
      }
      const { verdict } = tenant;
      audit.event(
        verdict.ok ? "info" : "error",
        "validate",
        `gate ${verdict.ok ? "passed" : "blocked"} for ${tenant.tenant}`,
        {
          tenant: tenant.tenant,
          problems: verdict.problems.length,
          warnings: verdict.warnings.length,
          downgraded: verdict.downgraded.join(",") || null,
          durationMs: renderMs,
        },
      );
      for (const problem of [...verdict.problems, ...verdict.warnings]) {
        audit.event(
          verdict.problems.includes(problem) ? "error" : "warn",
          "validate",
          problem.message,
          {
            tenant: tenant.tenant,
            report: problem.report,
            section: problem.section,
            gate: problem.gate,
          },
        );
      }
    }
    stopIfInterrupted("the gate");
    const passed = await request.judgeGate(gated);
    outcome = { ...outcome, reports: reportCount, validation: passed ? "passed" : "blocked" };
    if (!passed || request.dryRun) {
      outcome.status = passed ? "finished" : "blocked";
      return { collected, composed, gated, passed, ...(logFile !== undefined ? { logFile } : {}) };
    }
    stopIfInterrupted("archiving");
    const { openArchive, archiveReports, earlierManifests } = await import("./archive.js");
    const archive = await openArchive(config, request.workspace, request.env);
    const day = started.toISOString().slice(0, 10);
    const archiving = request.now();
    const archived = new Map<string, ArchivedObject[]>();
    const related = new Map<string, string[]>();
    for (const tenant of gated.tenants) {
      related.set(tenant.tenant, await earlierManifests(archive, tenant.tenant, day));
      const objects = await archiveReports(archive, {
        tenant: tenant.tenant,
        day,
        runId: request.runId,
        reports: tenant.reports,
      });
      archived.set(tenant.tenant, objects);
      for (const object of objects) {
        audit.event("info", "archive", `archived ${object.key}`, {
          tenant: tenant.tenant,
          report: object.role,
          key: object.key,
          sha256: object.sha256,
          bytes: object.bytes,
        });
      }
    }
    audit.event(
      "info",
      "archive",
      `archived ${[...archived.values()].flat().length} objects to ${archive.location}`,
      {
        durationMs: elapsed(archiving),
      },
    );
    outcome.archive = archive.location;
    // Tasks follow the gate and the archive (their links point into it), before delivery: a
    // failed send does not undo a report that was checked and kept.
    const { followUp } = await import("./follow-up.js");
    const taskStore =
      request.stores?.followUp ??
      (await import("./adapters/store/follow-up-store.js")).openFollowUpStore(
        path.join(stateDir, "state.sqlite"),
      );
    let tasks: TenantTasks[];
    try {
      tasks = await followUp(
        taskStore,
        config,
        composed,
        request.runId,
        request.now().toISOString(),
      );
    } finally {
      if (request.stores === undefined) await taskStore.close();
    }
    for (const tenant of tasks) {
      for (const { change, task } of tenant.applied) {
        audit.event(
          "info",
          "follow-up",
          `task ${task.id} ${changeVerb(change.kind)}: ${task.title}`,
          {
            tenant: tenant.tenant,
            task: task.id,
            status: task.status,
            finding: task.fingerprint,
          },
        );
      }
    }
    const delivering = request.now();
    let deliveries: DeliveryOutcome | undefined;
    try {
      deliveries = await deliverGated(collected, gated, {
        workspace: request.workspace,
        runId: request.runId,
        env: request.env,
        now: request.now,
        log: (line) => {
          request.deliveryNote(line);
          audit.event("warn", "deliver", line);
        },
        audit,
        ...(request.report !== undefined ? { report: request.report } : {}),
        ...(request.recipient !== undefined ? { recipient: request.recipient } : {}),
        ...(request.resend ? { resend: true } : {}),
        ...(request.stores !== undefined ? { ledger: request.stores.ledger } : {}),
        ...(request.signal !== undefined ? { signal: request.signal } : {}),
      });
    } finally {
      // The manifests are written even when delivery failed: they then say what was not sent.
      outcome.manifests = await writeManifests(
        request,
        collected,
        gated,
        archive,
        archived,
        related,
        deliveries,
        day,
        audit,
      );
    }
    if (deliveries.stopped?.code === INTERRUPTED) {
      const sentNow = deliveries.deliveries.filter((d) => d.sentNow).length;
      const pending = deliveries.deliveries.filter((d) => d.status !== "sent").length;
      outcome = { ...outcome, sent: sentNow, failed: pending };
      throw new InterruptedError(
        `the reports were checked and archived (${outcome.manifests.length} manifest(s)) and ${sentNow} message(s) sent; ${
          pending > 0
            ? `${pending} left pending: run the same command again to send them (nothing is sent twice)`
            : "nothing is left to send"
        }`,
      );
    }
    // The webhook comes last: a slow or unreachable board must not hold back the emails.
    const { announceTaskChanges, runEvents } = await import("./follow-up.js");
    const announced = await announceTaskChanges(
      config,
      request.env,
      runEvents(tasks, request.runId, request.now().toISOString()),
    );
    for (const hook of announced) {
      audit.event("info", "follow-up", `posted ${hook.delivered} task change(s) to the webhook`, {
        tenant: hook.tenant,
        delivered: hook.delivered,
        failed: hook.failures.length,
      });
      for (const failure of hook.failures) {
        request.deliveryNote(`${hook.tenant}: ${failure}`);
        audit.event("warn", "follow-up", failure, { tenant: hook.tenant });
      }
    }
    const sent = deliveries.deliveries.filter((d) => d.sentNow).length;
    const failed = deliveries.deliveries.filter((d) => d.status !== "sent").length;
    outcome = {
      ...outcome,
      sent,
      failed,
      status: deliveries.stopped !== undefined || failed > 0 ? "failed" : "finished",
    };
    audit.event(failed > 0 ? "warn" : "info", "deliver", `sent ${sent}, not sent ${failed}`, {
      sent,
      failed,
      durationMs: elapsed(delivering),
    });
    for (const tenant of gated.tenants) {
      const mine = deliveries.deliveries.filter((d) => d.tenant === tenant.tenant);
      audit.metrics(
        {
          ReportsGenerated: { value: tenant.reports.length, unit: "Count" },
          MessagesSent: { value: mine.filter((d) => d.sentNow).length, unit: "Count" },
          MessagesFailed: { value: mine.filter((d) => d.status !== "sent").length, unit: "Count" },
          RunDuration: { value: elapsed(started), unit: "Milliseconds" },
        },
        { tenant: tenant.tenant },
      );
    }
    return {
      collected,
      composed,
      gated,
      passed,
      deliveries,
      tasks,
      archive: {
        location: archive.location,
        manifests: outcome.manifests,
        objects: [...archived.values()].flat(),
      },
      ...(logFile !== undefined ? { logFile } : {}),
    };
  } catch (error) {
    failing = true;
    audit.event(
      "error",
      "run",
      `run failed: ${error instanceof Error ? error.message : String(error)}`,
    );
    throw error;
  } finally {
    await browser?.close();
    audit.event("info", "run", `run ${request.runId} ${outcome.status}`, {
      status: outcome.status,
      durationMs: elapsed(started),
    });
    try {
      await recordFinish(history, request.runId, {
        ...outcome,
        finishedAt: request.now().toISOString(),
      }).catch((error: unknown) => {
        // On a full disk the history cannot record the failure either; the person must hear
        // the first cause, not this echo of it.
        return failing ? undefined : Promise.reject(error);
      });
    } finally {
      if (request.stores === undefined) await history?.close();
    }
    audit.flush?.();
  }
}

/** Records the run's end in the history, when there is one (a dry run keeps none). */
async function recordFinish(
  history: RunHistory | undefined,
  runId: string,
  outcome: Parameters<RunHistory["finish"]>[1],
): Promise<void> {
  await history?.finish(runId, outcome);
}

/** How the audit log words a task change. */
function changeVerb(kind: TaskChange["kind"]): string {
  switch (kind) {
    case "create":
      return "created";
    case "refresh":
      return "refreshed";
    case "reopen":
      return "reopened (its finding fires again)";
    case "resolve":
      return "resolved in data";
  }
}

async function writeManifests(
  request: ExecuteRunRequest,
  collected: CollectedWorkspace,
  gated: GatedBatch,
  archive: Archive,
  archived: ReadonlyMap<string, ArchivedObject[]>,
  related: ReadonlyMap<string, string[]>,
  deliveries: DeliveryOutcome | undefined,
  day: string,
  audit: AuditLog,
): Promise<ManifestRef[]> {
  const { buildManifest } = await import("./core/archive/manifest.js");
  const { writeManifest } = await import("./archive.js");
  const { readGitRevision } = await import("./adapters/workspace/git-revision.js");
  const workspace = await readGitRevision(request.workspace, collected.config.stateDir);
  const refs: ManifestRef[] = [];
  for (const tenant of gated.tenants) {
    const model = collected.models.find((m) => m.tenant.id === tenant.tenant);
    if (model === undefined) continue;
    const manifest = buildManifest({
      runId: request.runId,
      toolVersion: request.toolVersion,
      workspace,
      generatedAt: request.now().toISOString(),
      period: collected.period,
      tenant: { id: model.tenant.id, name: model.tenant.name },
      archive: { driver: archive.driver, location: archive.location },
      sources: model.freshness,
      verdict: tenant.verdict,
      objects: archived.get(tenant.tenant) ?? [],
      deliveries: (deliveries?.deliveries ?? [])
        .filter((d) => d.tenant === tenant.tenant)
        .map(
          (d): ManifestDelivery => ({
            report: d.report,
            recipient: d.recipient,
            status: d.status,
            attempts: d.attempts,
            messageId: d.messageId,
            providerMessageId: d.providerMessageId,
            error: d.error,
            sentNow: d.sentNow,
          }),
        ),
      ...(deliveries?.stopped !== undefined ? { deliveryStopped: deliveries.stopped } : {}),
      related: related.get(tenant.tenant) ?? [],
    });
    const ref = await writeManifest(archive, manifest, day);
    audit.event("info", "archive", `manifest ${ref.key}`, {
      tenant: tenant.tenant,
      key: ref.key,
      sha256: ref.sha256,
    });
    refs.push(ref);
  }
  return refs;
}
