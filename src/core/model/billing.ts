import type { Traced } from "./index.js";

/** The records of one client portfolio: clients, contracts, time entries, invoices and payments, as its source folder holds them. */
export interface ClientBook extends Traced {
  /** The entity the records belong to. */
  entity: string;
}
