import { findDuplicates } from "../../core/config.js";
import type { EntityResolver } from "../../core/entity-resolver.js";
import { type Problem, problem } from "../../core/errors.js";
import type { Booking } from "../../core/model/index.js";
import { type RowResult, readCsvTable } from "./csv-table.js";
import { parseDate, parseMoneyCents } from "./values.js";

const COLUMNS = [
  "id",
  "entity",
  "stream",
  "customer",
  "channel",
  "booked_on",
  "service_start",
  "service_end",
  "status",
  "total",
  "deposit",
  "paid",
] as const;
const STATUSES = ["inquiry", "quoted", "confirmed", "completed", "cancelled"] as const;

/** Parses the bookings CSV (documented header, any column order) into bookings (pure). */
export function parseBookingsCsv(
  text: string,
  options: { sourceId: string; file: string; delimiter: string; onBadRow: "fail" | "skip" },
  entities: EntityResolver,
): { bookings: Booking[]; problems: Problem[] } {
  const { records, problems } = readCsvTable<Booking>(
    text,
    {
      file: options.file,
      delimiter: options.delimiter,
      onBadRow: options.onBadRow,
      required: COLUMNS,
    },
    (row): RowResult<Booking> => {
      const get = (name: (typeof COLUMNS)[number]) => row.cell(name).trim();
      const id = get("id");
      if (id === "")
        return {
          error: "booking id is empty",
          hint: "give every booking a unique id",
          column: "id",
        };
      const entity = entities.resolve(get("entity"));
      if (entity === undefined)
        return {
          error: `unknown entity "${get("entity")}"`,
          hint: `use one of: ${entities.known()}`,
          column: "entity",
        };
      const dates: Record<string, string> = {};
      for (const column of ["booked_on", "service_start", "service_end"] as const) {
        const value = parseDate(get(column), "YYYY-MM-DD");
        if (value === undefined)
          return {
            error: `${column} "${get(column)}" is not a YYYY-MM-DD date`,
            hint: "write dates as YYYY-MM-DD, e.g. 2026-10-31",
            column,
          };
        dates[column] = value;
      }
      if ((dates.service_end as string) < (dates.service_start as string)) {
        return {
          error: `service_end ${dates.service_end} is before service_start ${dates.service_start}`,
          hint: "swap the dates or correct the end date",
          column: "service_end",
        };
      }
      const status = get("status") as Booking["status"];
      if (!STATUSES.includes(status))
        return {
          error: `status "${get("status")}" is not one of ${STATUSES.join(", ")}`,
          hint: "use one of the listed statuses",
          column: "status",
        };
      const money: Record<string, number> = {};
      for (const column of ["total", "deposit", "paid"] as const) {
        const raw = get(column);
        const value = raw === "" && column !== "total" ? 0 : parseMoneyCents(raw);
        if (value === undefined || value < 0)
          return {
            error: `${column} "${raw}" is not a non-negative amount`,
            hint: "write a plain number such as 1650 or 1650.00",
            column,
          };
        money[column] = value;
      }
      const booking: Booking = {
        id,
        entity,
        customer: get("customer"),
        channel: get("channel"),
        bookedOn: dates.booked_on as string,
        serviceStart: dates.service_start as string,
        serviceEnd: dates.service_end as string,
        status,
        totalCents: money.total as number,
        depositCents: money.deposit as number,
        paidCents: money.paid as number,
        provenance: {
          sourceId: options.sourceId,
          file: options.file,
          line: row.line,
          asOf: dates.booked_on as string,
        },
      };
      if (get("stream") !== "") booking.stream = get("stream");
      return { record: booking };
    },
  );
  for (const i of findDuplicates(records.map((b) => b.id))) {
    const booking = records[i] as Booking;
    const first = records.find((b) => b.id === booking.id) as Booking;
    problems.push(
      problem(
        options.file,
        booking.provenance.line,
        `duplicate booking id "${booking.id}" (first used on line ${first.provenance.line})`,
        "give every booking a unique id",
      ),
    );
  }
  return { bookings: records, problems };
}
