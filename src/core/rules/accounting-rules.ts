import {
  accountingSystems,
  miscategorised,
  noAccountingSystemStatements,
  receiptsInEmail,
  recogniseBookings,
  uncategorisedGroups,
} from "../analysis/accounting.js";
import { entityName, monthRange, periodEnd, sourcesOf } from "../analysis/common.js";
import { auditMonths, formatUsd } from "../analysis/finance.js";
import type { Evidence } from "../analysis/types.js";
import { evidenceOf, type Rule, type RuleHit } from "./rule.js";

/** Rows of a group shown one by one before the rest are summarised. */
const EVIDENCE_ROWS = 3;

/** Uncategorised rows sharing a description pattern: one finding per pattern worth a rule. */
export const uncategorisedRule: Rule = {
  id: "uncategorised-transactions",
  category: "categorisation",
  roles: ["accounting"],
  severity: "low",
  effort: 1,
  impact: 1,
  thresholds: { minRows: 4 },
  evaluate(context) {
    const minRows = context.threshold("minRows");
    const window = monthRange(auditMonths(context));
    return (
      uncategorisedGroups(context)
        // Unexplained money coming in always matters (income, a refund or the owner's cash).
        .filter((g) => g.transactions.length >= minRows || g.inflowCents > 0)
        .map((g): RuleHit => {
          const rows = [...g.transactions].sort((a, b) => b.date.localeCompare(a.date));
          const shown = rows.slice(0, EVIDENCE_ROWS);
          const rest = rows.slice(EVIDENCE_ROWS);
          const [firstRest] = rest;
          const evidence: Evidence[] = shown.map((t) =>
            evidenceOf(
              `${entityName(context.model, t.entity)} ${t.date} "${t.description}" ${formatUsd(Math.abs(t.amountCents))} ${t.amountCents < 0 ? "out" : "in"}`,
              t,
            ),
          );
          if (firstRest !== undefined) {
            const [source] = sourcesOf(rest.length === 1 ? rest : [firstRest]);
            if (source !== undefined)
              evidence.push({
                text: `and ${rest.length} more row${rest.length === 1 ? "" : "s"} back to ${rest[rest.length - 1]?.date ?? ""}`,
                source,
              });
          }
          const money = [
            g.outflowCents > 0 ? `${formatUsd(g.outflowCents)} out` : "",
            g.inflowCents > 0 ? `${formatUsd(g.inflowCents)} in` : "",
          ]
            .filter(Boolean)
            .join(", ");
          const inflow = g.inflowCents > 0;
          return {
            subject: g.key,
            title: `${g.transactions.length} uncategorised row${g.transactions.length === 1 ? "" : "s"} like "${g.pattern}" (${money}, ${window})`,
            evidence,
            action: inflow
              ? `Find out what these deposits were (income, a refund or the owner's own money) and add a categories rule for "${g.pattern}" in exec-intel.yaml.`
              : `Ask the owner what "${g.pattern}" pays for, then add a categories rule for it in exec-intel.yaml (owner draws if personal).`,
            severity: inflow ? "medium" : "low",
            impact: inflow ? 2 : 1,
          };
        })
    );
  },
};

/** A row whose category contradicts its direction (an outflow to income, an inflow to expenses). */
export const miscategorisedRule: Rule = {
  id: "miscategorised-transaction",
  category: "categorisation",
  roles: ["accounting"],
  severity: "medium",
  effort: 1,
  impact: 2,
  evaluate(context) {
    return miscategorised(context).map(
      ({ transaction: t, reason }): RuleHit => ({
        subject: `${t.entity}:${t.date}:${t.amountCents}`,
        title: `${t.date} "${t.description}" ${formatUsd(Math.abs(t.amountCents))} is ${reason}`,
        entity: t.entity,
        evidence: [
          evidenceOf(
            `${entityName(context.model, t.entity)} ledger row: ${formatUsd(Math.abs(t.amountCents))} ${t.amountCents < 0 ? "out" : "in"}, category ${t.category ?? "none"}`,
            t,
          ),
        ],
        action:
          "Check the row and fix the categories rule that matched it; a refund should say so in its description.",
      }),
    );
  },
};

/** No accounting system in the registry while receipts live only in email. */
export const noAccountingSystemRule: Rule = {
  id: "no-accounting-system",
  category: "accounting-system",
  roles: ["accounting", "cfo", "ceo"],
  severity: "high",
  effort: 2,
  impact: 3,
  evaluate(context) {
    const { model } = context;
    if (accountingSystems(model).length > 0) return [];
    const receipts = receiptsInEmail(model);
    if (receipts.length === 0) return [];
    const statements = noAccountingSystemStatements(model).filter(
      (s) => !receipts.some((r) => r.item === s.item),
    );
    const [registry] = sourcesOf(model.systems);
    return [
      {
        subject: model.tenant.id,
        title: "No accounting system: the books are bank exports, and receipts live only in email",
        evidence: [
          ...statements.map((s) => evidenceOf(`${s.note.title}: ${s.item.text}`, s.item)),
          ...receipts.map((r) => evidenceOf(`${r.note.title}: ${r.item.text}`, r.item)),
          ...(registry !== undefined
            ? [
                {
                  text: `None of the ${model.systems.length} systems in the registry is an accounting ledger`,
                  source: registry,
                },
              ]
            : []),
        ],
        action:
          "Choose an accounting system, import the bank, card and processor exports, and attach each receipt to its transaction at month end.",
      },
    ];
  },
};

/** Liability accounts that hold customer deposits or deferred revenue. */
const DEFERRAL_ACCOUNT = /deposit|deferred|unearned/i;

/** Cash received for future service with no deferred-revenue account in the ledger: income is overstated. */
export const unbookedDeferralRule: Rule = {
  id: "deferred-revenue-unbooked",
  category: "revenue-recognition",
  roles: ["accounting", "cfo", "ceo"],
  severity: "medium",
  effort: 1,
  impact: 2,
  evaluate(context) {
    const { model, period } = context;
    const booksDeferrals = model.transactions.some(
      (t) => t.category?.startsWith("liabilities:") === true && DEFERRAL_ACCOUNT.test(t.category),
    );
    if (booksDeferrals) return [];
    const end = periodEnd(period);
    const deferred = recogniseBookings(context).filter((r) => r.deferredCents >= 1);
    const notes = model.handoffs.flatMap((n) =>
      n.items.filter((i) => /deferr/i.test(i.text)).map((item) => ({ note: n, item })),
    );
    const entities = [...new Set(deferred.map((r) => r.booking.entity))];
    return entities.map((entity): RuleHit => {
      const mine = deferred.filter((r) => r.booking.entity === entity);
      const total = mine.reduce((s, r) => s + r.deferredCents, 0);
      return {
        subject: entity,
        title: `${entityName(model, entity)}: ${formatUsd(Math.round(total))} received for service after ${end} is booked as income`,
        entity,
        evidence: [
          ...mine.map((r) =>
            evidenceOf(
              `${r.booking.id}: service ${r.booking.serviceStart}${r.booking.serviceEnd !== r.booking.serviceStart ? ` to ${r.booking.serviceEnd}` : ""}, paid ${formatUsd(r.cashCents)}, ${formatUsd(Math.round(r.deferredCents))} not yet earned`,
              r.booking,
            ),
          ),
          ...notes.map((n) => evidenceOf(`${n.note.title}: ${n.item.text}`, n.item)),
        ],
        action: `Post ${formatUsd(Math.round(total))} from income to a customer-deposits liability at ${end}, and release it when the service is delivered.`,
      };
    });
  },
};

/** Accounting finding rules. */
export const accountingRules: readonly Rule[] = [
  uncategorisedRule,
  miscategorisedRule,
  noAccountingSystemRule,
  unbookedDeferralRule,
];
