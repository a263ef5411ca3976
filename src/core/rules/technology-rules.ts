import { entityName, plural } from "../analysis/common.js";
import { bestMatch, contentWords } from "../analysis/content-words.js";
import {
  type ObservedGap,
  observedDeliveryGaps,
  observedSecurityGaps,
} from "../analysis/observed-gaps.js";
import {
  effortHint,
  fixingStep,
  type GapTopic,
  gapItems,
  headline,
  itemSubject,
  type NoteItem,
  severityRank,
  where,
} from "../analysis/technology.js";
import type { Evidence, Finding, Severity } from "../analysis/types.js";
import type { HandoffItem, RevenueStream, TenantModel } from "../model/index.js";
import { evidenceOf, type Rule, type RuleHit } from "./rule.js";

const SECTION_LABEL: Record<HandoffItem["section"], string> = {
  state: "Current state",
  issue: "Known issue",
  decision: "Decision",
  risk: "Risk",
  "next-step": "Next step",
  other: "Note",
};

/** The most severe of some severities. */
function mostSevere(severities: readonly Severity[]): Severity {
  return [...severities].sort((a, b) => severityRank(a) - severityRank(b))[0] ?? "medium";
}

/** Impact follows the item's severity: critical and high items are decisive. */
function impactOf(severity: Severity): Finding["impact"] {
  return severity === "critical" || severity === "high" ? 3 : severity === "medium" ? 2 : 1;
}

/** Evidence quoting a handoff item with its section and severity, at its file and line. */
export function itemEvidence({ item }: NoteItem): Evidence {
  const rating = item.severity !== undefined ? ` (${item.severity})` : "";
  return evidenceOf(`${SECTION_LABEL[item.section]}${rating}: ${item.text}`, item);
}

/**
 * One finding per handoff gap item of a topic, with the note's own fix as the next action;
 * `observedFor` adds what the collectors found about the same gap as evidence, first.
 */
function gapHits(
  model: TenantModel,
  topic: GapTopic,
  fallbackSeverity: Severity,
  observedFor: (noteItem: NoteItem) => readonly ObservedGap[] = () => [],
): RuleHit[] {
  return gapItems(model.handoffs, topic).map((noteItem): RuleHit => {
    const { note, item } = noteItem;
    const observed = observedFor(noteItem);
    const severity = mostSevere([
      item.severity ?? fallbackSeverity,
      ...observed.map((gap) => gap.severity),
    ]);
    const step = fixingStep(note, item);
    const owner = note.owner !== undefined ? ` with ${note.owner}` : "";
    const action =
      step !== undefined
        ? `${step.text.replace(/[.\s]+$/, "")} (next step at ${where(step)}).`
        : (observed[0]?.action ??
          `The handoff has no next step for this yet: agree a fix${owner} and add it to ${note.provenance.file}.`);
    return {
      subject: itemSubject(note, item),
      title: `${entityName(model, note.entity)}: ${headline(item.text)}`,
      entity: note.entity,
      evidence: [...observed.flatMap((gap) => gap.evidence), itemEvidence(noteItem)],
      action,
      severity,
      effort: step !== undefined ? effortHint(step.text) : 2,
      impact: impactOf(severity),
    };
  });
}

/**
 * The handoff security item of the same entity that describes an observed gap: the one sharing
 * the most content words with it, at least MIN_FIX_OVERLAP; undefined when none does.
 */
export function describingItem(gap: ObservedGap, items: readonly NoteItem[]): NoteItem | undefined {
  return bestMatch(contentWords(gap.matchText), items, (candidate) =>
    candidate.note.entity === gap.entity ? contentWords(candidate.item.text) : undefined,
  );
}

/**
 * The handoff gap items of a topic with the observed gaps each describes as extra evidence, then
 * one finding per observed gap no handoff item describes (subject `observed/...`).
 */
function mergedGapHits(
  model: TenantModel,
  topic: GapTopic,
  fallbackSeverity: Severity,
  observed: readonly ObservedGap[],
): RuleHit[] {
  const items = gapItems(model.handoffs, topic);
  // Keyed by the handoff item itself: gapItems builds new NoteItem wrappers on every call.
  const described = new Map<HandoffItem, ObservedGap[]>();
  const unmatched: ObservedGap[] = [];
  for (const gap of observed) {
    const item = describingItem(gap, items);
    if (item === undefined) unmatched.push(gap);
    else described.set(item.item, [...(described.get(item.item) ?? []), gap]);
  }
  return [
    ...gapHits(model, topic, fallbackSeverity, ({ item }) => described.get(item) ?? []),
    ...unmatched.map(
      (gap): RuleHit => ({
        subject: `observed/${gap.subject}`,
        title: `${entityName(model, gap.entity)}: ${gap.title}`,
        entity: gap.entity,
        evidence: gap.evidence,
        action: gap.action,
        severity: gap.severity,
        effort: 1,
        impact: impactOf(gap.severity),
      }),
    ),
  ];
}

/**
 * Security gaps: what the git and AWS collectors observe (credentials in git, committed env
 * files, open endpoints, CloudFront without WAF, secrets in Lambda environments, unencrypted
 * logs and buckets) and the Known issues and Risks tagged `security` in the handoff notes. A
 * gap both sources know is one finding with both kinds of evidence.
 */
export const securityGapRule: Rule = {
  id: "tech-security-gap",
  category: "security-gap",
  roles: ["cto", "ceo"],
  severity: "high",
  effort: 1,
  impact: 3,
  evaluate: ({ model }) => mergedGapHits(model, "security", "high", observedSecurityGaps(model)),
};

/** UX gaps: Known issues and Risks tagged `ux`. */
export const uxGapRule: Rule = {
  id: "tech-ux-gap",
  category: "ux-gap",
  roles: ["cto", "cmo"],
  severity: "medium",
  effort: 2,
  impact: 2,
  evaluate: (context) => gapHits(context.model, "ux", "medium"),
};

/**
 * Delivery-cycle gaps: what each git repository lacks (CI, tests, staging, deploy scripts,
 * rollback notes), and handoff items tagged `delivery` or naming CI/CD, staging, deploys or
 * rollback; a repository's gaps join the handoff item of its entity that describes them.
 */
export const deliveryGapRule: Rule = {
  id: "tech-delivery-gap",
  category: "delivery-gap",
  roles: ["cto"],
  severity: "medium",
  effort: 2,
  impact: 2,
  evaluate: ({ model }) => mergedGapHits(model, "delivery", "medium", observedDeliveryGaps(model)),
};

const BILLING_WORDS = /\bbill|\binvoic/i;

/** Why a revenue stream cannot be billed, or undefined when it has a model and a system. */
export function billingGapOf(stream: RevenueStream): string | undefined {
  if (stream.billing.model === "none") return "no billing model and no billing system";
  if (stream.billing.system === undefined)
    return `billing model ${stream.billing.model} but no billing system named`;
  return undefined;
}

/**
 * Billing-system gaps, CTO-facing: an entity with revenue streams that no system bills. The
 * evidence adds any billing component the entity already runs (the fix may be configuration,
 * not a purchase) and what its handoff notes say about billing or invoicing.
 */
export const billingSystemGapRule: Rule = {
  id: "tech-billing-system-gap",
  category: "billing-gap",
  roles: ["cto"],
  severity: "high",
  effort: 2,
  impact: 3,
  evaluate: ({ model }) =>
    model.entities.flatMap((entity): RuleHit[] => {
      const streams = model.revenueStreams.filter((s) => s.entity === entity.id);
      const gaps = streams.filter((s) => billingGapOf(s) !== undefined);
      if (gaps.length === 0) return [];
      const components = model.systems.filter(
        (s) => s.entity === entity.id && s.kind === "billing",
      );
      const notes = model.handoffs
        .filter((n) => n.entity === entity.id)
        .flatMap((note) =>
          note.items
            .filter(
              (item) =>
                (item.section === "issue" || item.section === "decision") &&
                BILLING_WORDS.test(item.text),
            )
            .map((item) => ({ note, item })),
        );
      const names = gaps.map((s) => s.name);
      const component = components[0];
      const action =
        component !== undefined
          ? `Set up billing for ${names.join(" and ")} in the existing ${headline(component.name)} (${component.technology}), so that all work is invoiced.`
          : `Choose a billing system for ${names.join(" and ")} and record it in the registry.`;
      return [
        {
          subject: entity.id,
          title:
            gaps.length === streams.length
              ? `${entity.name}: none of its ${plural(streams.length, "revenue stream")} has a billing system`
              : `${entity.name}: ${gaps.length} of ${plural(streams.length, "revenue stream")} have no billing system`,
          entity: entity.id,
          severity: gaps.length === streams.length ? "high" : "medium",
          evidence: [
            ...gaps.map((s) => evidenceOf(`${s.name}: ${billingGapOf(s)}.`, s)),
            ...components.map((c) =>
              evidenceOf(
                `Billing component already in the registry: ${c.name}, ${c.technology}.`,
                c,
              ),
            ),
            ...notes.map(itemEvidence),
          ],
          action,
        },
      ];
    }),
};

/** Technology finding rules. */
export const technologyRules: readonly Rule[] = [
  securityGapRule,
  uxGapRule,
  deliveryGapRule,
  billingSystemGapRule,
];
