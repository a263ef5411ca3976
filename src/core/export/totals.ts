import type { Transaction } from "../model/index.js";
import { accountPath, categoryOf, compareText, formatMinorUnits } from "./journal.js";

/** The formats the income and expense totals can be written in. */
export const TOTALS_FORMATS = ["csv", "json"] as const;

/** One totals format: CSV for spreadsheets, JSON for programs. */
export type TotalsFormat = (typeof TOTALS_FORMATS)[number];

/** File extension each totals format is written with. */
export const TOTALS_EXTENSIONS: Record<TotalsFormat, string> = { csv: "csv", json: "json" };

/** True when `text` names a supported totals format. */
export function isTotalsFormat(text: string): text is TotalsFormat {
  return (TOTALS_FORMATS as readonly string[]).includes(text);
}

/** The money one entity booked to one income or expense account in one month and currency. */
export interface TotalRow {
  /** YYYY-MM */
  month: string;
  entity: string;
  /** The category account as the rules name it (`expenses:payroll`), uncategorised by sign. */
  account: string;
  currency: string;
  /** Signed minor units as the bank saw them: income positive, expenses negative. */
  amount: number;
  /** How many transactions were summed. */
  transactions: number;
}

/**
 * Sums transactions into income and expense totals by month × entity × account × currency,
 * ordered by those keys. Transfers and other balance-sheet categories are left out: they are
 * neither income nor expense. Currencies are never added together.
 */
export function ledgerTotals(transactions: Iterable<Transaction>): TotalRow[] {
  const totals = createTotalsAccumulator();
  for (const t of transactions) totals.add(t);
  return totals.rows();
}

/** Totals built one transaction at a time, for callers that never hold all of them. */
export interface TotalsAccumulator {
  /** Counts one transaction (balance-sheet categories are ignored). */
  add(transaction: Transaction): void;
  /** Adds rows summed elsewhere (another worker's share of the sources). */
  merge(rows: Iterable<TotalRow>): void;
  /** The totals so far, ordered as ledgerTotals orders them. */
  rows(): TotalRow[];
}

/** One (entity, account): whether it is income or expense, and its rows by month and currency. */
interface AccountTotals {
  counted: boolean;
  rows: Map<string, TotalRow>;
}

/** An empty accumulator; `add` is called a million times per export, so it builds no keys. */
export function createTotalsAccumulator(): TotalsAccumulator {
  const byEntity = new Map<string, Map<string, AccountTotals>>();
  const accountTotals = (entity: string, account: string): AccountTotals => {
    let accounts = byEntity.get(entity);
    if (accounts === undefined) {
      accounts = new Map();
      byEntity.set(entity, accounts);
    }
    let totals = accounts.get(account);
    if (totals === undefined) {
      const root = accountPath(entity, account)[0];
      totals = { counted: root === "income" || root === "expenses", rows: new Map() };
      accounts.set(account, totals);
    }
    return totals;
  };
  const addTo = (
    totals: AccountTotals,
    month: string,
    entity: string,
    account: string,
    currency: string,
    amount: number,
    count: number,
  ): void => {
    // Month and currency share one key: both are short, and most ledgers have one currency.
    const key = currency.length === 3 ? month + currency : `${month}\u0000${currency}`;
    const row = totals.rows.get(key);
    if (row === undefined) {
      totals.rows.set(key, { month, entity, account, currency, amount, transactions: count });
    } else {
      row.amount += amount;
      row.transactions += count;
    }
  };
  return {
    add(t) {
      const account = categoryOf(t);
      const totals = accountTotals(t.entity, account);
      if (!totals.counted) return;
      addTo(totals, t.date.slice(0, 7), t.entity, account, t.currency, t.amountCents, 1);
    },
    merge(rows) {
      for (const r of rows) {
        const totals = accountTotals(r.entity, r.account);
        if (totals.counted)
          addTo(totals, r.month, r.entity, r.account, r.currency, r.amount, r.transactions);
      }
    },
    rows() {
      const all: TotalRow[] = [];
      for (const accounts of byEntity.values())
        for (const totals of accounts.values())
          for (const row of totals.rows.values()) all.push({ ...row });
      return all.sort(
        (a, b) =>
          compareText(a.month, b.month) ||
          compareText(a.entity, b.entity) ||
          compareText(a.account, b.account) ||
          compareText(a.currency, b.currency),
      );
    },
  };
}

/** Writes totals as CSV (a header, then one line per row) or as a JSON document. */
export function renderTotals(
  format: TotalsFormat,
  input: { tenant: { id: string; name: string }; rows: readonly TotalRow[] },
): string {
  if (format === "json") {
    const rows = input.rows.map((row) => ({
      ...row,
      // Exact decimal text beside the minor units, so no reader has to know ISO 4217's digits.
      amountText: formatMinorUnits(row.amount, row.currency),
    }));
    return `${JSON.stringify({ tenant: input.tenant.id, name: input.tenant.name, rows }, null, 2)}\n`;
  }
  const lines = ["month,entity,account,currency,amount,transactions"];
  for (const row of input.rows) {
    lines.push(
      [
        row.month,
        csvField(row.entity),
        csvField(row.account),
        csvField(row.currency),
        formatMinorUnits(row.amount, row.currency),
        String(row.transactions),
      ].join(","),
    );
  }
  return `${lines.join("\n")}\n`;
}

// RFC 4180 quoting for the three text columns; a library for one function of three lines would
// be heavier than the rule it applies.
function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
