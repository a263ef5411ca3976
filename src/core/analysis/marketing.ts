import type {
  Asset,
  BusinessDocument,
  Campaign,
  Channel,
  HandoffItem,
  HandoffNote,
  TenantModel,
  Traced,
} from "../model/index.js";
import { grouped } from "../number-format.js";
import { addDays, entityName, latestAsOf, listWords, periodEnd, sourcesOf } from "./common.js";
import { capitalise } from "./finance.js";
import type { AnalysisContext, AnalysisOutput, Cell, Figure, Table } from "./types.js";

// Marketing: where each entity can be found (channel matrix), what the email list is worth,
// which OTAs to list on first (prerequisites are documents), the local-SEO work and the
// 30/60/90-day plan that follows from them.

/** Channel kinds of the visibility matrix, in column order, with their column labels. */
export const CHANNEL_KINDS: readonly { kind: Channel["kind"]; label: string }[] = [
  { kind: "website", label: "Website" },
  { kind: "google-business-profile", label: "Google Business Profile" },
  { kind: "ota", label: "OTA listings" },
  { kind: "social", label: "Social" },
  { kind: "email-list", label: "Email list" },
  { kind: "directory", label: "Directory" },
];

/** Channel statuses as words. */
export function statusWords(status: Channel["status"]): string {
  return status === "not-listed" ? "not listed" : status;
}

/** A prerequisite of a channel and whether it blocks listing (missing from the registry counts as missing). */
export interface Prerequisite {
  id: string;
  name: string;
  status: BusinessDocument["status"];
  document?: BusinessDocument;
}

/** One not-yet-listed OTA channel in its listing order. */
export interface OtaStep {
  /** 1-based; channels that share a priority and a state share an order. */
  order: number;
  channel: Channel;
  prerequisites: Prerequisite[];
  /** Prerequisites not valid: the listing waits for them. */
  blocking: Prerequisite[];
}

/** Resolves a channel's prerequisite document ids against the registry. */
export function prerequisitesOf(model: TenantModel, channel: Channel): Prerequisite[] {
  return channel.prerequisites.map((id) => {
    const document = model.documents.find((d) => d.id === id);
    return document !== undefined
      ? { id, name: document.name, status: document.status, document }
      : { id, name: id, status: "missing" };
  });
}

/**
 * Per entity, its OTA channels that are not listed, ready ones first, then by priority and name;
 * a channel is gated when a prerequisite document is not valid.
 */
export function otaSequence(model: TenantModel): Map<string, OtaStep[]> {
  const result = new Map<string, OtaStep[]>();
  const entities = [...new Set(model.channels.map((c) => c.entity))];
  for (const entity of entities) {
    const pending = model.channels
      .filter((c) => c.entity === entity && c.kind === "ota")
      .filter((c) => c.status === "not-listed" || c.status === "planned")
      .map((channel) => {
        const prerequisites = prerequisitesOf(model, channel);
        return {
          channel,
          prerequisites,
          blocking: prerequisites.filter((p) => p.status !== "valid"),
        };
      })
      .sort(
        (a, b) =>
          Number(a.blocking.length > 0) - Number(b.blocking.length > 0) ||
          // Ties keep the registry's order (Array.prototype.sort is stable).
          (a.channel.priority ?? Number.MAX_SAFE_INTEGER) -
            (b.channel.priority ?? Number.MAX_SAFE_INTEGER),
      );
    if (pending.length === 0) continue;
    let order = 0;
    let previous = "";
    const steps = pending.map((step): OtaStep => {
      const key = `${step.blocking.length > 0}:${step.channel.priority ?? ""}`;
      if (key !== previous || step.channel.priority === undefined) order += 1;
      previous = key;
      return { order, ...step };
    });
    result.set(entity, steps);
  }
  return result;
}

/** The email-blast business case of one campaign. */
export interface BlastCase {
  campaign: Campaign;
  audience: Asset & { contacts: number };
  low: number;
  high: number;
  conversionsLow: number;
  conversionsHigh: number;
}

/** Email-blast campaigns whose audience is an asset with contacts, largest list first. */
export function blastCases(model: TenantModel): BlastCase[] {
  return model.campaigns
    .filter((c) => c.kind === "email-blast")
    .flatMap((campaign): BlastCase[] => {
      const audience = model.assets.find((a) => a.id === campaign.audience);
      if (audience?.contacts === undefined || audience.contacts <= 0) return [];
      const { low, high } = campaign.assumptions;
      const conversionsLow = audience.contacts * low.open * low.click * low.conversion;
      const conversionsHigh = audience.contacts * high.open * high.click * high.conversion;
      const value = campaign.valuePerConversionCents;
      return [
        {
          campaign,
          audience: { ...audience, contacts: audience.contacts },
          low: Math.round(conversionsLow * value) / 100,
          high: Math.round(conversionsHigh * value) / 100,
          conversionsLow,
          conversionsHigh,
        },
      ];
    })
    .sort((a, b) => b.audience.contacts - a.audience.contacts || b.high - a.high);
}

/** A handoff item with its note. */
interface NoteItem {
  note: HandoffNote;
  item: HandoffItem;
}

const LOCAL_SEO =
  /\bseo\b|google business profile|director(y|ies)|name, address and phone|\bnap\b|service[- ]area|local search|\branks?\b/i;

/** Handoff items about an entity's local search presence (they name the entity and a local-SEO topic). */
export function localSeoItems(model: TenantModel, entityId: string): NoteItem[] {
  const entity = model.entities.find((e) => e.id === entityId);
  if (entity === undefined) return [];
  const names = [entity.name, ...entity.aliases, entity.id].map((n) => n.toLowerCase());
  return model.handoffs.flatMap((note) =>
    note.items
      .filter((item) => LOCAL_SEO.test(item.text))
      .filter((item) => names.some((n) => item.text.toLowerCase().includes(n)))
      .map((item) => ({ note, item })),
  );
}

/** Local-search channels (Google Business Profile, directories) that are not listed, by entity. */
export function localSeoGaps(model: TenantModel): Map<string, Channel[]> {
  const gaps = new Map<string, Channel[]>();
  for (const channel of model.channels) {
    if (channel.kind !== "google-business-profile" && channel.kind !== "directory") continue;
    if (channel.status === "listed") continue;
    gaps.set(channel.entity, [...(gaps.get(channel.entity) ?? []), channel]);
  }
  // Entities whose handoffs already describe the local-search problem come first.
  return new Map(
    [...gaps.entries()].sort(
      ([a], [b]) =>
        Number(localSeoItems(model, b).length > 0) - Number(localSeoItems(model, a).length > 0),
    ),
  );
}

/** The step that fixes a local-search channel, as a sentence. */
export function channelFix(model: TenantModel, channel: Channel): string {
  const name = entityName(model, channel.entity);
  const verb = channel.status === "suspended" ? "Reinstate" : "Claim and verify";
  return channel.kind === "google-business-profile"
    ? `${verb} ${name}'s ${channel.name}`
    : `${channel.status === "suspended" ? "Reinstate" : "List"} ${name} on ${channel.name}`;
}

/** Marketing analysis: channel matrix, email-blast case, OTA sequence, local SEO and milestones. */
export function analyseMarketing(context: AnalysisContext): AnalysisOutput {
  return {
    figures: [...channelFigures(context), ...blastFigures(context), ...otaFigures(context)],
    tables: [
      channelMatrix(context),
      channelStatusTable(context),
      blastTable(context),
      otaTable(context),
      localSeoTable(context),
      milestoneTable(context),
    ],
  };
}

function channelFigures(context: AnalysisContext): Figure[] {
  const { channels } = context.model;
  if (channels.length === 0) return [];
  const listed = channels.filter((c) => c.status === "listed").length;
  return [
    {
      id: "channels-listed-share",
      label: "Channels listed",
      value: Math.round((listed / channels.length) * 1000) / 10,
      unit: "percent",
      asOf: latestAsOf(channels, periodEnd(context.period)),
      sources: sourcesOf(channels),
      basis: `${listed} of ${channels.length} channels across ${new Set(channels.map((c) => c.entity)).size} entities are listed.`,
    },
  ];
}

function channelMatrix(context: AnalysisContext): Table {
  const { model } = context;
  const entityIds = model.entities
    .map((e) => e.id)
    .filter((id) => model.channels.some((c) => c.entity === id));
  const kinds = [
    ...CHANNEL_KINDS,
    ...(model.channels.some((c) => c.kind === "other")
      ? [{ kind: "other" as const, label: "Other" }]
      : []),
  ];
  return {
    id: "channel-matrix",
    title: "Channel visibility by entity",
    columns: [
      { key: "entity", label: "Entity" },
      ...kinds.map(({ kind, label }) => ({ key: kind, label })),
      { key: "listed", label: "Listed" },
    ],
    rows: entityIds.map((id) => {
      const own = model.channels.filter((c) => c.entity === id);
      return [
        entityName(model, id),
        ...kinds.map(({ kind, label }) =>
          matrixCell(
            own.filter((c) => c.kind === kind),
            label,
          ),
        ),
        `${own.filter((c) => c.status === "listed").length} of ${own.length}`,
      ];
    }),
  };
}

/** Channel statuses in the order the status counts list them: reached first, lost last. */
export const CHANNEL_STATUSES: readonly Channel["status"][] = [
  "listed",
  "planned",
  "not-listed",
  "suspended",
];

/** Channels per entity and status (statuses no channel has are left out), for the visibility chart. */
function channelStatusTable(context: AnalysisContext): Table {
  const { model } = context;
  const entityIds = model.entities
    .map((e) => e.id)
    .filter((id) => model.channels.some((c) => c.entity === id));
  const statuses = CHANNEL_STATUSES.filter((s) => model.channels.some((c) => c.status === s));
  return {
    id: "channels-by-status",
    title: "Channels by status and entity",
    columns: [
      { key: "entity", label: "Entity" },
      ...statuses.map((status) => ({
        key: status,
        label: capitalise(statusWords(status)),
        unit: "count" as const,
      })),
    ],
    rows: entityIds.map((id) => {
      const own = model.channels.filter((c) => c.entity === id);
      return [
        entityName(model, id),
        ...statuses.map((s) => own.filter((c) => c.status === s).length),
      ];
    }),
  };
}

/** One matrix cell: "none", a status with the channel's name, or "1 of 4 listed". */
function matrixCell(channels: readonly Channel[], columnLabel: string): string {
  const [only] = channels;
  if (only === undefined) return "none";
  if (channels.length === 1)
    return only.name.toLowerCase() === columnLabel.toLowerCase()
      ? statusWords(only.status)
      : `${statusWords(only.status)} (${only.name})`;
  const listed = channels.filter((c) => c.status === "listed").length;
  return `${listed} of ${channels.length} listed`;
}

function blastFigures(context: AnalysisContext): Figure[] {
  const cases = blastCases(context.model);
  const figures = (blast: BlastCase, suffix: string): Figure[] => {
    const { campaign, audience } = blast;
    const sources = sourcesOf([campaign, audience]);
    const asOf = latestAsOf([campaign, audience], periodEnd(context.period));
    const value = campaign.valuePerConversionCents / 100;
    const basis = (rates: Campaign["assumptions"]["low"]) =>
      `${grouped(audience.contacts)} contacts × ${pct(rates.open)} open × ${pct(rates.click)} click × ${pct(rates.conversion)} conversion × $${grouped(value)} per booking.`;
    return [
      {
        id: `email-list-size${suffix}`,
        label: "Email list size",
        value: audience.contacts,
        unit: "contacts",
        asOf,
        sources,
        basis: `Contacts on ${audience.name}, the audience of ${campaign.name}.`,
      },
      {
        id: `email-blast-value-low${suffix}`,
        label: "Email blast value (low case)",
        value: blast.low,
        unit: "USD",
        asOf,
        sources,
        basis: basis(campaign.assumptions.low),
      },
      {
        id: `email-blast-value-high${suffix}`,
        label: "Email blast value (high case)",
        value: blast.high,
        unit: "USD",
        asOf,
        sources,
        basis: basis(campaign.assumptions.high),
      },
    ];
  };
  const [largest] = cases;
  if (largest === undefined) return [];
  // The required ids quote the largest list; with several campaigns each also gets suffixed ids.
  return [
    ...figures(largest, ""),
    ...(cases.length > 1 ? cases.flatMap((c) => figures(c, `-${c.campaign.id}`)) : []),
  ];
}

function pct(rate: number): string {
  return `${Math.round(rate * 1000) / 10}%`;
}

function blastTable(context: AnalysisContext): Table {
  const cases = blastCases(context.model);
  return {
    id: "email-blast-case",
    title: "Email blast business case",
    columns: [
      { key: "campaign", label: "Campaign" },
      { key: "case", label: "Case" },
      { key: "contacts", label: "Contacts", unit: "count" },
      { key: "open", label: "Open rate", unit: "percent" },
      { key: "click", label: "Click rate", unit: "percent" },
      { key: "conversion", label: "Conversion", unit: "percent" },
      { key: "bookings", label: "Bookings", unit: "count" },
      { key: "per", label: "Value per booking", unit: "USD" },
      { key: "value", label: "Value", unit: "USD" },
    ],
    rows: cases.flatMap(({ campaign, audience, low, high, conversionsLow, conversionsHigh }) =>
      (
        [
          ["low", campaign.assumptions.low, conversionsLow, low],
          ["high", campaign.assumptions.high, conversionsHigh, high],
        ] as const
      ).map(([name, rates, conversions, value]): Cell[] => [
        campaign.name,
        name,
        audience.contacts,
        Math.round(rates.open * 1000) / 10,
        Math.round(rates.click * 1000) / 10,
        Math.round(rates.conversion * 1000) / 10,
        Math.round(conversions * 100) / 100,
        campaign.valuePerConversionCents / 100,
        value,
      ]),
    ),
  };
}

function otaFigures(context: AnalysisContext): Figure[] {
  const { model } = context;
  const steps = [...otaSequence(model).values()].flat();
  const ota = model.channels.filter((c) => c.kind === "ota");
  if (ota.length === 0) return [];
  const asOf = latestAsOf(ota, periodEnd(context.period));
  const sources = sourcesOf([...ota, ...model.documents]);
  const ready = steps.filter((s) => s.blocking.length === 0).length;
  return [
    {
      id: "ota-ready-count",
      label: "OTA listings ready to create",
      value: ready,
      unit: "count",
      asOf,
      sources,
      basis: "Unlisted OTA channels whose prerequisite documents are all valid.",
    },
    {
      id: "ota-gated-count",
      label: "OTA listings gated",
      value: steps.length - ready,
      unit: "count",
      asOf,
      sources,
      basis: "Unlisted OTA channels waiting for a prerequisite document that is not valid.",
      better: "lower",
    },
  ];
}

function otaTable(context: AnalysisContext): Table {
  const { model } = context;
  const rows: Cell[][] = [];
  for (const [entity, steps] of otaSequence(model))
    for (const step of steps)
      rows.push([
        step.order,
        entityName(model, entity),
        step.channel.name,
        step.channel.priority ?? "—",
        step.prerequisites.length === 0
          ? "none"
          : step.prerequisites.map((p) => `${p.name} (${p.status})`).join("; "),
        step.blocking.length === 0 ? "ready" : "gated",
      ]);
  return {
    id: "ota-sequencing",
    title: "OTA listing order",
    columns: [
      { key: "order", label: "Order", unit: "count" },
      { key: "entity", label: "Entity" },
      { key: "channel", label: "OTA" },
      { key: "priority", label: "Priority" },
      { key: "prerequisites", label: "Prerequisites" },
      { key: "status", label: "Status" },
    ],
    rows,
  };
}

const SECTION_WORDS: Partial<Record<HandoffItem["section"], string>> = {
  state: "Current state",
  issue: "Known issue",
  risk: "Risk",
};

function localSeoTable(context: AnalysisContext): Table {
  const { model } = context;
  const rows: Cell[][] = [];
  for (const [entity, channels] of localSeoGaps(model)) {
    const items = localSeoItems(model, entity);
    const where = ({ provenance }: Traced) =>
      `${provenance.file}${provenance.line !== undefined ? `:${provenance.line}` : ""}`;
    for (const { item } of items) {
      const label = SECTION_WORDS[item.section];
      if (label !== undefined)
        rows.push([entityName(model, entity), label, item.text, where(item)]);
    }
    const steps = items.filter(({ item }) => item.section === "next-step");
    let number = 0;
    // A channel whose fix a next step already names is folded into that step.
    for (const channel of channels)
      if (!steps.some(({ item }) => item.text.toLowerCase().includes(channel.name.toLowerCase())))
        rows.push([
          entityName(model, entity),
          `Step ${++number}`,
          `${channelFix(model, channel)} (now ${statusWords(channel.status)}).`,
          where(channel),
        ]);
    for (const { item } of steps)
      rows.push([entityName(model, entity), `Step ${++number}`, item.text, where(item)]);
  }
  return {
    id: "local-seo",
    title: "Local SEO roadmap",
    columns: [
      { key: "entity", label: "Entity" },
      { key: "kind", label: "Item" },
      { key: "detail", label: "Detail" },
      { key: "source", label: "Source" },
    ],
    rows,
  };
}

/** One 30/60/90-day milestone. */
export interface Milestone {
  days: 30 | 60 | 90;
  entity: string;
  text: string;
  dependsOn: string;
}

/** The 30/60/90-day plan: ready listings and local-search fixes first, blasts next, gated listings last. */
export function milestones(model: TenantModel): Milestone[] {
  const list: Milestone[] = [];
  const sequences = otaSequence(model);
  for (const [entity, steps] of sequences)
    for (const step of steps.filter((s) => s.blocking.length === 0))
      list.push({
        days: 30,
        entity,
        text: `List on ${step.channel.name} (OTA order ${step.order})`,
        dependsOn: "—",
      });
  const blockers = new Map<
    string,
    { prerequisite: Prerequisite; entity: string; channels: string[] }
  >();
  for (const [entity, steps] of sequences)
    for (const step of steps)
      for (const p of step.blocking) {
        const entry = blockers.get(p.id) ?? { prerequisite: p, entity, channels: [] };
        entry.channels.push(step.channel.name);
        blockers.set(p.id, entry);
      }
  for (const { prerequisite, entity, channels } of blockers.values())
    list.push({
      days: 30,
      entity,
      text: `Obtain the ${asNoun(prerequisite.name)} (now ${prerequisite.status}); it gates ${listWords(channels)}`,
      dependsOn: "—",
    });
  for (const [entity, channels] of localSeoGaps(model)) {
    const steps = localSeoItems(model, entity).filter(({ item }) => item.section === "next-step");
    const texts = [
      ...channels
        .filter(
          (c) => !steps.some(({ item }) => item.text.toLowerCase().includes(c.name.toLowerCase())),
        )
        .map((c) => channelFix(model, c)),
      ...steps.map(({ item }) => firstSentence(item.text)),
    ];
    for (const [i, text] of texts.entries())
      list.push({ days: i === 0 ? 30 : 60, entity, text, dependsOn: "—" });
  }
  for (const blast of blastCases(model))
    list.push({
      days: 60,
      entity: blast.campaign.entity,
      text: `Send "${blast.campaign.name}" to ${grouped(blast.audience.contacts)} contacts ($${grouped(Math.round(blast.low))}–$${grouped(Math.round(blast.high))} expected)`,
      dependsOn: "—",
    });
  for (const [entity, steps] of sequences)
    for (const step of steps.filter((s) => s.blocking.length > 0))
      list.push({
        days: 90,
        entity,
        text: `List on ${step.channel.name} (OTA order ${step.order})`,
        dependsOn: listWords(step.blocking.map((p) => shortName(p.name))),
      });
  return list.sort((a, b) => a.days - b.days);
}

/** A record name without its trailing parenthetical, for prose: "Licence (holder name)" → "Licence". */
export function shortName(name: string): string {
  return name.replace(/\s*\([^)]*\)\s*$/, "") || name;
}

/** A record name for use after "the": short, first letter lowered unless it starts an acronym. */
export function asNoun(name: string): string {
  const short = shortName(name);
  return /^[A-Z][a-z]/.test(short) ? short.charAt(0).toLowerCase() + short.slice(1) : short;
}

function firstSentence(text: string): string {
  return (text.split(/(?<=\.)\s/)[0] ?? text).replace(/\.$/, "");
}

function milestoneTable(context: AnalysisContext): Table {
  const { model } = context;
  const end = periodEnd(context.period);
  return {
    id: "milestones-30-60-90",
    title: "30/60/90-day milestones",
    columns: [
      { key: "window", label: "Window" },
      { key: "due", label: "Due" },
      { key: "entity", label: "Entity" },
      { key: "milestone", label: "Milestone" },
      { key: "depends", label: "Depends on" },
    ],
    rows: milestones(model).map((m) => [
      `${m.days} days`,
      addDays(end, m.days),
      entityName(model, m.entity),
      m.text,
      m.dependsOn,
    ]),
  };
}
