import type { Problem } from "../../../core/errors.js";
import type { ClientInvoice, InvoiceStatus } from "../../../core/model/billing.js";
import type { RowResult } from "../csv-table.js";
import {
  type BillingFile,
  choiceCell,
  clientCell,
  dateCell,
  failed,
  moneyCell,
  readBillingTable,
  required,
  rowProvenance,
} from "./cells.js";

const COLUMNS = ["id", "client", "issued", "due", "amount", "status"] as const;
const STATUSES: readonly InvoiceStatus[] = ["draft", "sent", "paid", "void"];

/** Parses `invoices.csv` (`id,client,issued,due,amount,status`) (pure). */
export function parseInvoicesCsv(
  csv: string,
  at: BillingFile,
): { invoices: ClientInvoice[]; problems: Problem[] } {
  const { records, problems } = readBillingTable(
    csv,
    at,
    COLUMNS,
    (row): RowResult<ClientInvoice> => {
      const id = required(row, "id", "invoice id", "give every invoice its number, e.g. DC-1021");
      if (failed(id)) return id;
      const client = clientCell(row);
      if (failed(client)) return client;
      const issued = dateCell(row, "issued");
      if (failed(issued)) return issued;
      const due = dateCell(row, "due");
      if (failed(due)) return due;
      const [on, by] = [issued.value as string, due.value as string];
      if (by < on)
        return {
          error: `due ${by} is before issued ${on}`,
          hint: "the due date is the issue date plus the payment terms",
          column: "due",
        };
      const amount = moneyCell(row, "amount", { positive: true });
      if (failed(amount)) return amount;
      const status = choiceCell(row, "status", STATUSES);
      if (failed(status)) return status;
      return {
        record: {
          id: id.value,
          client: client.value,
          issued: on,
          due: by,
          amountCents: amount.value as number,
          status: status.value,
          provenance: rowProvenance(at, row, on),
        },
      };
    },
  );
  return { invoices: records, problems };
}
