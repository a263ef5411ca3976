import { InternalError } from "../errors.js";
import { evaluateRules, type Rule } from "../rules/rule.js";
import type { AnalysisContext, AnalysisOutput, Figure, Finding, Table } from "./types.js";

/** Every figure, table and finding of one tenant's run, each computed once. */
export interface Intelligence {
  context: AnalysisContext;
  figures: ReadonlyMap<string, Figure>;
  tables: ReadonlyMap<string, Table>;
  findings: readonly Finding[];
}

/** A pure analysis over the model. */
export type Analysis = (context: AnalysisContext) => AnalysisOutput;

/** Runs the analyses, then the rules over their figures; an id produced twice is a bug. */
export function gatherIntelligence(
  context: AnalysisContext,
  analyses: readonly Analysis[],
  rules: readonly Rule[],
): Intelligence {
  const figures = new Map<string, Figure>();
  const tables = new Map<string, Table>();
  const findings = new Map<string, Finding>();
  for (const analysis of analyses) {
    const output = analysis(context);
    for (const figure of output.figures) {
      if (figures.has(figure.id))
        throw new InternalError(`figure "${figure.id}" is computed by two analyses`);
      figures.set(figure.id, figure);
    }
    for (const table of output.tables) {
      if (tables.has(table.id))
        throw new InternalError(`table "${table.id}" is computed by two analyses`);
      tables.set(table.id, table);
    }
  }
  for (const finding of evaluateRules(rules, context, figures)) {
    if (findings.has(finding.fingerprint))
      throw new InternalError(`finding "${finding.fingerprint}" is raised twice`);
    findings.set(finding.fingerprint, finding);
  }
  return { context, figures, tables, findings: [...findings.values()] };
}

/** The figure with this id; a report asking for a figure nobody computed is a bug. */
export function requireFigure(intelligence: Intelligence, id: string): Figure {
  const figure = intelligence.figures.get(id);
  if (figure === undefined) throw new InternalError(`no analysis computed figure "${id}"`);
  return figure;
}

/** The table with this id. */
export function requireTable(intelligence: Intelligence, id: string): Table {
  const table = intelligence.tables.get(id);
  if (table === undefined) throw new InternalError(`no analysis computed table "${id}"`);
  return table;
}

/** Findings of a category (optionally for one role), most severe and most impactful first. */
export function findingsOf(intelligence: Intelligence, category: string, role?: string): Finding[] {
  return rankFindings(
    intelligence.findings.filter(
      (f) => f.category === category && (role === undefined || f.roles.includes(role)),
    ),
  );
}

/**
 * The configured role that acts on a finding: the first role its rule names (rules list the owner
 * first). Domain rules name a report kind, since role ids are configurable; then the owner is the
 * role receiving that kind of report, the one covering the finding's entity first.
 */
export function ownerRoleOf(context: AnalysisContext, finding: Finding): string {
  const named = finding.roles[0] ?? "ceo";
  if (context.roles[named] !== undefined) return named;
  const receivers = Object.entries(context.roles).filter(([, role]) => role.report === named);
  const covering = receivers.find(
    ([, role]) => role.entity !== undefined && role.entity === finding.entity,
  );
  return (covering ?? receivers[0])?.[0] ?? named;
}

const SEVERITY_RANK = { critical: 0, high: 1, medium: 2, low: 3 } as const;

/** Orders findings by severity, then impact per effort, then fingerprint for stability. */
export function rankFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
      b.impact / b.effort - a.impact / a.effort ||
      a.fingerprint.localeCompare(b.fingerprint),
  );
}
