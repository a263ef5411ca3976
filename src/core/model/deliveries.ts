import type { Traced } from "./index.js";

/** The records of one yacht-delivery service: deliveries, their legs, crew and documents, as its source folder holds them. */
export interface DeliveryBook extends Traced {
  /** The entity the records belong to. */
  entity: string;
}
