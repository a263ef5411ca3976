import type { Traced } from "./index.js";

/** The records of one rental property: units, leases, rent roll, payments, maintenance, vacancies and the tenant communication log, as its source folder holds them. */
export interface PropertyBook extends Traced {
  /** The entity the records belong to. */
  entity: string;
}
