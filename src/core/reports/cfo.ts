import { listWords, monthName, monthRange, plural, shortMonth } from "../analysis/common.js";
import {
  auditMonths,
  breakEvenOf,
  burnMonths,
  formatUsd,
  lowCostCeilingCents,
} from "../analysis/finance.js";
import { findingsOf, type Intelligence } from "../analysis/intelligence.js";
import type { Figure, Finding } from "../analysis/types.js";
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

/** The figure with this id, when an analysis computed it (a report degrades, it does not crash). */
export function figureOf(intelligence: Intelligence, id: string): Figure | undefined {
  return intelligence.figures.get(id);
}

/** A figure's formatted value, or undefined when it was not computed. */
export function shown(intelligence: Intelligence, id: string): string | undefined {
  const figure = figureOf(intelligence, id);
  return figure === undefined ? undefined : formatFigure(figure);
}

/** A figures block of the ids that exist (missing ones are skipped, not invented). */
export function figuresPresent(intelligence: Intelligence, ids: readonly string[]): Block[] {
  const present = ids.filter((id) => intelligence.figures.has(id));
  return present.length === 0 ? [] : [figures(intelligence, present)];
}

/** A table block when the analysis produced the table. */
export function tablePresent(intelligence: Intelligence, id: string): Block[] {
  const found = intelligence.tables.get(id);
  return found === undefined ? [] : [table(found)];
}

/** Joins the sentences that exist into one paragraph. */
export function sentences(parts: readonly (string | undefined | false)[]): string {
  return parts.filter((p): p is string => typeof p === "string" && p !== "").join(" ");
}

/** `$8.3K` for subject lines. */
export function compactUsd(value: number): string {
  return Math.abs(value) >= 1000
    ? `$${(value / 1000).toFixed(1).replace(/\.0$/, "")}K`
    : `$${Math.round(value)}`;
}

/** The findings' titles after their lead-in ("rule" broken: what), joined as a list. */
function titles(list: readonly Finding[]): string {
  return listWords(list.map((f) => f.title.replace(/^[^:]*: /, "")));
}

/** Expenses against income, month by month: the burn table drawn as grouped bars. */
function burnChart(intelligence: Intelligence): Block[] {
  return chartOf(intelligence, "burn-by-month", {
    id: "burn-by-month",
    kind: "bar",
    series: [{ key: "expenses" }, { key: "income" }],
  });
}

/** Monthly revenue and its target over the trailing months, as lines. */
export function revenueChart(intelligence: Intelligence): Block[] {
  return chartOf(intelligence, "revenue-by-month", {
    id: "revenue-vs-target",
    kind: "line",
    series: [
      { key: "actual", name: "Revenue" },
      { key: "target", name: "Target" },
    ],
  });
}

/**
 * How revenue did against its target over the trailing months, as a predicate ("missed its
 * target in each of the 6 months May–Oct 2026"), from the revenue-by-month table.
 */
export function revenueOnTarget(intelligence: Intelligence): string | undefined {
  const onTarget = figureOf(intelligence, "revenue-months-on-target");
  const history = intelligence.tables.get("revenue-by-month");
  if (onTarget === undefined || history === undefined) return undefined;
  const actual = history.columns.findIndex((c) => c.key === "actual");
  const months = history.rows
    .filter((row) => typeof row[actual] === "number")
    .map((row) => String(row[0]));
  const range = monthRange(months);
  if (months.length === 1)
    return `${onTarget.value === 1 ? "met" : "missed"} its target in ${range}`;
  if (onTarget.value === 0 || onTarget.value === months.length)
    return `${onTarget.value === 0 ? "missed" : "met"} its target in each of the ${months.length} months ${range}`;
  return `met its target in ${onTarget.value} of the ${months.length} months ${range}`;
}

function summarySection(intelligence: Intelligence): Section {
  const { period } = intelligence.context;
  const f = (id: string) => shown(intelligence, id);
  const months = burnMonths(intelligence.context);
  const window = monthRange(months);
  const netMonths = figureOf(intelligence, "net-burn-months");
  const net = figureOf(intelligence, "net-burn-average");
  const violations = findingsOf(intelligence, "policy-violation", "cfo");
  const doNot = findingsOf(intelligence, "capital-deployment", "cfo").filter(
    (x) => x.ruleId === "capital-do-not-deploy",
  );
  const gap = figureOf(intelligence, "revenue-gap-period");
  const units = figureOf(intelligence, "units-sold-average");
  const text = sentences([
    f("burn-rate-low") !== undefined &&
      `Over ${window} the businesses spent ${f("burn-rate-low")} to ${f("burn-rate-high")}, ${f("burn-rate-average")} on average.`,
    f("income-average") !== undefined && `Income averaged ${f("income-average")}.`,
    net !== undefined &&
      (net.value > 0
        ? `Net burn was ${formatFigure(net)}${netMonths !== undefined ? `, with a loss in ${netMonths.value} of ${plural(months.length, "month")}` : ""}.`
        : `The businesses covered their expenses: net burn ${formatFigure(net)}.`),
    net !== undefined &&
      net.value > 0 &&
      f("owner-funding-average") !== undefined &&
      `Owner contributions of ${f("owner-funding-average")} covered the gap.`,
    f("break-even-charters") !== undefined &&
      `Break-even is ${f("break-even-charters")} at ${f("contribution-per-unit")} contribution each${units !== undefined ? `; ${units.value.toFixed(1)} a month were sold over ${window}` : ""}.`,
    gap !== undefined &&
      `${shortMonth(period)} revenue was ${f("revenue-actual-period")} against a target of ${f("revenue-target-period")}${gap.value < 0 ? `, ${formatValue(-gap.value, "USD")} short` : ""}.`,
    violations.length > 0
      ? `${plural(violations.length, "ledger row")} break${violations.length === 1 ? "s" : ""} the owner's financial rules: ${titles(violations)}.`
      : intelligence.context.model.policies.length > 0 &&
        "The ledger breaks none of the owner's financial rules.",
    doNot.length > 0 &&
      `${plural(doNot.length, "planned spend")} should not be funded now (${f("capital-do-not-deploy-total")}).`,
  ]);
  return section(
    intelligence,
    "summary",
    "Summary",
    ["ledger", "registry", "bookings", "kpis"],
    [
      paragraph(text === "" ? "No ledger data for this period." : text),
      ...figuresPresent(intelligence, [
        "burn-rate-low",
        "burn-rate-high",
        "net-burn-average",
        "break-even-charters",
        "units-sold-average",
        "revenue-actual-period",
        "revenue-target-period",
      ]),
    ],
  );
}

function burnSection(intelligence: Intelligence): Section {
  const f = (id: string) => shown(intelligence, id);
  const low = figureOf(intelligence, "burn-rate-low");
  const window = monthRange(burnMonths(intelligence.context));
  const text =
    low === undefined
      ? `No ledger rows of a business entity fall in ${window}, so there is no burn rate.`
      : sentences([
          `Burn is every outflow the business entities booked to an expenses account, month by month, ${window}.`,
          `It ran from ${f("burn-rate-low")} to ${f("burn-rate-high")}.`,
          `Uncategorised outflows add ${f("uncategorised-outflow-monthly")} on average and are not in it.`,
          "Runway is not computed: the data has no cash balances yet.",
        ]);
  return section(
    intelligence,
    "burn-rate",
    "Burn rate",
    ["ledger"],
    [
      paragraph(text),
      ...figuresPresent(intelligence, [
        "burn-rate-low",
        "burn-rate-high",
        "burn-rate-average",
        "income-average",
        "net-burn-average",
        "owner-funding-average",
        "uncategorised-outflow-monthly",
      ]),
      ...burnChart(intelligence),
      ...tablePresent(intelligence, "burn-by-month"),
      findingList(
        findingsOf(intelligence, "burn", "cfo"),
        "Income covered expenses in most months.",
      ),
    ],
  );
}

function capitalSection(intelligence: Intelligence): Section {
  const count = (tier: string) => figureOf(intelligence, `capital-tier-${tier}`)?.value ?? 0;
  const total =
    count("zero-cost") + count("low-cost") + count("revenue-producing") + count("do-not-deploy");
  const ceiling = `${formatUsd(lowCostCeilingCents(intelligence.context))}/month`;
  const text =
    total === 0
      ? "No planned spends are in the registry."
      : sentences([
          `Capital goes first where it costs nothing, then to cheap enablers (up to ${ceiling}), then to spends that produce revenue; the rest waits.`,
          `Of ${plural(total, "planned spend")}: ${count("zero-cost")} zero-cost, ${count("low-cost")} low-cost, ${count("revenue-producing")} revenue-producing and ${count("do-not-deploy")} not to fund now${count("do-not-deploy") > 0 ? ` (${shown(intelligence, "capital-do-not-deploy-total")})` : ""}.`,
        ]);
  return section(
    intelligence,
    "capital-deployment",
    "Capital deployment",
    ["registry"],
    [
      paragraph(text),
      ...tablePresent(intelligence, "capital-deployment"),
      findingList(
        findingsOf(intelligence, "capital-deployment", "cfo"),
        "Every planned spend can be funded in tier order.",
      ),
    ],
  );
}

function breakEvenSection(intelligence: Intelligence): Section {
  const f = (id: string) => shown(intelligence, id);
  const breakEven = figureOf(intelligence, "break-even-charters");
  const contribution = figureOf(intelligence, "contribution-per-unit");
  const ledgerCost = figureOf(intelligence, "variable-cost-per-unit-ledger");
  const sold = figureOf(intelligence, "units-sold-period");
  const average = figureOf(intelligence, "units-sold-average");
  const model = breakEvenOf(intelligence.context);
  const text =
    breakEven === undefined
      ? "No break-even stream with a price is configured (analysis.breakEvenStream), so there is no break-even figure."
      : sentences([
          `Fixed costs average ${f("fixed-costs-monthly")}: every expenses account except the variable-cost accounts (${intelligence.context.settings.variableCostAccounts.join(", ")}).`,
          contribution !== undefined &&
            `${contribution.label}: ${formatFigure(contribution)} (${contribution.basis?.replace(/\.$/, "") ?? ""}).`,
          `Break-even is ${formatFigure(breakEven)}: ${breakEven.basis ?? ""}`,
          `Counting uncategorised outflows as fixed costs, it is ${f("break-even-charters-with-uncategorised")}.`,
          ledgerCost !== undefined &&
            model !== undefined &&
            `${ledgerCost.label}: ${formatFigure(ledgerCost)}, against ${formatUsd(model.variableCostCents)} assumed.`,
          sold !== undefined &&
            average !== undefined &&
            `${sold.label}: ${formatFigure(sold)} (average ${average.value.toFixed(1)} a month).`,
        ]);
  return section(
    intelligence,
    "break-even",
    "Break-even",
    ["ledger", "registry", "bookings"],
    [
      paragraph(text),
      ...figuresPresent(intelligence, [
        "fixed-costs-monthly",
        "contribution-per-unit",
        "break-even-charters",
        "break-even-charters-with-uncategorised",
        "variable-cost-per-unit-ledger",
        "units-sold-average",
        "units-sold-period",
      ]),
      ...tablePresent(intelligence, "units-sold-by-month"),
      findingList(
        findingsOf(intelligence, "break-even", "cfo"),
        "Sales are at or above the break-even volume.",
      ),
    ],
  );
}

function revenueTargetsSection(intelligence: Intelligence): Section {
  const f = (id: string) => shown(intelligence, id);
  const targets = intelligence.tables.get("revenue-targets");
  const gap = figureOf(intelligence, "revenue-gap-period");
  const horizon = figureOf(intelligence, "revenue-target-horizon");
  const onTarget = revenueOnTarget(intelligence);
  const text =
    targets === undefined
      ? "No revenue targets or ledger income to plan from."
      : sentences([
          horizon !== undefined &&
            `Monthly revenue targets run to ${horizon.label.replace(/^Revenue target, /, "")}, ending at ${formatFigure(horizon)}.`,
          gap !== undefined &&
            `${figureOf(intelligence, "revenue-actual-period")?.label}: ${f("revenue-actual-period")} against ${f("revenue-target-period")}, ${gap.value < 0 ? `${formatValue(-gap.value, "USD")} short` : `${formatValue(gap.value, "USD")} ahead`}.`,
          onTarget !== undefined && `Revenue ${onTarget}.`,
          f("break-even-revenue-monthly") !== undefined &&
            `Break-even revenue is ${f("break-even-revenue-monthly")}; months without a target use it.`,
        ]);
  return section(
    intelligence,
    "revenue-targets",
    "Revenue targets",
    ["kpis", "ledger"],
    [
      paragraph(text),
      ...figuresPresent(intelligence, [
        "revenue-actual-period",
        "revenue-target-period",
        "revenue-gap-period",
        "revenue-target-horizon",
        "break-even-revenue-monthly",
      ]),
      ...revenueChart(intelligence),
      ...tablePresent(intelligence, "revenue-targets"),
    ],
  );
}

function financialRulesSection(intelligence: Intelligence): Section {
  const { policies } = intelligence.context.model;
  const violations = findingsOf(intelligence, "policy-violation", "cfo");
  const window = monthRange(auditMonths(intelligence.context));
  const text =
    policies.length === 0
      ? "No financial rules are in the registry, so nothing was checked."
      : sentences([
          `${plural(policies.length, "financial rule")} checked against every ledger outflow of ${window} and the planned spends.`,
          violations.length === 0
            ? "No breach."
            : `${plural(violations.length, "breach", "breaches")}, each listed with its ledger row.`,
        ]);
  return section(
    intelligence,
    "financial-rules",
    "Financial rules",
    ["ledger", "registry"],
    [
      paragraph(text),
      ...tablePresent(intelligence, "policy-checks"),
      findingList(violations, "No ledger row breaks a financial rule."),
    ],
  );
}

/** The CFO report: burn, capital deployment, break-even, revenue targets and financial rules. */
export function assembleCfoReport(intelligence: Intelligence, role = "cfo"): ReportDocument {
  const { model, period } = intelligence.context;
  const low = figureOf(intelligence, "burn-rate-low");
  const high = figureOf(intelligence, "burn-rate-high");
  const breakEven = figureOf(intelligence, "break-even-charters");
  const violations = findingsOf(intelligence, "policy-violation", "cfo").length;
  const subject = [
    "CFO",
    shortMonth(period),
    low !== undefined && high !== undefined
      ? `burn ${compactUsd(low.value)}–${compactUsd(high.value)}/month`
      : undefined,
    breakEven !== undefined
      ? `break-even ${formatFigure(breakEven).replace("/month", "")}`
      : undefined,
    violations > 0 ? plural(violations, "policy breach", "policy breaches") : undefined,
  ]
    .filter((p): p is string => p !== undefined)
    .join(" · ");
  return reportDocument(
    intelligence,
    role,
    `CFO report — ${model.tenant.name}, ${monthName(period)}`,
    subject,
    [
      summarySection(intelligence),
      burnSection(intelligence),
      capitalSection(intelligence),
      breakEvenSection(intelligence),
      revenueTargetsSection(intelligence),
      financialRulesSection(intelligence),
    ],
  );
}
