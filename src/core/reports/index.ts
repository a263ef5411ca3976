import type { Intelligence } from "../analysis/intelligence.js";
import { REPORT_KINDS, type ReportKind } from "../config.js";
import {
  type ReportHistory,
  SINCE_LAST_REPORT,
  withSinceLastReport,
} from "../follow-up/since-last-report.js";
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

/** Section ids of each report kind's own content, in order. */
export const OWN_SECTIONS: Readonly<Record<ReportKind, readonly string[]>> = {
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

/**
 * Section ids each report kind must carry, in order (the coverage gate checks them): its own,
 * with "Since last report" right after the summary.
 */
export const REQUIRED_SECTIONS: Readonly<Record<ReportKind, readonly string[]>> =
  REPORT_KINDS.reduce(
    (all, kind) => {
      all[kind] = OWN_SECTIONS[kind].flatMap((id) =>
        id === "summary" ? [id, SINCE_LAST_REPORT] : [id],
      );
      return all;
    },
    {} as Record<ReportKind, readonly string[]>,
  );

/**
 * Assembles the reports of the tenant's configured roles (optionally one role), each with its
 * "Since last report" section drawn from `history` (no earlier report by default).
 */
export function assembleReports(
  intelligence: Intelligence,
  only?: string,
  history: ReportHistory = { tasks: [] },
): ReportDocument[] {
  const roles = Object.keys(intelligence.context.roles).filter(
    (role) => only === undefined || role === only,
  );
  return roles.flatMap((role) => {
    const kind = intelligence.context.roles[role]?.report;
    return kind === undefined
      ? []
      : [withSinceLastReport(REPORT_ASSEMBLERS[kind](intelligence, role), intelligence, history)];
  });
}
