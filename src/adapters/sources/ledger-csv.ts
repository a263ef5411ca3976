import type { Categoriser } from "../../core/categorise.js";
import type { LedgerSourceConfig } from "../../core/config.js";
import type { Problem } from "../../core/errors.js";
import type { Transaction } from "../../core/model/index.js";
import { type RowResult, visitCsvTable } from "./csv-table.js";
import { parseDate, parseMoneyCents } from "./values.js";

/** Parses one bank/card/processor CSV export into categorised transactions (pure). */
export function parseLedgerCsv(
  text: string,
  source: LedgerSourceConfig,
  file: string,
  categoriserFor: (entity: string) => Categoriser,
): { transactions: Transaction[]; problems: Problem[] } {
  const transactions: Transaction[] = [];
  const { problems } = visitLedgerCsv(text, source, file, categoriserFor, (t) =>
    transactions.push(t),
  );
  return { transactions, problems };
}

/**
 * Parses one export like parseLedgerCsv, handing each transaction to `visit` as it is made
 * instead of keeping it (pure apart from `visit`): folding an export into totals this way never
 * holds its rows, so a million of them cost the collector almost nothing.
 */
export function visitLedgerCsv(
  text: string,
  source: LedgerSourceConfig,
  file: string,
  categoriserFor: (entity: string) => Categoriser,
  visit: (transaction: Transaction) => void,
): { problems: Problem[] } {
  const categorise = categoriserFor(source.entity);
  // Exports repeat the same dates on many rows; parse each distinct date once.
  const dates = new Map<string, string | undefined>();
  const dateOf = (raw: string): string | undefined => {
    if (!dates.has(raw)) dates.set(raw, parseDate(raw, source.dateFormat));
    return dates.get(raw);
  };
  const c = source.columns;
  const mapped = [
    c.date,
    c.description,
    c.amount,
    c.debit,
    c.credit,
    c.currency,
    c.account,
    c.reference,
  ];
  const required = mapped.filter((name): name is string => name !== undefined);
  const flip = source.sign === "inverted" ? -1 : 1;
  const moneyHint = "write a number such as -1234.56, 1,234.56 or (1,234.56)";
  return visitCsvTable<Transaction>(
    text,
    { file, delimiter: source.delimiter, onBadRow: source.onBadRow, required },
    (row): RowResult<Transaction> => {
      const rawDate = row.cell(c.date);
      const date = dateOf(rawDate);
      if (date === undefined) {
        return {
          error: `date "${rawDate}" is not a valid ${source.dateFormat} date`,
          hint: `write dates as ${source.dateFormat}, or change the source's dateFormat`,
          column: c.date,
        };
      }
      let amountCents: number;
      if (c.amount !== undefined) {
        const raw = row.cell(c.amount);
        const value = parseMoneyCents(raw);
        if (value === undefined)
          return { error: `amount "${raw}" is not a number`, hint: moneyHint, column: c.amount };
        amountCents = value * flip;
      } else {
        const debitRaw = row.cell(c.debit as string);
        const creditRaw = row.cell(c.credit as string);
        const debit = debitRaw.trim() === "" ? 0 : parseMoneyCents(debitRaw);
        const credit = creditRaw.trim() === "" ? 0 : parseMoneyCents(creditRaw);
        if (debit === undefined)
          return { error: `debit "${debitRaw}" is not a number`, hint: moneyHint, column: c.debit };
        if (credit === undefined)
          return {
            error: `credit "${creditRaw}" is not a number`,
            hint: moneyHint,
            column: c.credit,
          };
        if (debitRaw.trim() === "" && creditRaw.trim() === "") {
          return {
            error: "both debit and credit are empty",
            hint: "every row needs an amount in one of the two columns",
            column: c.debit,
          };
        }
        amountCents = (Math.abs(credit) - Math.abs(debit)) * flip;
      }
      const currency =
        c.currency !== undefined ? row.cell(c.currency).trim().toUpperCase() : source.currency;
      if (!/^[A-Z]{3}$/.test(currency)) {
        return {
          error: `currency "${currency}" is not a three-letter code`,
          hint: "use ISO codes such as USD or EUR",
          column: c.currency,
        };
      }
      const description = row.cell(c.description).trim();
      if (description === "")
        return {
          error: "description is empty",
          hint: "every transaction needs a description to be categorised",
          column: c.description,
        };
      const reference = c.reference !== undefined ? row.cell(c.reference).trim() : "";
      const category = categorise(description);
      const transaction: Transaction = {
        id: reference !== "" ? `${source.id}:${reference}` : `${source.id}:${row.line}`,
        entity: source.entity,
        date,
        description,
        amountCents,
        currency,
        sourceAccount:
          c.account !== undefined ? row.cell(c.account).trim() || source.account : source.account,
        provenance: { sourceId: source.id, file, line: row.line, asOf: date },
      };
      if (category !== undefined) transaction.category = category;
      return { record: transaction };
    },
    visit,
  );
}
