import { renderReport } from "../../src/adapters/render/render-report.js";
import type { TenantConfig } from "../../src/core/config.js";
import type { RenderedReport } from "../../src/core/render/rendered.js";
import type { GateInput, GateReport } from "../../src/core/validate/index.js";
import { gateReportOf as gateReportFor } from "../../src/gate.js";
import { collectWorkspace, composeReports } from "../../src/run.js";
import { DEFAULT_SETTINGS } from "./fixtures.js";

/** A rendered report as the gates see it, with the size of its assembled message. */
export function gateReportOf(report: RenderedReport): Promise<GateReport> {
  return gateReportFor(report, {
    from: { name: "exec-intel", email: "reports@example.com" },
    to: { name: "Reader", email: "reader@example.com" },
  });
}

/** Collects, composes and renders one tenant of a workspace, and builds the gates' input from it. */
export async function gateInputFor(
  workspace: string,
  options: { period?: string; tenant?: string } = {},
): Promise<{ input: GateInput; rendered: RenderedReport[] }> {
  const collected = await collectWorkspace({
    workspace,
    environment: {},
    period: options.period ?? "2026-10",
    tenant: options.tenant ?? "portfolio",
  });
  const [composed] = composeReports(collected);
  if (composed === undefined) throw new Error("no tenant computed");
  const tenant = collected.config.tenants.find(
    (t) => t.id === composed.model.tenant.id,
  ) as TenantConfig;
  const rendered: RenderedReport[] = [];
  const reports: GateReport[] = [];
  for (const document of composed.reports) {
    const report = await renderReport(document);
    rendered.push(report);
    reports.push(await gateReportOf(report));
  }
  return {
    input: {
      tenant,
      period: collected.period,
      sources: composed.model.freshness,
      reports,
      secrets: [],
      settings: DEFAULT_SETTINGS,
    },
    rendered,
  };
}
