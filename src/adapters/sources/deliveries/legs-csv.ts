import type { Problem } from "../../../core/errors.js";
import type { DeliveryLeg } from "../../../core/model/deliveries.js";
import { BadCell, type FileRef, readRows, repeatedKeys } from "./cells.js";

/** Header of legs.csv. */
export const LEG_COLUMNS = [
  "delivery",
  "leg",
  "from",
  "to",
  "start",
  "end",
  "nm",
  "fuel",
  "marina",
  "other",
] as const;

/** Parses legs.csv: each leg sailed, its distance and its fuel, marina and other costs (pure). */
export function parseLegsCsv(
  text: string,
  ref: FileRef,
): { legs: DeliveryLeg[]; problems: Problem[] } {
  const { records, problems } = readRows(text, ref, LEG_COLUMNS, (cell, provenance) => {
    const leg: DeliveryLeg = {
      delivery: cell.text("delivery", "id of the delivery (deliveries.csv) the leg belongs to"),
      leg: cell.positive("leg", true),
      from: cell.text("from", "port the leg leaves from"),
      to: cell.text("to", "port the leg ends at"),
      start: cell.date("start"),
      end: cell.date("end"),
      nm: cell.positive("nm"),
      fuelCents: cell.money("fuel", true),
      marinaCents: cell.money("marina", true),
      otherCents: cell.money("other", true),
      provenance,
    };
    if (leg.end < leg.start)
      throw new BadCell(
        "end",
        `end ${leg.end} is before start ${leg.start}`,
        "swap the dates or correct the end date",
      );
    return leg;
  });
  problems.push(
    ...repeatedKeys(
      records,
      (l) => `${l.delivery}\u0000${l.leg}`,
      (l) => `leg ${l.leg} of ${l.delivery}`,
      "number the legs of a delivery 1, 2, 3… in sailing order",
    ),
  );
  return { legs: records, problems };
}
