import type { TenantModel, Traced } from "../model/index.js";
import type { Cell, Figure, SourceRef, Table, Unit } from "./types.js";

export { daysBetween, periodEnd } from "../freshness.js";

// Small helpers every analysis and report shares: dates, month names, entity names, sources.

const MONTH_NAMES = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
] as const;

/** `2026-10` → "October 2026" (or "Oct 2026" when short). */
export function monthName(period: string, short = false): string {
  const [year, month] = period.split("-").map(Number) as [number, number];
  const name = MONTH_NAMES[month - 1] ?? period;
  return `${short ? name.slice(0, 3) : name} ${year}`;
}

/** `2026-10` → "Oct 2026". */
export function shortMonth(period: string): string {
  return monthName(period, true);
}

/** "May–Oct 2026" (or "Nov 2025–Oct 2026") for a run of months. */
export function monthRange(months: readonly string[]): string {
  const first = months[0];
  const last = months[months.length - 1];
  if (first === undefined || last === undefined) return "";
  if (first === last) return shortMonth(first);
  return first.slice(0, 4) === last.slice(0, 4)
    ? `${shortMonth(first).slice(0, 3)}–${shortMonth(last)}`
    : `${shortMonth(first)}–${shortMonth(last)}`;
}

/** An ISO date plus `days` calendar days. */
export function addDays(date: string, days: number): string {
  const [year, month, day] = date.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1, day + days)).toISOString().slice(0, 10);
}

/** The canonical name of an entity id: the id itself when unknown, the tenant's name when none. */
export function entityName(model: TenantModel, id: string | undefined): string {
  if (id === undefined) return model.tenant.name;
  return model.entities.find((e) => e.id === id)?.name ?? id;
}

/** Source references of the records behind a figure: the record itself, or one per file when many. */
export function sourcesOf(records: readonly Traced[]): SourceRef[] {
  const [only] = records;
  if (records.length === 1 && only !== undefined) {
    const { sourceId, file, line } = only.provenance;
    return [line !== undefined ? { sourceId, file, line } : { sourceId, file }];
  }
  const byFile = new Map<string, SourceRef>();
  for (const r of records) {
    const { sourceId, file } = r.provenance;
    byFile.set(`${sourceId}\u0000${file}`, { sourceId, file });
  }
  return [...byFile.values()].sort((a, b) => a.file.localeCompare(b.file));
}

/** Latest as-of date among records, not after `limit`; `limit` when there are none. */
export function latestAsOf(records: readonly Traced[], limit: string): string {
  let latest = "";
  for (const r of records) {
    const asOf = r.provenance.asOf;
    if (asOf <= limit && asOf > latest) latest = asOf;
  }
  return latest === "" ? limit : latest;
}

/** Builds one figure of a domain book from the records behind it. */
export type BookFigure = (
  id: string,
  label: string,
  value: number,
  unit: Unit,
  records: readonly Traced[],
  basis: string,
  better?: Figure["better"],
) => Figure;

/**
 * A figure builder for one domain book: a figure no single record stands behind (an empty
 * window, a count of nothing) cites the book itself, so every figure keeps a source.
 */
export function bookFigures(
  book: Traced,
  asOfOf: (records: readonly Traced[]) => string,
): BookFigure {
  return (id, label, value, unit, records, basis, better) => ({
    id,
    label,
    value,
    unit,
    asOf: asOfOf(records),
    sources: sourcesOf(records.length > 0 ? records : [book]),
    basis,
    ...(better !== undefined ? { better } : {}),
  });
}

/** Joins distinct words as "a, b and c". */
export function listWords(words: readonly string[]): string {
  const unique = [...new Set(words)];
  if (unique.length <= 1) return unique.join("");
  return `${unique.slice(0, -1).join(", ")} and ${unique.at(-1)}`;
}

/** "1 finding" / "3 findings". */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}

/** A table's records without its summing row: analyses label that row "Total" (a sum, not a record). */
export function bodyRows(table: Table): Cell[][] {
  return table.rows.filter((row) => row[0] !== "Total");
}
