import type { Traced } from "./index.js";

/** A lettable unit of the property (a single-family house is one unit). */
export interface RentalUnit extends Traced {
  id: string;
  name: string;
  bedrooms?: number;
  bathrooms?: number;
  /** Asking rent per month, in cents. */
  marketRentCents: number;
}

/** A lease of one unit to one tenant (household). */
export interface Lease extends Traced {
  id: string;
  unit: string;
  tenant: string;
  /** First day of the lease (YYYY-MM-DD). */
  start: string;
  /** Last day of the lease term (YYYY-MM-DD). */
  end: string;
  /** Last day the tenant occupied the unit, when they have moved out. */
  moveOut?: string;
  rentCents: number;
  depositCents: number;
  /** Days after the due date a payment still counts as on time. */
  graceDays: number;
}

/** What a tenant is charged: rent, a late fee or another charge. */
export type ChargeKind = "rent" | "late-fee" | "other";

/** One line of the tenant ledger: an amount a lease owes from its due date. */
export interface RentCharge extends Traced {
  lease: string;
  /** YYYY-MM-DD */
  due: string;
  kind: ChargeKind;
  amountCents: number;
  note?: string;
}

/** Money received from a tenant against a lease's charges. */
export interface RentPayment extends Traced {
  lease: string;
  /** YYYY-MM-DD */
  date: string;
  amountCents: number;
  method: string;
  reference?: string;
}

/** A maintenance ticket: a repair or job on one item of a unit, and what it cost. */
export interface MaintenanceTicket extends Traced {
  id: string;
  unit: string;
  /** The thing repaired (e.g. `water-heater`); repeats are counted per unit and item. */
  item: string;
  category: string;
  opened: string;
  /** Undefined while the ticket is open. */
  completed?: string;
  vendor: string;
  /** Cost in cents, booked on the completion date; undefined while open. */
  costCents?: number;
  summary: string;
}

/** An operating expense of the property other than maintenance (tax, insurance, fees). */
export interface PropertyExpense extends Traced {
  date: string;
  category: string;
  payee: string;
  amountCents: number;
  note?: string;
}

/** One entry of the tenant communication log. */
export interface TenantMessage extends Traced {
  id: string;
  date: string;
  /** The lease it concerns, when it concerns one (a prospect's enquiry does not). */
  lease?: string;
  contact: string;
  channel: string;
  direction: "in" | "out";
  subject: string;
  /** True when the entry asks for an answer or an action. */
  followUp: boolean;
  /** The entry this one answers. */
  replyTo?: string;
}

/** The records of one rental property: units, leases, rent roll, payments, maintenance, vacancies and the tenant communication log, as its source folder holds them. */
export interface PropertyBook extends Traced {
  /** The entity the records belong to. */
  entity: string;
  units: RentalUnit[];
  leases: Lease[];
  charges: RentCharge[];
  payments: RentPayment[];
  maintenance: MaintenanceTicket[];
  expenses: PropertyExpense[];
  communications: TenantMessage[];
}

/** Last day a lease occupies its unit: the move-out day, else the end of its term. */
export function occupiedUntil(lease: Lease): string {
  return lease.moveOut ?? lease.end;
}
