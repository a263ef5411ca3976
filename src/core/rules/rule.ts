import type { AnalysisContext, Evidence, Figure, Finding, Severity } from "../analysis/types.js";

/** What a rule sees: the analysis context, every computed figure, and its thresholds. */
export interface RuleContext extends AnalysisContext {
  figures: ReadonlyMap<string, Figure>;
  /** The rule's threshold by name: config `analysis.thresholds["<rule-id>.<name>"]`, else the rule's default. */
  threshold(name: string): number;
}

/** One subject a rule fired on. */
export interface RuleHit {
  /** What the finding is about, stable across months (e.g. an entity id, a channel id). */
  subject: string;
  title: string;
  entity?: string;
  evidence: Evidence[];
  action: string;
  severity?: Severity;
  effort?: Finding["effort"];
  impact?: Finding["impact"];
}

/** A declarative finding rule: metadata plus a pure condition over the model and figures. */
export interface Rule {
  id: string;
  category: string;
  roles: readonly string[];
  severity: Severity;
  effort: Finding["effort"];
  impact: Finding["impact"];
  /** Default thresholds, overridable in config as `<rule-id>.<name>`. */
  thresholds?: Readonly<Record<string, number>>;
  evaluate(context: RuleContext): RuleHit[];
}

/** Evaluates rules into findings with stable fingerprints (`rule:subject`). */
export function evaluateRules(
  rules: readonly Rule[],
  context: AnalysisContext,
  figures: ReadonlyMap<string, Figure>,
): Finding[] {
  return rules.flatMap((rule) => {
    const ruleContext: RuleContext = {
      ...context,
      figures,
      threshold: (name) => {
        const configured = context.settings.thresholds[`${rule.id}.${name}`];
        const fallback = rule.thresholds?.[name];
        const value = configured ?? fallback;
        if (value === undefined) throw new Error(`rule ${rule.id} has no threshold "${name}"`);
        return value;
      },
    };
    return rule.evaluate(ruleContext).map((hit): Finding => {
      const finding: Finding = {
        fingerprint: `${rule.id}:${hit.subject}`,
        ruleId: rule.id,
        category: rule.category,
        title: hit.title,
        severity: hit.severity ?? rule.severity,
        roles: [...rule.roles],
        evidence: hit.evidence,
        action: hit.action,
        effort: hit.effort ?? rule.effort,
        impact: hit.impact ?? rule.impact,
      };
      if (hit.entity !== undefined) finding.entity = hit.entity;
      return finding;
    });
  });
}

/** Evidence pointing at a traced record. */
export function evidenceOf(
  text: string,
  record: { provenance: { sourceId: string; file: string; line?: number } },
): Evidence {
  const { sourceId, file, line } = record.provenance;
  return { text, source: line !== undefined ? { sourceId, file, line } : { sourceId, file } };
}
