import {
  type Lease,
  type MaintenanceTicket,
  occupiedUntil,
  type PropertyBook,
  type RentCharge,
  type RentPayment,
  type TenantMessage,
} from "../model/property.js";
import { addDays, daysBetween, monthRange, periodEnd, sourcesOf } from "./common.js";
import { formatUsd } from "./finance.js";
import { groupBy, grouper } from "./group-by.js";
import { addMonths, monthOf, toCurrency, trailingMonths } from "./money.js";
import type { AnalysisContext, AnalysisOutput, Cell, Figure, Table } from "./types.js";

// The rental-property analysis: occupancy and vacancies derived from lease dates, the tenant
// ledger settled payment by payment, income against expenses, maintenance by category and the
// communication log's open entries. Everything is judged at the end of the reported period, over
// the period itself and the trailing twelve months.

/** The report kind this analysis serves. */
export const RENTAL_REPORT = "rental-property";

/** Months of history the trailing figures cover. */
export const PROPERTY_WINDOW_MONTHS = 12;

/** Config key of the days an entry needing a reply may wait (`analysis.thresholds`). */
export const UNANSWERED_DAYS_KEY = "property-unanswered-communication.days";

/** Days an entry needing a reply may wait before it counts as overdue, unless config says otherwise. */
export const DEFAULT_UNANSWERED_DAYS = 7;

/**
 * The book the rental-property report covers: the one of the entity its role names, else the
 * first (one book per tenant is the usual case); undefined when the tenant has none.
 */
export function propertyBookOf(context: AnalysisContext): PropertyBook | undefined {
  const books = context.model.propertyBooks;
  const entity = Object.values(context.roles).find(
    (r) => r.report === RENTAL_REPORT && r.entity !== undefined,
  )?.entity;
  return books.find((b) => b.entity === entity) ?? books[0];
}

/** The trailing window of a period: its months and first and last days. */
export interface PropertyWindow {
  months: string[];
  from: string;
  to: string;
}

/** The twelve months ending with the period. */
export function propertyWindow(period: string): PropertyWindow {
  const months = trailingMonths(period, PROPERTY_WINDOW_MONTHS);
  return { months, from: `${months[0] as string}-01`, to: periodEnd(period) };
}

// Leases are looked up per unit on each call of leaseOn (per unit, from the figures and reports);
// scanning every lease for each unit made the analysis grow with the square of the book. The
// grouping is kept per lease list (a book is not changed once read; a list whose length changed
// is grouped anew).
const leasesByUnit = grouper((l: Lease) => l.unit);

function leasesOfUnit(book: PropertyBook, unit: string): readonly Lease[] {
  return leasesByUnit(book.leases).get(unit) ?? [];
}

/** Inclusive days from `from` to `to` (0 when `to` is before `from`). */
export function dayCount(from: string, to: string): number {
  return Math.max(0, daysBetween(from, to) + 1);
}

function overlapDays(aFrom: string, aTo: string, bFrom: string, bTo: string): number {
  return dayCount(aFrom > bFrom ? aFrom : bFrom, aTo < bTo ? aTo : bTo);
}

// -- occupancy and vacancy -------------------------------------------------------------------

/** Unit-days of a date range, and how many of them a lease occupied. */
export interface Occupancy {
  unitDays: number;
  occupiedDays: number;
}

/** Occupied unit-days between two dates (leases of a unit never overlap: the reader checks it). */
export function occupancyBetween(book: PropertyBook, from: string, to: string): Occupancy {
  const occupiedDays = book.leases.reduce(
    (sum, lease) => sum + overlapDays(lease.start, occupiedUntil(lease), from, to),
    0,
  );
  return { unitDays: book.units.length * dayCount(from, to), occupiedDays };
}

/** Occupancy as a percentage rounded to a tenth (0 when there are no unit-days). */
export function occupancyRate(o: Occupancy): number {
  return o.unitDays === 0 ? 0 : Math.round((o.occupiedDays / o.unitDays) * 1000) / 10;
}

/** A run of days no lease covered a unit. */
export interface Vacancy {
  unit: string;
  from: string;
  /** Last vacant day, or the period end while still vacant. */
  to: string;
  /** The whole run's length (it may start before the window). */
  days: number;
  /** True when the unit is still vacant at the period end. */
  ongoing: boolean;
  /** The lease that ended it, when one did. */
  next?: Lease;
}

/**
 * Vacancies overlapping the window, per unit: gaps between one lease's last occupied day and the
 * next lease's start, days before the first lease inside the window, and days after the last.
 */
export function vacancies(book: PropertyBook, window: PropertyWindow): Vacancy[] {
  return book.units.flatMap((unit) => {
    const leases = leasesOfUnit(book, unit.id)
      .filter((l) => l.start <= window.to)
      .sort((a, b) => a.start.localeCompare(b.start));
    const gaps: Vacancy[] = [];
    const first = leases[0];
    let free: string | undefined =
      first === undefined || first.start > window.from ? window.from : undefined;
    for (const lease of leases) {
      if (free !== undefined && lease.start > free) {
        const to = addDays(lease.start, -1);
        gaps.push({
          unit: unit.id,
          from: free,
          to,
          days: dayCount(free, to),
          ongoing: false,
          next: lease,
        });
      }
      const after = addDays(occupiedUntil(lease), 1);
      if (free === undefined || after > free) free = after;
    }
    if (free !== undefined && free <= window.to)
      gaps.push({
        unit: unit.id,
        from: free,
        to: window.to,
        days: dayCount(free, window.to),
        ongoing: true,
      });
    return gaps.filter((g) => g.to >= window.from);
  });
}

// -- tenant ledger ---------------------------------------------------------------------------

/** How a charge stood at the period end. */
export type ChargeStatus = "on time" | "late" | "paid" | "overdue" | "due" | "not yet due";

/** A charge with the payment that settled it (payments apply to the oldest open charge first). */
export interface Settlement {
  charge: RentCharge;
  lease: Lease;
  /** The payment that completed it, and its date. */
  payment?: RentPayment;
  paidOn?: string;
  /** Cents still owed at the period end. */
  openCents: number;
  /** Days after the due date it was paid, or has been open at the period end. */
  daysLate: number;
  status: ChargeStatus;
}

/** Settles every lease's charges with its payments up to `asOf`, oldest charge first. */
export function settleCharges(book: PropertyBook, asOf: string): Settlement[] {
  // Charges and payments grouped by lease once, rather than every one scanned for each lease.
  const chargesByLease = groupBy(book.charges, (c) => c.lease);
  const paymentsByLease = groupBy(
    book.payments.filter((p) => p.date <= asOf),
    (p) => p.lease,
  );
  return book.leases.flatMap((lease) => {
    const charges = [...(chargesByLease.get(lease.id) ?? [])].sort((a, b) =>
      a.due.localeCompare(b.due),
    );
    const open = charges.map((c) => c.amountCents);
    const paidBy: (RentPayment | undefined)[] = charges.map(() => undefined);
    const payments = [...(paymentsByLease.get(lease.id) ?? [])].sort((a, b) =>
      a.date.localeCompare(b.date),
    );
    let next = 0;
    for (const payment of payments) {
      let left = payment.amountCents;
      while (left > 0 && next < charges.length) {
        const applied = Math.min(left, open[next] as number);
        open[next] = (open[next] as number) - applied;
        left -= applied;
        if (open[next] === 0) paidBy[next++] = payment;
      }
    }
    return charges.map((charge, i): Settlement => {
      const payment = paidBy[i];
      const paid = payment?.date;
      const openCents = open[i] as number;
      const daysLate = Math.max(0, daysBetween(charge.due, paid ?? asOf));
      const late = daysLate > lease.graceDays;
      // Only rent has a grace period to meet; a fee or other charge paid at all is settled.
      const status: ChargeStatus =
        paid !== undefined
          ? charge.kind !== "rent"
            ? "paid"
            : late
              ? "late"
              : "on time"
          : charge.due > asOf
            ? "not yet due"
            : late
              ? "overdue"
              : "due";
      return {
        charge,
        lease,
        ...(payment !== undefined ? { payment, paidOn: payment.date } : {}),
        openCents,
        daysLate,
        status,
      };
    });
  });
}

/** Rent charges due in the window that were paid after the grace period or are still overdue. */
export function lateRent(settlements: readonly Settlement[], window: PropertyWindow): Settlement[] {
  return settlements.filter(
    (s) =>
      s.charge.kind === "rent" &&
      s.charge.due >= window.from &&
      s.charge.due <= window.to &&
      (s.status === "late" || s.status === "overdue"),
  );
}

/** The lease occupying a unit on a date, if any. */
export function leaseOn(book: PropertyBook, unit: string, date: string): Lease | undefined {
  return leasesOfUnit(book, unit).find((l) => l.start <= date && occupiedUntil(l) >= date);
}

// -- maintenance and communications ----------------------------------------------------------

/** The date a ticket counts on: its completion (when its cost is booked), else its opening. */
export function ticketDate(ticket: MaintenanceTicket): string {
  return ticket.completed ?? ticket.opened;
}

/** Config key prefix of the repeated-repair rule's thresholds (`.count`, `.months`). */
export const REPEAT_REPAIR_RULE = "property-repeat-maintenance";

/** Default repeated-repair thresholds: this many tickets on one item within this many months. */
export const REPEAT_REPAIR_DEFAULTS = { count: 2, months: PROPERTY_WINDOW_MONTHS } as const;

/** Groups of tickets on one item that reach the repeated-repair thresholds at the period end. */
export function repeatedRepairsOf(
  context: AnalysisContext,
  facts: PropertyFacts,
): { months: number; groups: MaintenanceTicket[][] } {
  const setting = (name: keyof typeof REPEAT_REPAIR_DEFAULTS) =>
    context.settings.thresholds[`${REPEAT_REPAIR_RULE}.${name}`] ?? REPEAT_REPAIR_DEFAULTS[name];
  const months = setting("months");
  const since = `${addMonths(context.period, 1 - months)}-01`;
  return { months, groups: repeatedRepairs(facts.book, since, facts.window.to, setting("count")) };
}

/** Tickets on the same unit and item opened in the window, when there are at least `minCount`. */
export function repeatedRepairs(
  book: PropertyBook,
  since: string,
  until: string,
  minCount: number,
): MaintenanceTicket[][] {
  const groups = groupBy(
    book.maintenance.filter((t) => !(t.opened < since || t.opened > until)),
    (t) => `${t.unit}\u0000${t.item}`,
  );
  return [...groups.values()]
    .filter((g) => g.length >= minCount)
    .map((g) => [...g].sort((a, b) => a.opened.localeCompare(b.opened)));
}

/** An entry needing a reply that none had answered by the period end. */
export interface OpenMessage {
  message: TenantMessage;
  daysWaiting: number;
}

/** Entries marked follow-up with no answer (an entry whose reply_to names them) by `asOf`, oldest first. */
export function openCommunications(book: PropertyBook, asOf: string): OpenMessage[] {
  const answered = new Set(
    book.communications.filter((m) => m.date <= asOf).flatMap((m) => m.replyTo ?? []),
  );
  return book.communications
    .filter((m) => m.followUp && m.date <= asOf && !answered.has(m.id))
    .sort((a, b) => a.date.localeCompare(b.date) || a.id.localeCompare(b.id))
    .map((message) => ({ message, daysWaiting: daysBetween(message.date, asOf) }));
}

/** Days an entry may wait for a reply, from config or the default. */
export function unansweredDays(context: AnalysisContext): number {
  return context.settings.thresholds[UNANSWERED_DAYS_KEY] ?? DEFAULT_UNANSWERED_DAYS;
}

// -- money by month --------------------------------------------------------------------------

/** Income, maintenance and other expenses of one month, in cents. */
export interface PropertyMonth {
  month: string;
  incomeCents: number;
  maintenanceCents: number;
  otherCents: number;
}

/** Net operating income of a month: income less every expense. */
export function noiCents(m: PropertyMonth): number {
  return m.incomeCents - m.maintenanceCents - m.otherCents;
}

/** Cash in and out of the property per month: payments received, maintenance costs on completion, other expenses paid. */
export function moneyByMonth(book: PropertyBook, months: readonly string[]): PropertyMonth[] {
  const rows = new Map(
    months.map((month) => [month, { month, incomeCents: 0, maintenanceCents: 0, otherCents: 0 }]),
  );
  for (const p of book.payments) {
    const row = rows.get(monthOf(p.date));
    if (row !== undefined) row.incomeCents += p.amountCents;
  }
  for (const t of book.maintenance) {
    const row = t.completed !== undefined ? rows.get(monthOf(t.completed)) : undefined;
    if (row !== undefined) row.maintenanceCents += t.costCents ?? 0;
  }
  for (const e of book.expenses) {
    const row = rows.get(monthOf(e.date));
    if (row !== undefined) row.otherCents += e.amountCents;
  }
  return [...rows.values()];
}

function totals(months: readonly PropertyMonth[]): PropertyMonth {
  return months.reduce(
    (sum, m) => ({
      month: "Total",
      incomeCents: sum.incomeCents + m.incomeCents,
      maintenanceCents: sum.maintenanceCents + m.maintenanceCents,
      otherCents: sum.otherCents + m.otherCents,
    }),
    { month: "Total", incomeCents: 0, maintenanceCents: 0, otherCents: 0 },
  );
}

// -- the analysis ----------------------------------------------------------------------------

/** Everything the figures, tables and rules of one book are computed from. */
export interface PropertyFacts {
  book: PropertyBook;
  window: PropertyWindow;
  period: string;
  settlements: Settlement[];
  late: Settlement[];
  vacancies: Vacancy[];
  months: PropertyMonth[];
  tickets: MaintenanceTicket[];
  open: OpenMessage[];
}

/** The facts of the book the report covers, or undefined when the tenant has no rental book. */
export function propertyFacts(context: AnalysisContext): PropertyFacts | undefined {
  const book = propertyBookOf(context);
  if (book === undefined) return undefined;
  const window = propertyWindow(context.period);
  const settlements = settleCharges(book, window.to);
  return {
    book,
    window,
    period: context.period,
    settlements,
    late: lateRent(settlements, window),
    vacancies: vacancies(book, window),
    months: moneyByMonth(book, window.months),
    tickets: book.maintenance
      .filter((t) => ticketDate(t) >= window.from && ticketDate(t) <= window.to)
      .sort((a, b) => a.opened.localeCompare(b.opened) || a.id.localeCompare(b.id)),
    open: openCommunications(book, window.to),
  };
}

/** Figures and tables of the rental property; nothing when the tenant has no rental book. */
export function analyseProperty(context: AnalysisContext): AnalysisOutput {
  const facts = propertyFacts(context);
  if (facts === undefined) return { figures: [], tables: [] };
  return {
    figures: [
      ...occupancyFigures(facts),
      ...moneyFigures(facts),
      ...operationsFigures(facts, unansweredDays(context)),
    ],
    tables: [
      leasesTable(facts),
      occupancyTable(facts),
      moneyTable(facts),
      maintenanceByCategory(facts),
      expensesByCategory(facts),
      ticketsTable(facts),
      vacanciesTable(facts),
      chargesTable(facts),
      openCommunicationsTable(facts),
    ],
  };
}

function figure(
  facts: PropertyFacts,
  fields: Omit<Figure, "asOf" | "sources"> & { sources?: Figure["sources"] },
): Figure {
  return { asOf: facts.window.to, sources: sourcesOf([facts.book]), ...fields };
}

const money = toCurrency;

function occupancyFigures(facts: PropertyFacts): Figure[] {
  const { book, window, period } = facts;
  const month = occupancyBetween(book, `${period}-01`, window.to);
  const before = addMonths(period, -1);
  const previous = occupancyBetween(book, `${before}-01`, periodEnd(before));
  const trailing = occupancyBetween(book, window.from, window.to);
  const leaseSources = sourcesOf(book.leases);
  const range = monthRange(window.months);
  return [
    figure(facts, {
      id: "property-occupancy-rate",
      label: "Occupancy rate, the month",
      value: occupancyRate(month),
      unit: "percent",
      sources: leaseSources,
      basis: `${month.occupiedDays} of ${month.unitDays} unit-days let in ${period}`,
      previous: occupancyRate(previous),
    }),
    figure(facts, {
      id: "property-occupancy-rate-t12",
      label: "Occupancy rate, trailing 12 months",
      value: occupancyRate(trailing),
      unit: "percent",
      sources: leaseSources,
      basis: `${trailing.occupiedDays} of ${trailing.unitDays} unit-days let, ${range}`,
    }),
    figure(facts, {
      id: "property-days-vacant",
      label: "Days vacant, trailing 12 months",
      value: trailing.unitDays - trailing.occupiedDays,
      unit: "days",
      sources: leaseSources,
      basis: `unit-days no lease covered, ${range}`,
      better: "lower",
    }),
    figure(facts, {
      id: "property-rent-roll",
      label: "Rent roll at the month end",
      value: money(
        book.units.reduce((sum, u) => sum + (leaseOn(book, u.id, window.to)?.rentCents ?? 0), 0),
      ),
      unit: "USD/month",
      sources: leaseSources,
      basis: `monthly rent of the leases occupying the ${book.units.length === 1 ? "unit" : `${book.units.length} units`} on ${window.to}`,
    }),
  ];
}

function moneyFigures(facts: PropertyFacts): Figure[] {
  const { book, window, months, period } = facts;
  const byMonth = new Map(months.map((m) => [m.month, m]));
  const current = byMonth.get(period) as PropertyMonth;
  const before = byMonth.get(addMonths(period, -1));
  const year = totals(months);
  const range = monthRange(window.months);
  const incomeSources = sourcesOf(book.payments);
  const expenseSources = sourcesOf([...book.maintenance, ...book.expenses]);
  const prev = (value: (m: PropertyMonth) => number) =>
    before !== undefined ? { previous: money(value(before)) } : {};
  const expensesOf = (m: PropertyMonth) => m.maintenanceCents + m.otherCents;
  return [
    figure(facts, {
      id: "property-income-period",
      label: "Rent received, the month",
      value: money(current.incomeCents),
      unit: "USD",
      sources: incomeSources,
      basis: `tenant payments dated in ${period}`,
      ...prev((m) => m.incomeCents),
    }),
    figure(facts, {
      id: "property-expenses-period",
      label: "Expenses, the month",
      value: money(expensesOf(current)),
      unit: "USD",
      sources: expenseSources,
      basis: `maintenance completed and expenses paid in ${period}`,
      better: "lower",
      ...prev(expensesOf),
    }),
    figure(facts, {
      id: "property-noi-period",
      label: "Net operating income, the month",
      value: money(noiCents(current)),
      unit: "USD",
      sources: [...incomeSources, ...expenseSources],
      basis: "rent received less expenses",
      ...prev(noiCents),
    }),
    figure(facts, {
      id: "property-income-t12",
      label: "Rent received, trailing 12 months",
      value: money(year.incomeCents),
      unit: "USD",
      sources: incomeSources,
      basis: `${book.payments.filter((p) => p.date >= window.from && p.date <= window.to).length} tenant payments, ${range}`,
    }),
    figure(facts, {
      id: "property-expenses-t12",
      label: "Expenses, trailing 12 months",
      value: money(expensesOf(year)),
      unit: "USD",
      sources: expenseSources,
      basis: `maintenance ${formatUsd(year.maintenanceCents)} plus other expenses ${formatUsd(year.otherCents)}, ${range}`,
      better: "lower",
    }),
    figure(facts, {
      id: "property-noi-t12",
      label: "Net operating income, trailing 12 months",
      value: money(noiCents(year)),
      unit: "USD",
      sources: [...incomeSources, ...expenseSources],
      basis: `rent received less expenses, ${range} (before debt service)`,
    }),
    figure(facts, {
      id: "property-maintenance-cost-t12",
      label: "Maintenance cost, trailing 12 months",
      value: money(year.maintenanceCents),
      unit: "USD",
      sources: sourcesOf(book.maintenance),
      basis: `${facts.tickets.filter((t) => t.completed !== undefined).length} completed tickets, ${range}`,
      better: "lower",
    }),
  ];
}

function operationsFigures(facts: PropertyFacts, waitDays: number): Figure[] {
  const { book, settlements, late, open, window } = facts;
  const owed = settlements.filter((s) => s.charge.due <= window.to && s.openCents > 0);
  const openTickets = book.maintenance.filter(
    (t) => t.completed === undefined && t.opened <= window.to,
  );
  const overdue = open.filter((o) => o.daysWaiting > waitDays);
  return [
    figure(facts, {
      id: "property-late-payments",
      label: "Late rent payments, trailing 12 months",
      value: late.length,
      unit: "count",
      sources: sourcesOf([...book.charges, ...book.payments]),
      basis: `rent charges paid after the lease's grace period or still unpaid past it, ${monthRange(window.months)}`,
      better: "lower",
    }),
    figure(facts, {
      id: "property-rent-outstanding",
      label: "Owed by tenants at the month end",
      value: money(owed.reduce((sum, s) => sum + s.openCents, 0)),
      unit: "USD",
      sources: sourcesOf(owed.length > 0 ? owed.map((s) => s.charge) : book.charges),
      basis: `${owed.length} charge${owed.length === 1 ? "" : "s"} due by ${window.to} not fully paid`,
      better: "lower",
    }),
    figure(facts, {
      id: "property-open-tickets",
      label: "Open maintenance tickets",
      value: openTickets.length,
      unit: "count",
      sources: sourcesOf(openTickets.length > 0 ? openTickets : book.maintenance),
      basis: `tickets with no completion date on ${window.to}`,
      better: "lower",
    }),
    figure(facts, {
      id: "property-open-communications",
      label: "Communications awaiting a reply",
      value: open.length,
      unit: "count",
      sources: sourcesOf(open.length > 0 ? open.map((o) => o.message) : book.communications),
      basis: `entries marked follow-up with no reply logged by ${window.to}`,
      better: "lower",
    }),
    figure(facts, {
      id: "property-communications-overdue",
      label: `Awaiting a reply for more than ${waitDays} days`,
      value: overdue.length,
      unit: "count",
      sources: sourcesOf(overdue.length > 0 ? overdue.map((o) => o.message) : book.communications),
      basis: `open entries older than ${waitDays} days on ${window.to}`,
      better: "lower",
    }),
  ];
}

// -- tables ----------------------------------------------------------------------------------

function leasesTable(facts: PropertyFacts): Table {
  const { book, window, settlements } = facts;
  const unitName = new Map(book.units.map((u) => [u.id, u.name]));
  // What each lease owes, summed once rather than by scanning every settlement per lease.
  const owedCents = new Map<Lease, number>();
  for (const s of settlements)
    if (s.charge.due <= window.to)
      owedCents.set(s.lease, (owedCents.get(s.lease) ?? 0) + s.openCents);
  const leases = book.leases
    .filter((l) => l.start <= window.to && occupiedUntil(l) >= window.from)
    .sort((a, b) => a.start.localeCompare(b.start));
  return unitColumnIfShared(book, {
    id: "property-leases",
    title: `Leases, ${monthRange(window.months)}`,
    columns: [
      { key: "lease", label: "Lease" },
      { key: "unit", label: "Unit" },
      { key: "tenant", label: "Tenant" },
      { key: "start", label: "Start" },
      { key: "end", label: "Term ends" },
      { key: "rent", label: "Rent / month", unit: "USD" },
      { key: "deposit", label: "Deposit", unit: "USD" },
      { key: "owed", label: "Owed", unit: "USD" },
      { key: "status", label: "Status" },
    ],
    rows: leases.map((l) => [
      l.id,
      unitName.get(l.unit) ?? l.unit,
      l.tenant,
      l.start,
      l.end,
      money(l.rentCents),
      money(l.depositCents),
      money(owedCents.get(l) ?? 0),
      occupiedUntil(l) < window.to ? `moved out ${occupiedUntil(l)}` : "current",
    ]),
  });
}

function occupancyTable(facts: PropertyFacts): Table {
  const { book, window } = facts;
  const rows: Cell[][] = window.months.map((month) => {
    const o = occupancyBetween(book, `${month}-01`, periodEnd(month));
    return [month, o.unitDays, o.unitDays - o.occupiedDays, occupancyRate(o)];
  });
  const year = occupancyBetween(book, window.from, window.to);
  rows.push([
    "Total",
    year.unitDays,
    year.unitDays - year.occupiedDays,
    // A rate does not sum; the trailing figure states it.
    "",
  ]);
  return {
    id: "property-occupancy-by-month",
    title: `Occupancy by month, ${monthRange(window.months)}`,
    columns: [
      { key: "month", label: "Month" },
      { key: "days", label: "Unit-days", unit: "days" },
      { key: "vacant", label: "Vacant", unit: "days" },
      { key: "occupancy", label: "Occupancy", unit: "percent" },
    ],
    rows,
  };
}

function moneyRow(m: PropertyMonth): Cell[] {
  return [
    m.month,
    money(m.incomeCents),
    money(m.maintenanceCents),
    money(m.otherCents),
    money(m.maintenanceCents + m.otherCents),
    money(noiCents(m)),
  ];
}

function moneyTable(facts: PropertyFacts): Table {
  return {
    id: "property-income-expense-by-month",
    title: `Income and expenses by month, ${monthRange(facts.window.months)}`,
    columns: [
      { key: "month", label: "Month" },
      { key: "income", label: "Rent received", unit: "USD" },
      { key: "maintenance", label: "Maintenance", unit: "USD" },
      { key: "other", label: "Other expenses", unit: "USD" },
      { key: "expenses", label: "Expenses", unit: "USD" },
      { key: "noi", label: "Net operating income", unit: "USD" },
    ],
    rows: [...facts.months.map(moneyRow), moneyRow(totals(facts.months))],
  };
}

/** Rows of `[label, count, cents]` grouped by a key, largest amount first, with a Total row. */
function groupedRows<T>(
  records: readonly T[],
  keyOf: (r: T) => string,
  centsOf: (r: T) => number,
): Cell[][] {
  const groups = new Map<string, { count: number; cents: number }>();
  for (const r of records) {
    const g = groups.get(keyOf(r)) ?? { count: 0, cents: 0 };
    groups.set(keyOf(r), { count: g.count + 1, cents: g.cents + centsOf(r) });
  }
  const rows = [...groups.entries()]
    .sort(([a, x], [b, y]) => y.cents - x.cents || a.localeCompare(b))
    .map(([key, g]): Cell[] => [key, g.count, money(g.cents)]);
  const total = [...groups.values()].reduce(
    (t, g) => ({ count: t.count + g.count, cents: t.cents + g.cents }),
    { count: 0, cents: 0 },
  );
  return [...rows, ["Total", total.count, money(total.cents)]];
}

function maintenanceByCategory(facts: PropertyFacts): Table {
  return {
    id: "property-maintenance-by-category",
    title: `Maintenance cost by category, ${monthRange(facts.window.months)}`,
    columns: [
      { key: "category", label: "Category" },
      { key: "tickets", label: "Tickets", unit: "count" },
      { key: "cost", label: "Cost", unit: "USD" },
    ],
    rows: groupedRows(
      facts.tickets,
      (t) => t.category,
      (t) => (t.completed !== undefined ? (t.costCents ?? 0) : 0),
    ),
  };
}

function expensesByCategory(facts: PropertyFacts): Table {
  const { book, window } = facts;
  return {
    id: "property-expenses-by-category",
    title: `Other expenses by category, ${monthRange(window.months)}`,
    columns: [
      { key: "category", label: "Category" },
      { key: "payments", label: "Payments", unit: "count" },
      { key: "amount", label: "Amount", unit: "USD" },
    ],
    rows: groupedRows(
      book.expenses.filter((e) => e.date >= window.from && e.date <= window.to),
      (e) => e.category,
      (e) => e.amountCents,
    ),
  };
}

function ticketsTable(facts: PropertyFacts): Table {
  return {
    id: "property-maintenance-tickets",
    title: `Maintenance tickets, ${monthRange(facts.window.months)}`,
    columns: [
      { key: "ticket", label: "Ticket" },
      { key: "opened", label: "Opened" },
      { key: "completed", label: "Completed" },
      { key: "item", label: "Item" },
      { key: "category", label: "Category" },
      { key: "vendor", label: "Vendor" },
      { key: "cost", label: "Cost", unit: "USD" },
      { key: "summary", label: "What was done" },
    ],
    rows: facts.tickets.map((t) => [
      t.id,
      t.opened,
      t.completed ?? "open",
      t.item,
      t.category,
      t.vendor,
      t.completed !== undefined && t.costCents !== undefined ? money(t.costCents) : "—",
      t.summary,
    ]),
  };
}

function vacanciesTable(facts: PropertyFacts): Table {
  const { book, window } = facts;
  const unitName = new Map(book.units.map((u) => [u.id, u.name]));
  return unitColumnIfShared(book, {
    id: "property-vacancies",
    title: `Vacancies, ${monthRange(window.months)}`,
    columns: [
      { key: "unit", label: "Unit" },
      { key: "from", label: "Vacant from" },
      { key: "to", label: "Vacant until" },
      { key: "days", label: "Days", unit: "days" },
      { key: "ended", label: "Ended by" },
    ],
    rows: facts.vacancies.map((v) => [
      unitName.get(v.unit) ?? v.unit,
      v.from,
      v.ongoing ? `still vacant on ${v.to}` : v.to,
      v.days,
      v.next !== undefined ? `lease ${v.next.id} (${v.next.tenant})` : "—",
    ]),
  });
}

/**
 * Drops a table's "unit" column when the property has one unit: the report's title names the
 * property, and a repeated unit name only narrows the other columns on a phone.
 */
function unitColumnIfShared(book: { units: readonly unknown[] }, table: Table): Table {
  const at = table.columns.findIndex((c) => c.key === "unit");
  if (book.units.length > 1 || at < 0) return table;
  return {
    ...table,
    columns: table.columns.filter((_, i) => i !== at),
    rows: table.rows.map((row) => row.filter((_, i) => i !== at)),
  };
}

function chargesTable(facts: PropertyFacts): Table {
  const { window } = facts;
  const shown = facts.settlements
    .filter((s) => s.charge.due >= window.from && s.charge.due <= window.to)
    .sort((a, b) => a.charge.due.localeCompare(b.charge.due));
  return {
    id: "property-rent-charges",
    title: `Rent and fees charged, ${monthRange(window.months)}`,
    columns: [
      { key: "due", label: "Due" },
      { key: "tenant", label: "Tenant" },
      { key: "kind", label: "Charge" },
      { key: "amount", label: "Amount", unit: "USD" },
      { key: "paid", label: "Paid on" },
      { key: "late", label: "Days after due" },
      { key: "status", label: "Status" },
    ],
    rows: shown.map((s) => [
      s.charge.due,
      s.lease.tenant,
      s.charge.kind,
      money(s.charge.amountCents),
      s.paidOn ?? (s.openCents < s.charge.amountCents ? "part paid" : "unpaid"),
      s.daysLate,
      s.status,
    ]),
  };
}

function openCommunicationsTable(facts: PropertyFacts): Table {
  return {
    id: "property-open-communications",
    title: `Communications awaiting a reply on ${facts.window.to}`,
    columns: [
      { key: "date", label: "Date" },
      { key: "contact", label: "From" },
      { key: "channel", label: "Channel" },
      { key: "subject", label: "Subject" },
      { key: "waiting", label: "Waiting", unit: "days" },
    ],
    rows: facts.open.map(({ message: m, daysWaiting }) => [
      m.date,
      m.contact,
      m.channel,
      m.subject,
      daysWaiting,
    ]),
  };
}
