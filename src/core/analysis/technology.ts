import { periodEnd } from "../freshness.js";
import type {
  HandoffItem,
  HandoffNote,
  Repository,
  SystemComponent,
  TenantModel,
  Transaction,
} from "../model/index.js";
import { REGISTRY_BASIS, type SavingOpportunity, savingOpportunities } from "./cloud-savings.js";
import { entityName, latestAsOf, plural, sourcesOf } from "./common.js";
import { bestMatch, contentWords } from "./content-words.js";
import { addMonths, isUnder, monthOf, toCurrency, trailingMonths } from "./money.js";
import type { AnalysisContext, AnalysisOutput, Figure, Severity, Table } from "./types.js";

// The technology analysis reads three kinds of input, all generic so later collectors (git, AWS
// cost explorer) can feed the same shapes: handoff notes (stacks and typed items), registry
// systems (components, cost ranges, savings) and ledger rows under the cloud cost account.

/** A handoff item together with the note it sits in. */
export interface NoteItem {
  note: HandoffNote;
  item: HandoffItem;
}

/** The handoff topics the CTO report turns into gap findings. */
export type GapTopic = "security" | "ux" | "delivery";

/** Every gap topic, in the order the report shows them. */
export const GAP_TOPICS: readonly GapTopic[] = ["security", "ux", "delivery"];

/** Delivery-cycle signals, each with the words that show an item is about it. */
export const DELIVERY_SIGNALS = [
  {
    key: "ci",
    label: "CI/CD",
    noun: "CI/CD",
    pattern: /\bci\b|ci\/cd|continuous integration|runs on push/i,
  },
  { key: "staging", label: "Staging", noun: "staging", pattern: /\bstaging\b/i },
  {
    key: "deploy",
    label: "Deploys",
    noun: "deploys",
    pattern: /deploy|\bupload|\bgit push\b|\brelease/i,
  },
  { key: "rollback", label: "Rollback", noun: "rollback", pattern: /\broll ?back\b/i },
] as const;

// A deploy described with these words is done by hand.
const MANUAL_DEPLOY = /\bmanual|\bby hand\b|\blaptop\b|\bconsole\b|\bgit push\b|\bzip/i;

/** Cloud spend is read over a full year so seasonal highs and lows both show. */
export const CLOUD_WINDOW_MONTHS = 12;

/** How many engineering actions the CTO report lists unless config says otherwise. */
export const DEFAULT_ACTION_COUNT = 10;

/** Config key overriding the number of engineering actions (`analysis.thresholds`). */
export const ACTION_COUNT_KEY = "tech-engineering-actions.count";

const SEVERITY_ORDER: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3 };

/** Rank of a severity (0 = critical); a missing severity ranks after low. */
export function severityRank(severity: Severity | undefined): number {
  return severity === undefined ? 4 : SEVERITY_ORDER[severity];
}

/** A note is a technology note when its front matter names a stack. */
export function isTechnologyNote(note: HandoffNote): boolean {
  // Notes about operations or marketing can be filed under an entity that has systems, so the
  // entity alone says nothing about the note; the stack front matter does.
  return note.stack.length > 0;
}

/** True for items under Known issues or Risks: the places a gap is written down. */
export function isGapSection(item: HandoffItem): boolean {
  return item.section === "issue" || item.section === "risk";
}

/**
 * True when a gap item (Known issues or Risks) belongs to a topic: it carries the topic's tag.
 * For `delivery`, an item with no topic tag at all also counts when it names a delivery-cycle
 * signal (CI/CD, staging, deploys, rollback): authors do not always tag these, while an item
 * tagged with another topic (e.g. `security`) stays with that topic.
 */
export function isGapOf(item: HandoffItem, topic: GapTopic): boolean {
  return (
    isGapSection(item) &&
    (item.tags.includes(topic) ||
      (topic === "delivery" &&
        item.tags.length === 0 &&
        DELIVERY_SIGNALS.some((s) => s.pattern.test(item.text))))
  );
}

/** Handoff gap items of a topic, in note order. */
export function gapItems(notes: readonly HandoffNote[], topic: GapTopic): NoteItem[] {
  return notes.flatMap((note) =>
    note.items.filter((item) => isGapOf(item, topic)).map((item) => ({ note, item })),
  );
}

/**
 * Words to match a gap with its fix. Delivery gaps and all steps also get one token per
 * delivery-cycle signal they name, because authors describe the same thing in different words
 * ("deploys are manual" vs "redeploy the previous release").
 */
function matchWords(item: HandoffItem, withSignals: boolean): Set<string> {
  const words = contentWords(item.text);
  if (withSignals)
    for (const signal of DELIVERY_SIGNALS)
      if (signal.pattern.test(item.text)) words.add(`#${signal.key}`);
  return words;
}

/**
 * The next step of the same note that best fixes a gap item: the one sharing the most content
 * words (at least MIN_FIX_OVERLAP), earliest on ties; undefined when no step is close enough.
 */
export function fixingStep(note: HandoffNote, item: HandoffItem): HandoffItem | undefined {
  return bestMatch(matchWords(item, isGapOf(item, "delivery")), note.items, (step) =>
    step.section === "next-step" ? matchWords(step, true) : undefined,
  );
}

/** A short headline of an item: its first clause, without parentheses or code marks. */
export function headline(text: string, maxWords = 20): string {
  const plain = text
    .replace(/\s*\([^)]*\)/g, "")
    .replaceAll("`", "")
    .replace(/\s+/g, " ")
    .trim();
  // The first clause: up to a sentence or clause mark, or a ", so …" style consequence.
  const first =
    plain.split(
      /(?<=[^.]{3})[.;:](?:\s|$)|\s[—–]\s|,\s(?:so|which|because|even though|although)\s/,
    )[0] ?? plain;
  const words = first.split(" ");
  if (words.length <= maxWords) return first.replace(/[.,]$/, "");
  const clause = first.split(/,\s/)[0] ?? first;
  const clauseWords = clause.split(" ");
  return clauseWords.length <= maxWords ? clause : `${clauseWords.slice(0, maxWords).join(" ")}…`;
}

/** A stable, line-independent subject for a handoff item: note id, a slug and a text hash. */
export function itemSubject(note: HandoffNote, item: HandoffItem): string {
  const normalised = item.text.toLowerCase().replace(/\s+/g, " ").trim();
  const slug = normalised
    .replace(/[^a-z0-9]+/g, " ")
    .trim()
    .split(" ")
    .slice(0, 6)
    .join("-");
  return `${note.id}/${slug}-${fnv1a(normalised)}`;
}

/** 32-bit FNV-1a hash as 8 hex digits: short, stable and dependency-free. */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, "0");
}

/** `file:line` of a record, for evidence columns. */
export function where(record: { provenance: { file: string; line?: number } }): string {
  const { file, line } = record.provenance;
  return line !== undefined ? `${file}:${line}` : file;
}

// ---------------------------------------------------------------------------------------------
// Stack audit

/** Words of a component that a handoff stack item can name. */
function componentWords(system: SystemComponent): Set<string> {
  return contentWords(
    [system.name, system.technology, system.version ?? "", system.hosting ?? ""].join(" "),
  );
}

/** How a handoff stack item matched the registry components of its entity. */
export interface StackMatch {
  note: HandoffNote;
  item: string;
  /** The best-matching component of the note's entity, if any matches well enough. */
  system?: SystemComponent;
}

/**
 * Matches each stack item named in handoff front matter to a registry component of the same
 * entity: the component sharing the most words with the item, needing at least half of the
 * item's words (so "AWS Lambda" matches a Lambda function, not every AWS-hosted component).
 */
export function matchStacks(model: TenantModel): StackMatch[] {
  return model.handoffs.flatMap((note) =>
    note.stack.map((item): StackMatch => {
      const words = contentWords(item);
      const best = bestMatch(
        words,
        model.systems,
        (system) => (system.entity === note.entity ? componentWords(system) : undefined),
        Math.max(1, Math.ceil(words.size / 2)),
      );
      return best !== undefined ? { note, item, system: best } : { note, item };
    }),
  );
}

function stackAudit(model: TenantModel, matches: readonly StackMatch[]): Table[] {
  const order = new Map(model.entities.map((e, i) => [e.id, i]));
  const byEntity = (a: { entity: string }, b: { entity: string }) =>
    (order.get(a.entity) ?? 99) - (order.get(b.entity) ?? 99);
  const notesOf = (system: SystemComponent) => [
    ...new Set(matches.filter((m) => m.system === system).map((m) => m.note.provenance.file)),
  ];
  const systems = [...model.systems].sort(byEntity);
  const rows = systems.map((s) => {
    const notes = notesOf(s);
    return [
      entityName(model, s.entity),
      s.name,
      s.kind,
      s.technology,
      s.version ?? "—",
      [s.hosting, s.region].filter(Boolean).join(" · ") || "—",
      s.repo ?? "—",
      notes.length > 0 ? notes.join(", ") : "in no handoff stack",
    ];
  });
  const unmatched = matches
    .filter((m) => m.system === undefined)
    .map((m) => ({ entity: m.note.entity, match: m }))
    .sort(byEntity);
  for (const { match } of unmatched) {
    rows.push([
      entityName(model, match.note.entity),
      "(named only in a handoff)",
      "—",
      match.item,
      "—",
      "—",
      "—",
      `${match.note.provenance.file}: not in the registry`,
    ]);
  }
  return [
    {
      id: "stack-audit",
      title: "Stack per entity: registry components and the handoff notes that name them",
      columns: [
        { key: "entity", label: "Entity" },
        { key: "component", label: "Component" },
        { key: "kind", label: "Kind" },
        { key: "technology", label: "Technology" },
        { key: "version", label: "Version" },
        { key: "hosting", label: "Hosting / region" },
        { key: "repo", label: "Repo" },
        { key: "handoff", label: "Handoff stack" },
      ],
      rows,
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// Cloud costs

/** Cloud spend of one month, in cents, in total and per entity. */
export interface CloudMonth {
  month: string;
  totalCents: number;
  byEntity: Map<string, number>;
}

/**
 * Monthly cloud spend (outflows under the cloud account, net of refunds) for the months of the
 * window that the ledger covers at all: a month with ledger rows but no cloud charge is a real
 * $0, while a month before the ledger starts is unknown and left out.
 */
export function cloudSpendByMonth(
  model: TenantModel,
  cloudAccount: string,
  months: readonly string[],
): { months: CloudMonth[]; rows: Transaction[] } {
  const covered = new Set(model.transactions.map((t) => monthOf(t.date)));
  const window = new Set(months);
  const rows = model.transactions.filter(
    (t) => isUnder(t.category, cloudAccount) && window.has(monthOf(t.date)),
  );
  const result = months
    .filter((m) => covered.has(m))
    .map((month): CloudMonth => {
      const byEntity = new Map<string, number>();
      for (const t of rows) {
        if (monthOf(t.date) !== month) continue;
        byEntity.set(t.entity, (byEntity.get(t.entity) ?? 0) - t.amountCents);
      }
      const totalCents = [...byEntity.values()].reduce((a, b) => a + b, 0);
      return { month, totalCents, byEntity };
    });
  return { months: result, rows };
}

/** Position of an entity in the tenant's list, so tables follow the owner's order. */
function entityOrder(model: TenantModel, id: string | undefined): number {
  const index = model.entities.findIndex((e) => e.id === id);
  return index === -1 ? model.entities.length : index;
}

/** How the savings figure adds up: how many came from the AWS data and from the registry. */
function savingsBasis(savings: readonly SavingOpportunity[]): string {
  const found = savings.filter((x) => x.origin === "aws");
  const listed = savings.filter((x) => x.origin === "registry");
  const parts = [
    found.length > 0 ? `${plural(found.length, "saving")} found in the AWS accounts` : "",
    listed.length > 0 ? `${plural(listed.length, "saving")} listed in the registry` : "",
  ].filter(Boolean);
  return parts.length > 0 ? `Sum of ${parts.join(" and ")}.` : "No saving found or listed.";
}

/** The hosting providers of the components with a known cost ("AWS"), or a generic word. */
export function cloudProvider(model: TenantModel): string {
  const providers = [
    ...new Set(
      model.systems
        .filter((s) => s.monthlyCostCents !== undefined && s.hosting !== undefined)
        .map((s) => s.hosting as string),
    ),
  ];
  return providers.length > 0 ? providers.join(" + ") : "Cloud";
}

/** "Jan 2026" for `2026-01`. */
export function monthLabel(period: string): string {
  const [year, month] = period.split("-").map(Number) as [number, number];
  const names = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(" ");
  return `${names[month - 1] ?? period} ${year}`;
}

function cloudCosts(context: AnalysisContext): { figures: Figure[]; tables: Table[] } {
  const { model, period, settings } = context;
  const provider = cloudProvider(model);
  const windowMonths = trailingMonths(
    period,
    Math.max(CLOUD_WINDOW_MONTHS, settings.trailingMonths),
  );
  const { months, rows } = cloudSpendByMonth(model, settings.cloudCostAccount, windowMonths);
  const account = settings.cloudCostAccount;
  const span =
    months.length > 0
      ? `${monthLabel(months[0]?.month ?? period)}–${monthLabel(months[months.length - 1]?.month ?? period)}`
      : "no ledger months";
  const sorted = [...months].sort((a, b) => a.totalCents - b.totalCents);
  const low = sorted[0];
  const high = sorted[sorted.length - 1];
  const latestRow = [...rows].sort((a, b) => a.date.localeCompare(b.date))[rows.length - 1];
  const ledgerAsOf = latestRow?.date ?? `${period}-01`;
  const ledgerSources = sourcesOf(rows);
  const costed = model.systems.filter((s) => s.monthlyCostCents !== undefined);
  const savings = savingOpportunities(model, period);
  const registryAsOf =
    model.systems.map((s) => s.provenance.asOf).sort()[model.systems.length - 1] ?? `${period}-01`;
  const estimateLow = costed.reduce((a, s) => a + (s.monthlyCostCents?.low ?? 0), 0);
  const estimateHigh = costed.reduce((a, s) => a + (s.monthlyCostCents?.high ?? 0), 0);
  const monthBasis = (m: CloudMonth | undefined, which: string) =>
    m === undefined
      ? `No ${account} outflows in the ledger over ${span}.`
      : `${which} of ${months.length} months of ${account} outflows (${span}): ${monthLabel(m.month)}.`;
  const current = months.find((m) => m.month === period);
  // Only a month the ledger covers has a spend to compare with (cloudSpendByMonth drops the rest).
  const previous = months.find((m) => m.month === addMonths(period, -1));

  const figures: Figure[] = [
    {
      id: "aws-monthly-cost-low",
      label: `${provider} spend, lowest month`,
      value: toCurrency(low?.totalCents ?? 0),
      unit: "USD/month",
      asOf: ledgerAsOf,
      sources: ledgerSources,
      basis: monthBasis(low, "Lowest"),
      better: "lower",
    },
    {
      id: "aws-monthly-cost-high",
      label: `${provider} spend, highest month`,
      value: toCurrency(high?.totalCents ?? 0),
      unit: "USD/month",
      asOf: ledgerAsOf,
      sources: ledgerSources,
      basis: monthBasis(high, "Highest"),
      better: "lower",
    },
    {
      id: "aws-monthly-cost-current",
      label: `${provider} spend, ${monthLabel(period)}`,
      value: toCurrency(current?.totalCents ?? 0),
      unit: "USD/month",
      asOf: ledgerAsOf,
      sources: ledgerSources,
      basis:
        current === undefined
          ? `The ledger has no rows for ${monthLabel(period)}.`
          : `${account} outflows posted in ${monthLabel(period)}.`,
      better: "lower",
      ...(previous !== undefined ? { previous: toCurrency(previous.totalCents) } : {}),
    },
    {
      id: "aws-monthly-estimate-low",
      label: `${provider} cost estimate in the registry, low`,
      value: toCurrency(estimateLow),
      unit: "USD/month",
      asOf: registryAsOf,
      sources: sourcesOf(costed),
      basis: `Sum of the low monthly cost of ${costed.length} registry components.`,
      better: "lower",
    },
    {
      id: "aws-monthly-estimate-high",
      label: `${provider} cost estimate in the registry, high`,
      value: toCurrency(estimateHigh),
      unit: "USD/month",
      asOf: registryAsOf,
      sources: sourcesOf(costed),
      basis: `Sum of the high monthly cost of ${costed.length} registry components.`,
      better: "lower",
    },
    {
      id: "aws-monthly-savings",
      label: `${provider} savings available`,
      value: toCurrency(savings.reduce((sum, x) => sum + x.monthlyCents, 0)),
      unit: "USD/month",
      asOf: latestAsOf(savings, periodEnd(period)),
      sources: sourcesOf(savings),
      basis: savingsBasis(savings),
    },
  ];

  const spendEntities = [...new Set(rows.map((t) => t.entity))].sort(
    (a, b) =>
      model.entities.findIndex((e) => e.id === a) - model.entities.findIndex((e) => e.id === b),
  );
  const byMonth: Table = {
    id: "cloud-spend-by-month",
    title: `${provider} spend by month (${account})`,
    columns: [
      { key: "month", label: "Month" },
      ...spendEntities.map((id) => ({
        key: id,
        label: entityName(model, id),
        unit: "USD" as const,
      })),
      { key: "total", label: "Total", unit: "USD" },
    ],
    rows: months.map((m) => [
      m.month,
      ...spendEntities.map((id) => toCurrency(m.byEntity.get(id) ?? 0)),
      toCurrency(m.totalCents),
    ]),
  };

  const order = (s: SystemComponent) => model.entities.findIndex((e) => e.id === s.entity);
  const costTable: Table = {
    id: "cloud-costs",
    title: "Registry cost estimate per component",
    columns: [
      { key: "entity", label: "Entity" },
      { key: "system", label: "Component" },
      { key: "technology", label: "Technology" },
      { key: "low", label: "Low", unit: "USD/month" },
      { key: "high", label: "High", unit: "USD/month" },
    ],
    rows: [...costed]
      .sort((a, b) => order(a) - order(b))
      .map((s) => [
        entityName(model, s.entity),
        s.name,
        s.technology,
        toCurrency(s.monthlyCostCents?.low ?? 0),
        toCurrency(s.monthlyCostCents?.high ?? 0),
      ]),
  };

  // Ledger vs registry per entity: a month outside the registry's range means the estimate (or
  // the bill) needs a look.
  const estimateEntities = [...new Set([...costed.map((s) => s.entity), ...spendEntities])].sort(
    (a, b) =>
      model.entities.findIndex((e) => e.id === a) - model.entities.findIndex((e) => e.id === b),
  );
  const compare: Table = {
    id: "cloud-costs-by-entity",
    title: `Ledger spend vs registry estimate per entity (${span})`,
    columns: [
      { key: "entity", label: "Entity" },
      { key: "ledgerLow", label: "Ledger lowest month", unit: "USD/month" },
      { key: "ledgerHigh", label: "Ledger highest month", unit: "USD/month" },
      { key: "estimateLow", label: "Estimate low", unit: "USD/month" },
      { key: "estimateHigh", label: "Estimate high", unit: "USD/month" },
      { key: "verdict", label: "Ledger vs estimate" },
    ],
    rows: estimateEntities.map((id) => {
      const spend = months.map((m) => m.byEntity.get(id) ?? 0);
      const mine = costed.filter((s) => s.entity === id);
      const eLow = mine.reduce((a, s) => a + (s.monthlyCostCents?.low ?? 0), 0);
      const eHigh = mine.reduce((a, s) => a + (s.monthlyCostCents?.high ?? 0), 0);
      const lLow = spend.length > 0 ? Math.min(...spend) : 0;
      const lHigh = spend.length > 0 ? Math.max(...spend) : 0;
      const above = spend.filter((c) => c > eHigh).length;
      const below = spend.filter((c) => c < eLow).length;
      const verdict =
        mine.length === 0
          ? "no registry estimate"
          : above + below === 0
            ? "every month within the estimate"
            : `${[
                above > 0 ? `${plural(above, "month")} above` : "",
                below > 0 ? `${plural(below, "month")} below` : "",
              ]
                .filter(Boolean)
                .join(", ")} the estimate`;
      return [
        entityName(model, id),
        toCurrency(lLow),
        toCurrency(lHigh),
        toCurrency(eLow),
        toCurrency(eHigh),
        verdict,
      ];
    }),
  };

  const savingsTable: Table = {
    id: "cloud-savings",
    title: "Savings found in the AWS accounts and listed in the registry",
    columns: [
      { key: "entity", label: "Entity" },
      { key: "subject", label: "Resource or component" },
      { key: "action", label: "Action" },
      { key: "saving", label: "Monthly saving", unit: "USD/month" },
      { key: "basis", label: "How it is estimated" },
    ],
    rows: [...savings]
      .sort(
        (a, b) =>
          entityOrder(model, a.entity) - entityOrder(model, b.entity) ||
          b.monthlyCents - a.monthlyCents,
      )
      .map((x) => [
        entityName(model, x.entity),
        x.subject,
        x.action,
        toCurrency(x.monthlyCents),
        x.origin === "registry"
          ? REGISTRY_BASIS
          : `${x.basis}${x.alsoListedOn !== undefined ? ` (also listed in the registry, on ${x.alsoListedOn})` : ""}`,
      ]),
  };
  return { figures, tables: [byMonth, costTable, compare, savingsTable] };
}

// ---------------------------------------------------------------------------------------------
// Delivery cycle

/** What the delivery-gap items of one entity say about each delivery-cycle signal. */
export function deliverySignals(
  items: readonly NoteItem[],
): Record<(typeof DELIVERY_SIGNALS)[number]["key"], string> {
  const cell = (key: (typeof DELIVERY_SIGNALS)[number]["key"]): string => {
    const signal = DELIVERY_SIGNALS.find((s) => s.key === key);
    const hits = items.filter(({ item }) => signal?.pattern.test(item.text));
    if (hits.length === 0) return "not reported";
    const manual = key === "deploy" && hits.some(({ item }) => MANUAL_DEPLOY.test(item.text));
    return `${manual ? "manual" : "gap"} (${hits.map(({ item }) => where(item)).join(", ")})`;
  };
  return {
    ci: cell("ci"),
    staging: cell("staging"),
    deploy: cell("deploy"),
    rollback: cell("rollback"),
  };
}

// The repository files that show each delivery-cycle signal.
const REPO_SIGNAL: Record<(typeof DELIVERY_SIGNALS)[number]["key"], keyof Repository["delivery"]> =
  {
    ci: "ci",
    staging: "staging",
    deploy: "deployScripts",
    rollback: "rollbackDocs",
  };

/**
 * A signal the handoffs do not report, from the entity's repositories: "none in repos/x" when
 * no repository has a file for it, else where the files are.
 */
function repositorySignal(
  repos: readonly Repository[],
  key: (typeof DELIVERY_SIGNALS)[number]["key"],
): string | undefined {
  if (repos.length === 0) return undefined;
  const files = repos.filter((r) => r.delivery[REPO_SIGNAL[key]].length > 0);
  if (files.length === 0) return `none in ${repos.map((r) => r.path).join(", ")}`;
  return `in ${files.map((r) => `${r.path}: ${r.delivery[REPO_SIGNAL[key]].slice(0, 2).join(", ")}`).join("; ")}`;
}

function deliveryTable(model: TenantModel): Table {
  const items = gapItems(model.handoffs, "delivery");
  const entities = model.entities.filter(
    (e) =>
      items.some((i) => i.note.entity === e.id) ||
      model.handoffs.some((n) => n.entity === e.id && isTechnologyNote(n)) ||
      model.repositories.some((r) => r.entity === e.id),
  );
  return {
    id: "delivery-cycle",
    title:
      model.repositories.length > 0
        ? "Delivery-cycle signals per entity, from the handoff notes and the git repositories"
        : "Delivery-cycle signals per entity, from the handoff notes",
    columns: [
      { key: "entity", label: "Entity" },
      ...DELIVERY_SIGNALS.map((s) => ({ key: s.key, label: s.label })),
      { key: "planned", label: "Planned fixes" },
    ],
    rows: entities.map((e) => {
      const mine = items.filter((i) => i.note.entity === e.id);
      const repos = model.repositories.filter((r) => r.entity === e.id);
      const reported = deliverySignals(mine);
      const signals = Object.fromEntries(
        DELIVERY_SIGNALS.map(({ key }) => [
          key,
          reported[key] === "not reported"
            ? (repositorySignal(repos, key) ?? reported[key])
            : reported[key],
        ]),
      ) as typeof reported;
      const fixes = [
        ...new Set(
          mine.flatMap(({ note, item }) => {
            const step = fixingStep(note, item);
            return step !== undefined ? [where(step)] : [];
          }),
        ),
      ];
      return [
        e.name,
        signals.ci,
        signals.staging,
        signals.deploy,
        signals.rollback,
        fixes.length > 0 ? fixes.join(", ") : "none",
      ];
    }),
  };
}

// ---------------------------------------------------------------------------------------------
// Engineering actions

/** How long a step looks like it takes, from its wording: 1 hours, 2 days, 3 weeks. */
export function effortHint(text: string): 1 | 2 | 3 {
  const lower = text.toLowerCase();
  if (/\b(rewrite|rebuild|re-platform|migrate|redesign|build)\b/.test(lower)) return 3;
  const verb = lower.replace(/^[^a-z]+/, "").split(/\s+/)[0] ?? "";
  const quick = new Set([
    "attach",
    "switch",
    "release",
    "remove",
    "rotate",
    "roll",
    "update",
    "enable",
    "encrypt",
    "move",
    "turn",
    "delete",
    "disable",
    "purge",
    "rename",
    "claim",
    "revoke",
  ]);
  if (quick.has(verb) || (verb === "set" && !/^set up\b/.test(lower.trim()))) return 1;
  return 2;
}

/** A monthly saving a step names in its text ("about $6.60 a month saved"), in cents. */
export function namedSavingCents(text: string): number {
  const match = /\$(\d+(?:[.,]\d+)?)\s*(?:a|per|\/)\s*month/i.exec(text);
  return match === null ? 0 : Math.round(Number((match[1] as string).replace(",", "")) * 100);
}

/** A next step proposed as an engineering action, with what it fixes and how it ranks. */
export interface EngineeringAction {
  note: HandoffNote;
  step: HandoffItem;
  /** Gap items of the same note this step is the best fix for. */
  fixes: HandoffItem[];
  /** The step's own severity, else the most severe thing it fixes. */
  severity?: Severity;
  fixesSecurity: boolean;
  effort: 1 | 2 | 3;
  savingCents: number;
}

/**
 * Candidate engineering actions: next steps of technology notes, plus next steps tagged with a
 * technology topic in any other note, each linked to the gaps of its note it fixes best.
 */
export function engineeringCandidates(model: TenantModel): EngineeringAction[] {
  return model.handoffs.flatMap((note) => {
    const gaps = note.items.filter(isGapSection);
    const fixOf = new Map(gaps.map((gap) => [gap, fixingStep(note, gap)]));
    return note.items
      .filter(
        (step) =>
          step.section === "next-step" &&
          (isTechnologyNote(note) ||
            step.tags.some((t) => (GAP_TOPICS as readonly string[]).includes(t))),
      )
      .map((step): EngineeringAction => {
        const fixes = gaps.filter((gap) => fixOf.get(gap) === step);
        const worstFix = [...fixes].sort(
          (a, b) => severityRank(a.severity) - severityRank(b.severity),
        )[0]?.severity;
        const severity = step.severity ?? worstFix;
        const action: EngineeringAction = {
          note,
          step,
          fixes,
          fixesSecurity: fixes.some((f) => f.tags.includes("security")),
          effort: effortHint(step.text),
          savingCents: namedSavingCents(step.text),
        };
        if (severity !== undefined) action.severity = severity;
        return action;
      });
  });
}

/**
 * Ranks candidate actions: the step's severity first; then steps that fix a security gap; then
 * the severity of the worst gap the step fixes (steps fixing nothing last); then smaller effort;
 * then larger named saving; then note and line order for a stable result.
 */
export function rankActions(actions: readonly EngineeringAction[]): EngineeringAction[] {
  const worst = (a: EngineeringAction) =>
    Math.min(5, ...a.fixes.map((f) => severityRank(f.severity)));
  return [...actions].sort(
    (a, b) =>
      severityRank(a.severity) - severityRank(b.severity) ||
      Number(b.fixesSecurity) - Number(a.fixesSecurity) ||
      worst(a) - worst(b) ||
      a.effort - b.effort ||
      b.savingCents - a.savingCents ||
      a.note.provenance.file.localeCompare(b.note.provenance.file) ||
      (a.step.provenance.line ?? 0) - (b.step.provenance.line ?? 0),
  );
}

function fixLabel(action: EngineeringAction): string {
  if (action.fixes.length === 0) return action.savingCents > 0 ? "cost" : "—";
  const kinds = action.fixes.map((f) => {
    const topic = GAP_TOPICS.find((t) => isGapOf(f, t));
    const label =
      topic === "security"
        ? "security gap"
        : topic === "ux"
          ? "UX gap"
          : topic === "delivery"
            ? "delivery gap"
            : f.section === "risk"
              ? "risk"
              : "known issue";
    return `${label} (${where(f)})`;
  });
  return kinds.join("; ");
}

const EFFORT_WORDS = ["", "hours", "days", "weeks"] as const;

function actionsOutput(context: AnalysisContext): { figures: Figure[]; tables: Table[] } {
  const { model, period, settings } = context;
  const count = settings.thresholds[ACTION_COUNT_KEY] ?? DEFAULT_ACTION_COUNT;
  const candidates = engineeringCandidates(model);
  const ranked = rankActions(candidates).slice(0, Math.max(0, count));
  const notes = [...new Set(candidates.map((c) => c.note))];
  const asOf = notes.map((n) => n.updated).sort()[notes.length - 1] ?? `${period}-01`;
  return {
    figures: [
      {
        id: "engineering-action-candidates",
        label: "Engineering next steps in the handoff notes",
        value: candidates.length,
        unit: "count",
        asOf,
        sources: sourcesOf(notes),
        basis: `Next steps of ${plural(notes.length, "technology handoff note")}.`,
      },
      {
        id: "engineering-action-count",
        label: "Engineering actions prioritised",
        value: ranked.length,
        unit: "count",
        asOf,
        sources: sourcesOf(notes),
        basis: `The top ${count} by severity, security fix, severity of what they fix and effort.`,
      },
    ],
    tables: [
      {
        id: "engineering-actions",
        title: "Engineering actions, in order",
        columns: [
          { key: "rank", label: "#" },
          { key: "action", label: "Action" },
          { key: "entity", label: "Entity" },
          { key: "severity", label: "Severity" },
          { key: "fixes", label: "Fixes" },
          { key: "effort", label: "Effort" },
          { key: "evidence", label: "Evidence" },
        ],
        rows: ranked.map((a, i) => [
          String(i + 1),
          a.step.text,
          entityName(model, a.note.entity),
          a.severity ?? "unrated",
          fixLabel(a),
          EFFORT_WORDS[a.effort],
          where(a.step),
        ]),
      },
    ],
  };
}

// ---------------------------------------------------------------------------------------------
// Funnel and mobile UX notes

const FUNNEL_WORDS =
  /\bfunnel\b|\bmobile\b|\bios\b|\bandroid\b|\bsafari\b|\bphone-sized\b|\bdrop-off\b|\babandonment\b|\bconversion\b/i;

function funnelNotes(model: TenantModel): Table {
  const label: Record<HandoffItem["section"], string> = {
    state: "current state",
    issue: "known issue",
    decision: "decision",
    risk: "risk",
    "next-step": "next step",
    other: "note",
  };
  const rows = model.handoffs
    .filter(isTechnologyNote)
    .flatMap((note) =>
      note.items
        .filter((item) => FUNNEL_WORDS.test(item.text))
        .map((item) => [
          entityName(model, note.entity),
          `${label[item.section]}${item.severity !== undefined ? ` (${item.severity})` : ""}`,
          item.text,
          where(item),
        ]),
    );
  return {
    id: "funnel-mobile-notes",
    title: "What the technology handoffs say about funnels, drop-off and mobile",
    columns: [
      { key: "entity", label: "Entity" },
      { key: "kind", label: "Kind" },
      { key: "text", label: "Note" },
      { key: "evidence", label: "Evidence" },
    ],
    rows,
  };
}

const DELIVERY_STEPS = [
  ["ci", "CI"],
  ["tests", "tests"],
  ["staging", "staging"],
  ["deployScripts", "deploy scripts"],
  ["rollbackDocs", "rollback notes"],
] as const;

/** "No CI, staging or rollback notes; tests: spec/; deploy scripts: Procfile". */
export function deliveryCycleText(delivery: Repository["delivery"]): string {
  const missing = DELIVERY_STEPS.filter(([key]) => delivery[key].length === 0).map(([, l]) => l);
  const found = DELIVERY_STEPS.filter(([key]) => delivery[key].length > 0).map(
    ([key, label]) =>
      `${label}: ${delivery[key].slice(0, 2).join(", ")}${delivery[key].length > 2 ? ", …" : ""}`,
  );
  const none =
    missing.length === 0
      ? []
      : [
          `No ${missing.length === 1 ? missing[0] : `${missing.slice(0, -1).join(", ")} or ${missing[missing.length - 1]}`}`,
        ];
  return [...none, ...found].join("; ");
}

/**
 * What the git collector found in each repository: the stack declared in code (with end-of-life
 * flags at the period end), the delivery-cycle files, and the last commit.
 */
export function repositoryTable(model: TenantModel): Table {
  const order = new Map(model.entities.map((e, i) => [e.id, i]));
  const repos = [...model.repositories].sort(
    (a, b) =>
      (order.get(a.entity) ?? 99) - (order.get(b.entity) ?? 99) || a.name.localeCompare(b.name),
  );
  return {
    id: "repositories",
    title: "Repositories: stack declared in code and delivery cycle",
    columns: [
      { key: "repository", label: "Repository" },
      { key: "stack", label: "Stack in code" },
      { key: "delivery", label: "Delivery cycle" },
      { key: "last-commit", label: "Last commit" },
    ],
    rows: repos.map((r) => [
      `${r.name} (${entityName(model, r.entity)})`,
      r.stack
        .map(
          (item) =>
            `${item.technology}${item.version !== undefined ? ` ${item.version}` : ""}${item.endOfLife !== undefined ? ` (end of life since ${item.endOfLife.since})` : ""}`,
        )
        .join("; ") || "—",
      deliveryCycleText(r.delivery),
      `${r.lastCommitDate}${r.defaultBranch !== undefined ? ` on ${r.defaultBranch}` : ""}`,
    ]),
  };
}

/**
 * AWS cost by service from the accounts' Cost Explorer data over the cloud window, and each
 * month's Cost Explorer total next to the ledger's cloud charges, so a bill that does not match
 * what was paid shows.
 */
export function cloudCostByService(context: AnalysisContext): Table[] {
  const { model, period, settings } = context;
  const window = trailingMonths(period, Math.max(CLOUD_WINDOW_MONTHS, settings.trailingMonths));
  const inWindow = new Set(window);
  const costs = model.cloudAccounts.flatMap((a) =>
    a.costs
      .filter((c) => inWindow.has(c.month))
      .map((c) => ({ ...c, entity: c.entity ?? a.entity })),
  );
  const months = [...new Set(costs.map((c) => c.month))].sort();
  const services = [...new Set(costs.map((c) => c.service))];
  const perService = services
    .map((service) => {
      const mine = costs.filter((c) => c.service === service);
      const byMonth = months.map((m) =>
        mine.filter((c) => c.month === m).reduce((sum, c) => sum + c.amountCents, 0),
      );
      const entities = [...new Set(mine.map((c) => c.entity).filter((e) => e !== undefined))];
      return {
        service,
        entities: entities.map((e) => entityName(model, e)).join(", ") || "—",
        low: Math.min(...byMonth),
        high: Math.max(...byMonth),
        total: byMonth.reduce((a, b) => a + b, 0),
      };
    })
    .sort((a, b) => b.total - a.total || a.service.localeCompare(b.service));
  const ledger = cloudSpendByMonth(model, settings.cloudCostAccount, window).months;
  const reconciled = months.map((month) => {
    const explorer = costs.filter((c) => c.month === month).reduce((a, c) => a + c.amountCents, 0);
    const paid = ledger.find((m) => m.month === month)?.totalCents;
    return [
      month,
      toCurrency(explorer),
      paid === undefined ? "—" : toCurrency(paid),
      paid === undefined ? "—" : toCurrency(explorer - paid),
    ];
  });
  return [
    {
      id: "cloud-cost-by-service",
      title: `AWS cost by service, Cost Explorer (${months.length > 0 ? `${monthLabel(months[0] ?? period)}–${monthLabel(months[months.length - 1] ?? period)}` : "no months"})`,
      columns: [
        { key: "service", label: "Service" },
        { key: "entities", label: "Entities" },
        { key: "low", label: "Lowest month", unit: "USD/month" },
        { key: "high", label: "Highest month", unit: "USD/month" },
        { key: "total", label: "Total", unit: "USD" },
      ],
      rows: perService.map((r) => [
        r.service,
        r.entities,
        toCurrency(r.low),
        toCurrency(r.high),
        toCurrency(r.total),
      ]),
    },
    {
      id: "cloud-cost-vs-ledger",
      title: "Cost Explorer total against the ledger's cloud charges, per month",
      columns: [
        { key: "month", label: "Month" },
        { key: "explorer", label: "Cost Explorer", unit: "USD" },
        { key: "ledger", label: "Ledger", unit: "USD" },
        { key: "difference", label: "Difference", unit: "USD" },
      ],
      rows: reconciled,
    },
  ];
}

/** Technology analysis: stack audit, cloud spend and savings, delivery signals, engineering actions. */
export function analyseTechnology(context: AnalysisContext): AnalysisOutput {
  const { model } = context;
  const cloud = cloudCosts(context);
  const actions = actionsOutput(context);
  return {
    figures: [...cloud.figures, ...actions.figures],
    tables: [
      ...stackAudit(model, matchStacks(model)),
      repositoryTable(model),
      ...cloud.tables,
      ...cloudCostByService(context),
      deliveryTable(model),
      ...actions.tables,
      funnelNotes(model),
    ],
  };
}
