import type { Booking } from "../model/index.js";
import { fixedGrouped, grouped } from "../number-format.js";
import { daysBetween, entityName, latestAsOf, periodEnd, sourcesOf } from "./common.js";
import { addMonths, trailingMonths } from "./money.js";
import type { AnalysisContext, AnalysisOutput, Cell, Figure, SourceRef, Table } from "./types.js";

// Strategy: what the owner holds (inventory), which expected KPIs nobody measures, and what is
// booked ahead of the period (pipeline). Critical shortfalls are rules (strategy-rules.ts).

/** Role id as executives write it: `ceo` → CEO, `accounting` → Accounting, `property-manager` → Property manager. */
export function roleLabel(role: string): string {
  if (role.length <= 3) return role.toUpperCase();
  const words = role.replaceAll("-", " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A KPI slug as words: `customer-acquisition-cost` → customer acquisition cost, `nps` → NPS. */
export function kpiLabel(kpi: string): string {
  return kpi.length <= 3 ? kpi.toUpperCase() : kpi.replaceAll("-", " ");
}

/** The configuration file that declares roles and their expected KPIs (evidence for missing KPIs). */
export const CONFIG_SOURCE: SourceRef = { sourceId: "config", file: "exec-intel.yaml" };

/** One KPI some role expects but nobody recorded in the trailing months. */
export interface MissingKpi {
  kpi: string;
  /** Roles that expect it, in config order. */
  roles: string[];
  /** Last period it was ever observed (before the window), when it was. */
  lastObserved?: string;
}

/** Trailing months (ending with the period) a KPI must have an observation in to count as measured. */
export function kpiWindow(context: AnalysisContext): string[] {
  return trailingMonths(context.period, context.settings.trailingMonths);
}

/** Every expected KPI (any role) with no observation for any entity in the trailing months. */
export function missingKpis(context: AnalysisContext): MissingKpi[] {
  const window = new Set(kpiWindow(context));
  const observed = new Set(
    context.model.kpiObservations.filter((o) => window.has(o.period)).map((o) => o.kpi),
  );
  const byKpi = new Map<string, string[]>();
  for (const [role, { expectedKpis }] of Object.entries(context.roles))
    for (const kpi of expectedKpis) {
      if (observed.has(kpi)) continue;
      const roles = byKpi.get(kpi) ?? [];
      if (!roles.includes(role)) roles.push(role);
      byKpi.set(kpi, roles);
    }
  return [...byKpi.entries()].map(([kpi, roles]) => {
    const earlier = context.model.kpiObservations
      .filter((o) => o.kpi === kpi && o.period <= context.period)
      .map((o) => o.period)
      .sort();
    const last = earlier[earlier.length - 1];
    return last !== undefined ? { kpi, roles, lastObserved: last } : { kpi, roles };
  });
}

/** Distinct KPIs expected by any role. */
export function expectedKpis(context: AnalysisContext): string[] {
  return [...new Set(Object.values(context.roles).flatMap((r) => r.expectedKpis))];
}

const OPEN_STATUSES: readonly Booking["status"][] = ["inquiry", "quoted", "confirmed"];

/** Open bookings (inquiry, quoted, confirmed) whose service is not finished by the period end. */
export function openPipeline(context: AnalysisContext): Booking[] {
  const end = periodEnd(context.period);
  return context.model.bookings
    .filter((b) => OPEN_STATUSES.includes(b.status) && b.serviceEnd > end)
    .sort((a, b) => a.serviceStart.localeCompare(b.serviceStart) || a.id.localeCompare(b.id));
}

/** Strategy analysis: inventory, missing KPIs and the pipeline ahead of the period. */
export function analyseStrategy(context: AnalysisContext): AnalysisOutput {
  return {
    figures: [...inventoryFigures(context), ...kpiFigures(context), ...pipelineFigures(context)],
    tables: [...inventoryTables(context), missingKpiTable(context), ...pipelineTables(context)],
  };
}

function inventoryFigures(context: AnalysisContext): Figure[] {
  const { model } = context;
  const end = periodEnd(context.period);
  const businesses = model.entities.filter((e) => e.kind === "business");
  return [
    {
      id: "entity-count",
      label: "Business entities",
      value: businesses.length,
      unit: "count",
      asOf: end,
      sources: [CONFIG_SOURCE],
      basis: `Entities of kind business in the configuration, out of ${counted(model.entities.length, "entity", "entities")} in all.`,
    },
    {
      id: "asset-count",
      label: "Assets",
      value: model.assets.length,
      unit: "count",
      asOf: latestAsOf(model.assets, end),
      sources: sourcesOf(model.assets),
      basis: countBasis(
        model.assets.map((a) => a.kind),
        "asset",
      ),
    },
    {
      id: "revenue-stream-count",
      label: "Revenue streams",
      value: model.revenueStreams.length,
      unit: "count",
      asOf: latestAsOf(model.revenueStreams, end),
      sources: sourcesOf(model.revenueStreams),
      basis: `Across ${counted(new Set(model.revenueStreams.map((s) => s.entity)).size, "entity", "entities")}.`,
    },
  ];
}

/** "2 vessel, 1 property and 3 domain assets." from a list of kinds. */
function countBasis(kinds: readonly string[], noun: string): string {
  if (kinds.length === 0) return `No ${noun}s recorded.`;
  const counts = new Map<string, number>();
  for (const kind of kinds) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  const parts = [...counts.entries()].map(([kind, n]) => `${n} ${kind}`);
  const joined =
    parts.length === 1 ? parts[0] : `${parts.slice(0, -1).join(", ")} and ${parts.at(-1)}`;
  return `${joined} ${kinds.length === 1 ? noun : `${noun}s`}.`;
}

function inventoryTables(context: AnalysisContext): Table[] {
  const { model } = context;
  const entities: Table = {
    id: "entity-inventory",
    title: "Entities",
    columns: [
      { key: "entity", label: "Entity" },
      { key: "kind", label: "Kind" },
      { key: "domains", label: "Domains" },
      { key: "assets", label: "Assets", unit: "count" },
      { key: "streams", label: "Revenue streams", unit: "count" },
    ],
    rows: model.entities.map((e) => [
      e.name,
      e.kind,
      e.domains.join(", ") || "—",
      model.assets.filter((a) => a.entity === e.id).length,
      model.revenueStreams.filter((s) => s.entity === e.id).length,
    ]),
  };
  const assets: Table = {
    id: "asset-inventory",
    title: "Assets",
    columns: [
      { key: "asset", label: "Asset" },
      { key: "entity", label: "Entity" },
      { key: "kind", label: "Kind" },
      { key: "detail", label: "Detail" },
    ],
    rows: model.assets.map((a) => [
      a.name,
      entityName(model, a.entity),
      a.kind,
      a.contacts !== undefined
        ? `${grouped(a.contacts)} contacts.${a.notes !== undefined ? ` ${a.notes}` : ""}`
        : (a.notes ?? "—"),
    ]),
  };
  const streams: Table = {
    id: "revenue-streams",
    title: "Revenue streams",
    columns: [
      { key: "stream", label: "Stream" },
      { key: "entity", label: "Entity" },
      { key: "pricing", label: "Pricing model" },
      { key: "price", label: "Price", unit: "USD" },
      { key: "unit", label: "Per" },
      { key: "billing", label: "Billing model" },
    ],
    rows: model.revenueStreams.map((s): Cell[] => [
      s.name,
      entityName(model, s.entity),
      s.pricing.model,
      s.pricing.priceCents !== undefined ? s.pricing.priceCents / 100 : "—",
      s.pricing.unit ?? "—",
      s.billing.system !== undefined ? `${s.billing.model} (${s.billing.system})` : s.billing.model,
    ]),
  };
  return [entities, assets, streams];
}

function kpiFigures(context: AnalysisContext): Figure[] {
  const missing = missingKpis(context);
  const expected = expectedKpis(context);
  const window = kpiWindow(context);
  const kpis = context.model.kpiObservations;
  return [
    {
      id: "missing-kpi-count",
      label: "Missing KPIs",
      value: missing.length,
      unit: "count",
      asOf: periodEnd(context.period),
      sources: [CONFIG_SOURCE, ...sourcesOf(kpis)],
      basis: `Of ${counted(expected.length, "KPI")} the roles expect, ${missing.length} ${missing.length === 1 ? "has" : "have"} no observation in ${window[0]} to ${window.at(-1)}.`,
      better: "lower",
      // What last month's report counted: the same expectations over the window a month earlier.
      previous: missingKpis({ ...context, period: addMonths(context.period, -1) }).length,
    },
  ];
}

function missingKpiTable(context: AnalysisContext): Table {
  return {
    id: "missing-kpis",
    title: `Expected KPIs with no observation in the last ${context.settings.trailingMonths} months`,
    columns: [
      { key: "kpi", label: "KPI" },
      { key: "roles", label: "Expected by" },
      { key: "last", label: "Last observed" },
    ],
    rows: missingKpis(context).map((m) => [
      kpiLabel(m.kpi),
      m.roles.map(roleLabel).join(", "),
      m.lastObserved ?? "never",
    ]),
  };
}

function pipelineFigures(context: AnalysisContext): Figure[] {
  const { model } = context;
  const end = periodEnd(context.period);
  const open = openPipeline(context);
  const asOf = latestAsOf(model.bookings, end);
  const sources = sourcesOf(model.bookings);
  const value = open.reduce((sum, b) => sum + b.totalCents, 0);
  const paid = open.reduce((sum, b) => sum + b.paidCents, 0);
  const quotes = open.filter((b) => b.status !== "confirmed");
  const furthest = open.reduce<Booking | undefined>(
    (last, b) => (last === undefined || b.serviceStart > last.serviceStart ? b : last),
    undefined,
  );
  return [
    {
      id: "pipeline-bookings",
      label: "Open bookings ahead",
      value: open.length,
      unit: "count",
      asOf,
      sources,
      basis: `Inquiries, quotes and confirmed bookings whose service ends after ${end}.`,
    },
    {
      id: "pipeline-value",
      label: "Pipeline value",
      value: value / 100,
      unit: "USD",
      asOf,
      sources,
      basis:
        open.length === 0
          ? "No open booking ahead."
          : `Booking totals of ${counted(open.length, "open booking")}; ${formatUsd(paid)} of it already collected.`,
    },
    {
      id: "pipeline-balance",
      label: "Pipeline still to collect",
      value: (value - paid) / 100,
      unit: "USD",
      asOf,
      sources,
      basis: "Booking totals less what the customers already paid.",
    },
    {
      id: "pipeline-open-quotes",
      label: "Open inquiries and quotes",
      value: quotes.length,
      unit: "count",
      asOf,
      sources,
      basis: `Bookings in status inquiry or quoted with service after ${end}.`,
    },
    {
      id: "pipeline-reach-days",
      label: "Days booked ahead",
      value: furthest === undefined ? 0 : Math.max(0, daysBetween(end, furthest.serviceStart)),
      unit: "days",
      asOf,
      sources,
      basis:
        furthest === undefined
          ? `Nothing is booked after ${end}.`
          : `The furthest open booking (${furthest.id}) starts on ${furthest.serviceStart}.`,
    },
  ];
}

/** "1 entity" / "3 entities". */
function counted(n: number, singular: string, pluralForm = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : pluralForm}`;
}

function formatUsd(cents: number): string {
  const digits = cents % 100 === 0 ? 0 : 2;
  return `$${fixedGrouped(cents / 100, digits)}`;
}

function pipelineTables(context: AnalysisContext): Table[] {
  const { model } = context;
  const open = openPipeline(context);
  const groups = new Map<string, Booking[]>();
  for (const b of open) {
    const key = `${b.entity}\u0000${b.serviceStart.slice(0, 7)}`;
    groups.set(key, [...(groups.get(key) ?? []), b]);
  }
  const sum = (list: readonly Booking[], pick: (b: Booking) => number) =>
    list.reduce((total, b) => total + pick(b), 0) / 100;
  const rows: Cell[][] = [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, list]) => [
      entityName(model, key.split("\u0000")[0]),
      key.split("\u0000")[1] ?? "",
      list.length,
      list.filter((b) => b.status === "confirmed").length,
      sum(list, (b) => b.totalCents),
      sum(list, (b) => b.paidCents),
      sum(list, (b) => b.totalCents - b.paidCents),
    ]);
  if (rows.length > 1)
    rows.push([
      "Total",
      "",
      open.length,
      open.filter((b) => b.status === "confirmed").length,
      sum(open, (b) => b.totalCents),
      sum(open, (b) => b.paidCents),
      sum(open, (b) => b.totalCents - b.paidCents),
    ]);
  const byEntity: Table = {
    id: "pipeline",
    title: "Pipeline by entity and service month",
    columns: [
      { key: "entity", label: "Entity" },
      { key: "month", label: "Service month" },
      { key: "bookings", label: "Bookings", unit: "count" },
      { key: "confirmed", label: "Confirmed", unit: "count" },
      { key: "value", label: "Value", unit: "USD" },
      { key: "paid", label: "Collected", unit: "USD" },
      { key: "balance", label: "To collect", unit: "USD" },
    ],
    rows,
  };
  const detail: Table = {
    id: "pipeline-detail",
    title: "Open bookings",
    columns: [
      { key: "id", label: "Booking" },
      { key: "entity", label: "Entity" },
      { key: "stream", label: "Stream" },
      { key: "service", label: "Service" },
      { key: "status", label: "Status" },
      { key: "value", label: "Value", unit: "USD" },
      { key: "paid", label: "Collected", unit: "USD" },
    ],
    rows: open.map((b) => [
      b.id,
      entityName(model, b.entity),
      model.revenueStreams.find((s) => s.id === b.stream)?.name ?? b.stream ?? "—",
      b.serviceEnd === b.serviceStart ? b.serviceStart : `${b.serviceStart} to ${b.serviceEnd}`,
      b.status,
      b.totalCents / 100,
      b.paidCents / 100,
    ]),
  };
  return [byEntity, detail];
}
