/** The dates of a Cost Explorer request (End exclusive), or why there is nothing to ask for. */
export type CostWindow = { start: string; end: string } | { empty: string };

/**
 * The `months` months of Cost Explorer data ending with the reported month (that of `periodEnd`,
 * YYYY-MM-DD): from its first day to the first day of the month after it, but never past
 * `today`, since Cost Explorer refuses an End in the future. A reported month that is the
 * current one is therefore cut at today; one that has not begun yet leaves nothing to ask for.
 */
export function costWindow(periodEnd: string, months: number, today: string): CostWindow {
  const [year, month] = periodEnd.split("-").map(Number) as [number, number];
  const start = firstOfMonth(year, month - (months - 1));
  const afterPeriod = firstOfMonth(year, month + 1);
  const end = afterPeriod < today ? afterPeriod : today;
  if (start >= end) {
    const first = start.slice(0, 7);
    const last = periodEnd.slice(0, 7);
    const span = first === last ? first : `${first} to ${last}`;
    return { empty: `Cost Explorer has no costs yet for ${span} (today is ${today})` };
  }
  return { start, end };
}

/** First day of a month given as a year and a month number that may overflow either way. */
function firstOfMonth(year: number, month: number): string {
  return new Date(Date.UTC(year, month - 1, 1)).toISOString().slice(0, 10);
}
