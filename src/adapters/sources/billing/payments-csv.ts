import type { Problem } from "../../../core/errors.js";
import type { ClientPayment } from "../../../core/model/billing.js";
import type { RowResult } from "../csv-table.js";
import {
  type BillingFile,
  dateCell,
  failed,
  moneyCell,
  readBillingTable,
  required,
  rowProvenance,
  text,
  withOptional,
} from "./cells.js";

const COLUMNS = ["date", "invoice", "client", "amount", "method"] as const;

/** Parses `payments.csv` (`date,invoice,client,amount,method[,reference]`); a refund is negative (pure). */
export function parsePaymentsCsv(
  csv: string,
  at: BillingFile,
): { payments: ClientPayment[]; problems: Problem[] } {
  const { records, problems } = readBillingTable(
    csv,
    at,
    COLUMNS,
    (row): RowResult<ClientPayment> => {
      const date = dateCell(row, "date");
      if (failed(date)) return date;
      const amount = moneyCell(row, "amount");
      if (failed(amount)) return amount;
      if (amount.value === 0)
        return {
          error: "amount is zero",
          hint: "record money received (a refund as a negative amount), or remove the row",
          column: "amount",
        };
      const method = required(
        row,
        "method",
        "method",
        "say how the money came: ach, check, card, cash…",
      );
      if (failed(method)) return method;
      const day = date.value as string;
      const payment: ClientPayment = {
        date: day,
        amountCents: amount.value as number,
        method: method.value.toLowerCase(),
        provenance: rowProvenance(at, row, day),
      };
      return {
        record: withOptional(payment, {
          invoice: text(row, "invoice"),
          client: text(row, "client"),
          reference: text(row, "reference"),
        }),
      };
    },
  );
  return { payments: records, problems };
}
