import type { Problem } from "../../../core/errors.js";
import type { BillingClient } from "../../../core/model/billing.js";
import type { RowResult } from "../csv-table.js";
import {
  type BillingFile,
  failed,
  readBillingTable,
  required,
  rowProvenance,
  text,
  withOptional,
} from "./cells.js";

const COLUMNS = ["id", "name"] as const;
const SLUG = /^[a-z0-9][a-z0-9-]*$/;

/** Parses `clients.csv` (`id,name[,contact]`); `asOf` dates these undated records (pure). */
export function parseClientsCsv(
  csv: string,
  at: BillingFile,
  asOf: string,
): { clients: BillingClient[]; problems: Problem[] } {
  const { records, problems } = readBillingTable(
    csv,
    at,
    COLUMNS,
    (row): RowResult<BillingClient> => {
      const id = text(row, "id");
      if (!SLUG.test(id))
        return {
          error: `client id "${id}" is not a slug`,
          hint: "use lowercase letters, digits and dashes, e.g. harborview-dental",
          column: "id",
        };
      const name = required(
        row,
        "name",
        "client name",
        "write the client's name as it appears on invoices",
      );
      if (failed(name)) return name;
      const client: BillingClient = {
        id,
        name: name.value,
        provenance: rowProvenance(at, row, asOf),
      };
      return { record: withOptional(client, { contact: text(row, "contact") }) };
    },
  );
  return { clients: records, problems };
}
