import type { Problem } from "../../../core/errors.js";
import type { TimeEntry } from "../../../core/model/billing.js";
import type { RowResult } from "../csv-table.js";
import {
  type BillingFile,
  clientCell,
  dateCell,
  failed,
  hoursCell,
  readBillingTable,
  required,
  rowProvenance,
  text,
  withOptional,
} from "./cells.js";

const COLUMNS = ["date", "client", "person", "hours", "description", "invoice"] as const;

/** Parses `time-entries.csv` (`date,client,person,hours,description,invoice`) (pure). */
export function parseTimeEntriesCsv(
  csv: string,
  at: BillingFile,
): { entries: TimeEntry[]; problems: Problem[] } {
  const { records, problems } = readBillingTable(csv, at, COLUMNS, (row): RowResult<TimeEntry> => {
    const date = dateCell(row, "date");
    if (failed(date)) return date;
    const client = clientCell(row);
    if (failed(client)) return client;
    const person = required(row, "person", "person", "name who did the work");
    if (failed(person)) return person;
    const hours = hoursCell(row, "hours");
    if (failed(hours)) return hours;
    const day = date.value as string;
    const entry: TimeEntry = {
      date: day,
      client: client.value,
      person: person.value,
      hours: hours.value,
      description: text(row, "description"),
      provenance: rowProvenance(at, row, day),
    };
    return { record: withOptional(entry, { invoice: text(row, "invoice") }) };
  });
  return { entries: records, problems };
}
