import type { Problem } from "../../../core/errors.js";
import { DELIVERY_STATUSES, type Delivery } from "../../../core/model/deliveries.js";
import { BadCell, type FileRef, readRows, repeatedKeys } from "./cells.js";

/** Header of deliveries.csv. */
export const DELIVERY_COLUMNS = [
  "id",
  "vessel",
  "model",
  "client",
  "origin",
  "destination",
  "start",
  "end",
  "planned_nm",
  "quote",
  "cost_budget",
  "status",
] as const;

/** Parses deliveries.csv: one row per delivery, its route, dates, quote, cost budget and status (pure). */
export function parseDeliveriesCsv(
  text: string,
  ref: FileRef,
): { deliveries: Delivery[]; problems: Problem[] } {
  const { records, problems } = readRows(text, ref, DELIVERY_COLUMNS, (cell, provenance) => {
    const delivery: Delivery = {
      id: cell.text("id", "delivery id, e.g. EYD-114"),
      vessel: cell.text("vessel", "vessel's name"),
      model: cell.optional("model"),
      client: cell.optional("client"),
      origin: cell.text("origin", "port the delivery leaves from"),
      destination: cell.text("destination", "port the delivery ends at"),
      start: cell.date("start"),
      end: cell.date("end"),
      plannedNm: cell.positive("planned_nm"),
      quoteCents: cell.money("quote"),
      budgetCents: cell.money("cost_budget"),
      status: cell.oneOf("status", DELIVERY_STATUSES),
      provenance,
    };
    if (delivery.end < delivery.start)
      throw new BadCell(
        "end",
        `end ${delivery.end} is before start ${delivery.start}`,
        "swap the dates or correct the end date",
      );
    return delivery;
  });
  problems.push(
    ...repeatedKeys(
      records,
      (d) => d.id,
      (d) => `delivery "${d.id}"`,
      "give every delivery its own id",
    ),
  );
  return { deliveries: records, problems };
}
