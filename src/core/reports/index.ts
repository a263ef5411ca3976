import type { Intelligence } from "../analysis/intelligence.js";
import { assembleAccountingReport } from "./accounting.js";
import { assembleCeoReport } from "./ceo.js";
import { assembleCfoReport } from "./cfo.js";
import { assembleCmoReport } from "./cmo.js";
import { assembleCtoReport } from "./cto.js";
import type { ReportDocument } from "./document.js";

/** Report assemblers by role id. */
export const REPORT_ASSEMBLERS: Readonly<
  Record<string, (intelligence: Intelligence) => ReportDocument>
> = {
  ceo: assembleCeoReport,
  cto: assembleCtoReport,
  accounting: assembleAccountingReport,
  cmo: assembleCmoReport,
  cfo: assembleCfoReport,
};

/** Section ids each built-in report must carry, in order (the gate of a later issue checks them). */
export const REQUIRED_SECTIONS: Readonly<Record<string, readonly string[]>> = {
  ceo: [
    "summary",
    "asset-inventory",
    "critical-shortfalls",
    "missing-kpis",
    "revenue-recognition",
    "pipeline",
    "agenda-30-day",
  ],
  cto: [
    "summary",
    "stack-audit",
    "security-gaps",
    "cloud-costs",
    "ux-gaps",
    "delivery-cycle",
    "engineering-actions",
  ],
  accounting: [
    "summary",
    "revenue-recognition",
    "chart-of-accounts",
    "expense-categorisation",
    "accounting-system",
    "profitability-roadmap",
  ],
  cmo: [
    "summary",
    "channel-matrix",
    "email-blast-case",
    "ota-sequencing",
    "local-seo",
    "milestones-30-60-90",
  ],
  cfo: [
    "summary",
    "burn-rate",
    "capital-deployment",
    "break-even",
    "revenue-targets",
    "financial-rules",
  ],
};

/** Assembles the reports of the tenant's configured roles that have an assembler (optionally one role). */
export function assembleReports(intelligence: Intelligence, only?: string): ReportDocument[] {
  const roles = Object.keys(intelligence.context.roles).filter(
    (role) => only === undefined || role === only,
  );
  return roles.flatMap((role) => {
    const assemble = REPORT_ASSEMBLERS[role];
    return assemble === undefined ? [] : [assemble(intelligence)];
  });
}
