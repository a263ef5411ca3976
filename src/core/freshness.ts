import type { SourceFreshness } from "./model/index.js";

const DAY_MS = 86_400_000;

/** Last day (YYYY-MM-DD) of a `YYYY-MM` period. */
export function periodEnd(period: string): string {
  const [year, month] = period.split("-").map(Number) as [number, number];
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${period}-${String(last).padStart(2, "0")}`;
}

/** Whole days from `from` to `to` (both YYYY-MM-DD). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/** Latest of a list of ISO dates, or undefined for an empty list. */
export function latestDate(dates: Iterable<string>): string | undefined {
  let latest: string | undefined;
  for (const date of dates) if (latest === undefined || date > latest) latest = date;
  return latest;
}

/** How fresh a source is at the end of the reported period. */
export function assessFreshness(input: {
  sourceId: string;
  type: string;
  records: number;
  asOf: string | undefined;
  period: string;
  staleAfterDays: number;
}): SourceFreshness {
  const base = { sourceId: input.sourceId, type: input.type, records: input.records };
  if (input.asOf === undefined || input.records === 0) return { ...base, status: "empty" };
  const ageDays = daysBetween(input.asOf, periodEnd(input.period));
  return {
    ...base,
    asOf: input.asOf,
    ageDays,
    status: ageDays > input.staleAfterDays ? "stale" : "fresh",
  };
}
