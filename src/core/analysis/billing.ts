import type {
  BillingClient,
  ClientBook,
  ClientContract,
  ClientInvoice,
  ClientPayment,
  TimeEntry,
} from "../model/billing.js";
import { bookFigures, daysBetween, latestAsOf, monthRange, periodEnd, plural } from "./common.js";
import { formatUsd } from "./finance.js";
import { groupBy, grouper } from "./group-by.js";
import { trailingMonths } from "./money.js";
import type { AnalysisContext, AnalysisOutput, Cell, Figure, Table } from "./types.js";

// The client-portfolio billing audit: what work was done, what of it was billed, what was paid,
// what is still owed and how old it is. Hours and revenue look at a fixed 12-month window ending
// with the period (an audit compares like with like across a year); receivables are judged at
// the period's last day, whatever the window.

/** Months of work and invoicing the billing audit looks back over. */
export const BILLING_WINDOW_MONTHS = 12;

/** Receivable age buckets, in days since the invoice was issued. */
export const AGEING_BUCKETS = [
  { id: "0-30", label: "0–30 days", max: 30 },
  { id: "31-60", label: "31–60 days", max: 60 },
  { id: "61-90", label: "61–90 days", max: 90 },
  { id: "90-plus", label: "Over 90 days", max: Number.POSITIVE_INFINITY },
] as const;

/** The client book a billing-audit report covers: the one of the entity its role names, else the first. */
export function billingBook(context: AnalysisContext): ClientBook | undefined {
  const books = context.model.clientBooks;
  const wanted = Object.values(context.roles).find((r) => r.report === "billing-audit")?.entity;
  return books.find((b) => b.entity === wanted) ?? books[0];
}

/** The audit window: its months, first and last day, and how it reads ("Nov 2025–Oct 2026"). */
export function billingWindow(period: string) {
  const months = trailingMonths(period, BILLING_WINDOW_MONTHS);
  return {
    months,
    first: `${months[0]}-01`,
    last: periodEnd(period),
    label: monthRange(months),
  };
}

const inWindow = (date: string, window: { first: string; last: string }) =>
  date >= window.first && date <= window.last;

/** Hours summed in hundredths, so 0.1 + 0.2 stays 0.3. */
export function sumHours(entries: readonly Pick<TimeEntry, "hours">[]): number {
  return entries.reduce((sum, e) => sum + Math.round(e.hours * 100), 0) / 100;
}

// Contracts, payments and client names are looked up per time entry, per invoice and per client,
// from the analysis, rules and reports alike; scanning the whole list for each made the audit grow
// with the square of the book. Each list is grouped once by its join key and the grouping kept per
// list (a book is not changed once read; a list whose length changed is grouped anew). A group
// keeps the list's order, as a filter or find over the whole list would.
const contractsByClient = grouper((c: ClientContract) => c.client);
const paymentsByInvoice = grouper((p: ClientPayment) => p.invoice);
const NO_RECORDS: readonly never[] = [];

/** The contract in force for a client on a day. */
export function contractOn(
  book: ClientBook,
  client: string,
  date: string,
): ClientContract | undefined {
  return (contractsByClient(book.contracts).get(client) ?? NO_RECORDS).find(
    (c) => c.start <= date && (c.end === undefined || date <= c.end),
  );
}

/** The client's contract at a date, else its latest earlier one, else its first. */
export function currentContract(
  book: ClientBook,
  client: string,
  date: string,
): ClientContract | undefined {
  const mine = [...(contractsByClient(book.contracts).get(client) ?? NO_RECORDS)].sort((a, b) =>
    a.start.localeCompare(b.start),
  );
  return contractOn(book, client, date) ?? mine.filter((c) => c.start <= date).at(-1) ?? mine[0];
}

/** A contract's terms in words: "hourly, $150/hour", "retainer, $1,200/month", "fixed fee, $4,800". */
export function contractTerms(contract: ClientContract | undefined): string {
  if (contract === undefined) return "no contract";
  switch (contract.model) {
    case "hourly":
      return `hourly, ${formatUsd(contract.rateCents ?? 0)}/hour`;
    case "retainer":
      return `retainer, ${formatUsd(contract.amountCents ?? 0)}/month`;
    case "fixed":
      return `fixed fee, ${formatUsd(contract.amountCents ?? 0)}`;
    case "none":
      return "none";
  }
}

/** The hourly rate unbilled work is worth: the contract's rate (hourly, or a retainer's extra hours). */
export function hourlyRateCents(contract: ClientContract | undefined): number | undefined {
  return contract?.model === "none" ? undefined : contract?.rateCents;
}

const clientsById = grouper((c: BillingClient) => c.id);

/** The client's display name. */
export function clientName(book: ClientBook, id: string): string {
  return clientsById(book.clients).get(id)?.[0]?.name ?? id;
}

/** Invoices that were sent to the client (drafts and void invoices bill nothing). */
export function issuedInvoices(book: ClientBook, asOf: string): ClientInvoice[] {
  return book.invoices.filter(
    (i) => (i.status === "sent" || i.status === "paid") && i.issued <= asOf,
  );
}

/** What an invoice has received by a day and what is left, with its age. */
export interface InvoiceBalance {
  invoice: ClientInvoice;
  payments: ClientPayment[];
  paidCents: number;
  /** Amount less payments: negative when overpaid. */
  outstandingCents: number;
  /** Days since it was issued. */
  ageDays: number;
  /** Days since it fell due (negative while not yet due). */
  daysPastDue: number;
}

/** Every invoice's payments and balance as of a day. */
export function invoiceBalances(book: ClientBook, asOf: string): InvoiceBalance[] {
  const byInvoice = paymentsByInvoice(book.payments);
  return book.invoices
    .filter((i) => i.issued <= asOf)
    .map((invoice) => {
      const payments = (byInvoice.get(invoice.id) ?? NO_RECORDS).filter((p) => p.date <= asOf);
      const paidCents = payments.reduce((sum, p) => sum + p.amountCents, 0);
      return {
        invoice,
        payments,
        paidCents,
        outstandingCents: invoice.amountCents - paidCents,
        ageDays: daysBetween(invoice.issued, asOf),
        daysPastDue: daysBetween(invoice.due, asOf),
      };
    });
}

/**
 * Receivables: sent invoices with money still owed. An invoice marked paid is closed in the
 * studio's books even when short; the shortfall is a payment mismatch, not a receivable.
 */
export function openReceivables(book: ClientBook, asOf: string): InvoiceBalance[] {
  return invoiceBalances(book, asOf)
    .filter((b) => b.invoice.status === "sent" && b.outstandingCents > 0)
    .sort((a, b) => b.ageDays - a.ageDays || a.invoice.id.localeCompare(b.invoice.id));
}

/** The ageing bucket of a receivable. */
export function bucketOf(ageDays: number): (typeof AGEING_BUCKETS)[number] {
  return AGEING_BUCKETS.find((b) => ageDays <= b.max) ?? AGEING_BUCKETS[3];
}

/** A payment that does not square with its invoice, or an invoice whose payments do not square with it. */
export interface PaymentMismatch {
  /** Stable subject: the invoice id, or the payment's reference or date and amount. */
  key: string;
  invoice?: ClientInvoice;
  client?: string;
  invoicedCents?: number;
  receivedCents: number;
  /** Received less invoiced (negative when short). */
  differenceCents?: number;
  what: string;
  /** The payments concerned: the invoice's, or the one that names no known invoice. */
  payments: ClientPayment[];
}

/** Invoices and payments that disagree as of a day: short, over, unmarked, or paying no known invoice. */
export function paymentMismatches(book: ClientBook, asOf: string): PaymentMismatch[] {
  const out: PaymentMismatch[] = [];
  for (const b of invoiceBalances(book, asOf)) {
    const { invoice, paidCents, payments } = b;
    const base = {
      key: invoice.id,
      invoice,
      client: invoice.client,
      invoicedCents: invoice.amountCents,
      receivedCents: paidCents,
      differenceCents: paidCents - invoice.amountCents,
      payments,
    };
    const wrongClient = payments.find((p) => p.client !== undefined && p.client !== invoice.client);
    if (wrongClient !== undefined)
      out.push({
        ...base,
        what: `paid by ${clientName(book, wrongClient.client ?? "")} for an invoice billed to ${clientName(book, invoice.client)}`,
      });
    else if (invoice.status === "void" && paidCents !== 0)
      out.push({ ...base, what: "void, yet money was received for it" });
    else if (invoice.status === "paid" && paidCents < invoice.amountCents)
      out.push({
        ...base,
        what: `marked paid, but ${formatUsd(invoice.amountCents - paidCents)} short`,
      });
    else if (paidCents > invoice.amountCents && invoice.status !== "void")
      out.push({ ...base, what: `overpaid by ${formatUsd(paidCents - invoice.amountCents)}` });
    else if (invoice.status === "sent" && paidCents === invoice.amountCents)
      out.push({ ...base, what: "paid in full, still marked sent" });
  }
  const known = new Set(book.invoices.map((i) => i.id));
  for (const p of book.payments) {
    if (p.date > asOf || (p.invoice !== undefined && known.has(p.invoice))) continue;
    out.push({
      key: p.reference ?? `${p.date}:${p.amountCents}`,
      ...(p.client !== undefined ? { client: p.client } : {}),
      receivedCents: p.amountCents,
      what:
        p.invoice === undefined
          ? `${methodLabel(p.method)} payment of ${p.date} names no invoice`
          : `${methodLabel(p.method)} payment of ${p.date} names invoice ${p.invoice}, which is not in the invoices`,
      payments: [p],
    });
  }
  return out;
}

/** Time entries in a client's name that no invoice billed, with the contract in force that day. */
export interface UnbilledWork {
  client: string;
  contract?: ClientContract;
  entries: TimeEntry[];
  hours: number;
  /** Value at the contract's hourly rate; undefined when no entry has a rate. */
  valueCents?: number;
  /** Hours without a rate to value them at. */
  unratedHours: number;
}

/** Unbilled time per client among the entries given, largest value first. */
export function unbilledWork(book: ClientBook, entries: readonly TimeEntry[]): UnbilledWork[] {
  const byClient = groupBy(
    entries.filter((e) => e.invoice === undefined),
    (e) => e.client,
  );
  return [...byClient.entries()]
    .map(([client, list]): UnbilledWork => {
      const sorted = [...list].sort((a, b) => a.date.localeCompare(b.date));
      let valueCents: number | undefined;
      const unrated: TimeEntry[] = [];
      for (const e of sorted) {
        const rate = hourlyRateCents(contractOn(book, client, e.date));
        if (rate === undefined) unrated.push(e);
        else valueCents = (valueCents ?? 0) + Math.round(e.hours * rate);
      }
      const last = sorted.at(-1) as TimeEntry;
      const contract = currentContract(book, client, last.date);
      return {
        client,
        ...(contract !== undefined ? { contract } : {}),
        entries: sorted,
        hours: sumHours(sorted),
        ...(valueCents !== undefined ? { valueCents } : {}),
        unratedHours: sumHours(unrated),
      };
    })
    .sort((a, b) => (b.valueCents ?? 0) - (a.valueCents ?? 0) || b.hours - a.hours);
}

/** A client whose work in the window had no billing model: no contract that day, or model none. */
export interface UnmodelledClient {
  client: string;
  contract?: ClientContract;
  entries: TimeEntry[];
  hours: number;
}

/** Clients with work in the window on days no billing model covered. */
export function clientsWithoutModel(
  book: ClientBook,
  window: { first: string; last: string },
): UnmodelledClient[] {
  const byClient = groupBy(
    book.timeEntries.filter((e) => {
      if (!inWindow(e.date, window)) return false;
      const contract = contractOn(book, e.client, e.date);
      return contract === undefined || contract.model === "none";
    }),
    (e) => e.client,
  );
  return [...byClient.entries()]
    .map(([client, entries]) => {
      const contract = currentContract(book, client, window.last);
      return {
        client,
        ...(contract !== undefined ? { contract } : {}),
        entries,
        hours: sumHours(entries),
      };
    })
    .sort((a, b) => b.hours - a.hours || a.client.localeCompare(b.client));
}

/** One client's year: hours, billed hours, invoiced, collected and the rate it works out to. */
export interface ClientYear {
  client: string;
  contract?: ClientContract;
  hours: number;
  billedHours: number;
  invoicedCents: number;
  collectedCents: number;
  /** Invoiced ÷ hours, in cents per hour; undefined without hours. */
  rateCents?: number;
}

/** Per-client totals over the window, largest invoiced first; clients with no activity are left out. */
export function clientYears(
  book: ClientBook,
  window: { first: string; last: string },
): ClientYear[] {
  // Grouped by client once, not filtered per client.
  const entries = groupBy(
    book.timeEntries.filter((e) => inWindow(e.date, window)),
    (e) => e.client,
  );
  const invoices = groupBy(
    issuedInvoices(book, window.last).filter((i) => inWindow(i.issued, window)),
    (i) => i.client,
  );
  const payments = groupBy(
    book.payments.filter((p) => inWindow(p.date, window)),
    (p) => p.client,
  );
  return book.clients
    .map((c): ClientYear => {
      const mine = entries.get(c.id) ?? NO_RECORDS;
      const hours = sumHours(mine);
      const invoicedCents = sumCents(invoices.get(c.id) ?? NO_RECORDS);
      const contract = currentContract(book, c.id, window.last);
      return {
        client: c.id,
        ...(contract !== undefined ? { contract } : {}),
        hours,
        billedHours: sumHours(mine.filter((e) => e.invoice !== undefined)),
        invoicedCents,
        collectedCents: sumCents(payments.get(c.id) ?? NO_RECORDS),
        ...(hours > 0 ? { rateCents: Math.round(invoicedCents / hours) } : {}),
      };
    })
    .filter((y) => y.hours > 0 || y.invoicedCents !== 0 || y.collectedCents !== 0)
    .sort((a, b) => b.invoicedCents - a.invoicedCents || b.hours - a.hours);
}

const sumCents = (records: readonly { amountCents: number }[]) =>
  records.reduce((sum, r) => sum + r.amountCents, 0);

const usd = (cents: number) => Math.round(cents) / 100;
const percent = (part: number, whole: number) =>
  whole === 0 ? 0 : Math.round((part / whole) * 1000) / 10;

/** Figures and tables of the billing audit; nothing when the tenant has no client book. */
export function analyseBilling(context: AnalysisContext): AnalysisOutput {
  const book = billingBook(context);
  if (book === undefined) return { figures: [], tables: [] };
  const window = billingWindow(context.period);
  const asOf = window.last;
  const entries = book.timeEntries.filter((e) => inWindow(e.date, window));
  const invoices = issuedInvoices(book, asOf).filter((i) => inWindow(i.issued, window));
  const payments = book.payments.filter((p) => inWindow(p.date, window));
  const years = clientYears(book, window);
  const unbilled = unbilledWork(book, entries);
  const open = openReceivables(book, asOf);
  const overdue = open.filter((b) => b.daysPastDue > 0);
  const mismatches = paymentMismatches(book, asOf);
  const unmodelled = clientsWithoutModel(book, window);

  const figure = bookFigures(book, (records) => latestAsOf(records, asOf));
  const w = window.label;
  const hours = sumHours(entries);
  const billed = entries.filter((e) => e.invoice !== undefined);
  const unbilledEntries = entries.filter((e) => e.invoice === undefined);
  const unbilledHours = sumHours(unbilledEntries);
  const valued = unbilled.reduce((sum, u) => sum + (u.valueCents ?? 0), 0);
  const unrated = Math.round(unbilled.reduce((s, u) => s + u.unratedHours * 100, 0)) / 100;
  const invoicedCents = sumCents(invoices);
  const collectedCents = sumCents(payments);
  const receivableCents = open.reduce((s, b) => s + b.outstandingCents, 0);
  const overdueCents = overdue.reduce((s, b) => s + b.outstandingCents, 0);
  const top = years[0];
  const topShare = top === undefined ? 0 : percent(top.invoicedCents, invoicedCents);
  const name = (id: string) => clientName(book, id);

  const figures: Figure[] = [
    figure(
      "billing-hours-worked",
      `Hours worked, ${w}`,
      hours,
      "hours",
      entries,
      `${plural(entries.length, "time entry", "time entries")} for ${plural(new Set(entries.map((e) => e.client)).size, "client")}.`,
    ),
    figure(
      "billing-hours-billed",
      `Hours billed, ${w}`,
      sumHours(billed),
      "hours",
      billed,
      "Time entries that name the invoice that billed them.",
    ),
    figure(
      "billing-hours-unbilled",
      `Hours unbilled, ${w}`,
      unbilledHours,
      "hours",
      unbilledEntries,
      `Time entries no invoice names, for ${plural(unbilled.length, "client")}.`,
      "lower",
    ),
    figure(
      "billing-unbilled-share",
      `Unbilled share of hours, ${w}`,
      percent(unbilledHours, hours),
      "percent",
      entries,
      `${unbilledHours} of ${hours} hours worked.`,
      "lower",
    ),
    figure(
      "billing-unbilled-value",
      `Unbilled work at contract rates, ${w}`,
      usd(valued),
      "USD",
      unbilledEntries,
      unrated > 0
        ? `Unbilled hours × the hourly rate of the contract in force that day; ${unrated} hours have no rate (no contract or model none) and are not valued.`
        : "Unbilled hours × the hourly rate of the contract in force that day.",
      "lower",
    ),
    figure(
      "billing-invoiced",
      `Invoiced, ${w}`,
      usd(invoicedCents),
      "USD",
      invoices,
      `${plural(invoices.length, "invoice")} sent or paid, issued in the window (drafts and void invoices left out).`,
    ),
    figure(
      "billing-collected",
      `Collected, ${w}`,
      usd(collectedCents),
      "USD",
      payments,
      `${plural(payments.length, "client payment")} received in the window (${listMethods(payments)}).`,
    ),
    figure(
      "billing-effective-rate",
      `Effective hourly rate, ${w}`,
      hours > 0 ? usd(Math.round(invoicedCents / hours)) : 0,
      "USD",
      [...invoices, ...entries],
      `Invoiced ${formatUsd(invoicedCents)} ÷ ${hours} hours worked.`,
    ),
    figure(
      "billing-receivable",
      `Accounts receivable at ${asOf}`,
      usd(receivableCents),
      "USD",
      open.map((b) => b.invoice),
      `${plural(open.length, "sent invoice")} not paid in full (invoices marked paid are closed).`,
      "lower",
    ),
    ...AGEING_BUCKETS.map((bucket) => {
      const inBucket = open.filter((b) => bucketOf(b.ageDays) === bucket);
      return figure(
        `billing-ar-${bucket.id}`,
        `Receivable ${bucket.label.toLowerCase()} old`,
        usd(inBucket.reduce((s, b) => s + b.outstandingCents, 0)),
        "USD",
        inBucket.map((b) => b.invoice),
        `${plural(inBucket.length, "invoice")} issued ${bucket.label.toLowerCase()} before ${asOf}.`,
        "lower",
      );
    }),
    figure(
      "billing-overdue",
      `Overdue at ${asOf}`,
      usd(overdueCents),
      "USD",
      overdue.map((b) => b.invoice),
      `${plural(overdue.length, "invoice")} past ${overdue.length === 1 ? "its" : "their"} due date and not paid in full.`,
      "lower",
    ),
    figure(
      "billing-overdue-invoices",
      `Overdue invoices at ${asOf}`,
      overdue.length,
      "count",
      overdue.map((b) => b.invoice),
      `Of ${plural(open.length, "open invoice")}.`,
      "lower",
    ),
    figure(
      "billing-top-client-share",
      `Largest client's share of invoicing, ${w}`,
      topShare,
      "percent",
      invoices,
      top === undefined
        ? "No invoices in the window."
        : `${name(top.client)}: ${formatUsd(top.invoicedCents)} of ${formatUsd(invoicedCents)} invoiced.`,
      "lower",
    ),
    figure(
      "billing-clients-no-model",
      `Clients worked for with no billing model, ${w}`,
      unmodelled.length,
      "count",
      unmodelled.flatMap((u) => u.entries),
      unmodelled.length === 0
        ? "Every hour worked fell under an hourly, retainer or fixed-fee contract."
        : `${unmodelled.map((u) => `${name(u.client)} (${u.hours} hours)`).join(", ")}.`,
      "lower",
    ),
    figure(
      "billing-payment-mismatches",
      `Invoice and payment mismatches at ${asOf}`,
      mismatches.length,
      "count",
      mismatches.flatMap((m) => [...(m.invoice !== undefined ? [m.invoice] : []), ...m.payments]),
      mismatches.length === 0
        ? "Every payment names a known invoice and every paid invoice received its amount."
        : `${mismatches.map((m) => `${m.key}: ${m.what}`).join("; ")}.`,
      "lower",
    ),
  ];

  const tables: Table[] = [
    clientsTable(book, years, w, hours, invoicedCents),
    unbilledTable(book, unbilled, w),
    ageingTable(open, asOf),
    openInvoicesTable(book, open, asOf),
    mismatchTable(book, mismatches, asOf),
    concentrationTable(book, years, invoicedCents, w),
    monthlyTable(window.months, entries, invoices, payments, w),
  ];
  return { figures, tables };
}

/** A payment method as people write it: ACH, Stripe, check. */
export function methodLabel(method: string): string {
  return method === "ach" ? "ACH" : method === "stripe" ? "Stripe" : method;
}

function listMethods(payments: readonly ClientPayment[]): string {
  const counts = new Map<string, number>();
  for (const p of payments) counts.set(p.method, (counts.get(p.method) ?? 0) + 1);
  return [...counts.entries()].map(([m, n]) => `${n} by ${methodLabel(m)}`).join(", ") || "none";
}

function clientsTable(
  book: ClientBook,
  years: readonly ClientYear[],
  window: string,
  hours: number,
  invoicedCents: number,
): Table {
  const total = (key: (y: ClientYear) => number) =>
    Math.round(years.reduce((s, y) => s + key(y) * 100, 0)) / 100;
  return {
    id: "billing-clients",
    title: `Effective hourly rate by client, ${window}`,
    columns: [
      { key: "client", label: "Client" },
      { key: "terms", label: "Billing model" },
      { key: "hours", label: "Hours", unit: "hours" },
      { key: "billed", label: "Billed hours", unit: "hours" },
      { key: "invoiced", label: "Invoiced", unit: "USD" },
      { key: "collected", label: "Collected", unit: "USD" },
      { key: "rate", label: "Per hour worked", unit: "USD" },
    ],
    rows: [
      ...years.map((y): Cell[] => [
        clientName(book, y.client),
        contractTerms(y.contract),
        y.hours,
        y.billedHours,
        usd(y.invoicedCents),
        usd(y.collectedCents),
        y.rateCents !== undefined ? usd(y.rateCents) : "no hours",
      ]),
      [
        "Total",
        "",
        total((y) => y.hours),
        total((y) => y.billedHours),
        total((y) => y.invoicedCents / 100),
        total((y) => y.collectedCents / 100),
        // A rate does not add up: the Total row states the overall rate in words.
        hours > 0 ? `${formatUsd(Math.round(invoicedCents / hours))} overall` : "",
      ],
    ],
  };
}

function unbilledTable(book: ClientBook, unbilled: readonly UnbilledWork[], window: string): Table {
  return {
    id: "billing-unbilled",
    title: `Unbilled work by client, ${window}`,
    columns: [
      { key: "client", label: "Client" },
      { key: "terms", label: "Billing model" },
      { key: "entries", label: "Entries", unit: "count" },
      { key: "hours", label: "Hours", unit: "hours" },
      { key: "oldest", label: "Oldest entry" },
      { key: "value", label: "At contract rate", unit: "USD" },
    ],
    rows: [
      ...unbilled.map((u): Cell[] => [
        clientName(book, u.client),
        contractTerms(u.contract),
        u.entries.length,
        u.hours,
        u.entries[0]?.date ?? "",
        u.valueCents !== undefined ? usd(u.valueCents) : "no rate",
      ]),
      ...(unbilled.length > 0
        ? [
            [
              "Total",
              "",
              unbilled.reduce((s, u) => s + u.entries.length, 0),
              sumHours(unbilled.flatMap((u) => u.entries)),
              "",
              usd(unbilled.reduce((s, u) => s + (u.valueCents ?? 0), 0)),
            ],
          ]
        : []),
    ],
  };
}

function ageingTable(open: readonly InvoiceBalance[], asOf: string): Table {
  const rows = AGEING_BUCKETS.map((bucket): Cell[] => {
    const inBucket = open.filter((b) => bucketOf(b.ageDays) === bucket);
    return [
      bucket.label,
      inBucket.length,
      usd(inBucket.reduce((s, b) => s + b.outstandingCents, 0)),
    ];
  });
  return {
    id: "billing-ar-ageing",
    title: `Accounts receivable ageing at ${asOf} (days since issue)`,
    columns: [
      { key: "bucket", label: "Age" },
      { key: "invoices", label: "Invoices", unit: "count" },
      { key: "outstanding", label: "Outstanding", unit: "USD" },
    ],
    rows: [...rows, ["Total", open.length, usd(open.reduce((s, b) => s + b.outstandingCents, 0))]],
  };
}

function openInvoicesTable(book: ClientBook, open: readonly InvoiceBalance[], asOf: string): Table {
  return {
    id: "billing-open-invoices",
    title: `Open invoices at ${asOf}, oldest first`,
    columns: [
      { key: "invoice", label: "Invoice" },
      { key: "client", label: "Client" },
      { key: "issued", label: "Issued" },
      { key: "due", label: "Due" },
      { key: "amount", label: "Amount", unit: "USD" },
      { key: "paid", label: "Paid", unit: "USD" },
      { key: "outstanding", label: "Outstanding", unit: "USD" },
      { key: "pastDue", label: "Days past due" },
    ],
    rows: [
      ...open.map((b): Cell[] => [
        b.invoice.id,
        clientName(book, b.invoice.client),
        b.invoice.issued,
        b.invoice.due,
        usd(b.invoice.amountCents),
        usd(b.paidCents),
        usd(b.outstandingCents),
        b.daysPastDue > 0 ? String(b.daysPastDue) : "not yet due",
      ]),
      ...(open.length > 0
        ? [
            [
              "Total",
              "",
              "",
              "",
              usd(open.reduce((s, b) => s + b.invoice.amountCents, 0)),
              usd(open.reduce((s, b) => s + b.paidCents, 0)),
              usd(open.reduce((s, b) => s + b.outstandingCents, 0)),
              "",
            ],
          ]
        : []),
    ],
  };
}

function mismatchTable(
  book: ClientBook,
  mismatches: readonly PaymentMismatch[],
  asOf: string,
): Table {
  return {
    id: "billing-payment-mismatches",
    title: `Invoice and payment mismatches at ${asOf}`,
    columns: [
      { key: "record", label: "Invoice or payment" },
      { key: "client", label: "Client" },
      { key: "invoiced", label: "Invoiced", unit: "USD" },
      { key: "received", label: "Received", unit: "USD" },
      { key: "difference", label: "Difference", unit: "USD" },
      { key: "what", label: "What" },
    ],
    rows: mismatches.map((m): Cell[] => [
      m.key,
      m.client !== undefined ? clientName(book, m.client) : "unknown",
      m.invoicedCents !== undefined ? usd(m.invoicedCents) : "no invoice",
      usd(m.receivedCents),
      m.differenceCents !== undefined ? usd(m.differenceCents) : "",
      m.what,
    ]),
  };
}

function concentrationTable(
  book: ClientBook,
  years: readonly ClientYear[],
  invoicedCents: number,
  window: string,
): Table {
  return {
    id: "billing-revenue-by-client",
    title: `Invoicing by client, ${window}`,
    columns: [
      { key: "client", label: "Client" },
      { key: "invoiced", label: "Invoiced", unit: "USD" },
      { key: "share", label: "Share", unit: "percent" },
    ],
    rows: years
      .filter((y) => y.invoicedCents !== 0)
      .map((y): Cell[] => [
        clientName(book, y.client),
        usd(y.invoicedCents),
        percent(y.invoicedCents, invoicedCents),
      ]),
  };
}

function monthlyTable(
  months: readonly string[],
  entries: readonly TimeEntry[],
  invoices: readonly ClientInvoice[],
  payments: readonly ClientPayment[],
  window: string,
): Table {
  return {
    id: "billing-by-month",
    title: `Work, invoicing and collections by month, ${window}`,
    columns: [
      { key: "month", label: "Month" },
      { key: "hours", label: "Hours", unit: "hours" },
      { key: "unbilled", label: "Unbilled hours", unit: "hours" },
      { key: "invoiced", label: "Invoiced", unit: "USD" },
      { key: "collected", label: "Collected", unit: "USD" },
    ],
    rows: months.map((month): Cell[] => {
      const worked = entries.filter((e) => e.date.startsWith(month));
      return [
        month,
        sumHours(worked),
        sumHours(worked.filter((e) => e.invoice === undefined)),
        usd(sumCents(invoices.filter((i) => i.issued.startsWith(month)))),
        usd(sumCents(payments.filter((p) => p.date.startsWith(month)))),
      ];
    }),
  };
}
