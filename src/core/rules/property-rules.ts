import { addDays, monthRange, plural } from "../analysis/common.js";
import { formatUsd } from "../analysis/finance.js";
import {
  DEFAULT_UNANSWERED_DAYS,
  propertyFacts,
  RENTAL_REPORT,
  REPEAT_REPAIR_DEFAULTS,
  REPEAT_REPAIR_RULE,
  repeatedRepairsOf,
  type Settlement,
  UNANSWERED_DAYS_KEY,
} from "../analysis/property.js";
import type { Evidence } from "../analysis/types.js";
import { occupiedUntil } from "../model/property.js";
import { evidenceOf, type Rule, type RuleHit } from "./rule.js";

// Findings of the rental-property report. They go to the role(s) receiving that report kind:
// a rule cannot know the configured role ids, so findings carry the report kind as their role.

const ROLES = [RENTAL_REPORT] as const;

/** `water-heater` → "water heater". */
export function words(slug: string): string {
  return slug.replaceAll("-", " ");
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function chargeEvidence(s: Settlement): Evidence {
  const what = `${s.charge.kind === "rent" ? "rent" : s.charge.kind} ${formatUsd(s.charge.amountCents)} due ${s.charge.due}`;
  const grace = `grace ${plural(s.lease.graceDays, "day")}`;
  return s.payment !== undefined
    ? evidenceOf(
        `${what} paid ${s.payment.date}, ${plural(s.daysLate, "day")} after due (${grace})`,
        s.payment,
      )
    : evidenceOf(
        `${what}: ${formatUsd(s.openCents)} unpaid ${plural(s.daysLate, "day")} after due (${grace})`,
        s.charge,
      );
}

/** A current tenant who paid rent late in the trailing year, or anyone owing past the grace period. */
export const lateRentRule: Rule = {
  id: "property-late-rent",
  category: "late-rent",
  roles: ROLES,
  severity: "medium",
  effort: 1,
  impact: 2,
  evaluate(context) {
    const facts = propertyFacts(context);
    if (facts === undefined) return [];
    const { book, window } = facts;
    return book.leases.flatMap((lease): RuleHit[] => {
      const late = facts.late.filter((s) => s.lease === lease);
      const overdue = facts.settlements.filter((s) => s.lease === lease && s.status === "overdue");
      const current = occupiedUntil(lease) >= window.to;
      if (overdue.length === 0 && (!current || late.length === 0)) return [];
      const owed = overdue.reduce((sum, s) => sum + s.openCents, 0);
      const shown = [...new Set([...late, ...overdue])].sort((a, b) =>
        a.charge.due.localeCompare(b.charge.due),
      );
      return [
        {
          subject: lease.id,
          entity: book.entity,
          title: `${lease.tenant}: ${plural(late.length, "late rent payment")} in ${monthRange(window.months)}${owed > 0 ? `, ${formatUsd(owed)} overdue` : ""}`,
          evidence: shown.map(chargeEvidence),
          action:
            owed > 0
              ? `Collect the ${formatUsd(owed)} overdue from ${lease.tenant}, and send a reminder before each due date: rent is late after ${plural(lease.graceDays, "day")}.`
              : `Send ${lease.tenant} a reminder before each due date: rent is late after ${plural(lease.graceDays, "day")}.`,
          severity: overdue.some((s) => s.charge.kind === "rent") ? "high" : "medium",
        },
      ];
    });
  },
};

/** The same item of a unit repaired again and again within the window. */
export const repeatMaintenanceRule: Rule = {
  id: REPEAT_REPAIR_RULE,
  category: "repeat-maintenance",
  roles: ROLES,
  severity: "medium",
  effort: 2,
  impact: 2,
  thresholds: REPEAT_REPAIR_DEFAULTS,
  evaluate(context) {
    const facts = propertyFacts(context);
    if (facts === undefined) return [];
    const { months, groups } = repeatedRepairsOf(context, facts);
    return groups.map((tickets): RuleHit => {
      const [first] = tickets as [(typeof tickets)[number]];
      const last = tickets[tickets.length - 1] ?? first;
      const cost = tickets.reduce((sum, t) => sum + (t.costCents ?? 0), 0);
      return {
        subject: `${first.unit}:${first.item}`,
        entity: facts.book.entity,
        title: `${capitalise(words(first.item))} needed ${plural(tickets.length, "repair")} in ${plural(months, "month")} (${formatUsd(cost)})`,
        evidence: tickets.map((t) =>
          evidenceOf(
            `${t.id} opened ${t.opened}, ${t.vendor}: ${t.summary}${t.costCents !== undefined ? ` (${formatUsd(t.costCents)})` : " (open)"}`,
            t,
          ),
        ),
        action: `Ask ${last.vendor} why the ${words(first.item)} failed again, check its warranty, and decide between replacing it and one more repair before the next call-out.`,
      };
    });
  },
};

/** A vacancy longer than the threshold (days between tenants, or still vacant). */
export const longVacancyRule: Rule = {
  id: "property-long-vacancy",
  category: "vacancy",
  roles: ROLES,
  severity: "medium",
  effort: 2,
  impact: 2,
  thresholds: { days: 30 },
  evaluate(context) {
    const facts = propertyFacts(context);
    if (facts === undefined) return [];
    const limit = context.threshold("days");
    const { book } = facts;
    return facts.vacancies
      .filter((v) => v.days > limit)
      .map((v): RuleHit => {
        const unit = book.units.find((u) => u.id === v.unit);
        const before = book.leases.find(
          (l) => l.unit === v.unit && addDays(occupiedUntil(l), 1) === v.from,
        );
        const evidence: Evidence[] = [];
        if (before !== undefined)
          evidence.push(
            evidenceOf(
              `lease ${before.id} (${before.tenant}) occupied it until ${occupiedUntil(before)}`,
              before,
            ),
          );
        if (v.next !== undefined)
          evidence.push(
            evidenceOf(`lease ${v.next.id} (${v.next.tenant}) starts ${v.next.start}`, v.next),
          );
        if (evidence.length === 0 && unit !== undefined)
          evidence.push(evidenceOf(`no lease covers ${v.from} to ${v.to}`, unit));
        const name = unit?.name ?? v.unit;
        return {
          subject: `${v.unit}:${v.from}`,
          entity: book.entity,
          title: v.ongoing
            ? `${name} has been vacant ${plural(v.days, "day")} (since ${v.from}), over the ${limit}-day threshold`
            : `${name} stood vacant ${plural(v.days, "day")} (${v.from} to ${v.to}), over the ${limit}-day threshold`,
          evidence,
          action: v.ongoing
            ? `List ${name} now and finish any make-ready work this week; review the asking rent of ${formatUsd(unit?.marketRentCents ?? 0)} against comparable listings.`
            : `At the next notice to vacate, list the unit the same week and book make-ready work to finish within ${plural(limit, "day")} of the move-out.`,
          severity: v.ongoing ? "high" : "medium",
        };
      });
  },
};

/** An entry needing a reply that has waited more than the threshold. */
export const unansweredCommunicationRule: Rule = {
  id: UNANSWERED_DAYS_KEY.replace(/\.days$/, ""),
  category: "tenant-communication",
  roles: ROLES,
  severity: "medium",
  effort: 1,
  impact: 2,
  thresholds: { days: DEFAULT_UNANSWERED_DAYS },
  evaluate(context) {
    const facts = propertyFacts(context);
    if (facts === undefined) return [];
    const limit = context.threshold("days");
    return facts.open
      .filter((o) => o.daysWaiting > limit)
      .map(
        ({ message: m, daysWaiting }): RuleHit => ({
          subject: m.id,
          entity: facts.book.entity,
          title: `${m.contact} has waited ${plural(daysWaiting, "day")} for a reply: ${m.subject}`,
          evidence: [
            evidenceOf(`${m.id} ${m.date} by ${m.channel}, marked follow-up, no reply logged`, m),
          ],
          action: `Reply to ${m.contact} (${m.channel}) and log the reply in the communication log with reply_to ${m.id}.`,
          severity: daysWaiting > 2 * limit ? "medium" : "low",
        }),
      );
  },
};

/** Every finding rule of the rental-property report. */
export const propertyRules: readonly Rule[] = [
  lateRentRule,
  repeatMaintenanceRule,
  longVacancyRule,
  unansweredCommunicationRule,
];
