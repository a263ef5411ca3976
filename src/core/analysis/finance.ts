import type {
  Booking,
  PlannedSpend,
  Policy,
  RevenueStream,
  TenantModel,
  Transaction,
} from "../model/index.js";
import { fixedGrouped } from "../number-format.js";
import { entityName, latestAsOf, monthRange, periodEnd, shortMonth, sourcesOf } from "./common.js";
import { addMonths, isUnder, monthOf, monthsBetween, toCurrency, trailingMonths } from "./money.js";
import type { AnalysisContext, AnalysisOutput, Cell, Figure, Table, Unit } from "./types.js";

/** Months of ledger history the policy checks and the categorisation audit look back over: one year. */
export const AUDIT_MONTHS = 12;

/** Default ceiling (whole currency units per month) of the low-cost capital tier. */
export const LOW_COST_MONTHLY_DEFAULT = 500;

/** Threshold key (config `analysis.thresholds`) that overrides the low-cost ceiling. */
export const LOW_COST_THRESHOLD_KEY = "capital-do-not-deploy.lowCostMonthly";

/** Ids of the entities that are businesses (burn and break-even cover businesses only). */
export function businessEntityIds(model: TenantModel): Set<string> {
  return new Set(model.entities.filter((e) => e.kind === "business").map((e) => e.id));
}

/** One month of the burn model, in cents. */
export interface MonthBurn {
  month: string;
  /** Gross operating expenses: outflows under `expenses`, as a positive number. */
  expensesCents: number;
  /** The part of expenses under a variable-cost prefix. */
  variableCents: number;
  /** Expenses minus variable costs. */
  fixedCents: number;
  /** Inflows under `income`. */
  incomeCents: number;
  /** Expenses minus income: positive when the month lost money. */
  netCents: number;
  /** Outflows no categorisation rule matched, as a positive number. */
  uncategorisedOutflowCents: number;
  /** Inflows under `equity` (the owner funding the gap). */
  ownerFundingCents: number;
}

/** The ledger rows of the business entities dated in the given months. */
export function businessTransactions(
  context: AnalysisContext,
  months: readonly string[],
): Transaction[] {
  const businesses = businessEntityIds(context.model);
  const wanted = new Set(months);
  return context.model.transactions.filter(
    (t) => businesses.has(t.entity) && wanted.has(monthOf(t.date)),
  );
}

/** True when the account sits under one of the configured variable-cost prefixes. */
export function isVariableCost(context: AnalysisContext, account: string | undefined): boolean {
  return context.settings.variableCostAccounts.some((prefix) => isUnder(account, prefix));
}

/** The trailing months (settings.trailingMonths) ending with the period. */
export function burnMonths(context: AnalysisContext): string[] {
  return trailingMonths(context.period, context.settings.trailingMonths);
}

/** Burn per month (the trailing months by default) for the business entities: expenses, income, net and what they leave out. */
export function monthlyBurn(
  context: AnalysisContext,
  months: readonly string[] = burnMonths(context),
): MonthBurn[] {
  const rows = new Map<string, MonthBurn>(
    months.map((month) => [
      month,
      {
        month,
        expensesCents: 0,
        variableCents: 0,
        fixedCents: 0,
        incomeCents: 0,
        netCents: 0,
        uncategorisedOutflowCents: 0,
        ownerFundingCents: 0,
      },
    ]),
  );
  for (const t of businessTransactions(context, months)) {
    const row = rows.get(monthOf(t.date));
    if (row === undefined) continue;
    if (isUnder(t.category, "expenses")) {
      // Outflows are negative; a refund credited to an expense account lowers the month's expense.
      row.expensesCents -= t.amountCents;
      if (isVariableCost(context, t.category)) row.variableCents -= t.amountCents;
    } else if (isUnder(t.category, "income")) {
      row.incomeCents += t.amountCents;
    } else if (isUnder(t.category, "equity") && t.amountCents > 0) {
      row.ownerFundingCents += t.amountCents;
    } else if (t.category === undefined && t.amountCents < 0) {
      row.uncategorisedOutflowCents -= t.amountCents;
    }
  }
  return [...rows.values()].map((row) => ({
    ...row,
    fixedCents: row.expensesCents - row.variableCents,
    netCents: row.expensesCents - row.incomeCents,
  }));
}

/** Average of numbers (0 for none). */
function average(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;
}

/** The break-even model of the configured stream. */
export interface BreakEven {
  stream: RevenueStream;
  /** Singular unit of the stream, e.g. `charter`. */
  unit: string;
  /** Figure unit of per-month unit counts: `charters/month` for charters, else `count`. */
  figureUnit: Unit;
  priceCents: number;
  variableCostCents: number;
  contributionCents: number;
  /** Average monthly fixed costs over the trailing months. */
  fixedCentsMonthly: number;
  /** Average monthly uncategorised outflows over the trailing months. */
  uncategorisedCentsMonthly: number;
  /** ceil(fixed ÷ contribution). */
  units: number;
  /** The same with uncategorised outflows counted as fixed costs. */
  unitsWithUncategorised: number;
  /** Revenue per month that covers fixed costs at the stream's contribution margin. */
  revenueCentsMonthly: number;
  /** Units sold (confirmed or completed bookings of the stream) per trailing month. */
  unitsSold: { month: string; units: number }[];
  unitsSoldAverage: number;
  /** The bookings counted as units sold. */
  bookings: Booking[];
  /** Ledger variable costs per unit sold over the trailing months, when any unit was sold. */
  ledgerVariableCostPerUnitCents?: number;
}

/** The bookings that count as sold units: confirmed or completed. */
export function isSold(booking: Booking): boolean {
  return booking.status === "confirmed" || booking.status === "completed";
}

/** Break-even of the configured stream, or undefined when no stream with a price is configured. */
export function breakEvenOf(context: AnalysisContext): BreakEven | undefined {
  const id = context.settings.breakEvenStream;
  const stream = context.model.revenueStreams.find((s) => s.id === id);
  const price = stream?.pricing.priceCents;
  if (stream === undefined || price === undefined) return undefined;
  const variable = stream.pricing.variableCostCents ?? 0;
  const contribution = price - variable;
  if (contribution <= 0) return undefined;
  const burn = monthlyBurn(context);
  const fixed = average(burn.map((m) => m.fixedCents));
  const uncategorised = average(burn.map((m) => m.uncategorisedOutflowCents));
  const months = burn.map((m) => m.month);
  const bookings = context.model.bookings.filter(
    (b) => b.stream === stream.id && isSold(b) && months.includes(monthOf(b.serviceStart)),
  );
  const unitsSold = months.map((month) => ({
    month,
    units: bookings.filter((b) => monthOf(b.serviceStart) === month).length,
  }));
  const unit = stream.pricing.unit ?? "unit";
  const totalVariable = burn.reduce((sum, m) => sum + m.variableCents, 0);
  const result: BreakEven = {
    stream,
    unit,
    figureUnit: unit === "charter" ? "charters/month" : "count",
    priceCents: price,
    variableCostCents: variable,
    contributionCents: contribution,
    fixedCentsMonthly: fixed,
    uncategorisedCentsMonthly: uncategorised,
    units: Math.ceil(fixed / contribution),
    unitsWithUncategorised: Math.ceil((fixed + uncategorised) / contribution),
    revenueCentsMonthly: (fixed * price) / contribution,
    unitsSold,
    unitsSoldAverage: average(unitsSold.map((u) => u.units)),
    bookings,
  };
  if (bookings.length > 0) result.ledgerVariableCostPerUnitCents = totalVariable / bookings.length;
  return result;
}

/** Plural of a unit word ("charter" → "charters"). */
export function unitPlural(unit: string): string {
  return /(s|x|ch|sh)$/.test(unit) ? `${unit}es` : `${unit}s`;
}

/** One month of the revenue plan. */
export interface RevenueTargetRow {
  month: string;
  targetCents: number;
  /** Where the target came from. */
  basis: "kpi-target" | "break-even";
  actualCents?: number;
}

/** Tenant-wide KPI value of a month (targets or observations), in cents. */
function tenantKpi(values: TenantModel["kpiTargets"], kpi: string, month: string) {
  return values.find((v) => v.kpi === kpi && v.entity === undefined && v.period === month);
}

/** The KPI id whose targets and observations are monthly revenue. */
export const REVENUE_KPI = "monthly-revenue";

/** Revenue needed per month when no target is set: break-even revenue, else average expenses. */
export function breakEvenRevenueCents(context: AnalysisContext): number {
  const breakEven = breakEvenOf(context);
  if (breakEven !== undefined) return breakEven.revenueCentsMonthly;
  return average(monthlyBurn(context).map((m) => m.expensesCents));
}

/** Months in which the business entities have ledger rows: only those have a ledger income. */
function ledgerMonths(context: AnalysisContext, months: readonly string[]): Set<string> {
  return new Set(businessTransactions(context, months).map((t) => monthOf(t.date)));
}

/**
 * Revenue target and actual of each month: the target from the KPI targets (break-even revenue
 * where none is set), the actual from the KPI observations, else from the ledger's income when
 * the ledger covers the month; months after the period have no actual.
 */
export function revenueByMonth(
  context: AnalysisContext,
  months: readonly string[],
): RevenueTargetRow[] {
  const fallback = breakEvenRevenueCents(context);
  const covered = ledgerMonths(context, months);
  const ledgerIncome = new Map(
    monthlyBurn(context, months)
      .filter((m) => covered.has(m.month))
      .map((m) => [m.month, m.incomeCents] as const),
  );
  return months.map((month) => {
    const target = tenantKpi(context.model.kpiTargets, REVENUE_KPI, month);
    const row: RevenueTargetRow =
      target !== undefined
        ? { month, targetCents: Math.round(target.value * 100), basis: "kpi-target" }
        : { month, targetCents: Math.round(fallback), basis: "break-even" };
    const observed = tenantKpi(context.model.kpiObservations, REVENUE_KPI, month);
    const actual =
      observed !== undefined ? Math.round(observed.value * 100) : ledgerIncome.get(month);
    if (actual !== undefined && month <= context.period) row.actualCents = actual;
    return row;
  });
}

/** Monthly revenue targets from the period to the planning horizon, with actuals where known. */
export function revenueTargets(context: AnalysisContext): RevenueTargetRow[] {
  return revenueByMonth(context, monthsBetween(context.period, context.settings.planningHorizon));
}

/** Revenue against target over the trailing months (the burn window), for the trend. */
export function revenueHistory(context: AnalysisContext): RevenueTargetRow[] {
  return revenueByMonth(context, burnMonths(context));
}

/**
 * Burn of the window that ended one month before the period (what last month's report showed),
 * when the ledger covers the month that window adds; undefined when it does not.
 */
export function previousWindowBurn(context: AnalysisContext): MonthBurn[] | undefined {
  const months = trailingMonths(addMonths(context.period, -1), context.settings.trailingMonths);
  const [first] = months;
  if (first === undefined || !ledgerMonths(context, [first]).has(first)) return undefined;
  return monthlyBurn(context, months);
}

/** The capital-deployment tiers, in the order capital should go to them. */
export const CAPITAL_TIERS = [
  "zero-cost",
  "low-cost",
  "revenue-producing",
  "do-not-deploy",
] as const;

/** One tier of the capital-deployment framework. */
export type CapitalTier = (typeof CAPITAL_TIERS)[number];

/** Readable tier names. */
export const TIER_LABELS: Record<CapitalTier, string> = {
  "zero-cost": "Zero-cost",
  "low-cost": "Low-cost",
  "revenue-producing": "Revenue-producing",
  "do-not-deploy": "Do not deploy here",
};

/** A planned spend with its tier and what gates it. */
export interface TieredSpend {
  spend: PlannedSpend;
  tier: CapitalTier;
  monthlyEquivalentCents: number;
  /** Dependencies that are documents not yet valid, with their status. */
  gatedBy: { id: string; name: string; status: string }[];
}

/** The low-cost ceiling in cents per month (config threshold or the default). */
export function lowCostCeilingCents(context: AnalysisContext): number {
  return (context.settings.thresholds[LOW_COST_THRESHOLD_KEY] ?? LOW_COST_MONTHLY_DEFAULT) * 100;
}

/** What a spend costs in a month: a one-off is paid in one month, a yearly spend is spread. */
export function monthlyEquivalentCents(spend: PlannedSpend): number {
  return spend.cadence === "yearly" ? spend.amountCents / 12 : spend.amountCents;
}

/**
 * Tiers planned spends: free first; then anything that produces revenue is funded on its case;
 * cheap enablers that do not are low-cost; the rest does not get capital now.
 */
export function tierSpends(context: AnalysisContext): TieredSpend[] {
  const ceiling = lowCostCeilingCents(context);
  const tiered = context.model.plannedSpends.map((spend): TieredSpend => {
    const monthly = monthlyEquivalentCents(spend);
    const tier: CapitalTier =
      spend.amountCents === 0
        ? "zero-cost"
        : spend.revenueProducing
          ? "revenue-producing"
          : monthly <= ceiling
            ? "low-cost"
            : "do-not-deploy";
    const gatedBy = spend.dependsOn.flatMap((id) => {
      const doc = context.model.documents.find((d) => d.id === id);
      return doc !== undefined && doc.status !== "valid"
        ? [{ id: doc.id, name: doc.name, status: doc.status }]
        : [];
    });
    return { spend, tier, monthlyEquivalentCents: monthly, gatedBy };
  });
  return tiered.sort(
    (a, b) =>
      CAPITAL_TIERS.indexOf(a.tier) - CAPITAL_TIERS.indexOf(b.tier) ||
      a.monthlyEquivalentCents - b.monthlyEquivalentCents ||
      a.spend.id.localeCompare(b.spend.id),
  );
}

/** The months the policy checks cover: the audit year ending with the period. */
export function auditMonths(context: AnalysisContext): string[] {
  return trailingMonths(context.period, AUDIT_MONTHS);
}

/** Whether a transaction is in a policy's scope (pattern over the description and/or accounts). */
export function policyMatches(policy: Policy, t: Transaction): boolean {
  if (policy.match === undefined && policy.accounts.length === 0) return false;
  const byPattern = policy.match === undefined || new RegExp(policy.match, "i").test(t.description);
  const byAccount =
    policy.accounts.length === 0 || policy.accounts.some((prefix) => isUnder(t.category, prefix));
  return byPattern && byAccount;
}

/** A breach of a ledger policy: a forbidden transaction, or a month over its spend limit. */
export interface PolicyBreach {
  policy: Policy;
  /** Stable subject of the breach. */
  subject: string;
  transactions: Transaction[];
  /** For max-monthly-spend: the month and what was spent in it. */
  month?: string;
  spentCents: number;
}

/** Outflows (not internal transfers) of the tenant dated in the audit year. */
function auditOutflows(context: AnalysisContext): Transaction[] {
  const months = new Set(auditMonths(context));
  return context.model.transactions.filter(
    (t) => t.amountCents < 0 && months.has(monthOf(t.date)) && !isUnder(t.category, "transfers"),
  );
}

/** Every ledger policy breach over the audit year (capital-for-revenue-only is checked on plans). */
export function policyBreaches(context: AnalysisContext): PolicyBreach[] {
  const outflows = auditOutflows(context);
  return context.model.policies.flatMap((policy): PolicyBreach[] => {
    const matched = outflows.filter((t) => policyMatches(policy, t));
    if (policy.kind === "forbid-spend") {
      // The subject is the finding's id, which tasks are keyed by across months, so it stays
      // policy:entity:date:amount. Two identical purchases on one day (a card charged twice) would
      // share it: the first in ledger order keeps it, each later one adds its transaction id (and,
      // should even that repeat, a counter), so every purchase is reported under a distinct id.
      const taken = new Set<string>();
      return matched.map((t) => {
        const base = `${policy.id}:${t.entity}:${t.date}:${-t.amountCents}`;
        let subject = taken.has(base) ? `${base}:${t.id}` : base;
        for (let n = 2; taken.has(subject); n++) subject = `${base}:${t.id}:${n}`;
        taken.add(subject);
        return { policy, subject, transactions: [t], spentCents: -t.amountCents };
      });
    }
    if (policy.kind === "max-monthly-spend" && policy.limitCents !== undefined) {
      const limit = policy.limitCents;
      return auditMonths(context).flatMap((month) => {
        const rows = matched.filter((t) => monthOf(t.date) === month);
        const spent = -rows.reduce((sum, t) => sum + t.amountCents, 0);
        return spent > limit
          ? [
              {
                policy,
                subject: `${policy.id}:${month}`,
                transactions: rows,
                month,
                spentCents: spent,
              },
            ]
          : [];
      });
    }
    return [];
  });
}

/** Cents to a figure value (whole currency units, cents kept). */
function money(cents: number): number {
  return toCurrency(cents);
}

/** Finance analysis: burn, break-even, revenue targets, capital tiers and policy checks. */
export function analyseFinance(context: AnalysisContext): AnalysisOutput {
  const { model, period } = context;
  const end = periodEnd(period);
  const burn = monthlyBurn(context);
  const months = burn.map((m) => m.month);
  const window = monthRange(months);
  const ledgerRows = businessTransactions(context, months);
  const ledgerSources = sourcesOf(ledgerRows);
  const ledgerAsOf = latestAsOf(ledgerRows, end);
  const figures: Figure[] = [];
  const tables: Table[] = [];
  const ledgerFigure = (
    id: string,
    label: string,
    value: number,
    unit: Unit,
    basis: string,
    extra: Pick<Figure, "previous" | "better"> = {},
  ): Figure => ({
    id,
    label,
    value,
    unit,
    asOf: ledgerAsOf,
    sources: ledgerSources,
    basis,
    ...extra,
  });
  // Costs are better lower; a window average also carries last month's value when the ledger covers it.
  const before = previousWindowBurn(context);
  const lower = (pick?: (m: MonthBurn) => number): Pick<Figure, "previous" | "better"> => ({
    better: "lower",
    ...(pick !== undefined && before !== undefined
      ? { previous: money(Math.round(average(before.map(pick)))) }
      : {}),
  });

  const hasLedger = ledgerRows.length > 0;
  if (hasLedger) {
    const expenses = burn.map((m) => m.expensesCents);
    const low = burn.reduce((a, b) => (b.expensesCents < a.expensesCents ? b : a));
    const high = burn.reduce((a, b) => (b.expensesCents > a.expensesCents ? b : a));
    figures.push(
      ledgerFigure(
        "burn-rate-low",
        "Burn rate (low)",
        money(low.expensesCents),
        "USD/month",
        `Lowest month of ${window} (${shortMonth(low.month)}): expenses:* outflows of the business entities.`,
        lower(),
      ),
      ledgerFigure(
        "burn-rate-high",
        "Burn rate (high)",
        money(high.expensesCents),
        "USD/month",
        `Highest month of ${window} (${shortMonth(high.month)}): expenses:* outflows of the business entities.`,
        lower(),
      ),
      ledgerFigure(
        "burn-rate-average",
        "Burn rate (average)",
        money(Math.round(average(expenses))),
        "USD/month",
        `Average of ${burn.length} months, ${window}.`,
        lower((m) => m.expensesCents),
      ),
      ledgerFigure(
        "income-average",
        "Income (average)",
        money(Math.round(average(burn.map((m) => m.incomeCents)))),
        "USD/month",
        `income:* inflows of the business entities, average of ${window}.`,
        before === undefined
          ? {}
          : { previous: money(Math.round(average(before.map((m) => m.incomeCents)))) },
      ),
      ledgerFigure(
        "net-burn-average",
        "Net burn (average)",
        money(Math.round(average(burn.map((m) => m.netCents)))),
        "USD/month",
        `Expenses minus income, average of ${window}; positive means the businesses lose money.`,
        lower((m) => m.netCents),
      ),
      ledgerFigure(
        "net-burn-months",
        "Months with expenses above income",
        burn.filter((m) => m.netCents > 0).length,
        "count",
        `Of the ${burn.length} months ${window}.`,
        {
          better: "lower",
          ...(before !== undefined
            ? { previous: before.filter((m) => m.netCents > 0).length }
            : {}),
        },
      ),
      ledgerFigure(
        "owner-funding-average",
        "Owner contributions (average)",
        money(Math.round(average(burn.map((m) => m.ownerFundingCents)))),
        "USD/month",
        `equity:* inflows of the business entities, average of ${window}.`,
        lower((m) => m.ownerFundingCents),
      ),
      ledgerFigure(
        "uncategorised-outflow-monthly",
        "Uncategorised outflows (average)",
        money(Math.round(average(burn.map((m) => m.uncategorisedOutflowCents)))),
        "USD/month",
        `Outflows no category rule matched, average of ${window}; not in the burn rate.`,
        lower((m) => m.uncategorisedOutflowCents),
      ),
    );
    tables.push({
      id: "burn-by-month",
      title: `Burn by month, business entities, ${window}`,
      columns: [
        { key: "month", label: "Month" },
        { key: "expenses", label: "Expenses", unit: "USD" },
        { key: "fixed", label: "of which fixed", unit: "USD" },
        { key: "income", label: "Income", unit: "USD" },
        { key: "net", label: "Net burn", unit: "USD" },
        { key: "uncategorised", label: "Uncategorised outflows", unit: "USD" },
        { key: "owner", label: "Owner contributions", unit: "USD" },
      ],
      rows: burn.map((m) => [
        m.month,
        money(m.expensesCents),
        money(m.fixedCents),
        money(m.incomeCents),
        money(m.netCents),
        money(m.uncategorisedOutflowCents),
        money(m.ownerFundingCents),
      ]),
    });
  }

  const breakEven = hasLedger ? breakEvenOf(context) : undefined;
  if (breakEven !== undefined) {
    const { stream } = breakEven;
    const unitsLabel = unitPlural(breakEven.unit);
    const previousSold = breakEven.unitsSold[breakEven.unitsSold.length - 2];
    const streamRef = sourcesOf([stream]);
    const streamAsOf = stream.provenance.asOf;
    figures.push(
      ledgerFigure(
        "fixed-costs-monthly",
        "Fixed costs (average)",
        money(Math.round(breakEven.fixedCentsMonthly)),
        "USD/month",
        `expenses:* outside ${context.settings.variableCostAccounts.join(", ")}, average of ${window}.`,
        lower(),
      ),
      {
        id: "contribution-per-unit",
        label: `Contribution per ${breakEven.unit}`,
        value: money(breakEven.contributionCents),
        unit: "USD",
        asOf: streamAsOf,
        sources: streamRef,
        basis: `${stream.name}: price ${formatUsd(breakEven.priceCents)} minus variable cost ${formatUsd(breakEven.variableCostCents)}.`,
      },
      {
        id: "break-even-charters",
        label:
          breakEven.figureUnit === "charters/month"
            ? "Break-even"
            : `Break-even (${unitsLabel} per month)`,
        value: breakEven.units,
        unit: breakEven.figureUnit,
        asOf: ledgerAsOf,
        sources: [...streamRef, ...ledgerSources],
        basis: `${formatUsd(Math.round(breakEven.fixedCentsMonthly))} fixed costs ÷ ${formatUsd(breakEven.contributionCents)} per ${breakEven.unit} = ${(breakEven.fixedCentsMonthly / breakEven.contributionCents).toFixed(2)}, rounded up.`,
        better: "lower",
      },
      {
        id: "break-even-charters-with-uncategorised",
        label:
          breakEven.figureUnit === "charters/month"
            ? "Break-even, uncategorised outflows counted as fixed"
            : `Break-even, uncategorised outflows counted as fixed (${unitsLabel} per month)`,
        value: breakEven.unitsWithUncategorised,
        unit: breakEven.figureUnit,
        asOf: ledgerAsOf,
        sources: [...streamRef, ...ledgerSources],
        basis: `(${formatUsd(Math.round(breakEven.fixedCentsMonthly))} + ${formatUsd(Math.round(breakEven.uncategorisedCentsMonthly / 100) * 100)}) ÷ ${formatUsd(breakEven.contributionCents)} = ${((breakEven.fixedCentsMonthly + breakEven.uncategorisedCentsMonthly) / breakEven.contributionCents).toFixed(2)}, rounded up.`,
        better: "lower",
      },
      {
        id: "break-even-revenue-monthly",
        label: "Break-even revenue",
        value: money(Math.round(breakEven.revenueCentsMonthly)),
        unit: "USD/month",
        asOf: ledgerAsOf,
        sources: [...streamRef, ...ledgerSources],
        basis: `Fixed costs ÷ contribution margin of ${stream.name} (${((breakEven.contributionCents / breakEven.priceCents) * 100).toFixed(1)}%).`,
        better: "lower",
      },
      {
        id: "units-sold-average",
        label: `${capitalise(unitsLabel)} sold per month (average)`,
        value: Math.round(breakEven.unitsSoldAverage * 100) / 100,
        unit: "count",
        asOf: latestAsOf(breakEven.bookings, end),
        sources: sourcesOf(breakEven.bookings),
        basis: `${breakEven.bookings.length} confirmed or completed ${stream.id} bookings with service in ${window}.`,
        // Break-even is the volume a month has to reach.
        target: breakEven.units,
      },
      {
        id: "units-sold-period",
        label: `${capitalise(unitsLabel)} sold in ${shortMonth(period)}`,
        value: breakEven.unitsSold[breakEven.unitsSold.length - 1]?.units ?? 0,
        unit: "count",
        asOf: latestAsOf(breakEven.bookings, end),
        sources: sourcesOf(breakEven.bookings),
        basis: `Confirmed or completed ${stream.id} bookings with service in ${shortMonth(period)}.`,
        target: breakEven.units,
        ...(previousSold !== undefined ? { previous: previousSold.units } : {}),
      },
    );
    if (breakEven.ledgerVariableCostPerUnitCents !== undefined) {
      figures.push(
        ledgerFigure(
          "variable-cost-per-unit-ledger",
          `Variable cost per ${breakEven.unit}, from the ledger`,
          money(Math.round(breakEven.ledgerVariableCostPerUnitCents)),
          "USD",
          `Variable-cost accounts over ${window} ÷ ${breakEven.bookings.length} ${unitsLabel} sold; the stream assumes ${formatUsd(breakEven.variableCostCents)}.`,
          lower(),
        ),
      );
    }
    tables.push({
      id: "units-sold-by-month",
      title: `${capitalise(unitsLabel)} sold against break-even, ${window}`,
      columns: [
        { key: "month", label: "Month" },
        { key: "sold", label: `${capitalise(unitsLabel)} sold`, unit: "count" },
        { key: "breakEven", label: "Break-even", unit: "count" },
        { key: "gap", label: "Short by", unit: "count" },
      ],
      rows: breakEven.unitsSold.map((u) => [
        u.month,
        u.units,
        breakEven.units,
        Math.max(0, breakEven.units - u.units),
      ]),
    });
  }

  const targets = hasLedger || model.kpiTargets.length > 0 ? revenueTargets(context) : [];
  if (targets.length > 0) {
    const kpiSources = sourcesOf(
      [...model.kpiTargets, ...model.kpiObservations].filter((k) => k.kpi === REVENUE_KPI),
    );
    const targetSources = kpiSources.length > 0 ? kpiSources : ledgerSources;
    const history = revenueHistory(context);
    tables.push(
      revenueTable("revenue-targets", "Monthly revenue targets", targets),
      revenueTable("revenue-by-month", "Monthly revenue against target", history),
    );
    const current = targets[0];
    const last = targets[targets.length - 1];
    const [before] = revenueByMonth(context, [addMonths(period, -1)]);
    if (current !== undefined && current.actualCents !== undefined) {
      figures.push(
        {
          id: "revenue-actual-period",
          label: `Revenue, ${shortMonth(period)}`,
          value: money(current.actualCents),
          unit: "USD",
          asOf: end,
          sources: targetSources,
          basis: `${REVENUE_KPI} observed for ${period} (cash income of the month).`,
          target: money(current.targetCents),
          ...(before?.actualCents !== undefined ? { previous: money(before.actualCents) } : {}),
        },
        {
          id: "revenue-target-period",
          label: `Revenue target, ${shortMonth(period)}`,
          value: money(current.targetCents),
          unit: "USD",
          asOf: end,
          sources: targetSources,
          basis:
            current.basis === "kpi-target"
              ? `${REVENUE_KPI} target for ${period}.`
              : "Break-even revenue (no target set).",
        },
        {
          id: "revenue-gap-period",
          label: `Revenue minus target, ${shortMonth(period)}`,
          value: money(current.actualCents - current.targetCents),
          unit: "USD",
          asOf: end,
          sources: targetSources,
          basis: "Negative when the month missed its target.",
        },
      );
    }
    if (last !== undefined) {
      figures.push({
        id: "revenue-target-horizon",
        label: `Revenue target, ${shortMonth(last.month)}`,
        value: money(last.targetCents),
        unit: "USD/month",
        asOf: end,
        sources: targetSources,
        basis:
          last.basis === "kpi-target"
            ? `${REVENUE_KPI} target for ${last.month}, the end of the planning horizon.`
            : "Break-even revenue (no target set for the horizon month).",
      });
    }
    const measured = history.filter((t) => t.actualCents !== undefined);
    if (measured.length > 0) {
      const met = measured.filter((t) => (t.actualCents ?? 0) >= t.targetCents).length;
      figures.push({
        id: "revenue-months-on-target",
        label: "Months at or above the revenue target",
        value: met,
        unit: "count",
        asOf: end,
        sources: targetSources,
        basis: `Of the ${measured.length} months of ${monthRange(measured.map((t) => t.month))} with an actual.`,
      });
    }
  }

  const tiered = tierSpends(context);
  if (tiered.length > 0) {
    const plannedSources = sourcesOf(model.plannedSpends);
    const plannedAsOf = latestAsOf(model.plannedSpends, end);
    for (const tier of CAPITAL_TIERS) {
      const inTier = tiered.filter((t) => t.tier === tier);
      figures.push({
        id: `capital-tier-${tier}`,
        label: `Planned spends: ${TIER_LABELS[tier].toLowerCase()}`,
        value: inTier.length,
        unit: "count",
        asOf: plannedAsOf,
        sources: plannedSources,
        basis: `Tier of ${inTier.length} of ${tiered.length} planned spends (low-cost ceiling ${formatUsd(lowCostCeilingCents(context))}/month).`,
      });
    }
    const doNot = tiered.filter((t) => t.tier === "do-not-deploy");
    figures.push({
      id: "capital-do-not-deploy-total",
      label: "Planned spend not to fund now",
      value: money(doNot.reduce((sum, t) => sum + t.spend.amountCents, 0)),
      unit: "USD",
      asOf: plannedAsOf,
      sources: plannedSources,
      basis: "Sum of the amounts of the do-not-deploy tier.",
    });
    tables.push({
      id: "capital-deployment",
      title: "Capital-deployment tiers of the planned spends",
      columns: [
        { key: "tier", label: "Tier" },
        { key: "spend", label: "Planned spend" },
        { key: "entity", label: "Entity" },
        { key: "amount", label: "Amount", unit: "USD" },
        { key: "cadence", label: "Cadence" },
        { key: "revenue", label: "Produces revenue" },
        { key: "gated", label: "Waiting on" },
      ],
      rows: tiered.map((t) => [
        TIER_LABELS[t.tier],
        t.spend.description,
        entityName(model, t.spend.entity),
        money(t.spend.amountCents),
        t.spend.cadence,
        t.spend.revenueProducing ? "yes" : "no",
        t.gatedBy.length === 0 ? "—" : t.gatedBy.map((g) => `${g.name} (${g.status})`).join("; "),
      ]),
    });
  }

  if (model.policies.length > 0) {
    const breaches = policyBreaches(context);
    const audit = auditMonths(context);
    const doNot = tiered.filter((t) => t.tier === "do-not-deploy");
    tables.push({
      id: "policy-checks",
      title: `Financial rules checked, ${monthRange(audit)}`,
      columns: [
        { key: "policy", label: "Rule" },
        { key: "check", label: "What is checked" },
        { key: "result", label: "Result" },
      ],
      rows: model.policies.map((p) => {
        const mine = breaches.filter((b) => b.policy.id === p.id);
        const spent = mine.reduce((sum, b) => sum + b.spentCents, 0);
        const scope = [
          p.match !== undefined ? `descriptions matching /${p.match}/` : "",
          p.accounts.length > 0 ? `accounts ${p.accounts.join(", ")}` : "",
        ]
          .filter(Boolean)
          .join(" in ");
        if (p.kind === "capital-for-revenue-only") {
          return [
            `${p.id}: ${p.description}`,
            "Planned spends that do not produce revenue",
            doNot.length === 0
              ? "no planned spend to refuse"
              : `${doNot.length} planned spend${doNot.length === 1 ? "" : "s"} not to fund (${formatUsd(doNot.reduce((sum, t) => sum + t.spend.amountCents, 0))})`,
          ];
        }
        const check =
          p.kind === "forbid-spend"
            ? `Outflows, ${scope}`
            : `Monthly outflows above ${formatUsd(p.limitCents ?? 0)}, ${scope || "all accounts"}`;
        const unit = p.kind === "forbid-spend" ? "row" : "month";
        return [
          `${p.id}: ${p.description}`,
          check,
          mine.length === 0
            ? "no breach"
            : `${mine.length} ${unit}${mine.length === 1 ? "" : "s"} in breach (${formatUsd(spent)})`,
        ];
      }),
    });
  }

  return { figures, tables };
}

/** A table of monthly revenue targets and actuals, titled with its months. */
function revenueTable(id: string, title: string, rows: readonly RevenueTargetRow[]): Table {
  return {
    id,
    title: `${title}, ${monthRange(rows.map((t) => t.month))}`,
    columns: [
      { key: "month", label: "Month" },
      { key: "target", label: "Target", unit: "USD" },
      { key: "basis", label: "Target from" },
      { key: "actual", label: "Actual", unit: "USD" },
      { key: "gap", label: "Actual minus target", unit: "USD" },
    ],
    rows: rows.map((t): Cell[] => [
      t.month,
      toCurrency(t.targetCents),
      t.basis === "kpi-target" ? `${REVENUE_KPI} target` : "break-even revenue",
      t.actualCents !== undefined ? toCurrency(t.actualCents) : "—",
      t.actualCents !== undefined ? toCurrency(t.actualCents - t.targetCents) : "—",
    ]),
  };
}

/** `$1,300` or `$7,345.83` from cents, for bases and evidence text. */
export function formatUsd(cents: number): string {
  const value = Math.round(cents) / 100;
  const digits = Number.isInteger(value) ? 0 : 2;
  const text = fixedGrouped(Math.abs(value), digits);
  return `${value < 0 ? "-" : ""}$${text}`;
}

/** Upper-cases the first letter. */
export function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** `YYYY-MM` months after the period, up to the horizon (used by the roadmap). */
export function monthsAhead(context: AnalysisContext): string[] {
  return monthsBetween(context.period, context.settings.planningHorizon).slice(1);
}
