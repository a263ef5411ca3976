import {
  entityName,
  listWords,
  monthName,
  monthRange,
  plural,
  shortMonth,
} from "../analysis/common.js";
import {
  findingsOf,
  type Intelligence,
  requireFigure,
  requireTable,
} from "../analysis/intelligence.js";
import {
  type PropertyFacts,
  propertyFacts,
  RENTAL_REPORT,
  repeatedRepairsOf,
  unansweredDays,
} from "../analysis/property.js";
import { roleLabel } from "../analysis/strategy.js";
import type { Finding, Severity } from "../analysis/types.js";
import { occupiedUntil } from "../model/property.js";
import { words } from "../rules/property-rules.js";
import { compactUsd, sentences } from "./cfo.js";
import { chartOf } from "./charts.js";
import {
  figures,
  findingList,
  formatFigure,
  formatValue,
  paragraph,
  reportDocument,
  section,
  table,
} from "./compose.js";
import type { Block, ReportDocument, Section } from "./document.js";

/** Section ids of the rental-property report, in order. */
export const RENTAL_PROPERTY_SECTIONS: readonly string[] = [
  "summary",
  "rent-roll",
  "occupancy",
  "income-expense",
  "maintenance",
  "rent-collection",
  "communications",
];

const TITLES: Readonly<Record<string, string>> = {
  summary: "Summary",
  "rent-roll": "Rent roll and leases",
  occupancy: "Occupancy and vacancy",
  "income-expense": "Income, expenses and net operating income",
  maintenance: "Maintenance",
  "rent-collection": "Rent collection",
  communications: "Tenant communications",
};

const SOURCES = ["rental"];

/** A section of this report, titled from TITLES. */
function part(intelligence: Intelligence, id: string, sources: string[], blocks: Block[]): Section {
  return section(intelligence, id, TITLES[id] ?? id, sources, blocks);
}
const SEVERITIES: readonly Severity[] = ["critical", "high", "medium", "low"];

/** Findings of a rental category, most severe first. */
function findings(intelligence: Intelligence, category: string): Finding[] {
  return findingsOf(intelligence, category, RENTAL_REPORT);
}

/** A figure's value as prose, e.g. `$11,613` or `88%`. */
function shown(intelligence: Intelligence, id: string): string {
  return formatFigure(requireFigure(intelligence, id));
}

function value(intelligence: Intelligence, id: string): number {
  return requireFigure(intelligence, id).value;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** "2 findings (1 high, 1 medium)". */
function findingCount(list: readonly Finding[]): string {
  const mix = SEVERITIES.flatMap((s) => {
    const n = list.filter((f) => f.severity === s).length;
    return n > 0 ? [`${n} ${s}`] : [];
  });
  return `${plural(list.length, "finding")}${mix.length > 0 ? ` (${listWords(mix)})` : ""}`;
}

function summary(intelligence: Intelligence, facts: PropertyFacts): Section {
  const { book, window, period } = facts;
  const f = (id: string) => shown(intelligence, id);
  const range = monthRange(window.months);
  const vacant = value(intelligence, "property-days-vacant");
  const repeats = repeatedRepairsOf(intelligence.context, facts);
  const late = value(intelligence, "property-late-payments");
  const owed = value(intelligence, "property-rent-outstanding");
  const open = value(intelligence, "property-open-communications");
  const overdue = requireFigure(intelligence, "property-communications-overdue");
  const all = intelligence.findings.filter((x) => x.roles.includes(RENTAL_REPORT));
  const text = sentences([
    `${entityName(intelligence.context.model, book.entity)} (${plural(book.units.length, "unit")}) was ${f("property-occupancy-rate")} let in ${monthName(period)} and ${f("property-occupancy-rate-t12")} over ${range}${vacant > 0 ? `, with ${plural(vacant, "day")} vacant` : ", with no day vacant"}.`,
    `Rent received over the 12 months was ${f("property-income-t12")} against ${f("property-expenses-t12")} of expenses: net operating income ${f("property-noi-t12")} (${f("property-noi-period")} in ${shortMonth(period)}).`,
    `Maintenance cost ${f("property-maintenance-cost-t12")}${repeats.groups.length > 0 ? `; ${listWords(repeats.groups.map((g) => `the ${words(g[0]?.item ?? "")} needed ${plural(g.length, "repair")}`))} in ${plural(repeats.months, "month")}` : ""}.`,
    `${late === 0 ? "No rent payment was late" : `${capitalise(plural(late, "rent payment"))} ${late === 1 ? "was" : "were"} late`}${owed > 0 ? ` and ${f("property-rent-outstanding")} is owed` : " and nothing is owed"}.`,
    open === 0
      ? "No communication awaits a reply."
      : `${capitalise(plural(open, "communication"))} ${open === 1 ? "awaits" : "await"} a reply${overdue.value > 0 ? `, ${overdue.value} for more than ${plural(unansweredDays(intelligence.context), "day")}` : ""}.`,
    all.length > 0 ? `${capitalise(findingCount(all))} below.` : "No finding this month.",
  ]);
  return part(intelligence, "summary", SOURCES, [
    paragraph(text),
    figures(intelligence, [
      "property-occupancy-rate",
      "property-occupancy-rate-t12",
      "property-noi-t12",
      "property-late-payments",
      "property-open-communications",
    ]),
  ]);
}

function rentRoll(intelligence: Intelligence, facts: PropertyFacts): Section {
  const { book, window } = facts;
  const { model } = intelligence.context;
  const current = book.leases.filter((l) => l.start <= window.to && occupiedUntil(l) >= window.to);
  const stream = model.revenueStreams.find((s) => s.entity === book.entity);
  const leaseDoc = model.documents.find((d) => d.entity === book.entity && d.expires !== undefined);
  const rentCents = current.reduce((sum, l) => sum + l.rentCents, 0);
  const lines = [
    current.length === 0
      ? `No lease occupies ${plural(book.units.length, "unit")} on ${window.to}.`
      : `The rent roll is ${shown(intelligence, "property-rent-roll")} on ${window.to}: ${listWords(current.map((l) => `lease ${l.id} (${l.tenant}, term ends ${l.end})`))}.`,
    stream?.pricing.priceCents !== undefined &&
      current.length > 0 &&
      (stream.pricing.priceCents === rentCents
        ? `It matches the registry's revenue stream "${stream.name}".`
        : `It differs from the registry's revenue stream "${stream.name}": update the registry.`),
    leaseDoc?.expires !== undefined &&
      current.length > 0 &&
      (current.some((l) => l.end === leaseDoc.expires)
        ? `The registry's lease document expires ${leaseDoc.expires}, as the lease term does.`
        : `The registry's lease document expires ${leaseDoc.expires}, but no current lease term ends then: update the registry.`),
  ];
  return part(
    intelligence,
    "rent-roll",
    [...SOURCES, "registry"],
    [
      paragraph(sentences(lines)),
      figures(intelligence, ["property-rent-roll"]),
      table(requireTable(intelligence, "property-leases")),
    ],
  );
}

function occupancy(intelligence: Intelligence, facts: PropertyFacts): Section {
  const range = monthRange(facts.window.months);
  const gaps = facts.vacancies;
  const text = sentences([
    `Occupancy is the share of unit-days a lease covered (move-in to move-out): ${shown(intelligence, "property-occupancy-rate")} in ${shortMonth(facts.period)} and ${shown(intelligence, "property-occupancy-rate-t12")} over ${range}.`,
    gaps.length === 0
      ? "No unit stood vacant."
      : `${capitalise(plural(gaps.length, "vacancy", "vacancies"))}: ${listWords(gaps.map((v) => (v.ongoing ? `vacant since ${v.from} (${plural(v.days, "day")})` : `${v.from} to ${v.to} (${plural(v.days, "day")})`)))}.`,
  ]);
  return part(intelligence, "occupancy", SOURCES, [
    paragraph(text),
    figures(intelligence, [
      "property-occupancy-rate",
      "property-occupancy-rate-t12",
      "property-days-vacant",
    ]),
    table(requireTable(intelligence, "property-occupancy-by-month")),
    ...(gaps.length > 0 ? [table(requireTable(intelligence, "property-vacancies"))] : []),
    findingList(
      findings(intelligence, "vacancy"),
      `No vacancy in ${range} ran past the threshold.`,
    ),
  ]);
}

function incomeExpense(intelligence: Intelligence, facts: PropertyFacts): Section {
  const f = (id: string) => shown(intelligence, id);
  const month = shortMonth(facts.period);
  const noi = requireFigure(intelligence, "property-noi-period");
  const text = sentences([
    `Income is rent and fees received (cash basis); expenses are maintenance on completion plus the other costs paid. Net operating income is before debt service.`,
    `In ${month} the property received ${f("property-income-period")} and spent ${f("property-expenses-period")}: net operating income ${formatFigure(noi)}${noi.previous !== undefined ? ` (${formatFigure({ value: noi.previous, unit: noi.unit })} the month before)` : ""}.`,
    `Over ${monthRange(facts.window.months)}: ${f("property-income-t12")} received, ${f("property-expenses-t12")} spent, ${f("property-noi-t12")} net.`,
    lossMonths(intelligence),
  ]);
  return part(intelligence, "income-expense", SOURCES, [
    paragraph(text),
    figures(intelligence, [
      "property-income-period",
      "property-expenses-period",
      "property-noi-period",
      "property-income-t12",
      "property-expenses-t12",
      "property-noi-t12",
    ]),
    ...chartOf(intelligence, "property-income-expense-by-month", {
      id: "property-income-expense-by-month",
      kind: "bar",
      series: [{ key: "income" }, { key: "expenses" }],
    }),
    table(requireTable(intelligence, "property-income-expense-by-month")),
    table(requireTable(intelligence, "property-expenses-by-category")),
  ]);
}

/** "Net operating income was negative in 4 months (2025-12, …)", from the monthly table. */
function lossMonths(intelligence: Intelligence): string {
  const t = requireTable(intelligence, "property-income-expense-by-month");
  const noi = t.columns.findIndex((c) => c.key === "noi");
  const months = t.rows
    .filter((r) => r[0] !== "Total" && typeof r[noi] === "number" && (r[noi] as number) < 0)
    .map((r) => String(r[0]));
  return months.length === 0
    ? "Net operating income was positive every month."
    : `Net operating income was negative in ${plural(months.length, "month")} (${listWords(months)}).`;
}

function maintenance(intelligence: Intelligence, facts: PropertyFacts): Section {
  const byCategory = requireTable(intelligence, "property-maintenance-by-category");
  const top = byCategory.rows.find((r) => r[0] !== "Total");
  const openTickets = value(intelligence, "property-open-tickets");
  const completed = facts.tickets.filter((t) => t.completed !== undefined).length;
  const text = sentences([
    `${capitalise(plural(completed, "ticket"))} completed in ${monthRange(facts.window.months)} cost ${shown(intelligence, "property-maintenance-cost-t12")}.`,
    top !== undefined &&
      `The largest category is ${String(top[0])}: ${plural(Number(top[1]), "ticket")}, ${formatValue(Number(top[2]), "USD")}.`,
    openTickets === 0
      ? "No ticket is open."
      : `${capitalise(plural(openTickets, "ticket"))} ${openTickets === 1 ? "is" : "are"} still open: ${listWords(facts.book.maintenance.filter((t) => t.completed === undefined).map((t) => `${t.id}, ${words(t.item)} (opened ${t.opened})`))}.`,
  ]);
  return part(intelligence, "maintenance", SOURCES, [
    paragraph(text),
    figures(intelligence, ["property-maintenance-cost-t12", "property-open-tickets"]),
    table(byCategory),
    table(requireTable(intelligence, "property-maintenance-tickets")),
    findingList(
      findings(intelligence, "repeat-maintenance"),
      "No item needed repeated repairs within the threshold window.",
    ),
  ]);
}

function rentCollection(intelligence: Intelligence, facts: PropertyFacts): Section {
  const late = facts.late;
  const text = sentences([
    "Payments settle the oldest open charge first; a charge is late when it is settled, or still open, more days after its due date than the lease's grace period.",
    late.length === 0
      ? `Every rent charge of ${monthRange(facts.window.months)} was paid on time.`
      : `Late rent: ${[...new Set(late.map((s) => s.lease))]
          .map(
            (lease) =>
              `${lease.tenant} in ${listWords(late.filter((s) => s.lease === lease).map((s) => `${s.charge.due.slice(0, 7)} (${plural(s.daysLate, "day")} after due)`))}`,
          )
          .join("; ")}.`,
  ]);
  return part(intelligence, "rent-collection", SOURCES, [
    paragraph(text),
    figures(intelligence, ["property-late-payments", "property-rent-outstanding"]),
    table(requireTable(intelligence, "property-rent-charges")),
    findingList(
      findings(intelligence, "late-rent"),
      "No current tenant paid late and nothing is overdue.",
    ),
  ]);
}

function communications(intelligence: Intelligence, facts: PropertyFacts): Section {
  const log = facts.book.communications.filter(
    (m) => m.date >= facts.window.from && m.date <= facts.window.to,
  );
  const channels = [...new Set(log.map((m) => m.channel))].sort();
  const open = facts.open;
  const text = sentences([
    `The log holds ${plural(log.length, "entry", "entries")} in ${monthRange(facts.window.months)} (${listWords(channels)}).`,
    open.length === 0
      ? "Every entry marked follow-up has a reply logged."
      : `${capitalise(plural(open.length, "entry", "entries"))} marked follow-up ${open.length === 1 ? "has" : "have"} no reply logged on ${facts.window.to}; the oldest has waited ${plural(open[0]?.daysWaiting ?? 0, "day")}.`,
  ]);
  return part(intelligence, "communications", SOURCES, [
    paragraph(text),
    figures(intelligence, ["property-open-communications", "property-communications-overdue"]),
    ...(open.length > 0 ? [table(requireTable(intelligence, "property-open-communications"))] : []),
    findingList(
      findings(intelligence, "tenant-communication"),
      "No entry has waited for a reply beyond the threshold.",
    ),
  ]);
}

/** The sections when the tenant has no rental book: each says so (the coverage gate reports it). */
function withoutData(intelligence: Intelligence): Section[] {
  return RENTAL_PROPERTY_SECTIONS.map((id) =>
    part(intelligence, id, SOURCES, [
      paragraph("No rental source is configured for this tenant, so there is nothing to report."),
    ]),
  );
}

/** The rental-property report: rent roll, occupancy, income and NOI, maintenance, collection and communications. */
export function assembleRentalPropertyReport(
  intelligence: Intelligence,
  role: string,
): ReportDocument {
  const { model, period } = intelligence.context;
  const facts = propertyFacts(intelligence.context);
  const name = entityName(model, facts?.book.entity ?? intelligence.context.roles[role]?.entity);
  const title = `Rental property report — ${name}, ${monthName(period)}`;
  const who = intelligence.context.roles[role]?.title ?? roleLabel(role);
  if (facts === undefined)
    return reportDocument(
      intelligence,
      role,
      title,
      `${who} · ${shortMonth(period)} · no rental data`,
      withoutData(intelligence),
    );
  const overdue = value(intelligence, "property-communications-overdue");
  const late = value(intelligence, "property-late-payments");
  const subject = [
    who,
    shortMonth(period),
    `occupancy ${shown(intelligence, "property-occupancy-rate")} (${shown(intelligence, "property-occupancy-rate-t12")} over 12 months)`,
    `NOI ${compactUsd(value(intelligence, "property-noi-t12"))} over 12 months`,
    late > 0 ? plural(late, "late payment") : undefined,
    overdue > 0 ? `${plural(overdue, "reply", "replies")} overdue` : undefined,
  ]
    .filter((p): p is string => p !== undefined)
    .join(" · ");
  const blocks: ((i: Intelligence, f: PropertyFacts) => Section)[] = [
    summary,
    rentRoll,
    occupancy,
    incomeExpense,
    maintenance,
    rentCollection,
    communications,
  ];
  return reportDocument(
    intelligence,
    role,
    title,
    subject,
    blocks.map((build) => build(intelligence, facts)),
  );
}
