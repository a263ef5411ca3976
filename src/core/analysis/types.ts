import type { ReportKind } from "../config.js";
import type { TenantModel } from "../model/index.js";

/** How urgent a finding is. */
export type Severity = "critical" | "high" | "medium" | "low";

/** Units a figure can carry; renderers format values by unit. */
export type Unit =
  | "USD"
  | "USD/month"
  | "count"
  | "contacts"
  | "charters/month"
  | "percent"
  | "ratio"
  | "months"
  | "days"
  | "hours";

/** A pointer back into the workspace: enough to open the file at the line. */
export interface SourceRef {
  sourceId: string;
  file: string;
  line?: number;
}

/** A number shown in a report: computed once per run, quoted everywhere by its id. */
export interface Figure {
  /** Stable id, e.g. `burn-rate-low`. */
  id: string;
  label: string;
  /** Money in whole currency units (not cents), percentages as 0–100. */
  value: number;
  unit: Unit;
  /** Date the value describes the world as of (YYYY-MM-DD). */
  asOf: string;
  /** The records it was computed from (summarised to files when there are many). */
  sources: SourceRef[];
  /** How it was computed, in one short sentence built from the data. */
  basis?: string;
  /** The value the period was meant to reach, when the data sets one. */
  target?: number;
  /** The same figure one period earlier, when the data covers it. */
  previous?: number;
  /** Which way is good, so renderers can say "meets target" without guessing (default higher). */
  better?: "higher" | "lower";
}

/** One piece of evidence for a finding: what was seen, and where. */
export interface Evidence {
  text: string;
  source: SourceRef;
}

/** Something wrong or missing, with evidence and a next action. */
export interface Finding {
  /** Stable across months: `${ruleId}:${subject}`. */
  fingerprint: string;
  ruleId: string;
  /** Grouping used by reports, e.g. `critical-shortfall`, `security-gap`, `missing-kpi`. */
  category: string;
  title: string;
  severity: Severity;
  entity?: string;
  /** Roles whose reports carry this finding. */
  roles: string[];
  evidence: Evidence[];
  action: string;
  /** 1 = hours, 2 = days, 3 = weeks. */
  effort: 1 | 2 | 3;
  /** 1 = nice to have, 2 = material, 3 = decisive. */
  impact: 1 | 2 | 3;
}

/** A table cell: text or a number formatted by the column's unit. */
export type Cell = string | number;

/** A titled table with typed columns. */
export interface Table {
  id: string;
  title: string;
  columns: { key: string; label: string; unit?: Unit }[];
  rows: Cell[][];
}

/** Everything an analysis needs: the model, the period and the tenant's analysis settings. */
export interface AnalysisContext {
  model: TenantModel;
  /** `YYYY-MM` */
  period: string;
  settings: AnalysisSettings;
  /** Role id → the report it receives, the KPIs it expects and, for a domain report, its entity. */
  roles: Record<string, ReportRole>;
}

/** What a role receives: a report kind, the KPIs it expects and, for a domain report, its entity. */
export interface ReportRole {
  report: ReportKind;
  title?: string;
  expectedKpis: string[];
  /** The entity a domain report covers. */
  entity?: string;
}

/** Per-tenant knobs of the analyses (from config, with defaults). */
export interface AnalysisSettings {
  /** Months of history the burn rate looks at. */
  trailingMonths: number;
  /** Last month (`YYYY-MM`) revenue targets are planned to. */
  planningHorizon: string;
  /** Revenue stream whose unit is the break-even unit (e.g. a private charter). */
  breakEvenStream?: string;
  /** Account prefixes that are variable costs (everything else under `expenses` is fixed). */
  variableCostAccounts: string[];
  /** Account prefix of cloud spend. */
  cloudCostAccount: string;
  /** Rule thresholds by name. */
  thresholds: Record<string, number>;
}

/** What one analysis contributes (findings come from rules, which read these figures). */
export interface AnalysisOutput {
  figures: Figure[];
  tables: Table[];
}
