import { addDays, daysBetween, entityName, periodEnd, sourcesOf } from "../analysis/common.js";
import { shortName } from "../analysis/marketing.js";
import {
  CONFIG_SOURCE,
  kpiLabel,
  kpiWindow,
  missingKpis,
  openPipeline,
  roleLabel,
} from "../analysis/strategy.js";
import type { Evidence, Severity } from "../analysis/types.js";
import type {
  HandoffItem,
  HandoffNote,
  HandoffSection,
  Person,
  TenantModel,
} from "../model/index.js";
import { evidenceOf, type Rule, type RuleHit } from "./rule.js";

// Critical shortfalls of the portfolio, each a generic condition over the model. Structural data
// (bookings, systems, people, revenue streams) decides whether a rule fires wherever the model
// has it; handoff text is used as evidence, and only decides for facts the model cannot hold
// (a funnel that breaks, an analysis nobody has done).

/** A handoff item with the note it belongs to. */
export interface NotedItem {
  note: HandoffNote;
  item: HandoffItem;
}

/** Handoff items in the given sections whose text matches the pattern. */
export function handoffItems(
  model: TenantModel,
  sections: readonly HandoffSection[],
  pattern?: RegExp,
): NotedItem[] {
  return model.handoffs.flatMap((note) =>
    note.items
      .filter((item) => sections.includes(item.section) && (pattern?.test(item.text) ?? true))
      .map((item) => ({ note, item })),
  );
}

/** The first clause of a handoff item (up to a colon, semicolon or full stop), for titles. */
export function firstClause(text: string): string {
  const clause = text.split(/[:;]\s|\.\s|\.$/)[0] ?? text;
  return clause.trim();
}

/** Evidence quoting a handoff item, with its note's title and severity. */
export function itemEvidence({ note, item }: NotedItem): Evidence {
  const severity = item.severity !== undefined ? ` [${item.severity}]` : "";
  return evidenceOf(`${note.title}${severity}: ${item.text}`, item);
}

const SEVERITY_ORDER: readonly Severity[] = ["critical", "high", "medium", "low"];

/** The most severe of the items' severities, or the fallback when none carries one. */
export function worstSeverity(items: readonly NotedItem[], fallback: Severity): Severity {
  const ranks = items
    .map(({ item }) => item.severity)
    .filter((s): s is Severity => s !== undefined)
    .map((s) => SEVERITY_ORDER.indexOf(s));
  return ranks.length === 0 ? fallback : (SEVERITY_ORDER[Math.min(...ranks)] ?? fallback);
}

const STOP_WORDS = new Set([
  "that",
  "this",
  "with",
  "from",
  "into",
  "have",
  "does",
  "there",
  "their",
  "they",
  "when",
  "which",
  "will",
  "then",
  "than",
  "only",
  "every",
  "after",
  "before",
]);

function words(text: string): Set<string> {
  return new Set(
    text
      .toLowerCase()
      .split(/[^a-z0-9]+/)
      .filter((w) => w.length >= 4 && !STOP_WORDS.has(w)),
  );
}

/** The next step of the same note that shares the most words (at least two) with an issue's first clause. */
export function matchingNextStep({ note, item }: NotedItem): HandoffItem | undefined {
  const issue = words(firstClause(item.text));
  let best: { step: HandoffItem; overlap: number } | undefined;
  for (const step of note.items.filter((i) => i.section === "next-step")) {
    const shared = [...words(step.text)].filter((w) => issue.has(w)).length;
    if (shared >= 2 && (best === undefined || shared > best.overlap))
      best = { step, overlap: shared };
  }
  return best?.step;
}

/** Matches a person's full name or surname. */
function namePattern(person: Person): RegExp {
  const surname = person.name.split(/\s+/).at(-1) ?? person.name;
  return new RegExp(`\\b(${escapeRegExp(person.name)}|${escapeRegExp(surname)})\\b`, "i");
}

/** Items in issue/risk sections that name the person (full name or surname). */
function itemsAboutPerson(model: TenantModel, person: Person): NotedItem[] {
  return handoffItems(model, ["issue", "risk"], namePattern(person));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Empty sales pipeline: no open inquiries or quotes and nothing confirmed beyond the horizon. */
const emptyPipeline: Rule = {
  id: "empty-sales-pipeline",
  category: "critical-shortfall",
  roles: ["cmo", "ceo"],
  severity: "critical",
  effort: 2,
  impact: 3,
  thresholds: { horizonDays: 30 },
  evaluate(ctx) {
    const { model } = ctx;
    if (model.bookings.length === 0) return []; // no booking records: nothing to judge
    const end = periodEnd(ctx.period);
    const horizonDays = ctx.threshold("horizonDays");
    const horizon = addDays(end, horizonDays);
    const open = openPipeline(ctx);
    const quotes = open.filter((b) => b.status !== "confirmed");
    const beyond = open.filter((b) => b.status === "confirmed" && b.serviceStart > horizon);
    if (quotes.length > 0 || beyond.length > 0) return [];
    const furthest = open.at(-1);
    const [file] = sourcesOf(model.bookings);
    const evidence: Evidence[] = [
      {
        text: `${model.bookings.length} bookings on record; none is an inquiry or a quote with service after ${end}.`,
        source: file ?? CONFIG_SOURCE,
      },
      furthest !== undefined
        ? evidenceOf(
            `The furthest confirmed booking, ${furthest.id} (${entityName(model, furthest.entity)}), starts on ${furthest.serviceStart}: ${daysBetween(end, furthest.serviceStart)} days after ${end}, inside the ${horizonDays}-day horizon.`,
            furthest,
          )
        : {
            text: `No confirmed booking starts after ${end}.`,
            source: file ?? CONFIG_SOURCE,
          },
      ...handoffItems(model, ["issue", "risk"], /sales pipeline|\bcrm\b/i).map(itemEvidence),
    ];
    return [
      {
        subject: model.tenant.id,
        title: `Empty sales pipeline — no open inquiries or quotes, nothing booked after ${furthest?.serviceStart ?? end}`,
        evidence,
        action: `Log every inquiry and quote in one tracked list with a follow-up date, and work it weekly until bookings reach past ${horizon}.`,
      },
    ];
  },
};

/** No real-time revenue dashboard: the registry has systems but none of kind dashboard. */
const noRevenueDashboard: Rule = {
  id: "no-revenue-dashboard",
  category: "critical-shortfall",
  roles: ["cfo", "ceo", "cto"],
  severity: "high",
  effort: 2,
  impact: 3,
  evaluate(ctx) {
    const { model } = ctx;
    if (model.systems.length === 0 || model.systems.some((s) => s.kind === "dashboard")) return [];
    const [file] = sourcesOf(model.systems);
    const entities = new Set(model.systems.map((s) => s.entity)).size;
    const items = handoffItems(model, ["issue", "risk"], /dashboard/i).filter(({ item }) =>
      /revenue|sales|kpi|metric|reporting/i.test(item.text),
    );
    return [
      {
        subject: model.tenant.id,
        title: "No real-time revenue dashboard",
        severity: worstSeverity(items, "high"),
        evidence: [
          {
            text: `${model.systems.length} systems are registered across ${entities} entities; none is of kind dashboard.`,
            source: file ?? CONFIG_SOURCE,
          },
          ...items.map(itemEvidence),
        ],
        action:
          "Set up a revenue dashboard fed daily from the payment processor and booking records, so revenue is seen during the month, not after the statements arrive.",
      },
    ];
  },
};

/** A key person's equity is promised but not documented. */
const keyPersonEquity: Rule = {
  id: "key-person-equity-undocumented",
  category: "critical-shortfall",
  roles: ["ceo", "cfo"],
  severity: "high",
  effort: 2,
  impact: 3,
  evaluate(ctx) {
    const { model } = ctx;
    return model.people
      .filter((p) => p.keyPerson && p.equity.status === "undocumented")
      .map((person): RuleHit => {
        const percent = person.equity.percent;
        const share = percent !== undefined ? `${percent}%` : "equity";
        const unsigned = person.agreements.filter((a) => a.status !== "signed");
        const items = handoffItems(model, ["issue", "risk"], /equity|share|stake/i).filter(
          ({ item }) =>
            (percent !== undefined && item.text.includes(`${percent}%`)) ||
            namePattern(person).test(item.text),
        );
        return {
          subject: person.id,
          title: `${person.name}: ${share} equity promised but undocumented`,
          evidence: [
            evidenceOf(
              `${person.name} (${person.role}) is a key person; equity ${share} is ${person.equity.status}${person.equity.note !== undefined ? `: ${person.equity.note}` : "."}`,
              person,
            ),
            ...(unsigned.length > 0
              ? [
                  evidenceOf(
                    `Agreements not signed: ${unsigned.map((a) => `${a.kind} (${a.status})`).join(", ")}.`,
                    person,
                  ),
                ]
              : []),
            ...items.map(itemEvidence),
          ],
          action: `Write ${person.name}'s ${share} into a signed agreement (vesting, buy-back and exit terms) and amend the operating agreement.`,
        };
      });
  },
};

/** An entity whose revenue streams all have billing model none. */
const noBillingModel: Rule = {
  id: "no-billing-model",
  category: "critical-shortfall",
  roles: ["cfo", "ceo", "accounting"],
  severity: "high",
  effort: 2,
  impact: 3,
  evaluate(ctx) {
    const { model } = ctx;
    return model.entities.flatMap((entity): RuleHit[] => {
      const streams = model.revenueStreams.filter((s) => s.entity === entity.id);
      if (streams.length === 0 || streams.some((s) => s.billing.model !== "none")) return [];
      const items = handoffItems(model, ["issue", "risk"], /billing|invoice|billed/i).filter(
        ({ note }) => note.entity === entity.id,
      );
      const billingSystems = model.systems.filter(
        (s) => s.entity === entity.id && s.kind === "billing",
      );
      const tool = billingSystems[0];
      return [
        {
          subject: entity.id,
          entity: entity.id,
          title: `${entity.name} has no billing model for ${streams.length === 1 ? "its revenue stream" : streams.length === 2 ? "either revenue stream" : `any of its ${streams.length} revenue streams`}`,
          severity: worstSeverity(items, "high") === "critical" ? "critical" : "high",
          evidence: [
            ...streams.map((s) =>
              evidenceOf(`${s.name}: pricing ${s.pricing.model}, billing model none.`, s),
            ),
            ...billingSystems.map((s) =>
              evidenceOf(`Billing system on record: ${s.name} (${s.technology}).`, s),
            ),
            ...items.map(itemEvidence),
          ],
          action:
            tool !== undefined
              ? `Choose how ${entity.name} bills each stream, configure it in the ${tool.technology} billing system already on record, and invoice the work already delivered.`
              : `Choose how ${entity.name} bills each stream (invoice, retainer or payment link) and invoice the work already delivered.`,
        },
      ];
    });
  },
};

/** A customer funnel that breaks: a known issue tagged ux or funnel with severity high or critical. */
const brokenFunnel: Rule = {
  id: "broken-funnel",
  category: "critical-shortfall",
  roles: ["cto", "ceo", "cmo"],
  severity: "high",
  effort: 2,
  impact: 3,
  evaluate(ctx) {
    const { model } = ctx;
    const breaking = handoffItems(model, ["issue"]).filter(
      ({ item }) =>
        (item.tags.includes("ux") || item.tags.includes("funnel")) &&
        (item.severity === "high" || item.severity === "critical"),
    );
    const byEntity = new Map<string, NotedItem[]>();
    for (const noted of breaking)
      byEntity.set(noted.note.entity, [...(byEntity.get(noted.note.entity) ?? []), noted]);
    return [...byEntity.entries()].map(([entity, items]): RuleHit => {
      const [first] = items as [NotedItem, ...NotedItem[]];
      const fix = items.map(matchingNextStep).find((s) => s !== undefined);
      const clause = firstClause(first.item.text);
      return {
        subject: entity,
        entity,
        title: `${entityName(model, entity)}: ${clause.charAt(0).toLowerCase()}${clause.slice(1)}`,
        severity: worstSeverity(items, "high"),
        evidence: [
          ...items.map(itemEvidence),
          ...(fix !== undefined ? [evidenceOf(`Planned fix: ${fix.text}`, fix)] : []),
        ],
        action:
          fix !== undefined
            ? `${fix.text} Then watch orders recover in the bookings.`
            : "Fix the broken step, test the whole funnel end to end on a phone, and watch orders recover in the bookings.",
      };
    });
  },
};

/** A key person without a transition plan. */
const keyPersonTransition: Rule = {
  id: "key-person-transition-risk",
  category: "critical-shortfall",
  roles: ["ceo"],
  severity: "high",
  effort: 3,
  impact: 3,
  evaluate(ctx) {
    const { model } = ctx;
    return model.people
      .filter((p) => p.keyPerson && (p.transitionPlan ?? "").trim() === "")
      .map((person): RuleHit => {
        const surname = person.name.split(/\s+/).at(-1) ?? person.name;
        const held = model.documents.filter((d) =>
          new RegExp(`\\b${escapeRegExp(surname)}\\b`, "i").test(d.name),
        );
        const items = itemsAboutPerson(model, person).filter(
          ({ item }) =>
            item.section === "risk" || /step back|leav|retir|transition/i.test(item.text),
        );
        return {
          subject: person.id,
          title: `Key-person risk: ${person.name} has no transition plan`,
          severity: worstSeverity(items, "high"),
          evidence: [
            evidenceOf(
              `${person.name} (${person.role}) is a key person with no transition plan.`,
              person,
            ),
            ...held.map((d) =>
              evidenceOf(
                `Holds ${d.name}${d.expires !== undefined ? `, valid to ${d.expires}` : ""}.`,
                d,
              ),
            ),
            ...items.map(itemEvidence),
          ],
          action: `Write a transition plan for ${person.name}'s duties${held.length > 0 ? `, name a backup who holds (or will obtain) the ${held.map((d) => shortName(d.name)).join(" and the ")}` : ""}, and agree a hand-over date.`,
        };
      });
  },
};

/** No break-even analysis: an issue or risk says a break-even analysis does not exist. */
const noBreakEven: Rule = {
  id: "no-break-even-analysis",
  category: "critical-shortfall",
  roles: ["cfo", "ceo"],
  severity: "high",
  effort: 1,
  impact: 3,
  evaluate(ctx) {
    const { model } = ctx;
    const items = handoffItems(model, ["issue", "risk"], /break[- ]?even/i).filter(({ item }) =>
      /\b(no|not|never|missing|without|lacks?|none)\b/i.test(item.text),
    );
    if (items.length === 0) return [];
    const computed = ctx.figures.get("break-even-charters");
    return [
      {
        subject: model.tenant.id,
        title: "No break-even analysis — prices and targets are not tied to costs",
        severity: worstSeverity(items, "high"),
        evidence: items.map(itemEvidence),
        action:
          computed !== undefined
            ? `Adopt the computed break-even (${computed.value} ${computed.unit}, CFO report) as the monthly floor and review it each month.`
            : "Build a break-even model per business (fixed costs ÷ contribution per unit) and review it each month.",
      },
    ];
  },
};

/** Expected KPIs with no observation in the trailing months (one finding per KPI). */
const missingKpi: Rule = {
  id: "missing-kpi",
  category: "missing-kpi",
  roles: ["ceo"],
  severity: "medium",
  effort: 2,
  impact: 2,
  evaluate(ctx) {
    const window = kpiWindow(ctx);
    const [kpiFile] = sourcesOf(ctx.model.kpiObservations);
    return missingKpis(ctx).map(
      (m): RuleHit => ({
        subject: m.kpi,
        title: `Missing KPI: ${kpiLabel(m.kpi)} (expected by ${m.roles.map(roleLabel).join(", ")})`,
        evidence: [
          {
            text: `Expected by ${m.roles.map(roleLabel).join(", ")} in the configuration; no ${m.kpi} observation for any entity in ${window[0]} to ${window.at(-1)}${m.lastObserved !== undefined ? ` (last seen ${m.lastObserved})` : " (never recorded)"}.`,
            source: kpiFile ?? CONFIG_SOURCE,
          },
        ],
        action: `Define how ${kpiLabel(m.kpi)} is measured and record it every month${kpiFile !== undefined ? ` in ${kpiFile.file}` : " in a kpis source"}.`,
      }),
    );
  },
};

/** Strategy finding rules: the CEO's critical shortfalls and missing KPIs. */
export const strategyRules: readonly Rule[] = [
  emptyPipeline,
  noRevenueDashboard,
  keyPersonEquity,
  noBillingModel,
  brokenFunnel,
  keyPersonTransition,
  noBreakEven,
  missingKpi,
];
