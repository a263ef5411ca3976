import type { Intelligence } from "../../src/core/analysis/intelligence.js";
import type { ReportDocument } from "../../src/core/reports/document.js";
import { collectWorkspace, composeReports } from "../../src/run.js";

/** Collects a workspace in-process and computes one tenant's intelligence and reports. */
export async function computeTenant(
  workspace: string,
  options: { period?: string; tenant?: string } = {},
): Promise<{
  intelligence: Intelligence;
  reports: ReportDocument[];
  report: (role: string) => ReportDocument;
}> {
  const collected = await collectWorkspace({
    workspace,
    environment: {},
    period: options.period ?? "2026-10",
    tenant: options.tenant ?? "portfolio",
  });
  const [tenant] = composeReports(collected);
  if (tenant === undefined) throw new Error("no tenant computed");
  return {
    intelligence: tenant.intelligence,
    reports: tenant.reports,
    report: (role) => {
      const found = tenant.reports.find((r) => r.role === role);
      if (found === undefined) throw new Error(`no ${role} report`);
      return found;
    },
  };
}
