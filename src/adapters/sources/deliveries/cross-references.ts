import { type Problem, problem, warning } from "../../../core/errors.js";
import type {
  CrewAssignment,
  Delivery,
  DeliveryDocument,
  DeliveryLeg,
} from "../../../core/model/deliveries.js";

/** The parsed rows of the four files, before they become a book. */
export interface DeliveryRows {
  deliveries: Delivery[];
  legs: DeliveryLeg[];
  crew: CrewAssignment[];
  documents: DeliveryDocument[];
}

/** Statuses of a delivery that has put to sea: only these have legs. */
const SAILED = new Set(["under-way", "completed"]);

const at = (record: { provenance: { file: string; line?: number } }) =>
  [record.provenance.file, record.provenance.line] as const;

/**
 * Checks what the files say about each other: legs and crew belong to a listed delivery, legs
 * only to a delivery that has sailed, every completed delivery has its legs (else its cost and
 * distance are missing), insurance is held by a delivery, certifications by someone on the crew.
 */
export function crossReferences(rows: DeliveryRows): Problem[] {
  const byId = new Map(rows.deliveries.map((d) => [d.id, d]));
  const problems: Problem[] = [];
  const unknownDelivery = (record: { delivery: string; provenance: Delivery["provenance"] }) =>
    problem(
      ...at(record),
      `delivery "${record.delivery}" is not in deliveries.csv`,
      `use an id from deliveries.csv: ${[...byId.keys()].join(", ")}`,
    );
  for (const leg of rows.legs) {
    const delivery = byId.get(leg.delivery);
    if (delivery === undefined) problems.push(unknownDelivery(leg));
    else if (!SAILED.has(delivery.status))
      problems.push(
        problem(
          ...at(leg),
          `leg ${leg.leg} belongs to ${delivery.id}, which is ${delivery.status}: legs record what was sailed`,
          `set ${delivery.id}'s status to under-way or completed (deliveries.csv line ${delivery.provenance.line}), or remove the leg`,
        ),
      );
  }
  for (const member of rows.crew)
    if (!byId.has(member.delivery)) problems.push(unknownDelivery(member));
  for (const delivery of rows.deliveries) {
    if (delivery.status !== "completed") continue;
    if (!rows.legs.some((l) => l.delivery === delivery.id))
      problems.push(
        problem(
          ...at(delivery),
          `${delivery.id} is completed but legs.csv has no legs for it, so its distance and costs are unknown`,
          "add the legs sailed, with their fuel, marina and other costs, to legs.csv",
        ),
      );
    if (!rows.crew.some((c) => c.delivery === delivery.id))
      problems.push(
        warning(
          ...at(delivery),
          `${delivery.id} is completed but crew.csv has nobody on it, so its cost has no crew pay`,
          "add the crew who sailed it to crew.csv",
        ),
      );
  }
  const people = new Set(rows.crew.map((c) => c.person.toLowerCase()));
  for (const document of rows.documents) {
    if (document.kind === "insurance" && !byId.has(document.holder))
      problems.push(
        problem(
          ...at(document),
          `insurance holder "${document.holder}" is not a delivery in deliveries.csv`,
          "insurance is held per delivery: write the delivery's id as the holder",
        ),
      );
    else if (document.kind !== "insurance" && !people.has(document.holder.toLowerCase()))
      problems.push(
        warning(
          ...at(document),
          `"${document.holder}" holds a ${document.kind} certification but sails no delivery in crew.csv`,
          "check the name is spelled as in crew.csv",
        ),
      );
  }
  return problems;
}
