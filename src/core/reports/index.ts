import type { Intelligence } from "../analysis/intelligence.js";
import type { ReportKind } from "../config.js";
import { assembleAccountingReport } from "./accounting.js";
import { assembleCeoReport } from "./ceo.js";
import { assembleCfoReport } from "./cfo.js";
import { assembleCmoReport } from "./cmo.js";
import { assembleCtoReport } from "./cto.js";
import type { ReportDocument } from "./document.js";
import { DOMAIN_ASSEMBLERS, DOMAIN_SECTIONS } from "./domain-reports.js";

/** Builds one report for the role id it is addressed to. */
export type ReportAssembler = (intelligence: Intelligence, role: string) => ReportDocument;

/** Report assemblers by report kind. */
export const REPORT_ASSEMBLERS: Readonly<Record<ReportKind, ReportAssembler>> = {
  ceo: assembleCeoReport,
  cto: assembleCtoReport,
  accounting: assembleAccountingReport,
  cmo: assembleCmoReport,
  cfo: assembleCfoReport,
  ...DOMAIN_ASSEMBLERS,
};

/** Section ids each report kind must carry, in order (the coverage gate checks them). */
export const REQUIRED_SECTIONS: Readonly<Record<ReportKind, readonly string[]>> = {
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
  ...DOMAIN_SECTIONS,
};

/** Assembles the reports of the tenant's configured roles that have an assembler (optionally one role). */
export function assembleReports(intelligence: Intelligence, only?: string): ReportDocument[] {
  const roles = Object.keys(intelligence.context.roles).filter(
    (role) => only === undefined || role === only,
  );
  return roles.flatMap((role) => {
    const kind = intelligence.context.roles[role]?.report;
    return kind === undefined ? [] : [REPORT_ASSEMBLERS[kind](intelligence, role)];
  });
}
