import type { Traced } from "./index.js";

/** Where a delivery stands: not started (planned, confirmed), at sea, done, or called off. */
export type DeliveryStatus = "planned" | "confirmed" | "under-way" | "completed" | "cancelled";

/** Every delivery status, in the order a delivery moves through them. */
export const DELIVERY_STATUSES: readonly DeliveryStatus[] = [
  "planned",
  "confirmed",
  "under-way",
  "completed",
  "cancelled",
];

/** One passage a client paid (or will pay) a fixed fee for, from origin to destination. */
export interface Delivery extends Traced {
  id: string;
  vessel: string;
  /** Make and model, e.g. "Beneteau Oceanis 45". */
  model: string;
  client: string;
  origin: string;
  destination: string;
  /** Departure and arrival (YYYY-MM-DD): planned until the delivery is completed. */
  start: string;
  end: string;
  /** Route distance the quote was priced on. */
  plannedNm: number;
  /** The fixed fee quoted to the client, in cents. */
  quoteCents: number;
  /** The cost the quote allowed for (crew, fuel, marinas, travel), in cents. */
  budgetCents: number;
  status: DeliveryStatus;
}

/** One leg actually sailed, with what it cost besides crew pay. */
export interface DeliveryLeg extends Traced {
  delivery: string;
  /** 1, 2, 3… in sailing order. */
  leg: number;
  from: string;
  to: string;
  start: string;
  end: string;
  nm: number;
  fuelCents: number;
  marinaCents: number;
  /** Clearance fees, crew travel, provisioning and anything else. */
  otherCents: number;
}

/** A crew position on a delivery. */
export type CrewRole = "skipper" | "mate" | "crew";

/** Every crew role, skipper first. */
export const CREW_ROLES: readonly CrewRole[] = ["skipper", "mate", "crew"];

/** One person's place on a delivery: pay, days (planned until completed) and whether they said yes. */
export interface CrewAssignment extends Traced {
  delivery: string;
  person: string;
  role: CrewRole;
  dayRateCents: number;
  days: number;
  confirmed: boolean;
}

/** Kinds of document a delivery needs: the vessel's insurance and each crew member's ticket. */
export type DeliveryDocumentKind = "insurance" | "uscg-license" | "stcw";

/** Every document kind. */
export const DELIVERY_DOCUMENT_KINDS: readonly DeliveryDocumentKind[] = [
  "insurance",
  "uscg-license",
  "stcw",
];

/** A document on file: insurance held for a delivery, or a certification held by a person. */
export interface DeliveryDocument extends Traced {
  /** A delivery id (insurance) or a person's name (certifications). */
  holder: string;
  kind: DeliveryDocumentKind;
  name: string;
  expires: string;
}

/** The records of one yacht-delivery service: deliveries, their legs, crew and documents, as its source folder holds them. */
export interface DeliveryBook extends Traced {
  /** The entity the records belong to. */
  entity: string;
  deliveries: Delivery[];
  legs: DeliveryLeg[];
  crew: CrewAssignment[];
  documents: DeliveryDocument[];
}
