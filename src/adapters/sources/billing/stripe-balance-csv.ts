import type { Problem } from "../../../core/errors.js";
import type { ClientPayment } from "../../../core/model/billing.js";
import type { CsvRow, RowResult } from "../csv-table.js";
import { parseDate } from "../values.js";
import {
  type BillingFile,
  type CellError,
  failed,
  moneyCell,
  readBillingTable,
  rowProvenance,
  text,
  withOptional,
} from "./cells.js";

// The Stripe Dashboard's balance-history export (Balances → Export): one row per balance
// transaction, amounts in major units with decimals, times in UTC. Only money a client paid
// (charges and payments) or got back (refunds) is a payment; payouts, fees and transfers move
// the studio's own money and are left out.

const COLUMNS = [
  "id",
  "Type",
  "Amount",
  "Fee",
  "Currency",
  "Created (UTC)",
  "Description",
] as const;
const PAID = new Set(["charge", "payment"]);
const REFUNDED = new Set(["refund", "payment_refund"]);
/** Metadata columns a Stripe charge may carry its invoice number in. */
const INVOICE_METADATA = [
  "invoice (metadata)",
  "invoice_number (metadata)",
  "invoice_id (metadata)",
];

/** Parses a Stripe balance-history export into client payments; `invoices` are the known invoice ids (pure). */
export function parseStripeBalanceCsv(
  csv: string,
  at: BillingFile,
  options: { currency: string; invoices: ReadonlySet<string> },
): { payments: ClientPayment[]; problems: Problem[] } {
  const { records, problems } = readBillingTable(
    csv,
    at,
    COLUMNS,
    (row): RowResult<ClientPayment | null> => {
      const type = text(row, "Type").toLowerCase();
      if (!PAID.has(type) && !REFUNDED.has(type)) return { record: null };
      const created = createdDate(row);
      if (typeof created !== "string") return created;
      const currency = text(row, "Currency");
      if (currency.toLowerCase() !== options.currency.toLowerCase())
        return {
          error: `Currency "${currency}" is not the tenant's currency ${options.currency}`,
          hint: "export the balance in the tenant's currency, or keep other currencies out of this folder",
          column: "Currency",
        };
      const amount = moneyCell(row, "Amount");
      if (failed(amount)) return amount;
      const fee = moneyCell(row, "Fee");
      if (failed(fee)) return fee;
      const gross = amount.value as number;
      const feeCents = fee.value as number;
      const net = moneyCell(row, "Net", { optional: true });
      if (failed(net)) return net;
      if (net.value !== undefined && net.value !== gross - feeCents)
        return {
          error: `Net ${text(row, "Net")} is not Amount ${text(row, "Amount")} less Fee ${text(row, "Fee")}`,
          hint: "export the file again from the Stripe Dashboard without editing it",
          column: "Net",
        };
      if (PAID.has(type) ? gross <= 0 : gross >= 0)
        return {
          error: `a ${type} of ${text(row, "Amount")} has the wrong sign`,
          hint: "charges are positive and refunds negative in a Stripe export: export the file again",
          column: "Amount",
        };
      const payment: ClientPayment = {
        date: created,
        amountCents: gross,
        method: "stripe",
        feeCents,
        provenance: rowProvenance(at, row, created),
      };
      return {
        record: withOptional(payment, {
          invoice: invoiceOf(row, options.invoices),
          reference: text(row, "id"),
        }),
      };
    },
  );
  return { payments: records.filter((p): p is ClientPayment => p !== null), problems };
}

/** The UTC calendar date of `Created (UTC)`: `2026-10-03 18:12`, with seconds, or a bare date. */
function createdDate(row: CsvRow): string | CellError {
  const raw = text(row, "Created (UTC)");
  const match = /^(\d{4}-\d{2}-\d{2})(?:[ T]([01]\d|2[0-3]):[0-5]\d(?::[0-5]\d)?)?$/.exec(raw);
  const date = match?.[1] !== undefined ? parseDate(match[1], "YYYY-MM-DD") : undefined;
  return (
    date ?? {
      error: `Created (UTC) "${raw}" is not a date and time such as 2026-10-03 18:12`,
      hint: "export the file again from the Stripe Dashboard (dates as YYYY-MM-DD HH:mm)",
      column: "Created (UTC)",
    }
  );
}

/** The invoice a charge pays: its invoice metadata, else a known invoice id in its description. */
function invoiceOf(row: CsvRow, invoices: ReadonlySet<string>): string | undefined {
  for (const column of INVOICE_METADATA) {
    const value = text(row, column);
    if (value !== "") return value;
  }
  const words = text(row, "Description").split(/[^A-Za-z0-9_-]+/);
  return words.find((word) => invoices.has(word));
}
