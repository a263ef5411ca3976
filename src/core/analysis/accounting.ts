import type {
  Booking,
  HandoffItem,
  HandoffNote,
  SystemComponent,
  TenantModel,
  Transaction,
} from "../model/index.js";
import { entityName, latestAsOf, monthRange, periodEnd, shortMonth, sourcesOf } from "./common.js";
import {
  auditMonths,
  breakEvenOf,
  capitalise,
  formatUsd,
  monthlyBurn,
  monthsAhead,
  REVENUE_KPI,
  revenueTargets,
  unitPlural,
} from "./finance.js";
import { addMonths, isUnder, monthOf, toCurrency } from "./money.js";
import type { AnalysisContext, AnalysisOutput, Cell, Figure, Table } from "./types.js";

const DAY_MS = 86_400_000;

/** Days from one ISO date to another (positive when `to` is later). */
function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/** The ISO date one day before `date`. */
function dayBefore(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) - DAY_MS).toISOString().slice(0, 10);
}

/** How one booking is recognised at the end of a period, in cents. */
export interface Recognition {
  booking: Booking;
  serviceDays: number;
  /** Service days inside the period. */
  daysInPeriod: number;
  /** Service days after the period end. */
  daysAfter: number;
  /** Cash the customer had paid by the period end (as far as the data tells). */
  cashCents: number;
  earnedPeriodCents: number;
  /** Cash received for service after the period end: a liability until delivered. */
  deferredCents: number;
  /** Earned by the period end but not paid. */
  receivableCents: number;
  /** A cancelled booking whose payment was kept. */
  forfeited: boolean;
}

/**
 * Recognises a booking at the end of `period`. Revenue is earned pro rata by service day, and
 * cash is spread over the service days the same way, so a deposit for a two-day event is half
 * earned after the first day. Payments are as recorded when the bookings export predates the
 * period end; otherwise the deposit counts from the booking date and the balance from the first
 * service day. A cancelled booking's kept payment is earned on its service date.
 */
export function recognise(
  booking: Booking,
  period: string,
  exportAsOf?: string,
): Recognition | undefined {
  const end = periodEnd(period);
  const start = `${period}-01`;
  if (booking.bookedOn > end) return undefined;
  if (booking.status === "inquiry" || booking.status === "quoted") return undefined;
  const forfeited = booking.status === "cancelled";
  if (forfeited && booking.paidCents <= 0) return undefined;
  const serviceEnd = forfeited ? booking.serviceStart : booking.serviceEnd;
  const serviceDays = Math.max(1, daysBetween(booking.serviceStart, serviceEnd) + 1);
  const upTo = (date: string) =>
    Math.min(serviceDays, Math.max(0, daysBetween(booking.serviceStart, date) + 1));
  const done = upTo(end);
  const before = upTo(dayBefore(start));
  const recordedBeforeEnd = exportAsOf !== undefined && exportAsOf <= end;
  const cash =
    recordedBeforeEnd || booking.serviceStart <= end
      ? booking.paidCents
      : Math.min(booking.paidCents, booking.depositCents);
  const value = forfeited ? booking.paidCents : booking.totalCents;
  const share = (cents: number, days: number) => (cents * days) / serviceDays;
  return {
    booking,
    serviceDays,
    daysInPeriod: done - before,
    daysAfter: serviceDays - done,
    cashCents: cash,
    earnedPeriodCents: share(value, done - before),
    deferredCents: share(cash, serviceDays - done),
    receivableCents: Math.max(0, share(value - cash, done)),
    forfeited,
  };
}

/** Every booking's recognition at the end of the period (bookings that matter for it only). */
export function recogniseBookings(context: AnalysisContext): Recognition[] {
  const start = `${context.period}-01`;
  const exportAsOf = new Map(context.model.freshness.map((f) => [f.sourceId, f.asOf] as const));
  return context.model.bookings.flatMap((b) => {
    const r = recognise(b, context.period, exportAsOf.get(b.provenance.sourceId));
    if (r === undefined) return [];
    // Bookings fully delivered and paid before the period have nothing left to recognise.
    const open = r.deferredCents > 0 || r.receivableCents > 0.5;
    return r.earnedPeriodCents > 0 || open || b.serviceEnd >= start ? [r] : [];
  });
}

/** Why a booking needs more than cash accounting at the period end. */
function recognitionNote(r: Recognition, period: string): string {
  const end = periodEnd(period);
  const start = `${period}-01`;
  const notes: string[] = [];
  if (r.forfeited) notes.push("cancelled; payment kept");
  if (r.booking.serviceStart > end) notes.push("service after period end");
  else if (r.daysAfter > 0) notes.push("service spans period end");
  if (r.booking.serviceStart < start && r.daysInPeriod > 0)
    notes.push("service spans period start");
  if (r.receivableCents > 0.5) notes.push("balance unpaid");
  return notes.join("; ");
}

/** A group of uncategorised ledger rows sharing a description pattern. */
export interface UncategorisedGroup {
  /** Stable key: the pattern in lower case with non-alphanumerics as dashes. */
  key: string;
  pattern: string;
  transactions: Transaction[];
  outflowCents: number;
  inflowCents: number;
  entities: string[];
}

/** The description up to its first token with a digit (card numbers, references, store ids). */
export function descriptionPattern(description: string): string {
  const tokens = description.toUpperCase().trim().split(/\s+/);
  const kept: string[] = [];
  for (const token of tokens) {
    if (/[0-9#]/.test(token)) break;
    kept.push(token);
  }
  const pattern = kept.join(" ").replace(/[\s*\-–:,.]+$/, "");
  return pattern === "" ? (tokens[0] ?? "").replace(/[0-9#]+/g, "") || "UNKNOWN" : pattern;
}

/** Slug of a pattern, used as a stable finding subject. */
function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "") || "unknown"
  );
}

/** Ledger rows of the tenant dated in the audit year ending with the period. */
export function auditTransactions(context: AnalysisContext): Transaction[] {
  const months = new Set(auditMonths(context));
  return context.model.transactions.filter((t) => months.has(monthOf(t.date)));
}

/** Uncategorised rows of the audit year grouped by description pattern, largest first. */
export function uncategorisedGroups(context: AnalysisContext): UncategorisedGroup[] {
  const groups = new Map<string, UncategorisedGroup>();
  for (const t of auditTransactions(context)) {
    if (t.category !== undefined) continue;
    const pattern = descriptionPattern(t.description);
    const key = slug(pattern);
    const group = groups.get(key) ?? {
      key,
      pattern,
      transactions: [],
      outflowCents: 0,
      inflowCents: 0,
      entities: [],
    };
    group.transactions.push(t);
    if (t.amountCents < 0) group.outflowCents -= t.amountCents;
    else group.inflowCents += t.amountCents;
    if (!group.entities.includes(t.entity)) group.entities.push(t.entity);
    groups.set(key, group);
  }
  return [...groups.values()].sort(
    (a, b) =>
      b.transactions.length - a.transactions.length ||
      b.outflowCents + b.inflowCents - (a.outflowCents + a.inflowCents) ||
      a.key.localeCompare(b.key),
  );
}

/** Descriptions that mark a reversal, where an inflow to an expense (or outflow from income) is normal. */
const REVERSAL = /refund|reversal|return|chargeback|rebate|credit adj|dispute/i;

/** A row whose category contradicts its direction. */
export interface Miscategorised {
  transaction: Transaction;
  reason: string;
}

/** Rows of the audit year whose category contradicts the money's direction (not refunds). */
export function miscategorised(context: AnalysisContext): Miscategorised[] {
  return auditTransactions(context).flatMap((t): Miscategorised[] => {
    if (REVERSAL.test(t.description)) return [];
    if (isUnder(t.category, "income") && t.amountCents < 0)
      return [{ transaction: t, reason: `an outflow booked to income account ${t.category}` }];
    if (isUnder(t.category, "expenses") && t.amountCents > 0)
      return [{ transaction: t, reason: `an inflow booked to expense account ${t.category}` }];
    return [];
  });
}

/** Technologies that are accounting ledgers (a generic list of common small-business systems). */
export const ACCOUNTING_SYSTEM_PATTERN =
  /\b(quickbooks|xero|wave( accounting)?|freshbooks|hledger|ledger-cli|beancount|gnucash|sage|zoho books|netsuite|kashoo|bench accounting|freeagent|myob|odoo accounting)\b/i;

/** Registry systems that are accounting ledgers. */
export function accountingSystems(model: TenantModel): SystemComponent[] {
  return model.systems.filter((s) => ACCOUNTING_SYSTEM_PATTERN.test(`${s.technology} ${s.name}`));
}

/** Handoff items saying receipts or invoices live only in email. */
export function receiptsInEmail(model: TenantModel): { note: HandoffNote; item: HandoffItem }[] {
  return model.handoffs.flatMap((note) =>
    note.items
      .filter((i) => /receipt|invoice/i.test(i.text) && /e-?mail|inbox/i.test(i.text))
      .map((item) => ({ note, item })),
  );
}

/** Handoff items stating that no accounting system exists. */
export function noAccountingSystemStatements(
  model: TenantModel,
): { note: HandoffNote; item: HandoffItem }[] {
  return model.handoffs.flatMap((note) =>
    note.items
      .filter((i) => /\bno (accounting system|bookkeeping system|general ledger)\b/i.test(i.text))
      .map((item) => ({ note, item })),
  );
}

/** Groups of a chart of accounts, in statement order, with their number ranges. */
const GROUPS = [
  { id: "assets", label: "Assets", base: 1000 },
  { id: "liabilities", label: "Liabilities", base: 2000 },
  { id: "equity", label: "Equity", base: 3000 },
  { id: "income", label: "Income", base: 4000 },
  { id: "cost-of-sales", label: "Cost of sales", base: 5000 },
  { id: "expenses", label: "Expenses", base: 6000 },
  { id: "transfers", label: "Transfers (clearing)", base: 9000 },
] as const;

/** A generic small-business chart (service and rental businesses): the accounts every set of books needs. */
export const CHART_TEMPLATE: readonly { account: string; purpose: string }[] = [
  { account: "assets:bank", purpose: "Bank accounts, one per account" },
  { account: "assets:processor", purpose: "Balances held by card processors before payout" },
  { account: "assets:accounts-receivable", purpose: "Revenue earned but not yet paid" },
  { account: "assets:undeposited-funds", purpose: "Cash and cheques received, not yet banked" },
  { account: "assets:fixed:equipment", purpose: "Vessels, vehicles and equipment at cost" },
  { account: "assets:fixed:accumulated-depreciation", purpose: "Depreciation of fixed assets" },
  { account: "liabilities:card", purpose: "Credit cards, one per card" },
  {
    account: "liabilities:customer-deposits",
    purpose: "Deposits for service not yet delivered (deferred revenue)",
  },
  { account: "liabilities:sales-tax-payable", purpose: "Sales and occupancy tax collected" },
  { account: "liabilities:loans", purpose: "Loans and equipment finance" },
  { account: "equity:owner-contributions", purpose: "Money the owner puts in" },
  { account: "equity:owner-draws", purpose: "Money the owner takes out" },
  { account: "equity:retained-earnings", purpose: "Profit and loss of prior years" },
  { account: "income:forfeited-deposits", purpose: "Deposits kept on cancellation" },
  { account: "income:refunds-and-discounts", purpose: "Contra-revenue: refunds and discounts" },
  { account: "expenses:cost-of-sales:merchant-fees", purpose: "Card and processor fees" },
  { account: "expenses:bank-fees", purpose: "Bank charges" },
  { account: "expenses:taxes-and-licenses", purpose: "Business taxes, permits and licences" },
  { account: "expenses:depreciation", purpose: "Depreciation charge of the year" },
  { account: "expenses:meals-and-entertainment", purpose: "Business meals (partly deductible)" },
  { account: "expenses:supplies", purpose: "Small tools and consumables" },
  { account: "transfers:internal", purpose: "Money moved between own accounts; nets to zero" },
];

/** The group of an account: variable-cost prefixes are cost of sales, else its top segment. */
function groupOf(context: AnalysisContext, account: string): (typeof GROUPS)[number] | undefined {
  if (
    context.settings.variableCostAccounts.some((p) => isUnder(account, p)) ||
    isUnder(account, "expenses:cost-of-sales")
  )
    return GROUPS.find((g) => g.id === "cost-of-sales");
  const top = account.split(":")[0];
  return GROUPS.find((g) => g.id === top);
}

/** One account of the proposed chart. */
export interface ChartAccount {
  number: number;
  account: string;
  group: string;
  status: "in use" | "proposed";
  rows: number;
  purpose: string;
}

/** The chart of accounts: the template merged with every account the ledger uses. */
export function chartOfAccounts(context: AnalysisContext): ChartAccount[] {
  const observed = new Map<string, number>();
  const exportOf = new Map<string, string>();
  for (const t of context.model.transactions) {
    exportOf.set(t.sourceAccount, t.provenance.sourceId);
    observed.set(t.sourceAccount, (observed.get(t.sourceAccount) ?? 0) + 1);
    if (t.category !== undefined) observed.set(t.category, (observed.get(t.category) ?? 0) + 1);
  }
  const entries: { account: string; rows: number; purpose: string; inUse: boolean }[] = [
    ...[...observed].map(([account, rows]) => ({
      account,
      rows,
      purpose:
        CHART_TEMPLATE.find((t) => t.account === account)?.purpose ??
        (exportOf.has(account) ? `Account of the ${exportOf.get(account)} export` : ""),
      inUse: true,
    })),
    // A template account is covered when the ledger already uses it or an account below it.
    ...CHART_TEMPLATE.filter(
      (t) => ![...observed.keys()].some((account) => isUnder(account, t.account)),
    ).map((t) => ({ account: t.account, rows: 0, purpose: t.purpose, inUse: false })),
  ];
  return GROUPS.flatMap((group) =>
    entries
      .filter((e) => groupOf(context, e.account)?.id === group.id)
      .sort((a, b) => a.account.localeCompare(b.account))
      .map(
        (e, i): ChartAccount => ({
          number: group.base + 10 * (i + 1),
          account: e.account,
          group: group.label,
          status: e.inUse ? "in use" : "proposed",
          rows: e.rows,
          purpose: e.purpose,
        }),
      ),
  );
}

/** Calendar quarter label of a `YYYY-MM` month: "Q1 2027". */
export function quarterOf(month: string): string {
  const [year, m] = month.split("-").map(Number) as [number, number];
  return `Q${Math.ceil(m / 3)} ${year}`;
}

/** One milestone of the roadmap to profitability. */
export interface Milestone {
  step: number;
  title: string;
  measure: string;
  now: string;
  target: string;
  due: string;
  met: boolean | undefined;
}

/** Percent with one decimal. */
function percent(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.round((part / whole) * 1000) / 10;
}

/**
 * Four milestones to a profitable month by the planning horizon's quarter: clean books, the
 * break-even volume, the revenue target, then a month with income above expenses. Due months
 * are spread evenly between the period and the horizon.
 */
export function profitabilityRoadmap(context: AnalysisContext): Milestone[] {
  const ahead = monthsAhead(context);
  const horizon = context.settings.planningHorizon;
  const dueMonth = (step: number) =>
    ahead[Math.max(0, Math.ceil((step * ahead.length) / 4) - 1)] ?? horizon;
  const due = (step: number) => `end of ${shortMonth(dueMonth(step))}`;
  const rows = auditTransactions(context);
  const uncategorised = rows.filter((t) => t.category === undefined).length;
  const hasSystem = accountingSystems(context.model).length > 0;
  const burn = monthlyBurn(context);
  const latest = burn[burn.length - 1];
  const breakEven = breakEvenOf(context);
  const targets = revenueTargets(context);
  const revenueTarget = targets.find((t) => t.month === dueMonth(3));
  const current = targets[0];
  const milestones: Milestone[] = [
    {
      step: 1,
      title: hasSystem
        ? "Close the books every month with every ledger row categorised"
        : "Set up an accounting system and close the books every month with every ledger row categorised",
      measure: "Uncategorised ledger rows",
      now: `${percent(uncategorised, rows.length)}% (${uncategorised} of ${rows.length}, ${monthRange(auditMonths(context))})`,
      target: "0%",
      due: due(1),
      met: rows.length > 0 ? uncategorised === 0 && hasSystem : undefined,
    },
  ];
  if (breakEven !== undefined) {
    const sold = breakEven.unitsSold[breakEven.unitsSold.length - 1]?.units ?? 0;
    milestones.push({
      step: 2,
      title: `Sell the break-even volume of ${breakEven.stream.name}`,
      measure: `${capitalise(unitPlural(breakEven.unit))} per month`,
      now: `${sold} in ${shortMonth(context.period)} (average ${breakEven.unitsSoldAverage.toFixed(1)})`,
      target: `${breakEven.units}`,
      due: due(2),
      met: sold >= breakEven.units,
    });
  }
  if (revenueTarget !== undefined && current !== undefined) {
    milestones.push({
      step: milestones.length + 1,
      title: "Reach the monthly revenue target",
      measure: "Revenue per month",
      now:
        current.actualCents !== undefined
          ? `${formatUsd(current.actualCents)} in ${shortMonth(context.period)}`
          : "not measured",
      target: `${formatUsd(revenueTarget.targetCents)} (${revenueTarget.basis === "kpi-target" ? `${REVENUE_KPI} target` : "break-even revenue"} for ${shortMonth(revenueTarget.month)})`,
      due: due(3),
      met:
        current.actualCents !== undefined
          ? current.actualCents >= revenueTarget.targetCents
          : undefined,
    });
  }
  if (latest !== undefined) {
    milestones.push({
      step: milestones.length + 1,
      title: `First month with income above expenses (profitable by ${quarterOf(horizon)})`,
      measure: "Net burn per month (expenses minus income)",
      now: `${formatUsd(Math.round(latest.netCents / 100) * 100)} in ${shortMonth(latest.month)}`,
      target: "$0 or less",
      due: `end of ${shortMonth(horizon)}`,
      met: latest.netCents <= 0,
    });
  }
  return milestones;
}

/** Revenue earned in the month before the period, when the bookings reach back that far. */
function previousEarned(context: AnalysisContext): Pick<Figure, "previous"> {
  const period = addMonths(context.period, -1);
  if (!context.model.bookings.some((b) => b.bookedOn <= periodEnd(period))) return {};
  const earned = recogniseBookings({ ...context, period }).reduce(
    (sum, r) => sum + r.earnedPeriodCents,
    0,
  );
  return { previous: toCurrency(Math.round(earned)) };
}

/** Ledger income (income:* inflows) of a month, or undefined when the ledger has no rows in it. */
function ledgerIncome(model: TenantModel, month: string): number | undefined {
  const rows = model.transactions.filter((t) => monthOf(t.date) === month);
  if (rows.length === 0) return undefined;
  return rows.filter((t) => isUnder(t.category, "income")).reduce((s, t) => s + t.amountCents, 0);
}

/** Accounting analysis: revenue recognition, chart of accounts, categorisation audit and roadmap. */
export function analyseAccounting(context: AnalysisContext): AnalysisOutput {
  const { model, period } = context;
  const end = periodEnd(period);
  const figures: Figure[] = [];
  const tables: Table[] = [];
  const money = toCurrency;

  const recognitions = recogniseBookings(context);
  if (model.bookings.length > 0) {
    const bookingRecords = recognitions.map((r) => r.booking);
    const bookingSources = sourcesOf(bookingRecords.length > 0 ? bookingRecords : model.bookings);
    const asOf = latestAsOf(model.bookings, end);
    const sum = (pick: (r: Recognition) => number, list = recognitions) =>
      Math.round(list.reduce((s, r) => s + pick(r), 0));
    const deferredList = recognitions.filter((r) => r.deferredCents > 0);
    figures.push(
      {
        id: "revenue-earned-period",
        label: `Revenue earned, ${shortMonth(period)}`,
        value: money(sum((r) => r.earnedPeriodCents)),
        unit: "USD",
        asOf,
        sources: bookingSources,
        basis: `Confirmed and completed bookings, earned pro rata by service day in ${period}.`,
        ...previousEarned(context),
      },
      {
        id: "revenue-deferred",
        label: `Deferred revenue at ${end}`,
        value: money(sum((r) => r.deferredCents)),
        unit: "USD",
        asOf,
        sources: bookingSources,
        basis: `Cash received for ${deferredList.length} booking${deferredList.length === 1 ? "" : "s"} with service after ${end}.`,
      },
      {
        id: "revenue-receivable",
        label: `Earned but unpaid at ${end}`,
        value: money(sum((r) => r.receivableCents)),
        unit: "USD",
        asOf,
        sources: bookingSources,
        basis: "Service delivered by period end, balance not yet paid.",
        better: "lower",
      },
    );
    const periodIncome = model.transactions.filter(
      (t) => monthOf(t.date) === period && isUnder(t.category, "income"),
    );
    const ledgerIncomeCents = periodIncome.reduce((s, t) => s + t.amountCents, 0);
    const previousIncome = ledgerIncome(model, addMonths(period, -1));
    figures.push({
      id: "income-ledger-period",
      label: `Income in the ledger, ${shortMonth(period)}`,
      value: money(ledgerIncomeCents),
      unit: "USD",
      asOf: latestAsOf(periodIncome, end),
      sources: sourcesOf(periodIncome),
      basis: `income:* inflows dated in ${period}: cash when received, not when earned.`,
      ...(previousIncome !== undefined ? { previous: money(previousIncome) } : {}),
    });
    const entities = [
      ...new Set([
        ...recognitions.map((r) => r.booking.entity),
        ...periodIncome.map((t) => t.entity),
      ]),
    ].sort(
      (a, b) =>
        model.entities.findIndex((e) => e.id === a) - model.entities.findIndex((e) => e.id === b),
    );
    const row = (label: string, list: Recognition[], income: number): Cell[] => [
      label,
      list.length,
      money(sum((r) => r.earnedPeriodCents, list)),
      money(income),
      money(sum((r) => r.deferredCents, list)),
      money(sum((r) => r.receivableCents, list)),
    ];
    tables.push({
      id: "revenue-recognition",
      title: `Revenue recognition at ${end}, by entity`,
      columns: [
        { key: "entity", label: "Entity" },
        { key: "bookings", label: "Bookings", unit: "count" },
        { key: "earned", label: `Earned in ${shortMonth(period)}`, unit: "USD" },
        { key: "cash", label: "Ledger income (cash)", unit: "USD" },
        { key: "deferred", label: "Deferred", unit: "USD" },
        { key: "receivable", label: "Receivable", unit: "USD" },
      ],
      rows: [
        ...entities.map((id) =>
          row(
            entityName(model, id),
            recognitions.filter((r) => r.booking.entity === id),
            periodIncome.filter((t) => t.entity === id).reduce((s, t) => s + t.amountCents, 0),
          ),
        ),
        row("Total", recognitions, ledgerIncomeCents),
      ],
    });
    const notable = recognitions.filter((r) => recognitionNote(r, period) !== "");
    tables.push({
      id: "revenue-recognition-detail",
      title: "Bookings paid ahead of service or spanning a month end",
      columns: [
        { key: "booking", label: "Booking" },
        { key: "entity", label: "Entity" },
        { key: "service", label: "Service" },
        { key: "total", label: "Total" },
        { key: "cash", label: "Paid" },
        { key: "earned", label: `Earned in ${shortMonth(period)}` },
        { key: "deferred", label: "Deferred" },
        { key: "receivable", label: "Receivable" },
        { key: "why", label: "Why" },
      ],
      rows: notable.map((r) => [
        r.booking.id,
        entityName(model, r.booking.entity),
        r.booking.serviceStart === r.booking.serviceEnd
          ? r.booking.serviceStart
          : `${r.booking.serviceStart} to ${r.booking.serviceEnd}`,
        // Exact cents as text: the bookkeeper posts these amounts.
        formatUsd(r.booking.totalCents),
        formatUsd(r.cashCents),
        formatUsd(Math.round(r.earnedPeriodCents)),
        formatUsd(Math.round(r.deferredCents)),
        formatUsd(Math.round(r.receivableCents)),
        recognitionNote(r, period),
      ]),
    });
  }

  const audit = auditTransactions(context);
  if (audit.length > 0) {
    const auditWindow = monthRange(auditMonths(context));
    const auditSources = sourcesOf(audit);
    const auditAsOf = latestAsOf(audit, end);
    const uncategorised = audit.filter((t) => t.category === undefined);
    const outflows = audit.filter((t) => t.amountCents < 0 && !isUnder(t.category, "transfers"));
    const outflowTotal = -outflows.reduce((s, t) => s + t.amountCents, 0);
    const uncategorisedOutflow = -uncategorised
      .filter((t) => t.amountCents < 0)
      .reduce((s, t) => s + t.amountCents, 0);
    const groups = uncategorisedGroups(context);
    const wrong = miscategorised(context);
    const ledgerFigure = (
      id: string,
      label: string,
      value: number,
      unit: Figure["unit"],
      basis: string,
    ): Figure => ({
      id,
      label,
      value,
      unit,
      asOf: auditAsOf,
      sources: auditSources,
      basis,
    });
    figures.push(
      ledgerFigure(
        "ledger-rows",
        "Ledger rows audited",
        audit.length,
        "count",
        `Every bank, card and processor row dated ${auditWindow}.`,
      ),
      ledgerFigure(
        "uncategorised-rows",
        "Uncategorised rows",
        uncategorised.length,
        "count",
        `Rows no category rule matched, ${auditWindow}.`,
      ),
      ledgerFigure(
        "uncategorised-share",
        "Uncategorised share of rows",
        percent(uncategorised.length, audit.length),
        "percent",
        `${uncategorised.length} of ${audit.length} rows, ${auditWindow}.`,
      ),
      ledgerFigure(
        "uncategorised-outflow-share",
        "Uncategorised share of outflow dollars",
        percent(uncategorisedOutflow, outflowTotal),
        "percent",
        `${formatUsd(uncategorisedOutflow)} of ${formatUsd(outflowTotal)} of outflows (internal transfers excluded), ${auditWindow}.`,
      ),
      ledgerFigure(
        "uncategorised-patterns",
        "Description patterns to categorise",
        groups.length,
        "count",
        "Uncategorised rows grouped by description up to the first number.",
      ),
      ledgerFigure(
        "miscategorised-rows",
        "Rows whose category contradicts the direction of the money",
        wrong.length,
        "count",
        `Outflows booked to income or inflows booked to expenses (refunds excepted), ${auditWindow}.`,
      ),
    );
    tables.push({
      id: "uncategorised-patterns",
      title: `Uncategorised rows by description pattern, ${auditWindow}`,
      columns: [
        { key: "pattern", label: "Pattern" },
        { key: "entities", label: "Entities" },
        { key: "rows", label: "Rows", unit: "count" },
        { key: "out", label: "Outflows", unit: "USD" },
        { key: "in", label: "Inflows", unit: "USD" },
        { key: "last", label: "Last seen" },
      ],
      rows: groups.map((g) => [
        g.pattern,
        g.entities.map((id) => entityName(model, id)).join(", "),
        g.transactions.length,
        money(g.outflowCents),
        money(g.inflowCents),
        g.transactions
          .map((t) => t.date)
          .sort()
          .at(-1) ?? "",
      ]),
    });
  }

  const chart = chartOfAccounts(context);
  if (chart.length > 0) {
    const inUse = chart.filter((a) => a.status === "in use");
    const chartSources = sourcesOf(model.transactions);
    const chartAsOf = latestAsOf(model.transactions, end);
    figures.push(
      {
        id: "chart-accounts-in-use",
        label: "Accounts in use",
        value: inUse.length,
        unit: "count",
        asOf: chartAsOf,
        sources: chartSources,
        basis: "Distinct source and category accounts on the ledger rows.",
      },
      {
        id: "chart-accounts-proposed",
        label: "Accounts to add",
        value: chart.length - inUse.length,
        unit: "count",
        asOf: chartAsOf,
        sources: chartSources,
        basis: `Accounts of the ${CHART_TEMPLATE.length}-account small-business template that the ledger does not use yet.`,
      },
    );
    tables.push({
      id: "chart-of-accounts",
      title: "Proposed chart of accounts",
      columns: [
        { key: "number", label: "No." },
        { key: "account", label: "Account" },
        { key: "group", label: "Group" },
        { key: "status", label: "Status" },
        { key: "rows", label: "Rows", unit: "count" },
        { key: "purpose", label: "Purpose" },
      ],
      rows: chart.map((a) => [
        String(a.number),
        a.account,
        a.group,
        a.status,
        a.rows,
        a.purpose === "" ? "—" : a.purpose,
      ]),
    });
  }

  const systems = accountingSystems(model);
  if (model.systems.length > 0) {
    figures.push({
      id: "accounting-system-count",
      label: "Accounting systems in the registry",
      value: systems.length,
      unit: "count",
      asOf: latestAsOf(model.systems, end),
      sources: sourcesOf(model.systems),
      basis: `Of ${model.systems.length} registry systems, those whose technology is an accounting ledger (QuickBooks, Xero, Wave, FreshBooks, hledger …).`,
    });
  }

  const roadmap = profitabilityRoadmap(context);
  if (audit.length > 0 && roadmap.length > 0) {
    tables.push({
      id: "profitability-roadmap",
      title: `Roadmap to profitability by ${quarterOf(context.settings.planningHorizon)}`,
      columns: [
        { key: "step", label: "#" },
        { key: "milestone", label: "Milestone" },
        { key: "measure", label: "Measure" },
        { key: "now", label: "Now" },
        { key: "target", label: "Target" },
        { key: "due", label: "Due" },
        { key: "status", label: "Status" },
      ],
      rows: roadmap.map((m) => [
        String(m.step),
        m.title,
        m.measure,
        m.now,
        m.target,
        m.due,
        m.met === undefined ? "not measured" : m.met ? "met" : "open",
      ]),
    });
  }

  return { figures, tables };
}
