import type { Traced } from "./index.js";

/** How a client's work is charged: a monthly retainer, by the hour, a fixed fee, or not at all. */
export type ContractModel = "retainer" | "hourly" | "fixed" | "none";

/** A client of the studio. */
export interface BillingClient extends Traced {
  /** Slug the other files refer to. */
  id: string;
  name: string;
  contact?: string;
}

/** The terms a client's work is charged on between two dates. */
export interface ClientContract extends Traced {
  client: string;
  model: ContractModel;
  /** Hourly rate in cents (hourly contracts; a retainer may name one for extra hours). */
  rateCents?: number;
  /** Monthly retainer or whole fixed fee, in cents. */
  amountCents?: number;
  /** First day covered (YYYY-MM-DD). */
  start: string;
  /** Last day covered; open-ended when absent. */
  end?: string;
}

/** Hours one person worked for a client on one day. */
export interface TimeEntry extends Traced {
  date: string;
  client: string;
  person: string;
  /** Hours worked, to the hundredth. */
  hours: number;
  description: string;
  /** The invoice that billed this work; unbilled when absent. */
  invoice?: string;
}

/** Where an invoice stands in the studio's own records. */
export type InvoiceStatus = "draft" | "sent" | "paid" | "void";

/** An invoice issued to a client. */
export interface ClientInvoice extends Traced {
  id: string;
  client: string;
  issued: string;
  due: string;
  amountCents: number;
  status: InvoiceStatus;
}

/** Money received from a client (a refund is negative), from the payments file or a Stripe export. */
export interface ClientPayment extends Traced {
  date: string;
  /** The invoice it pays, as the record names it (possibly unknown to the book). */
  invoice?: string;
  /** The client, when the record names one (Stripe rows take it from their invoice). */
  client?: string;
  amountCents: number;
  /** `ach`, `check`, `card`, `stripe`, … as written. */
  method: string;
  /** Processor fee in cents (Stripe rows). */
  feeCents?: number;
  /** Bank or processor reference, such as a Stripe transaction id. */
  reference?: string;
}

/** The records of one client portfolio: clients, contracts, time entries, invoices and payments, as its source folder holds them. */
export interface ClientBook extends Traced {
  /** The entity the records belong to. */
  entity: string;
  clients: BillingClient[];
  contracts: ClientContract[];
  timeEntries: TimeEntry[];
  invoices: ClientInvoice[];
  payments: ClientPayment[];
}
