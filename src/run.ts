import { collectTenantModel } from "./adapters/sources/collect.js";
import { loadWorkspaceConfig } from "./adapters/workspace/config-file.js";
import type { Config } from "./core/config.js";
import { hasErrors, InputError, type Problem, problem } from "./core/errors.js";
import { countRecords, type TenantModel } from "./core/model/index.js";

/** What the caller asks a run to cover. */
export interface RunRequest {
  workspace: string;
  environment: Readonly<Record<string, string | undefined>>;
  /** `YYYY-MM` */
  period: string;
  tenant?: string;
  /** Called as each tenant starts collecting, for progress display. */
  onProgress?: (message: string) => void;
}

/** A collected workspace: config, one model per tenant, and warnings that did not stop it. */
export interface CollectedWorkspace {
  config: Config;
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
  const tenants =
    request.tenant === undefined
      ? config.tenants
      : config.tenants.filter((t) => t.id === request.tenant);
  if (tenants.length === 0) {
    throw new InputError([
      problem(
        "(command line)",
        undefined,
        `no tenant "${request.tenant}" in the config`,
        `use one of: ${config.tenants.map((t) => t.id).join(", ")}`,
      ),
    ]);
  }
  const models: TenantModel[] = [];
  const problems: Problem[] = [];
  for (const tenant of tenants) {
    request.onProgress?.(`collecting ${tenant.id} (${tenant.sources.length} sources)`);
    const result = await collectTenantModel(request.workspace, tenant, {
      period: request.period,
      staleAfterDays: config.staleAfterDays,
    });
    models.push(result.model);
    problems.push(...result.problems);
  }
  if (hasErrors(problems)) throw new InputError(problems);
  return { config, period: request.period, models, warnings: problems };
}

/** Machine-readable summary of a collected workspace (what `run --dry-run --json` prints for now). */
export function summariseWorkspace(collected: CollectedWorkspace, runId: string) {
  return {
    runId,
    dryRun: true,
    period: collected.period,
    tenants: collected.models.map((model) => ({
      id: model.tenant.id,
      name: model.tenant.name,
      counts: countRecords(model),
      uncategorisedTransactions: model.transactions.filter((t) => t.category === undefined).length,
      sources: model.freshness,
    })),
    warnings: collected.warnings,
  };
}
