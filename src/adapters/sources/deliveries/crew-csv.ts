import type { Problem } from "../../../core/errors.js";
import { CREW_ROLES, type CrewAssignment } from "../../../core/model/deliveries.js";
import { type FileRef, readRows, repeatedKeys } from "./cells.js";

/** Header of crew.csv. */
export const CREW_COLUMNS = [
  "delivery",
  "person",
  "role",
  "day_rate",
  "days",
  "confirmed",
] as const;

/** Parses crew.csv: who sails each delivery, in which role, for how many days at what rate (pure). */
export function parseCrewCsv(
  text: string,
  ref: FileRef,
): { crew: CrewAssignment[]; problems: Problem[] } {
  const { records, problems } = readRows(
    text,
    ref,
    CREW_COLUMNS,
    (cell, provenance): CrewAssignment => ({
      delivery: cell.text("delivery", "id of the delivery (deliveries.csv) the person sails"),
      person: cell.text("person", "person's name"),
      role: cell.oneOf("role", CREW_ROLES),
      dayRateCents: cell.money("day_rate"),
      days: cell.positive("days"),
      confirmed: cell.yesNo("confirmed"),
      provenance,
    }),
  );
  problems.push(
    ...repeatedKeys(
      records,
      (c) => `${c.delivery}\u0000${c.person.toLowerCase()}`,
      (c) => `${c.person} on ${c.delivery}`,
      "list each person once per delivery",
    ),
  );
  return { crew: records, problems };
}
