import { entityName, monthRange, shortMonth } from "../analysis/common.js";
import {
  breakEvenOf,
  businessEntityIds,
  formatUsd,
  LOW_COST_MONTHLY_DEFAULT,
  monthlyBurn,
  policyBreaches,
  tierSpends,
  unitPlural,
} from "../analysis/finance.js";
import { isUnder, monthOf } from "../analysis/money.js";
import type { Evidence } from "../analysis/types.js";
import { evidenceOf, type Rule, type RuleHit } from "./rule.js";

/** Evidence pointing at a whole file (a summary over many of its rows), not one line. */
function fileEvidence(text: string, provenance: { sourceId: string; file: string }): Evidence {
  return { text, source: { sourceId: provenance.sourceId, file: provenance.file } };
}

/** Dollars rounded to whole units, for summaries over many rows. */
function whole(cents: number): string {
  return formatUsd(Math.round(cents / 100) * 100);
}

/** Evidence line for a ledger row: date, description, amount. */
function rowText(t: { date: string; description: string; amountCents: number }): string {
  return `${t.date} ${t.description}: ${formatUsd(Math.abs(t.amountCents))} ${t.amountCents < 0 ? "out" : "in"}`;
}

/** A forbid-spend policy matched a ledger outflow: one finding per transaction. */
export const forbiddenSpendRule: Rule = {
  id: "policy-forbid-spend",
  category: "policy-violation",
  roles: ["cfo", "ceo"],
  severity: "medium",
  effort: 1,
  impact: 2,
  evaluate(context) {
    return policyBreaches(context)
      .filter((b) => b.policy.kind === "forbid-spend")
      .flatMap((b): RuleHit[] => {
        const [t] = b.transactions;
        if (t === undefined) return [];
        return [
          {
            subject: b.subject,
            title: `"${b.policy.id}" broken: ${formatUsd(b.spentCents)} ${t.description} (${t.date})`,
            entity: t.entity,
            evidence: [
              evidenceOf(`${entityName(context.model, t.entity)} ledger: ${rowText(t)}`, t),
              evidenceOf(`Policy ${b.policy.id}: ${b.policy.description}`, b.policy),
            ],
            action: `Cancel or downgrade this spend, or record the exception to "${b.policy.id}" with the reason and who approved it.`,
          },
        ];
      });
  },
};

/** A max-monthly-spend policy was exceeded in a month. */
export const monthlySpendLimitRule: Rule = {
  id: "policy-max-monthly-spend",
  category: "policy-violation",
  roles: ["cfo", "ceo"],
  severity: "medium",
  effort: 1,
  impact: 2,
  evaluate(context) {
    return policyBreaches(context)
      .filter((b) => b.policy.kind === "max-monthly-spend" && b.month !== undefined)
      .map((b): RuleHit => {
        const largest = [...b.transactions]
          .sort((x, y) => x.amountCents - y.amountCents)
          .slice(0, 3);
        return {
          subject: b.subject,
          title: `${shortMonth(b.month ?? "")}: ${formatUsd(b.spentCents)} spent against a limit of ${formatUsd(b.policy.limitCents ?? 0)} ("${b.policy.id}")`,
          evidence: [
            evidenceOf(`Policy ${b.policy.id}: ${b.policy.description}`, b.policy),
            ...largest.map((t) => evidenceOf(`Largest row: ${rowText(t)}`, t)),
          ],
          action: `Bring next month's spend under ${formatUsd(b.policy.limitCents ?? 0)} or raise the limit in the registry on purpose.`,
        };
      });
  },
};

/** A planned spend that produces no revenue and costs more than the low-cost tier: do not fund now. */
export const doNotDeployRule: Rule = {
  id: "capital-do-not-deploy",
  category: "capital-deployment",
  roles: ["cfo", "ceo"],
  severity: "medium",
  effort: 1,
  impact: 2,
  thresholds: { lowCostMonthly: LOW_COST_MONTHLY_DEFAULT },
  evaluate(context) {
    const policy = context.model.policies.find((p) => p.kind === "capital-for-revenue-only");
    const ceiling = context.threshold("lowCostMonthly") * 100;
    // tierSpends reads the same config key (capital-do-not-deploy.lowCostMonthly) as this threshold.
    return tierSpends(context)
      .filter((t) => t.tier === "do-not-deploy")
      .map(
        (t): RuleHit => ({
          subject: t.spend.id,
          title: `Do not fund "${t.spend.description}" now: ${formatUsd(t.spend.amountCents)} ${t.spend.cadence}, produces no revenue`,
          entity: t.spend.entity,
          evidence: [
            evidenceOf(
              `Planned spend ${t.spend.id}: ${formatUsd(t.spend.amountCents)} ${t.spend.cadence}, revenue-producing: no; above the low-cost ceiling of ${formatUsd(ceiling)}/month`,
              t.spend,
            ),
            ...(policy !== undefined
              ? [evidenceOf(`Policy ${policy.id}: ${policy.description}`, policy)]
              : []),
          ],
          action:
            "Keep it off the budget until the businesses cover their costs, or show how it produces revenue and re-plan it.",
        }),
      );
  },
};

/** A planned spend waits on a document that is not valid: the spend cannot start. */
export const gatedSpendRule: Rule = {
  id: "capital-gated-spend",
  category: "capital-deployment",
  roles: ["cfo"],
  severity: "medium",
  effort: 2,
  impact: 2,
  evaluate(context) {
    return tierSpends(context)
      .filter((t) => t.gatedBy.length > 0)
      .map(
        (t): RuleHit => ({
          subject: t.spend.id,
          title: `"${t.spend.description}" waits on ${t.gatedBy.map((g) => `${g.name} (${g.status})`).join(" and ")}`,
          entity: t.spend.entity,
          evidence: [
            evidenceOf(
              `Planned spend ${t.spend.id} depends on ${t.gatedBy.map((g) => g.id).join(", ")}`,
              t.spend,
            ),
            ...t.gatedBy.flatMap((g) => {
              const doc = context.model.documents.find((d) => d.id === g.id);
              return doc === undefined
                ? []
                : [evidenceOf(`Document ${doc.id}: status ${doc.status}`, doc)];
            }),
          ],
          action: `Obtain ${t.gatedBy.map((g) => g.name).join(" and ")} first; the spend is ${t.tier === "zero-cost" ? "free" : formatUsd(t.spend.amountCents)} once it is unblocked.`,
        }),
      );
  },
};

/** Expenses above income in most trailing months: the businesses consume the owner's cash. */
export const burnExceedsIncomeRule: Rule = {
  id: "burn-exceeds-income",
  category: "burn",
  roles: ["cfo", "ceo"],
  severity: "high",
  effort: 3,
  impact: 3,
  thresholds: { minLossMonths: 3 },
  evaluate(context) {
    const burn = monthlyBurn(context);
    const losing = burn.filter((m) => m.netCents > 0);
    if (losing.length < context.threshold("minLossMonths") || losing.length === 0) return [];
    const months = burn.map((m) => m.month);
    const window = monthRange(months);
    const net = losing.reduce((s, m) => s + m.netCents, 0);
    const funded = burn.reduce((s, m) => s + m.ownerFundingCents, 0);
    const funding = context.model.transactions.find(
      (t) =>
        businessEntityIds(context.model).has(t.entity) &&
        isUnder(t.category, "equity") &&
        months.includes(monthOf(t.date)),
    );
    const businesses = businessEntityIds(context.model);
    // One line per business: where the money goes, so the owner sees which one burns.
    const evidence: Evidence[] = [...businesses].flatMap((id) => {
      const rows = context.model.transactions.filter(
        (t) => t.entity === id && months.includes(monthOf(t.date)),
      );
      const first = rows[0];
      if (first === undefined) return [];
      const expenses = -rows
        .filter((t) => isUnder(t.category, "expenses"))
        .reduce((s, t) => s + t.amountCents, 0);
      const income = rows
        .filter((t) => isUnder(t.category, "income"))
        .reduce((s, t) => s + t.amountCents, 0);
      return [
        fileEvidence(
          `${entityName(context.model, id)}, ${window}: income ${whole(income)} against expenses ${whole(expenses)}, ${income >= expenses ? `${whole(income - expenses)} surplus` : `${whole(expenses - income)} short`}`,
          first.provenance,
        ),
      ];
    });
    return [
      {
        subject: context.model.tenant.id,
        title: `Expenses exceeded income in ${losing.length} of ${burn.length} months (${window}), ${whole(net)} in all`,
        evidence: [
          ...evidence,
          ...(funded > 0 && funding !== undefined
            ? [
                fileEvidence(
                  `Owner contributions of ${whole(funded)} (equity inflows) covered the gap over ${window}`,
                  funding.provenance,
                ),
              ]
            : []),
        ],
        action:
          "Set a monthly net-burn ceiling, cut the largest fixed costs that do not support revenue, and review it at each month end.",
      },
    ];
  },
};

/** The break-even stream sells fewer units than break-even needs. */
export const belowBreakEvenRule: Rule = {
  id: "below-break-even",
  category: "break-even",
  roles: ["cfo", "ceo"],
  severity: "high",
  effort: 3,
  impact: 3,
  evaluate(context) {
    const breakEven = breakEvenOf(context);
    if (breakEven === undefined || breakEven.unitsSoldAverage >= breakEven.units) return [];
    const units = unitPlural(breakEven.unit);
    const months = breakEven.unitsSold;
    const latest = [...breakEven.bookings].sort((a, b) =>
      b.serviceStart.localeCompare(a.serviceStart),
    )[0];
    return [
      {
        subject: breakEven.stream.id,
        title: `${breakEven.stream.name}: ${breakEven.unitsSoldAverage.toFixed(1)} ${units}/month sold against a break-even of ${breakEven.units}`,
        entity: breakEven.stream.entity,
        evidence: [
          evidenceOf(
            `Price ${formatUsd(breakEven.priceCents)} minus variable cost ${formatUsd(breakEven.variableCostCents)} = ${formatUsd(breakEven.contributionCents)} per ${breakEven.unit}; fixed costs ${formatUsd(Math.round(breakEven.fixedCentsMonthly))}/month`,
            breakEven.stream,
          ),
          ...(latest !== undefined
            ? [
                fileEvidence(
                  `${breakEven.bookings.length} ${units} with service in ${monthRange(months.map((m) => m.month))}: ${months.map((m) => `${shortMonth(m.month).slice(0, 3)} ${m.units}`).join(", ")}`,
                  latest.provenance,
                ),
              ]
            : []),
        ],
        action: `Sell ${Math.ceil(breakEven.units - breakEven.unitsSoldAverage)} more ${units} a month, or cut fixed costs by ${formatUsd(Math.round((breakEven.fixedCentsMonthly - breakEven.unitsSoldAverage * breakEven.contributionCents) / 100) * 100)}/month, to break even at the current volume.`,
      },
    ];
  },
};

/** Finance finding rules. */
export const financeRules: readonly Rule[] = [
  forbiddenSpendRule,
  monthlySpendLimitRule,
  doNotDeployRule,
  gatedSpendRule,
  burnExceedsIncomeRule,
  belowBreakEvenRule,
];
