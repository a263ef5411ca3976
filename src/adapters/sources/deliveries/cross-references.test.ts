import { describe, expect, it } from "vitest";
import type { CrewAssignment, Delivery, DeliveryLeg } from "../../../core/model/deliveries.js";
import { crossReferences } from "./cross-references.js";

const at = (file: string, line: number) => ({ sourceId: "d", file, line, asOf: "2026-10-31" });
const delivery = (id: string, status: Delivery["status"], line: number): Delivery => ({
  id,
  vessel: id,
  model: "",
  client: "",
  origin: "San Diego",
  destination: "Ensenada",
  start: "2026-10-01",
  end: "2026-10-01",
  plannedNm: 65,
  quoteCents: 100_000,
  budgetCents: 80_000,
  status,
  provenance: at("deliveries.csv", line),
});
const leg = (of: string, line: number): DeliveryLeg => ({
  delivery: of,
  leg: 1,
  from: "San Diego",
  to: "Ensenada",
  start: "2026-10-01",
  end: "2026-10-01",
  nm: 65,
  fuelCents: 0,
  marinaCents: 0,
  otherCents: 0,
  provenance: at("legs.csv", line),
});
const member = (of: string, person: string, line: number): CrewAssignment => ({
  delivery: of,
  person,
  role: "skipper",
  dayRateCents: 45_000,
  days: 1,
  confirmed: true,
  provenance: at("crew.csv", line),
});

describe("deliveries cross-references", () => {
  it("accepts legs on sailed deliveries, crew on listed ones, certifications of crew members", () => {
    expect(
      crossReferences({
        deliveries: [delivery("A", "completed", 2), delivery("B", "planned", 3)],
        legs: [leg("A", 2)],
        crew: [member("A", "Rafael Ortega", 2), member("B", "Dale Whitaker", 3)],
        documents: [
          {
            holder: "rafael ortega",
            kind: "uscg-license",
            name: "License",
            expires: "2028-05-31",
            provenance: at("documents.csv", 2),
          },
        ],
      }),
    ).toEqual([]);
  });

  it("warns that a completed delivery without crew has no crew pay in its cost", () => {
    const problems = crossReferences({
      deliveries: [delivery("A", "completed", 2)],
      legs: [leg("A", 2)],
      crew: [],
      documents: [],
    });
    expect(problems).toEqual([
      {
        file: "deliveries.csv",
        line: 2,
        message: "A is completed but crew.csv has nobody on it, so its cost has no crew pay",
        hint: "add the crew who sailed it to crew.csv",
        severity: "warning",
      },
    ]);
  });

  it("refuses crew on a delivery deliveries.csv does not list, naming the ids it does", () => {
    const [p] = crossReferences({
      deliveries: [delivery("A", "planned", 2)],
      legs: [],
      crew: [member("Z", "Rafael Ortega", 4)],
      documents: [],
    });
    expect(p).toMatchObject({
      file: "crew.csv",
      line: 4,
      message: 'delivery "Z" is not in deliveries.csv',
      hint: "use an id from deliveries.csv: A",
    });
  });
});
