import type { Transaction } from "../model/index.js";

/** The `YYYY-MM` month of an ISO date. */
export function monthOf(date: string): string {
  return date.slice(0, 7);
}

/** `YYYY-MM` plus n months (n may be negative). */
export function addMonths(period: string, months: number): string {
  const [year, month] = period.split("-").map(Number) as [number, number];
  const index = year * 12 + month - 1 + months;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, "0")}`;
}

/** The `count` months ending with `period`, oldest first. */
export function trailingMonths(period: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => addMonths(period, i - (count - 1)));
}

/** Months from `from` to `to` inclusive (`YYYY-MM`). */
export function monthsBetween(from: string, to: string): string[] {
  const index = (p: string) => {
    const [y, m] = p.split("-").map(Number) as [number, number];
    return y * 12 + m - 1;
  };
  const count = index(to) - index(from) + 1;
  return count <= 0 ? [] : trailingMonths(to, count);
}

/** True when the account is the prefix or below it (`expenses` matches `expenses:fuel`). */
export function isUnder(account: string | undefined, prefix: string): boolean {
  return account !== undefined && (account === prefix || account.startsWith(`${prefix}:`));
}

/** Sum of amounts in cents per month for transactions matching the filter. */
export function sumByMonth(
  transactions: readonly Transaction[],
  include: (t: Transaction) => boolean,
): Map<string, number> {
  const totals = new Map<string, number>();
  for (const t of transactions) {
    if (!include(t)) continue;
    const month = monthOf(t.date);
    totals.set(month, (totals.get(month) ?? 0) + t.amountCents);
  }
  return totals;
}

/** Cents to whole currency units, rounded to cents. */
export function toCurrency(cents: number): number {
  return Math.round(cents) / 100;
}
