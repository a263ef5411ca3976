import { bodyRows } from "../analysis/common.js";
import type { Cell, Figure, Table, Unit } from "../analysis/types.js";
import { formatValue } from "../reports/compose.js";
import type { ReportDocument } from "../reports/document.js";
import type { Gate, GateProblem, GateReport } from "./types.js";

// Figure consistency: a batch of reports tells one story. A figure quoted twice has one value;
// figures that depend on each other agree (break-even, net burn, revenue gaps, table totals);
// and every dollar amount in generated prose can be traced to a figure or a table cell of the
// same report. Every check runs only when the figures and tables it needs are shown.

/** Money is shown to the cent at best; identities between shown values hold within a cent. */
const CENT = 0.01 + 1e-9;

/** Every figure quoted in the batch agrees with itself and with the figures it derives from. */
export const figureConsistencyGate: Gate = (input) => {
  const facts = new Facts(input.reports, input.period);
  return [
    ...conflictingFigures(facts),
    ...crossChecks(facts),
    ...input.reports.flatMap((r) => orphanAmounts(r.document)),
  ];
};

/** Where a figure or table is shown. */
interface Placed<T> {
  item: T;
  report: string;
  section: string;
}

/** The figures and tables a batch shows, by id. */
class Facts {
  readonly figures = new Map<string, Placed<Figure>[]>();
  readonly tables = new Map<string, Placed<Table>>();
  /** Every showing of each table, to compare copies. */
  readonly tableCopies = new Map<string, Placed<Table>[]>();

  constructor(
    reports: readonly GateReport[],
    /** `YYYY-MM` of the batch. */
    readonly period: string,
  ) {
    for (const { document } of reports) {
      for (const section of document.sections) {
        for (const block of section.blocks) {
          const at = { report: document.id, section: section.id };
          if (block.type === "figures") {
            for (const f of block.figures) {
              this.figures.set(f.id, [...(this.figures.get(f.id) ?? []), { item: f, ...at }]);
            }
          } else if (block.type === "table") {
            const placed = { item: block.table, ...at };
            if (!this.tables.has(block.table.id)) this.tables.set(block.table.id, placed);
            this.tableCopies.set(block.table.id, [
              ...(this.tableCopies.get(block.table.id) ?? []),
              placed,
            ]);
          }
        }
      }
    }
  }

  figure(id: string): Figure | undefined {
    return this.figures.get(id)?.[0]?.item;
  }

  /** The body rows of a table (without its "Total" row), as records by column key. */
  rows(id: string): Record<string, Cell>[] | undefined {
    const table = this.tables.get(id)?.item;
    if (table === undefined) return undefined;
    return bodyRows(table).map((row) =>
      Object.fromEntries(table.columns.map((c, i) => [c.key, row[i] as Cell])),
    );
  }

  /** The numbers of a column of a table's body rows, less another column's (text left out). */
  column(id: string, key: string, minus?: string): number[] | undefined {
    const rows = this.rows(id);
    const keys = this.tables.get(id)?.item.columns.map((c) => c.key) ?? [];
    if (rows === undefined || !keys.includes(key) || (minus !== undefined && !keys.includes(minus)))
      return undefined;
    return rows.flatMap((r) => {
      const value = r[key];
      const less = minus === undefined ? 0 : r[minus];
      return typeof value === "number" && typeof less === "number" ? [value - less] : [];
    });
  }

  /** Report and section of a figure or table, for the problem. */
  place(id: string): { report?: string; section?: string } {
    const placed = this.figures.get(id)?.[0] ?? this.tables.get(id);
    return placed === undefined ? {} : { report: placed.report, section: placed.section };
  }
}

// -- (a) one figure, one value ---------------------------------------------------------------

const DEFECT =
  "figures and tables are computed once per run and quoted by id; a report that recomputed or edited one is a defect in its assembler: report it with the run id";

/** A figure as shown, or to full precision when the shown forms of the two would look alike. */
function shownAs(figure: Figure, other: Figure): string {
  const shown = formatValue(figure.value, figure.unit);
  return shown === formatValue(other.value, other.unit) ? `${figure.value} ${figure.unit}` : shown;
}

function conflictingFigures(facts: Facts): GateProblem[] {
  const problems: GateProblem[] = [];
  for (const [id, shown] of facts.figures) {
    const [first] = shown;
    if (first === undefined) continue;
    const other = shown.find(
      (s) => s.item.value !== first.item.value || s.item.unit !== first.item.unit,
    );
    if (other === undefined) continue;
    problems.push({
      gate: "figure-consistency",
      report: other.report,
      section: other.section,
      message: `figure "${id}" is ${shownAs(first.item, other.item)} in section ${first.section} of ${first.report} but ${shownAs(other.item, first.item)} in section ${other.section} of ${other.report}`,
      fix: DEFECT,
    });
  }
  for (const [id, copies] of facts.tableCopies) {
    const [first] = copies;
    if (first === undefined) continue;
    const shape = (t: Table) => JSON.stringify([t.columns, t.rows]);
    const other = copies.find((c) => shape(c.item) !== shape(first.item));
    if (other === undefined) continue;
    problems.push({
      gate: "figure-consistency",
      report: other.report,
      section: other.section,
      message: `table "${id}" in section ${other.section} of ${other.report} differs from the same table in section ${first.section} of ${first.report}`,
      fix: DEFECT,
    });
  }
  return problems;
}

// -- (b) cross-checks ------------------------------------------------------------------------

/** A disagreement found by a cross-check, placed at the figure or table it names first. */
interface Mismatch {
  at: string;
  message: string;
}

/** A figure that is a sum, mean, extreme, last value or row count of a table column. */
interface Aggregate {
  figure: string;
  table: string;
  column?: string;
  /** A column subtracted row by row first (value less paid). */
  minus?: string;
  of: "sum" | "mean" | "min" | "max" | "last" | "count";
}

const AGGREGATES: readonly Aggregate[] = [
  { figure: "burn-rate-low", table: "burn-by-month", column: "expenses", of: "min" },
  { figure: "burn-rate-high", table: "burn-by-month", column: "expenses", of: "max" },
  { figure: "burn-rate-average", table: "burn-by-month", column: "expenses", of: "mean" },
  { figure: "income-average", table: "burn-by-month", column: "income", of: "mean" },
  { figure: "net-burn-average", table: "burn-by-month", column: "net", of: "mean" },
  { figure: "fixed-costs-monthly", table: "burn-by-month", column: "fixed", of: "mean" },
  { figure: "owner-funding-average", table: "burn-by-month", column: "owner", of: "mean" },
  {
    figure: "uncategorised-outflow-monthly",
    table: "burn-by-month",
    column: "uncategorised",
    of: "mean",
  },
  { figure: "units-sold-average", table: "units-sold-by-month", column: "sold", of: "mean" },
  { figure: "units-sold-period", table: "units-sold-by-month", column: "sold", of: "last" },
  { figure: "revenue-earned-period", table: "revenue-recognition", column: "earned", of: "sum" },
  { figure: "income-ledger-period", table: "revenue-recognition", column: "cash", of: "sum" },
  { figure: "revenue-deferred", table: "revenue-recognition", column: "deferred", of: "sum" },
  { figure: "revenue-receivable", table: "revenue-recognition", column: "receivable", of: "sum" },
  { figure: "pipeline-value", table: "pipeline-detail", column: "value", of: "sum" },
  {
    figure: "pipeline-balance",
    table: "pipeline-detail",
    column: "value",
    minus: "paid",
    of: "sum",
  },
  { figure: "pipeline-bookings", table: "pipeline-detail", of: "count" },
  { figure: "email-list-size", table: "email-blast-case", column: "contacts", of: "max" },
  { figure: "aws-monthly-estimate-low", table: "cloud-costs", column: "low", of: "sum" },
  { figure: "aws-monthly-estimate-high", table: "cloud-costs", column: "high", of: "sum" },
  { figure: "aws-monthly-savings", table: "cloud-savings", column: "saving", of: "sum" },
  { figure: "missing-kpi-count", table: "missing-kpis", of: "count" },
  { figure: "asset-count", table: "asset-inventory", of: "count" },
  { figure: "revenue-stream-count", table: "revenue-streams", of: "count" },
];

/** Identities between figures and tables, each run when what it needs is shown. */
const CHECKS: readonly ((facts: Facts) => Mismatch[])[] = [
  aggregates,
  totalRows,
  breakEven,
  netBurn,
  burnRange,
  revenueGap,
  revenueTables,
  unitsSoldTable,
  burnTableRows,
  emailBlast,
  uncategorisedShare,
];

function crossChecks(facts: Facts): GateProblem[] {
  return CHECKS.flatMap((check) => check(facts)).map((m) => ({
    gate: "figure-consistency" as const,
    ...facts.place(m.at),
    message: m.message,
    fix: "figures that derive from each other disagree: one was computed from other data or changed after the analysis, a defect in exec-intel; rerun `exec-intel run --dry-run` and report it with the run id if it persists",
  }));
}

function money(value: number, unit: Unit = "USD"): string {
  return formatValue(value, unit);
}

function aggregates(facts: Facts): Mismatch[] {
  return AGGREGATES.flatMap((a) => {
    const figure = facts.figure(a.figure);
    const rows = facts.rows(a.table);
    if (figure === undefined || rows === undefined) return [];
    let expected: number | undefined;
    if (a.of === "count") expected = rows.length;
    else {
      const values = a.column === undefined ? undefined : facts.column(a.table, a.column, a.minus);
      if (values === undefined || (values.length === 0 && a.of !== "sum")) return [];
      expected = aggregate(values, a.of);
    }
    if (Math.abs(figure.value - expected) <= (a.of === "count" ? 0 : CENT)) return [];
    const column = a.minus === undefined ? a.column : `${a.column} less ${a.minus}`;
    const table =
      a.of === "count"
        ? `table "${a.table}" has ${expected} rows`
        : `the ${a.of} of column "${column}" of table "${a.table}" is ${money(expected, figure.unit)}`;
    return [
      {
        at: a.figure,
        message: `figure "${a.figure}" is ${money(figure.value, figure.unit)} but ${table}`,
      },
    ];
  });
}

function aggregate(values: number[], of: Exclude<Aggregate["of"], "count">): number {
  switch (of) {
    case "sum":
      return values.reduce((s, v) => s + v, 0);
    case "mean":
      return values.reduce((s, v) => s + v, 0) / values.length;
    case "min":
      return Math.min(...values);
    case "max":
      return Math.max(...values);
    case "last":
      return values[values.length - 1] as number;
  }
}

/** A "Total" row is the sum of the rows above it, column by column. */
function totalRows(facts: Facts): Mismatch[] {
  const out: Mismatch[] = [];
  for (const [id, { item: table }] of facts.tables) {
    const total = table.rows.find((row) => row[0] === "Total");
    if (total === undefined) continue;
    table.columns.forEach((column, i) => {
      const shown = total[i];
      if (typeof shown !== "number" || column.unit === undefined) return;
      const sum = bodyRows(table).reduce(
        (s, row) => s + (typeof row[i] === "number" ? row[i] : 0),
        0,
      );
      if (Math.abs(sum - shown) > CENT) {
        out.push({
          at: id,
          message: `the Total row of table "${id}" shows ${money(shown, column.unit)} in column "${column.key}" but its rows sum to ${money(sum, column.unit)}`,
        });
      }
    });
  }
  return out;
}

/**
 * Break-even is fixed costs ÷ contribution rounded up to whole units: the units must cover the
 * fixed costs, and one unit fewer must not (within half a cent of the rounded fixed costs).
 */
function breakEven(facts: Facts): Mismatch[] {
  const contribution = facts.figure("contribution-per-unit");
  const fixed = facts.figure("fixed-costs-monthly");
  if (contribution === undefined || fixed === undefined || contribution.value <= 0) return [];
  const uncategorised = facts.figure("uncategorised-outflow-monthly");
  const cases = [
    { id: "break-even-charters", costs: fixed.value, what: "fixed costs" },
    ...(uncategorised !== undefined
      ? [
          {
            id: "break-even-charters-with-uncategorised",
            costs: fixed.value + uncategorised.value,
            what: "fixed costs plus uncategorised outflows",
          },
        ]
      : []),
  ];
  return cases.flatMap(({ id, costs, what }) => {
    const units = facts.figure(id)?.value;
    if (units === undefined) return [];
    const covers = units * contribution.value >= costs - CENT;
    const minimal = (units - 1) * contribution.value < costs + CENT;
    if (covers && minimal) return [];
    return [
      {
        at: id,
        message: `break-even "${id}" of ${units} × ${money(contribution.value)} contribution = ${money(units * contribution.value)} ${covers ? "covers" : "does not cover"} ${money(costs)} of ${what}${covers ? `, and so does ${units - 1}` : ""}: ${money(costs)} ÷ ${money(contribution.value)} rounds up to ${Math.ceil((costs - CENT) / contribution.value)}`,
      },
    ];
  });
}

/** Net burn is the burn less the income over the same months. */
function netBurn(facts: Facts): Mismatch[] {
  const net = facts.figure("net-burn-average");
  const burn = facts.figure("burn-rate-average");
  const income = facts.figure("income-average");
  if (net === undefined || burn === undefined || income === undefined) return [];
  const expected = burn.value - income.value;
  if (Math.abs(net.value - expected) <= CENT) return [];
  return [
    {
      at: "net-burn-average",
      message: `net burn "net-burn-average" is ${money(net.value, net.unit)} but burn ${money(burn.value, burn.unit)} less income ${money(income.value, income.unit)} is ${money(expected, net.unit)}`,
    },
  ];
}

function burnRange(facts: Facts): Mismatch[] {
  const [low, average, high] = ["burn-rate-low", "burn-rate-average", "burn-rate-high"].map((id) =>
    facts.figure(id),
  );
  if (low === undefined || high === undefined) return [];
  const inOrder =
    low.value <= high.value &&
    (average === undefined || (low.value <= average.value && average.value <= high.value));
  if (inOrder) return [];
  return [
    {
      at: "burn-rate-low",
      message: `burn rates are out of order: low ${money(low.value, low.unit)}, ${average !== undefined ? `average ${money(average.value, average.unit)}, ` : ""}high ${money(high.value, high.unit)}`,
    },
  ];
}

/** The period's revenue gap is actual less target, and the actual carries the same target. */
function revenueGap(facts: Facts): Mismatch[] {
  const actual = facts.figure("revenue-actual-period");
  const target = facts.figure("revenue-target-period");
  if (actual === undefined || target === undefined) return [];
  const out: Mismatch[] = [];
  const gap = facts.figure("revenue-gap-period");
  if (gap !== undefined && Math.abs(gap.value - (actual.value - target.value)) > CENT) {
    out.push({
      at: "revenue-gap-period",
      message: `"revenue-gap-period" is ${money(gap.value)} but revenue ${money(actual.value)} less target ${money(target.value)} is ${money(actual.value - target.value)}`,
    });
  }
  if (actual.target !== undefined && Math.abs(actual.target - target.value) > CENT) {
    out.push({
      at: "revenue-actual-period",
      message: `"revenue-actual-period" is measured against ${money(actual.target)} but "revenue-target-period" is ${money(target.value)}`,
    });
  }
  return out;
}

/** Monthly revenue tables: each gap is actual less target; the period and horizon rows match the figures. */
function revenueTables(facts: Facts): Mismatch[] {
  const out: Mismatch[] = [];
  for (const id of ["revenue-targets", "revenue-by-month"]) {
    for (const row of facts.rows(id) ?? []) {
      const { target, actual, gap } = row;
      if (typeof target !== "number" || typeof actual !== "number" || typeof gap !== "number")
        continue;
      if (Math.abs(gap - (actual - target)) > CENT) {
        out.push({
          at: id,
          message: `table "${id}", ${row.month}: actual ${money(actual)} less target ${money(target)} is ${money(actual - target)}, not the ${money(gap)} shown`,
        });
      }
    }
  }
  const rows = facts.rows("revenue-targets");
  const current = rows?.find((r) => r.month === facts.period);
  const last = rows?.[rows.length - 1];
  for (const [id, key] of [
    ["revenue-target-period", "target"],
    ["revenue-actual-period", "actual"],
  ] as const) {
    const figure = facts.figure(id);
    const cell = current?.[key];
    if (figure !== undefined && typeof cell === "number" && Math.abs(cell - figure.value) > CENT) {
      out.push({
        at: id,
        message: `"${id}" is ${money(figure.value)} but table "revenue-targets" shows ${money(cell)} for ${facts.period}`,
      });
    }
  }
  const horizon = facts.figure("revenue-target-horizon");
  if (horizon !== undefined && typeof last?.target === "number" && last.target !== horizon.value) {
    out.push({
      at: "revenue-target-horizon",
      message: `"revenue-target-horizon" is ${money(horizon.value, horizon.unit)} but table "revenue-targets" ends ${last.month} at ${money(last.target)}`,
    });
  }
  return out;
}

/** Units sold by month: each row's break-even is the figure, and the shortfall is their difference. */
function unitsSoldTable(facts: Facts): Mismatch[] {
  const units = facts.figure("break-even-charters");
  return (facts.rows("units-sold-by-month") ?? []).flatMap((row) => {
    const { sold, breakEven: even, gap } = row;
    if (typeof sold !== "number" || typeof even !== "number" || typeof gap !== "number") return [];
    const wrongEven = units !== undefined && even !== units.value;
    const wrongGap = gap !== Math.max(0, even - sold);
    if (!wrongEven && !wrongGap) return [];
    return [
      {
        at: "units-sold-by-month",
        message: wrongEven
          ? `table "units-sold-by-month", ${row.month}: break-even ${even} differs from figure "break-even-charters" (${units?.value})`
          : `table "units-sold-by-month", ${row.month}: ${sold} sold against ${even} is ${Math.max(0, even - sold)} short, not ${gap}`,
      },
    ];
  });
}

/** Burn by month: each month's net burn is its expenses less its income. */
function burnTableRows(facts: Facts): Mismatch[] {
  return (facts.rows("burn-by-month") ?? []).flatMap((row) => {
    const { expenses, income, net } = row;
    if (typeof expenses !== "number" || typeof income !== "number" || typeof net !== "number")
      return [];
    if (Math.abs(net - (expenses - income)) <= CENT) return [];
    return [
      {
        at: "burn-by-month",
        message: `table "burn-by-month", ${row.month}: expenses ${money(expenses)} less income ${money(income)} is ${money(expenses - income)}, not the ${money(net)} net burn shown`,
      },
    ];
  });
}

/**
 * Email blast: each case is worth its bookings times the value per booking (bookings are shown
 * to two decimals, hence the tolerance), and the low and high figures are the list's cases.
 */
function emailBlast(facts: Facts): Mismatch[] {
  const rows = facts.rows("email-blast-case") ?? [];
  const out: Mismatch[] = [];
  for (const row of rows) {
    const { bookings, per, value } = row;
    if (typeof bookings !== "number" || typeof per !== "number" || typeof value !== "number")
      continue;
    if (Math.abs(value - bookings * per) > 0.005 * per + CENT) {
      out.push({
        at: "email-blast-case",
        message: `table "email-blast-case", ${row.campaign} (${row.case}): ${bookings} bookings × ${money(per)} is ${money(bookings * per)}, not the ${money(value)} shown`,
      });
    }
  }
  const size = facts.figure("email-list-size")?.value;
  const values = rows
    .filter((r) => size === undefined || r.contacts === size)
    .map((r) => r.value)
    .filter((v): v is number => typeof v === "number");
  if (values.length === 0) return out;
  for (const [id, expected] of [
    ["email-blast-value-low", Math.min(...values)],
    ["email-blast-value-high", Math.max(...values)],
  ] as const) {
    const figure = facts.figure(id);
    if (figure !== undefined && Math.abs(figure.value - expected) > CENT) {
      out.push({
        at: id,
        message: `"${id}" is ${money(figure.value)} but table "email-blast-case" puts that case at ${money(expected)}`,
      });
    }
  }
  return out;
}

/** The uncategorised share of rows is uncategorised rows over all rows (shown to 0.1%). */
function uncategorisedShare(facts: Facts): Mismatch[] {
  const share = facts.figure("uncategorised-share");
  const rows = facts.figure("uncategorised-rows");
  const all = facts.figure("ledger-rows");
  if (share === undefined || rows === undefined || all === undefined || all.value === 0) return [];
  const expected = (rows.value / all.value) * 100;
  if (Math.abs(share.value - expected) <= 0.05 + 1e-9) return [];
  return [
    {
      at: "uncategorised-share",
      message: `"uncategorised-share" is ${formatValue(share.value, "percent")} but ${rows.value} of ${all.value} rows is ${formatValue(expected, "percent")}`,
    },
  ];
}

// -- (c) no orphan amounts -------------------------------------------------------------------

/** `$1,234`, `-$7.50`, `$8.3K`; the shown precision says how far the source may be. */
const AMOUNT = /-?\$(\d+(?:,\d{3})*(?:\.\d+)?)([KM])?(?!\d)/g;
/** An amount that states a monthly figure per year, e.g. "$300 a year". */
const PER_YEAR = /^\s*(?:a|per)\s+year|^\/year/;

/** A money amount in prose and how far from it a source may lie and still round to it. */
interface Amount {
  text: string;
  value: number;
  tolerance: number;
  perYear: boolean;
}

/** Amounts a report shows outside prose: figures (value, target, previous, basis) and table cells. */
interface Sources {
  amounts: number[];
  /** Monthly amounts, which prose may also state per year (× 12). */
  monthly: number[];
}

/**
 * Every dollar amount in a report's paragraphs and subject is one the report shows in a figure
 * (its value, target, previous value or basis) or a table cell, within the shown rounding; or
 * twelve times a monthly one when the prose says "a year".
 */
function orphanAmounts(document: ReportDocument): GateProblem[] {
  const sources = sourcesOf(document);
  const problems: GateProblem[] = [];
  const check = (text: string, section?: string) => {
    for (const amount of amountsIn(text)) {
      if (traced(amount, sources)) continue;
      problems.push({
        gate: "figure-consistency",
        report: document.id,
        ...(section !== undefined ? { section } : {}),
        message: `"${amount.text}" in ${section !== undefined ? `section ${section} of ` : "the subject of "}${document.id} matches no figure or table cell of the report`,
        fix: "every amount in prose must quote a figure or table cell the report shows: show the figure it comes from, or word the sentence from one (the sentence is built by the report assembler: report it as a defect)",
      });
    }
  };
  check(document.subject);
  for (const section of document.sections) {
    for (const block of section.blocks)
      if (block.type === "paragraph") check(block.text, section.id);
  }
  return problems;
}

function amountsIn(text: string): Amount[] {
  return [...text.matchAll(AMOUNT)].map((m) => {
    const digits = m[1] as string;
    const scale = m[2] === "K" ? 1e3 : m[2] === "M" ? 1e6 : 1;
    const decimals = digits.split(".")[1]?.length ?? 0;
    return {
      text: m[0],
      value: Number(digits.replaceAll(",", "")) * scale,
      tolerance: 0.5 * 10 ** -decimals * scale + 1e-9,
      perYear: PER_YEAR.test(text.slice(m.index + m[0].length)),
    };
  });
}

function traced(amount: Amount, sources: Sources): boolean {
  const near = (v: number) => Math.abs(Math.abs(v) - amount.value) <= amount.tolerance;
  return (
    sources.amounts.some(near) || (amount.perYear && sources.monthly.some((m) => near(12 * m)))
  );
}

function sourcesOf(document: ReportDocument): Sources {
  const sources: Sources = { amounts: [], monthly: [] };
  const add = (value: number, unit: Unit | undefined) => {
    if (unit !== "USD" && unit !== "USD/month") return;
    sources.amounts.push(value);
    if (unit === "USD/month") sources.monthly.push(value);
  };
  const addText = (text: string) => {
    for (const m of text.matchAll(AMOUNT)) {
      const monthly = text.slice(m.index + m[0].length).startsWith("/month");
      add(Number((m[1] as string).replaceAll(",", "")), monthly ? "USD/month" : "USD");
    }
  };
  for (const section of document.sections) {
    for (const block of section.blocks) {
      if (block.type === "figures") {
        for (const f of block.figures) {
          for (const v of [f.value, f.target, f.previous]) if (v !== undefined) add(v, f.unit);
          if (f.basis !== undefined) addText(f.basis);
        }
      } else if (block.type === "table") {
        const { columns, rows } = block.table;
        for (const row of rows) {
          row.forEach((cell, i) => {
            if (typeof cell === "number") add(cell, columns[i]?.unit);
            else addText(cell);
          });
        }
      }
    }
  }
  return sources;
}
