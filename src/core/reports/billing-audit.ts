import { billingBook, billingWindow, clientName, openReceivables } from "../analysis/billing.js";
import { entityName, monthName, plural, shortMonth } from "../analysis/common.js";
import { type Intelligence, rankFindings } from "../analysis/intelligence.js";
import { roleLabel } from "../analysis/strategy.js";
import type { Finding } from "../analysis/types.js";
import { grouped } from "../number-format.js";
import { unbilledTimeRule } from "../rules/billing-rules.js";
import { compactUsd, figureOf, figuresPresent, sentences, shown, tablePresent } from "./cfo.js";
import { chartOf } from "./charts.js";
import { findingList, formatValue, paragraph, reportDocument, section } from "./compose.js";
import type { Block, ReportDocument, Section } from "./document.js";

/** Section ids of the billing-audit report, in order. */
export const BILLING_AUDIT_SECTIONS: readonly string[] = [
  "summary",
  "clients",
  "unbilled-work",
  "receivables",
  "payment-matching",
  "revenue-concentration",
];

const TITLES: Record<string, string> = {
  summary: "Summary",
  clients: "Clients, billing models and effective rates",
  "unbilled-work": "Billed and unbilled work",
  receivables: "Accounts receivable ageing",
  "payment-matching": "Invoices and payments",
  "revenue-concentration": "Revenue concentration",
};
const SOURCES = ["billing"] as const;

/** A section of this report, fresh as the billing sources. */
function part(intelligence: Intelligence, id: string, blocks: Block[]): Section {
  return section(intelligence, id, TITLES[id] ?? id, SOURCES, blocks);
}

/** Billing findings of one category, most urgent first (whatever the role is called). */
function findings(intelligence: Intelligence, category: string): Finding[] {
  return rankFindings(intelligence.findings.filter((f) => f.category === category));
}

const value = (intelligence: Intelligence, id: string) => figureOf(intelligence, id)?.value ?? 0;

/** Hours as people write them: 34.5, not 34.50. */
const hoursOf = (intelligence: Intelligence, id: string) => grouped(value(intelligence, id), 2);

function summary(intelligence: Intelligence, window: string): Section {
  const f = (id: string) => shown(intelligence, id);
  const v = (id: string) => value(intelligence, id);
  const book = billingBook(intelligence.context);
  const asOf = billingWindow(intelligence.context.period).last;
  const [oldest] = book !== undefined ? openReceivables(book, asOf) : [];
  const noModel = findings(intelligence, "billing-model");
  const mismatched = findings(intelligence, "billing-mismatch");
  const concentration = findings(intelligence, "billing-concentration");
  const text = sentences([
    `Over ${window} the studio worked ${hoursOf(intelligence, "billing-hours-worked")} hours, invoiced ${f("billing-invoiced")} (${f("billing-effective-rate")} per hour worked) and collected ${f("billing-collected")}.`,
    v("billing-hours-unbilled") > 0
      ? `${hoursOf(intelligence, "billing-hours-unbilled")} hours (${f("billing-unbilled-share")}) were never invoiced, ${f("billing-unbilled-value")} of it at contract rates.`
      : "Every hour worked was invoiced.",
    noModel.length > 0 &&
      `${plural(noModel.length, "client")} had work but no billing model: ${noModel.map((x) => x.title.replace(/: .*/, "")).join(", ")}.`,
    v("billing-receivable") > 0
      ? `${f("billing-receivable")} was receivable at ${asOf}, ${f("billing-overdue")} of it overdue on ${plural(v("billing-overdue-invoices"), "invoice")}${oldest !== undefined && book !== undefined ? `; the oldest is ${oldest.invoice.id} to ${clientName(book, oldest.invoice.client)}, issued ${oldest.invoice.issued}` : ""}.`
      : `Nothing was receivable at ${asOf}.`,
    mismatched.length > 0
      ? `${plural(mismatched.length, "payment mismatch", "payment mismatches")}: ${mismatched.map((m) => m.title.replace(": ", " — ")).join("; ")}.`
      : "Every payment matches its invoice.",
    concentration.length > 0
      ? `${concentration[0]?.title.replace(/ \(above .*\)$/, "")}.`
      : `The largest client is ${f("billing-top-client-share")} of invoicing.`,
  ]);
  return part(intelligence, "summary", [
    paragraph(text),
    ...figuresPresent(intelligence, [
      "billing-invoiced",
      "billing-collected",
      "billing-effective-rate",
      "billing-hours-unbilled",
      "billing-receivable",
      "billing-overdue",
      "billing-clients-no-model",
      "billing-top-client-share",
    ]),
  ]);
}

function clients(intelligence: Intelligence, window: string): Section {
  const none = value(intelligence, "billing-clients-no-model");
  const rows = (intelligence.tables.get("billing-clients")?.rows.length ?? 1) - 1;
  const text = sentences([
    `${plural(rows, "client")} had work, invoices or payments over ${window}.`,
    "The effective rate is what was invoiced divided by every hour worked, billed or not, so unbilled hours and fixed fees that ran long pull it below the contract rate.",
    none > 0
      ? `${plural(none, "client")} had hours on days no hourly, retainer or fixed-fee contract covered.`
      : "Every hour worked fell under a contract with a billing model.",
  ]);
  return part(intelligence, "clients", [
    paragraph(text),
    ...figuresPresent(intelligence, ["billing-effective-rate", "billing-clients-no-model"]),
    ...tablePresent(intelligence, "billing-clients"),
    findingList(
      findings(intelligence, "billing-model"),
      "Every client's work is covered by an hourly, retainer or fixed-fee contract.",
    ),
  ]);
}

/** The unbilled-time rule's threshold as configured, else its default. */
function unbilledDays(intelligence: Intelligence): number {
  const { id, thresholds } = unbilledTimeRule;
  return intelligence.context.settings.thresholds[`${id}.days`] ?? thresholds?.days ?? 0;
}

function unbilledWork(intelligence: Intelligence, window: string): Section {
  const f = (id: string) => shown(intelligence, id);
  const threshold = findings(intelligence, "billing-unbilled");
  const text = sentences([
    `A time entry is billed when it names the invoice that billed it. Of ${hoursOf(intelligence, "billing-hours-worked")} hours worked over ${window}, ${hoursOf(intelligence, "billing-hours-billed")} were billed and ${hoursOf(intelligence, "billing-hours-unbilled")} were not (${f("billing-unbilled-share")}).`,
    value(intelligence, "billing-unbilled-value") > 0 &&
      `At the hourly rate of the contract in force that day the unbilled hours are worth ${f("billing-unbilled-value")}.`,
    threshold.length > 0 &&
      `${plural(threshold.length, "client")} ${threshold.length === 1 ? "has" : "have"} billable time unbilled for more than ${plural(unbilledDays(intelligence), "day")}.`,
  ]);
  return part(intelligence, "unbilled-work", [
    paragraph(text),
    ...figuresPresent(intelligence, [
      "billing-hours-worked",
      "billing-hours-billed",
      "billing-hours-unbilled",
      "billing-unbilled-share",
      "billing-unbilled-value",
    ]),
    ...tablePresent(intelligence, "billing-unbilled"),
    ...chartOf(intelligence, "billing-by-month", {
      id: "hours-by-month",
      title: `Hours worked and unbilled by month, ${window}`,
      kind: "bar",
      series: [
        { key: "hours", name: "Hours worked" },
        { key: "unbilled", name: "Unbilled" },
      ],
    }),
    findingList(threshold, "No billable time has waited for an invoice beyond the threshold."),
  ]);
}

function receivables(intelligence: Intelligence): Section {
  const f = (id: string) => shown(intelligence, id);
  const asOf = billingWindow(intelligence.context.period).last;
  const overdue = findings(intelligence, "billing-overdue");
  const text =
    value(intelligence, "billing-receivable") > 0
      ? sentences([
          `${f("billing-receivable")} was owed at ${asOf} on invoices sent and not paid in full, aged by days since issue: ${f("billing-ar-0-30")} up to 30 days, ${f("billing-ar-31-60")} 31–60, ${f("billing-ar-61-90")} 61–90 and ${f("billing-ar-90-plus")} over 90 days.`,
          `${f("billing-overdue")} of it is past due on ${plural(value(intelligence, "billing-overdue-invoices"), "invoice")}.`,
          "Invoices marked paid count as closed even when short; the shortfall shows under Invoices and payments.",
        ])
      : `No sent invoice was unpaid at ${asOf}.`;
  return part(intelligence, "receivables", [
    paragraph(text),
    ...figuresPresent(intelligence, [
      "billing-receivable",
      "billing-ar-0-30",
      "billing-ar-31-60",
      "billing-ar-61-90",
      "billing-ar-90-plus",
      "billing-overdue",
      "billing-overdue-invoices",
    ]),
    ...tablePresent(intelligence, "billing-ar-ageing"),
    ...tablePresent(intelligence, "billing-open-invoices"),
    findingList(overdue, "No invoice is past its due date."),
  ]);
}

function paymentMatching(intelligence: Intelligence, window: string): Section {
  const f = (id: string) => shown(intelligence, id);
  const mismatches = value(intelligence, "billing-payment-mismatches");
  const text = sentences([
    `Over ${window}, ${f("billing-invoiced")} was invoiced and ${f("billing-collected")} collected, from the payments file and the Stripe balance export.`,
    "Each payment is matched to the invoice it names (a Stripe charge by its invoice metadata or description).",
    mismatches > 0
      ? `${plural(mismatches, "invoice or payment")} ${mismatches === 1 ? "does" : "do"} not square.`
      : "Every payment names a known invoice and every paid invoice received its amount.",
  ]);
  return part(intelligence, "payment-matching", [
    paragraph(text),
    ...figuresPresent(intelligence, [
      "billing-invoiced",
      "billing-collected",
      "billing-payment-mismatches",
    ]),
    ...(mismatches > 0 ? tablePresent(intelligence, "billing-payment-mismatches") : []),
    ...chartOf(intelligence, "billing-by-month", {
      id: "invoiced-collected",
      title: `Invoiced and collected by month, ${window}`,
      kind: "bar",
      series: [
        { key: "invoiced", name: "Invoiced" },
        { key: "collected", name: "Collected" },
      ],
    }),
    findingList(
      findings(intelligence, "billing-mismatch"),
      "Every payment matches its invoice, and every invoice marked paid received its amount.",
    ),
  ]);
}

function concentration(intelligence: Intelligence, window: string): Section {
  const top = figureOf(intelligence, "billing-top-client-share");
  const [first, second] = intelligence.tables.get("billing-revenue-by-client")?.rows ?? [];
  const found = findings(intelligence, "billing-concentration");
  const text = sentences([
    top !== undefined &&
      first !== undefined &&
      `${first[0]} took ${formatValue(top.value, top.unit)} (${formatValue(Number(first[1]), "USD")}) of the ${shown(intelligence, "billing-invoiced")} invoiced over ${window}${second !== undefined ? `; the next largest, ${second[0]}, took ${formatValue(Number(second[2]), "percent")}` : ""}.`,
    top === undefined || first === undefined ? `Nothing was invoiced over ${window}.` : undefined,
  ]);
  return part(intelligence, "revenue-concentration", [
    paragraph(text),
    ...figuresPresent(intelligence, ["billing-top-client-share"]),
    ...tablePresent(intelligence, "billing-revenue-by-client"),
    findingList(found, "No single client is above the concentration threshold."),
  ]);
}

/** The billing-audit report: billing models, unbilled work, receivables, payment matching, concentration. */
export function assembleBillingAuditReport(
  intelligence: Intelligence,
  role: string,
): ReportDocument {
  const { context } = intelligence;
  const { model, period } = context;
  const book = billingBook(context);
  const covered = book?.entity ?? context.roles[role]?.entity;
  const title = `Billing audit report — ${entityName(model, covered)}, ${monthName(period)}`;
  const who = context.roles[role]?.title ?? roleLabel(role);
  if (book === undefined) {
    const none = paragraph(
      `No billing source holds records for ${entityName(model, covered)}: add a source of type billing to exec-intel.yaml.`,
    );
    return reportDocument(
      intelligence,
      role,
      title,
      [who, shortMonth(period), "no billing records"].join(" · "),
      BILLING_AUDIT_SECTIONS.map((id) => part(intelligence, id, [none])),
    );
  }
  const window = billingWindow(period).label;
  const v = (id: string) => value(intelligence, id);
  const subject = [
    who,
    shortMonth(period),
    `${compactUsd(v("billing-receivable"))} receivable, ${compactUsd(v("billing-overdue"))} overdue`,
    `${hoursOf(intelligence, "billing-hours-unbilled")} hours unbilled`,
    v("billing-clients-no-model") > 0
      ? `${plural(v("billing-clients-no-model"), "client")} with no billing model`
      : undefined,
  ]
    .filter((p): p is string => p !== undefined)
    .join(" · ");
  return reportDocument(intelligence, role, title, subject, [
    summary(intelligence, window),
    clients(intelligence, window),
    unbilledWork(intelligence, window),
    receivables(intelligence),
    paymentMatching(intelligence, window),
    concentration(intelligence, window),
  ]);
}
