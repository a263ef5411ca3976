import path from "node:path";
import type { Browser } from "playwright-core";
import type { RenderThread } from "./adapters/render/render-thread.js";
import { loadWorkspaceRules } from "./adapters/rules/workspace-rules.js";
import { collectTenantModel } from "./adapters/sources/collect.js";
import { loadWorkspaceConfig } from "./adapters/workspace/config-file.js";
import { analyseTenant, RULES } from "./core/analysis/index.js";
import type { Intelligence } from "./core/analysis/intelligence.js";
import type { ArchivedObject } from "./core/archive/manifest.js";
import { type Config, selectTenants, type TenantConfig } from "./core/config.js";
import { hasErrors, InputError, type Problem } from "./core/errors.js";
import type { ReportHistory } from "./core/follow-up/since-last-report.js";
import type { ManifestRef } from "./core/history/ports.js";
import { countRecords, type TenantModel } from "./core/model/index.js";
import type { RenderedReport } from "./core/render/rendered.js";
import type { ReportDocument } from "./core/reports/document.js";
import { assembleReports } from "./core/reports/index.js";
import type { Rule } from "./core/rules/rule.js";
import type { GateProblem, GateVerdict, SecretHit } from "./core/validate/index.js";
import type { DeliveryOutcome, DeliveryRequest } from "./deliver.js";
import type { TenantTasks } from "./follow-up.js";

/** What the caller asks a run to cover. */
export interface RunRequest {
  workspace: string;
  environment: Readonly<Record<string, string | undefined>>;
  /** `YYYY-MM` */
  period: string;
  tenant?: string;
  /** Called as each tenant starts collecting, for progress display. */
  onProgress?: (message: string) => void;
  /** Let collectors keep caches in the state database (a run that writes; never `validate`). */
  useStateCache?: boolean;
}

/** A collected workspace: config, one model per tenant, and warnings that did not stop it. */
export interface CollectedWorkspace {
  config: Config;
  /** User rules from the workspace's rules/ folder, run for every tenant. */
  rules: Rule[];
  period: string;
  models: TenantModel[];
  warnings: Problem[];
}

/**
 * Loads config and every tenant's sources. Throws InputError with all problems of all tenants
 * when any is an error, so nothing downstream ever sees a half-loaded workspace.
 */
export async function collectWorkspace(request: RunRequest): Promise<CollectedWorkspace> {
  const config = await loadWorkspaceConfig(request.workspace, request.environment);
  const tenants = selectTenants(config, request.tenant);
  const models: TenantModel[] = [];
  const problems: Problem[] = [];
  for (const tenant of tenants) {
    request.onProgress?.(`collecting ${tenant.id} (${tenant.sources.length} sources)`);
    const result = await collectTenantModel(request.workspace, tenant, {
      period: request.period,
      staleAfterDays: config.staleAfterDays,
      ...(request.useStateCache === true
        ? { stateDatabase: path.join(request.workspace, config.stateDir, "state.sqlite") }
        : {}),
    });
    models.push(result.model);
    problems.push(...result.problems);
  }
  if (hasErrors(problems)) throw new InputError(problems);
  const rules = await loadWorkspaceRules(request.workspace, new Set(RULES.map((r) => r.id)));
  return { config, rules, period: request.period, models, warnings: problems };
}

/** One tenant's computed intelligence and the reports assembled from it. */
export interface TenantReports {
  model: TenantModel;
  intelligence: Intelligence;
  reports: ReportDocument[];
}

/**
 * Analyses every collected tenant and assembles its reports (optionally only one role's); each
 * tenant's "Since last report" compares with its history, when the state database has one.
 */
export function composeReports(
  collected: CollectedWorkspace,
  report?: string,
  histories: ReadonlyMap<string, ReportHistory> = new Map(),
): TenantReports[] {
  return collected.models.map((model) => {
    const tenant = collected.config.tenants.find((t) => t.id === model.tenant.id) as TenantConfig;
    const intelligence = analyseTenant(model, tenant, collected.period, collected.rules);
    return {
      model,
      intelligence,
      reports: assembleReports(intelligence, report, histories.get(model.tenant.id)),
    };
  });
}

/** Each collected tenant's report history from the workspace's state database (none without one). */
export async function historiesOf(
  workspace: string,
  collected: CollectedWorkspace,
): Promise<Map<string, ReportHistory>> {
  const { readHistories, stateFileOf } = await import("./follow-up.js");
  return readHistories(
    stateFileOf(workspace, collected.config),
    collected.models.map((m) => m.tenant.id),
    collected.period,
  );
}

/** Machine-readable summary of a run: models, reports, figures, findings, archive and deliveries. */
export function summariseRun(
  collected: CollectedWorkspace,
  composed: readonly TenantReports[],
  runId: string,
  outcome: {
    dryRun: boolean;
    gated?: GatedBatch;
    delivered?: DeliveryOutcome;
    archived?: {
      location: string;
      manifests: readonly ManifestRef[];
      objects: readonly Pick<ArchivedObject, "key" | "report" | "sha256">[];
    };
    tasks?: readonly TenantTasks[];
  },
) {
  const { gated, delivered, archived } = outcome;
  return {
    runId,
    dryRun: outcome.dryRun,
    period: collected.period,
    tenants: composed.map(({ model, intelligence, reports }) => ({
      id: model.tenant.id,
      name: model.tenant.name,
      counts: countRecords(model),
      uncategorisedTransactions: model.transactions.filter((t) => t.category === undefined).length,
      sources: model.freshness,
      findings: intelligence.findings.map((f) => ({
        id: f.fingerprint,
        category: f.category,
        severity: f.severity,
        title: f.title,
        roles: f.roles,
      })),
      figures: Object.fromEntries(
        [...intelligence.figures.values()].map((f) => [
          f.id,
          { value: f.value, unit: f.unit, label: f.label },
        ]),
      ),
      reports: reports.map((document) => ({
        id: document.id,
        role: document.role,
        title: document.title,
        subject: document.subject,
        sections: document.sections.map((section) => section.id),
        figures: [
          ...new Set(
            document.sections.flatMap((section) =>
              section.blocks.flatMap((b) =>
                b.type === "figures" ? b.figures.map((f) => f.id) : [],
              ),
            ),
          ),
        ],
        findings: document.sections
          .flatMap((section) =>
            section.blocks.flatMap((b) => (b.type === "findings" ? b.findings : [])),
          )
          .filter((f, i, all) => all.findIndex((g) => g.fingerprint === f.fingerprint) === i)
          .map((f) => ({
            id: f.fingerprint,
            category: f.category,
            severity: f.severity,
            title: f.title,
          })),
        validation: reportValidation(gated, model.tenant.id, document.id),
        archive: (archived?.objects ?? [])
          .filter((o) => o.report === document.id)
          .map((o) => ({ key: o.key, sha256: o.sha256 })),
      })),
      validation: tenantValidation(gated, model.tenant.id),
    })),
    validation: gated === undefined ? { status: "not-run" as const } : batchValidation(gated),
    archive:
      archived === undefined
        ? null
        : { location: archived.location, manifests: [...archived.manifests] },
    deliveries: delivered?.deliveries ?? [],
    ...(delivered?.stopped !== undefined ? { deliveryStopped: delivered.stopped } : {}),
    tasks: (outcome.tasks ?? []).map((t) => ({
      tenant: t.tenant,
      open: t.open,
      changes: t.applied.map(({ change, task }) => ({
        change: change.kind,
        id: task.id,
        status: task.status,
        finding: task.fingerprint,
        title: task.title,
        owner: task.owner,
        severity: task.severity,
        due: task.due,
        report: task.report,
        section: task.section,
      })),
    })),
    warnings: collected.warnings,
  };
}

/** Delivers every tenant's gated reports (the gate must have passed); see `deliverReports`. */
export async function deliverGated(
  collected: CollectedWorkspace,
  gated: GatedBatch,
  options: Omit<DeliveryRequest, "config" | "period" | "tenants">,
): Promise<DeliveryOutcome> {
  const { deliverReports } = await import("./deliver.js");
  return deliverReports({
    ...options,
    config: collected.config,
    period: collected.period,
    tenants: gated.tenants.map((t) => ({
      tenant: collected.config.tenants.find((c) => c.id === t.tenant) as TenantConfig,
      reports: t.reports,
    })),
  });
}

/** One tenant's rendered reports and the gate's verdict on them. */
export interface GatedTenant {
  tenant: string;
  reports: RenderedReport[];
  verdict: GateVerdict;
  pdf: "printed" | "off" | "no-chromium";
}

/** Every tenant's rendered and gated batch, with the credentials found (to redact what is printed). */
export interface GatedBatch {
  ok: boolean;
  tenants: GatedTenant[];
  secrets: SecretHit[];
}

/** Renders every composed report and runs the validation gate per tenant; writes and sends nothing. */
export async function renderAndValidate(
  collected: CollectedWorkspace,
  composed: readonly TenantReports[],
  options: {
    pdf: boolean;
    requestedRoles?: string[];
    /** A browser already launching (launchSharedBrowser), used for every tenant's PDFs. */
    browser?: Promise<Browser>;
    /** A render thread (startRenderThread) to render on; else rendering runs on this thread. */
    renderThread?: RenderThread;
  },
): Promise<GatedBatch> {
  // Loaded here: rendering, secretlint and the mail composer are not needed to validate data.
  const { printRendered, renderReports } = await import("./adapters/render/render-report.js");
  const { validateRendered } = await import("./gate.js");
  const tenants: GatedTenant[] = [];
  const secrets: SecretHit[] = [];
  const logLines = collected.warnings.map((w) => `${w.file}:${w.line ?? ""}: ${w.message}`);
  const print = {
    pdf: options.pdf && collected.config.render.pdf === "auto",
    paper: collected.config.render.paper,
    ...(options.browser !== undefined ? { browser: options.browser } : {}),
  };
  // With a render thread every tenant's batch is sent at once: it renders the next tenant's
  // reports while this thread prints and gates the last one's.
  const batches = composed.map(({ reports }) => options.renderThread?.render(reports));
  for (const batch of batches) batch?.catch(() => {}); // awaited below, in order
  for (const [index, { model, reports }] of composed.entries()) {
    const tenant = collected.config.tenants.find((t) => t.id === model.tenant.id) as TenantConfig;
    const batch = batches[index];
    const rendered =
      batch !== undefined
        ? await printRendered(await batch, print)
        : await renderReports(reports, print);
    const result = await validateRendered({
      config: collected.config,
      tenant,
      model,
      period: collected.period,
      reports: rendered.reports,
      logLines,
      ...(options.requestedRoles !== undefined ? { requestedRoles: options.requestedRoles } : {}),
    });
    secrets.push(...result.secrets);
    tenants.push({
      tenant: model.tenant.id,
      reports: rendered.reports,
      verdict: result.verdict,
      pdf: rendered.pdf,
    });
  }
  return { ok: tenants.every((t) => t.verdict.ok), tenants, secrets };
}

function summaryProblem(p: GateProblem) {
  return {
    gate: p.gate,
    report: p.report ?? null,
    section: p.section ?? null,
    message: p.message,
    fix: p.fix,
  };
}

function reportValidation(gated: GatedBatch | undefined, tenant: string, report: string) {
  const verdict = gated?.tenants.find((t) => t.tenant === tenant)?.verdict;
  if (verdict === undefined) return { status: "not-run" as const };
  const problems = verdict.problems.filter((p) => p.report === report);
  return {
    ok: problems.length === 0,
    problems: problems.map(summaryProblem),
    warnings: verdict.warnings.filter((p) => p.report === report).map(summaryProblem),
  };
}

function tenantValidation(gated: GatedBatch | undefined, tenant: string) {
  const verdict = gated?.tenants.find((t) => t.tenant === tenant)?.verdict;
  if (verdict === undefined) return { status: "not-run" as const };
  return {
    ok: verdict.ok,
    problems: verdict.problems.map(summaryProblem),
    warnings: verdict.warnings.map(summaryProblem),
    downgraded: verdict.downgraded,
  };
}

function batchValidation(gated: GatedBatch) {
  const all = gated.tenants.map((t) => t.verdict);
  return {
    ok: gated.ok,
    problems: all.flatMap((v) => v.problems).length,
    warnings: all.flatMap((v) => v.warnings).length,
    downgraded: [...new Set(all.flatMap((v) => v.downgraded))],
  };
}
