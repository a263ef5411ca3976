import {
  billingBook,
  billingWindow,
  clientName,
  clientsWithoutModel,
  clientYears,
  contractTerms,
  issuedInvoices,
  methodLabel,
  openReceivables,
  paymentMismatches,
  unbilledWork,
} from "../analysis/billing.js";
import { addDays, plural } from "../analysis/common.js";
import { formatUsd } from "../analysis/finance.js";
import type { Evidence } from "../analysis/types.js";
import type { ReportKind } from "../config.js";
import type { TimeEntry } from "../model/billing.js";
import { evidenceOf, type Rule, type RuleHit } from "./rule.js";

// Findings of the client-portfolio billing audit. Every rule reads the client book the
// billing-audit role covers; thresholds are set in config as `analysis.thresholds`:
//   billing-unbilled-time.days            unbilled work older than this is flagged (30)
//   billing-overdue-invoice.graceDays     days past due before an invoice is flagged (0)
//   billing-overdue-invoice.highAfterDays days past due that make it high severity (60)
//   billing-revenue-concentration.share   largest client's share of invoicing, in % (50)

/**
 * The report kind these findings belong to: rules cannot know the configured role ids, so the
 * role that receives a billing-audit report owns them (see ownerRoleOf).
 */
const ROLES = ["billing-audit"] as const satisfies readonly ReportKind[];
/** A share as a whole percentage, as the reports show shares of 10% and more. */
const wholePercent = (value: number) => `${Math.round(value)}%`;
/** "1 hour", "2.5 hours". */
const hoursText = (hours: number) => `${hours} ${hours === 1 ? "hour" : "hours"}`;
/** Time entries quoted one by one before the rest are summarised. */
const EVIDENCE_ENTRIES = 3;

/** The first time entries as evidence, then one line for the rest. */
function entryEvidence(entries: readonly TimeEntry[]): Evidence[] {
  const shown = entries
    .slice(0, EVIDENCE_ENTRIES)
    .map((e) =>
      evidenceOf(`${e.date} ${e.person}, ${e.hours} h: ${e.description || "no description"}`, e),
    );
  const rest = entries.slice(EVIDENCE_ENTRIES);
  const [next] = rest;
  return next === undefined
    ? shown
    : [
        ...shown,
        evidenceOf(
          `and ${plural(rest.length, "more entry", "more entries")} through ${rest.at(-1)?.date}`,
          next,
        ),
      ];
}

/** A client whose work in the window had no billing model (no contract, or model none). */
export const noBillingModelRule: Rule = {
  id: "billing-no-model",
  category: "billing-model",
  roles: ROLES,
  // The entity-wide "no billing model" shortfall is the CEO's; one client's unpriced work is a detail of it.
  severity: "medium",
  effort: 1,
  impact: 2,
  evaluate(context) {
    const book = billingBook(context);
    if (book === undefined) return [];
    const window = billingWindow(context.period);
    return clientsWithoutModel(book, window).map((u): RuleHit => {
      const name = clientName(book, u.client);
      const first = u.entries[0]?.date ?? window.first;
      return {
        subject: u.client,
        title: `${name}: ${hoursText(u.hours)} of work since ${first} with no billing model`,
        entity: book.entity,
        evidence: [
          u.contract !== undefined && u.contract.model === "none"
            ? evidenceOf(`Contract from ${u.contract.start}: billing model none`, u.contract)
            : evidenceOf(`No contract covers ${name}'s work`, book),
          ...entryEvidence(u.entries),
        ],
        action: `Agree a billing model with ${name} (hourly, retainer or fixed fee), record it in contracts.csv and invoice the ${hoursText(u.hours)} already worked, or decide in writing that the work is unpaid.`,
      };
    });
  },
};

/** Unbilled time older than the threshold, for clients whose contract says how to bill it. */
export const unbilledTimeRule: Rule = {
  id: "billing-unbilled-time",
  category: "billing-unbilled",
  roles: ROLES,
  severity: "medium",
  effort: 1,
  impact: 2,
  thresholds: { days: 30 },
  evaluate(context) {
    const book = billingBook(context);
    if (book === undefined) return [];
    const days = context.threshold("days");
    const { last } = billingWindow(context.period);
    const cutoff = addDays(last, -days);
    // Work with no billing model is the no-model finding's; here only billable work waits.
    const unmodelled = new Set(
      clientsWithoutModel(book, { first: "0000-01-01", last }).flatMap((u) => u.entries),
    );
    const old = book.timeEntries.filter((e) => e.date < cutoff && !unmodelled.has(e));
    return unbilledWork(book, old).map((u): RuleHit => {
      const name = clientName(book, u.client);
      const worth =
        u.valueCents !== undefined ? `, ${formatUsd(u.valueCents)} at contract rate` : "";
      return {
        subject: u.client,
        title: `${name}: ${hoursText(u.hours).replace(" ", " unbilled ")} older than ${plural(days, "day")}${worth}`,
        entity: book.entity,
        evidence: [
          ...(u.contract !== undefined
            ? [evidenceOf(`Contract: ${contractTerms(u.contract)}`, u.contract)]
            : []),
          ...entryEvidence(u.entries),
        ],
        action: `Invoice ${name} for the ${hoursText(u.hours)} worked from ${u.entries[0]?.date} to ${u.entries.at(-1)?.date} and write the invoice number on each time entry.`,
      };
    });
  },
};

/** A sent invoice past its due date and not paid in full. */
export const overdueInvoiceRule: Rule = {
  id: "billing-overdue-invoice",
  category: "billing-overdue",
  roles: ROLES,
  severity: "medium",
  effort: 1,
  impact: 2,
  thresholds: { graceDays: 0, highAfterDays: 60 },
  evaluate(context) {
    const book = billingBook(context);
    if (book === undefined) return [];
    const grace = context.threshold("graceDays");
    const high = context.threshold("highAfterDays");
    const { last } = billingWindow(context.period);
    return openReceivables(book, last)
      .filter((b) => b.daysPastDue > grace)
      .map((b): RuleHit => {
        const name = clientName(book, b.invoice.client);
        const owed = formatUsd(b.outstandingCents);
        return {
          subject: b.invoice.id,
          title: `${b.invoice.id} to ${name}: ${owed} overdue by ${plural(b.daysPastDue, "day")}`,
          entity: book.entity,
          severity: b.daysPastDue > high ? "high" : "medium",
          evidence: [
            evidenceOf(
              `Issued ${b.invoice.issued}, due ${b.invoice.due}, ${formatUsd(b.invoice.amountCents)}, status ${b.invoice.status}`,
              b.invoice,
            ),
            ...b.payments.map((p) =>
              evidenceOf(
                `Received ${formatUsd(p.amountCents)} on ${p.date} by ${methodLabel(p.method)}`,
                p,
              ),
            ),
          ],
          action:
            b.daysPastDue > high
              ? `Call ${name} about ${b.invoice.id} (${owed}, ${b.daysPastDue} days late), agree a payment date, and pause new work until it is paid.`
              : `Send ${name} a reminder for ${b.invoice.id} (${owed}) with a payment link or the bank details.`,
        };
      });
  },
};

/** A payment that does not square with its invoice, or money that names no known invoice. */
export const paymentMismatchRule: Rule = {
  id: "billing-payment-mismatch",
  category: "billing-mismatch",
  roles: ROLES,
  severity: "medium",
  effort: 1,
  impact: 2,
  evaluate(context) {
    const book = billingBook(context);
    if (book === undefined) return [];
    const { last } = billingWindow(context.period);
    return paymentMismatches(book, last).map(
      (m): RuleHit => ({
        subject: m.key,
        title: `${m.key}${m.client !== undefined ? ` (${clientName(book, m.client)})` : ""}: ${m.what}`,
        entity: book.entity,
        evidence: [
          ...(m.invoice !== undefined
            ? [
                evidenceOf(
                  `Invoice ${m.invoice.id}: ${formatUsd(m.invoice.amountCents)}, status ${m.invoice.status}`,
                  m.invoice,
                ),
              ]
            : []),
          ...m.payments.map((p) =>
            evidenceOf(
              `Received ${formatUsd(p.amountCents)} on ${p.date} by ${methodLabel(p.method)}${p.reference !== undefined ? ` (${p.reference})` : ""}`,
              p,
            ),
          ),
        ],
        action:
          m.invoice === undefined
            ? "Find the invoice this money pays and write its number on the payment (or in the Stripe charge's invoice metadata)."
            : m.differenceCents !== undefined && m.differenceCents < 0
              ? `Ask ${clientName(book, m.invoice.client)} for the ${formatUsd(-m.differenceCents)} still owed on ${m.invoice.id}, or issue a credit note, and correct the invoice's status.`
              : `Reconcile ${m.invoice.id} with its payments: refund or credit the difference and correct the invoice's status.`,
      }),
    );
  },
};

/** One client takes more than the threshold share of the window's invoicing. */
export const revenueConcentrationRule: Rule = {
  id: "billing-revenue-concentration",
  category: "billing-concentration",
  roles: ROLES,
  severity: "medium",
  effort: 3,
  impact: 2,
  thresholds: { share: 50 },
  evaluate(context) {
    const book = billingBook(context);
    const share = context.figures.get("billing-top-client-share");
    const limit = context.threshold("share");
    if (book === undefined || share === undefined || share.value <= limit) return [];
    const window = billingWindow(context.period);
    const [top] = clientYears(book, window);
    if (top === undefined) return [];
    const name = clientName(book, top.client);
    const theirs = issuedInvoices(book, window.last).filter(
      (i) => i.client === top.client && i.issued >= window.first,
    );
    return [
      {
        subject: top.client,
        title: `${name} is ${wholePercent(share.value)} of invoicing over ${window.label} (above ${wholePercent(limit)})`,
        entity: book.entity,
        evidence: [
          ...theirs
            .slice(-2)
            .map((i) => evidenceOf(`Invoice ${i.id}, ${i.issued}: ${formatUsd(i.amountCents)}`, i)),
          ...(share.basis !== undefined && share.sources[0] !== undefined
            ? [{ text: share.basis, source: share.sources[0] }]
            : []),
        ],
        action: `Losing ${name} would cut invoicing by ${wholePercent(share.value)}: win or grow a second retainer client, and agree a notice period with ${name}.`,
      },
    ];
  },
};

/** Findings of the billing audit. */
export const billingRules: readonly Rule[] = [
  noBillingModelRule,
  unbilledTimeRule,
  overdueInvoiceRule,
  paymentMismatchRule,
  revenueConcentrationRule,
];
