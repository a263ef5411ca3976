import { daysBetween, listWords, periodEnd, plural } from "../analysis/common.js";
import {
  budgetedDeliveries,
  checkStatus,
  DELIVERY_REPORT,
  DOCUMENT_LABEL,
  type DocumentCheck,
  deliveryBookOf,
  documentGaps,
  hasConfirmedSkipper,
  isUpcoming,
  nameOf,
  openDeliveries,
  overBudget,
  routeOf,
  unconfirmedCrew,
  withRoute,
} from "../analysis/deliveries.js";
import { formatUsd } from "../analysis/finance.js";
import type { Evidence } from "../analysis/types.js";
import { evidenceOf, type Rule, type RuleHit } from "./rule.js";

// Findings of the yacht-delivery report. They carry the report kind as their role: the role id
// that receives the report is configurable, and the report picks its findings by category.

/** Legs shown as evidence of an overrun, costliest first. */
const EVIDENCE_LEGS = 2;

/** A completed or under-way delivery whose cost exceeds the cost budget of its quote. */
export const overBudgetRule: Rule = {
  id: "delivery-over-budget",
  category: "delivery-over-budget",
  roles: [DELIVERY_REPORT],
  severity: "medium",
  effort: 1,
  impact: 2,
  thresholds: { tolerancePercent: 0 },
  evaluate(context) {
    const book = deliveryBookOf(context);
    if (book === undefined) return [];
    const costings = budgetedDeliveries(book, context.period);
    return overBudget(costings, context.threshold("tolerancePercent")).map((c): RuleHit => {
      const d = c.delivery;
      const loss = c.marginCents < 0;
      const done = d.status === "completed";
      const legs = [...c.legs]
        .sort(
          (a, b) =>
            b.fuelCents +
            b.marinaCents +
            b.otherCents -
            (a.fuelCents + a.marinaCents + a.otherCents),
        )
        .slice(0, EVIDENCE_LEGS);
      const evidence: Evidence[] = [
        evidenceOf(
          `${withRoute(d)}: quote ${formatUsd(d.quoteCents)}, cost budget ${formatUsd(d.budgetCents)}, ${d.status}`,
          d,
        ),
        ...legs.map((l) =>
          evidenceOf(
            `Leg ${l.leg} ${l.from} → ${l.to} (${l.nm} nm): fuel ${formatUsd(l.fuelCents)}, marina ${formatUsd(l.marinaCents)}, other ${formatUsd(l.otherCents)}`,
            l,
          ),
        ),
        ...c.crew
          .slice(0, 1)
          .map((member) =>
            evidenceOf(
              `Crew pay ${formatUsd(c.crewCents)} for ${plural(c.crewDays, "crew day")} (${plural(c.crew.length, "person", "people")})`,
              member,
            ),
          ),
      ];
      return {
        subject: d.id,
        title: `${nameOf(d)} (${routeOf(d)}) ${done ? "cost" : "has committed"} ${formatUsd(c.costCents)} against a ${formatUsd(d.budgetCents)} budget: ${formatUsd(c.overBudgetCents)} over${loss ? `, a loss of ${formatUsd(-c.marginCents)} on a ${formatUsd(d.quoteCents)} quote` : ""}`,
        entity: book.entity,
        evidence,
        action: done
          ? `Go through ${d.id}'s fuel, marina and travel receipts with the skipper, and price the next ${routeOf(d)} passage from its actual cost (${formatUsd(Math.round(c.costCents / c.nm))} a nautical mile for ${d.model || d.vessel}).`
          : `Tell the client before arrival that ${d.id} is running over its cost budget, and agree how the overrun is shared.`,
        // A loss is urgent to understand before the next quote; its size is still one passage's fee.
        severity: loss ? "high" : "medium",
      };
    });
  },
};

/** An upcoming delivery departing soon with a crew position nobody has confirmed. */
export const unconfirmedCrewRule: Rule = {
  id: "delivery-crew-unconfirmed",
  category: "delivery-crew-unconfirmed",
  roles: [DELIVERY_REPORT],
  severity: "medium",
  effort: 1,
  impact: 2,
  thresholds: { daysAhead: 30 },
  evaluate(context) {
    const book = deliveryBookOf(context);
    if (book === undefined) return [];
    const end = periodEnd(context.period);
    const horizon = context.threshold("daysAhead");
    return openDeliveries(book)
      .filter((d) => isUpcoming(d) && daysBetween(end, d.start) <= horizon)
      .flatMap((d): RuleHit[] => {
        const missing = unconfirmedCrew(book, d);
        const listed = book.crew.some((c) => c.delivery === d.id);
        if (listed && missing.length === 0) return [];
        const noSkipper = !hasConfirmedSkipper(book, d);
        const days = daysBetween(end, d.start);
        return [
          {
            subject: d.id,
            title: listed
              ? `${nameOf(d)} departs ${d.start} (${plural(days, "day")} after ${end}) with ${listWords(missing.map((m) => `${m.role} ${m.person}`))} not confirmed`
              : `${nameOf(d)} departs ${d.start} (${plural(days, "day")} after ${end}) with no crew listed`,
            entity: book.entity,
            evidence: [
              evidenceOf(`${withRoute(d)}, ${d.status}, departs ${d.start}`, d),
              ...missing.map((m) =>
                evidenceOf(`${m.person}, ${m.role}, ${m.days} days: confirmed no`, m),
              ),
            ],
            action: noSkipper
              ? `Confirm a licensed skipper for ${d.id} this week, or move the departure; then confirm the rest of the crew.`
              : `Confirm ${listWords(missing.map((m) => m.person))} for ${d.id}, or line up a replacement, before ${d.start}.`,
            severity: noSkipper ? "high" : "medium",
            impact: noSkipper ? 3 : 2,
          },
        ];
      });
  },
};

/** A document an open delivery needs that is missing, expired, or lapses before arrival. */
export const documentGapRule: Rule = {
  id: "delivery-document-gap",
  category: "delivery-document-gap",
  roles: [DELIVERY_REPORT],
  severity: "medium",
  effort: 1,
  impact: 2,
  evaluate(context) {
    const book = deliveryBookOf(context);
    if (book === undefined) return [];
    // One finding per holder and document, naming every open delivery it holds up.
    const byHolder = new Map<string, DocumentCheck[]>();
    for (const gap of documentGaps(book, context.period)) {
      const key = `${gap.holder.toLowerCase().replace(/\s+/g, "-")}:${gap.kind}`;
      byHolder.set(key, [...(byHolder.get(key) ?? []), gap]);
    }
    return [...byHolder.entries()].map(([key, gaps]): RuleHit => {
      const [first] = gaps as [DocumentCheck];
      const label = DOCUMENT_LABEL[first.kind];
      const insurance = first.kind === "insurance";
      const sailings = listWords(
        gaps.map((g) =>
          `${g.member?.role ?? ""} on ${nameOf(g.delivery)} from ${g.delivery.start}`.trim(),
        ),
      );
      const missing = first.status === "missing";
      const role = first.member?.confirmed === false ? "proposed as" : "sails as";
      return {
        subject: key,
        title: insurance
          ? `${nameOf(first.delivery)} (departs ${first.delivery.start}) ${missing ? "has no insurance on file" : `insurance ${checkStatus(first)}`}`
          : `${missing ? `${first.holder} has no ${label} on file` : `${first.holder}'s ${label} ${checkStatus(first)}`} (${role} ${sailings})`,
        entity: book.entity,
        evidence: gaps.flatMap((g) => [
          evidenceOf(
            g.member !== undefined
              ? `${g.holder}, ${g.member.role} on ${nameOf(g.delivery)} ${g.delivery.start} to ${g.delivery.end}`
              : `${withRoute(g.delivery)}, ${g.delivery.start} to ${g.delivery.end}: no insurance row in documents.csv`,
            g.member ?? g.delivery,
          ),
          ...(g.document !== undefined && g === first
            ? [evidenceOf(`${g.document.name}, expires ${g.document.expires}`, g.document)]
            : []),
        ]),
        action: insurance
          ? `Get the owner's insurer to endorse the delivery crew for ${first.delivery.id}'s dates and file the certificate before ${first.delivery.start}.`
          : `Have ${first.holder} ${missing ? "show a current" : "renew the"} ${label} (or pick crew who hold one) before ${first.delivery.start}, and file its expiry in documents.csv.`,
        severity: insurance ? "high" : "medium",
        impact: insurance ? 3 : 2,
        // An insurer's endorsement takes days; a crew member's certificate is a phone call first.
        effort: insurance ? 2 : 1,
      };
    });
  },
};

/** Findings of the yacht-delivery domain. */
export const deliveryRules: readonly Rule[] = [
  overBudgetRule,
  unconfirmedCrewRule,
  documentGapRule,
];
