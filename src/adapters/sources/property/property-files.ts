import type { Provenance } from "../../../core/model/index.js";
import type { PropertyBook } from "../../../core/model/property.js";
import { type RowCells, withDefined } from "./row-cells.js";

// The CSV files of a rental source folder: file name, required header and row converter.
// Columns not listed as required are optional (the header may leave them out).

/** Where a converted row came from, given the date it describes (undated rows: the period end). */
export type ProvenanceAt = (asOf?: string) => Provenance;

/** One file of the folder and how its rows become records. */
export interface PropertyFile<T> {
  name: string;
  required: readonly string[];
  convert(cells: RowCells, at: ProvenanceAt): T;
}

/** The record lists of a book, by the field that holds them. */
export type PropertyRecords = Omit<PropertyBook, "entity" | "provenance">;

type Files = { [K in keyof PropertyRecords]: PropertyFile<PropertyRecords[K][number]> };

const ID_HINT = "give every row a unique id";
const LEASE_HINT = "name a lease of leases.csv";
const UNIT_HINT = "name a unit of units.csv";

/** Every file a rental folder must hold, keyed by the book field it fills. */
export const PROPERTY_FILES: Files = {
  units: {
    name: "units.csv",
    required: ["unit", "name", "market_rent"],
    convert: (cells, at) =>
      withDefined(
        {
          id: cells.required("unit", ID_HINT),
          name: cells.required("name", "name the unit, e.g. 3 bed / 2 bath house"),
          marketRentCents: cells.money("market_rent"),
          provenance: at(),
        },
        {
          bedrooms: cells.ifPresent("bedrooms", cells.count),
          bathrooms: cells.ifPresent("bathrooms", cells.count),
        },
      ),
  },
  leases: {
    name: "leases.csv",
    required: ["lease", "unit", "tenant", "start", "end", "rent", "deposit", "grace_days"],
    convert(cells, at) {
      const start = cells.date("start");
      const end = cells.date("end");
      cells.notBefore("end", end, "start", start);
      const moveOut = cells.ifPresent("move_out", cells.date);
      if (moveOut !== undefined) cells.notBefore("move_out", moveOut, "start", start);
      return withDefined(
        {
          id: cells.required("lease", ID_HINT),
          unit: cells.required("unit", UNIT_HINT),
          tenant: cells.required("tenant", "name the tenant household"),
          start,
          end,
          rentCents: cells.money("rent"),
          depositCents: cells.money("deposit"),
          graceDays: cells.count("grace_days"),
          provenance: at(start),
        },
        { moveOut },
      );
    },
  },
  charges: {
    name: "rent-charges.csv",
    required: ["lease", "due", "kind", "amount"],
    convert(cells, at) {
      const due = cells.date("due");
      return withDefined(
        {
          lease: cells.required("lease", LEASE_HINT),
          due,
          kind: cells.oneOf("kind", ["rent", "late-fee", "other"] as const),
          amountCents: cells.money("amount"),
          provenance: at(due),
        },
        { note: cells.optional("note") },
      );
    },
  },
  payments: {
    name: "payments.csv",
    required: ["date", "lease", "amount", "method"],
    convert(cells, at) {
      const date = cells.date("date");
      return withDefined(
        {
          lease: cells.required("lease", LEASE_HINT),
          date,
          amountCents: cells.money("amount"),
          method: cells.required("method", "say how the money came, e.g. Zelle"),
          provenance: at(date),
        },
        { reference: cells.optional("reference") },
      );
    },
  },
  maintenance: {
    name: "maintenance.csv",
    required: ["ticket", "unit", "item", "category", "opened", "completed", "vendor", "cost"],
    convert(cells, at) {
      const opened = cells.date("opened");
      const completed = cells.ifPresent("completed", cells.date);
      if (completed !== undefined) cells.notBefore("completed", completed, "opened", opened);
      return withDefined(
        {
          id: cells.required("ticket", ID_HINT),
          unit: cells.required("unit", UNIT_HINT),
          item: cells.slug("item"),
          category: cells.slug("category"),
          opened,
          vendor: cells.required("vendor", "name who did the job (or owner)"),
          summary: cells.text("summary"),
          provenance: at(completed ?? opened),
        },
        { completed, costCents: cells.ifPresent("cost", cells.money) },
      );
    },
  },
  expenses: {
    name: "expenses.csv",
    required: ["date", "category", "payee", "amount"],
    convert(cells, at) {
      const date = cells.date("date");
      return withDefined(
        {
          date,
          category: cells.slug("category"),
          payee: cells.required("payee", "name who was paid"),
          amountCents: cells.money("amount"),
          provenance: at(date),
        },
        { note: cells.optional("note") },
      );
    },
  },
  communications: {
    name: "communications.csv",
    required: ["id", "date", "contact", "channel", "direction", "subject", "follow_up"],
    convert(cells, at) {
      const date = cells.date("date");
      return withDefined(
        {
          id: cells.required("id", ID_HINT),
          date,
          contact: cells.required("contact", "name who wrote or was written to"),
          channel: cells.slug("channel"),
          direction: cells.oneOf("direction", ["in", "out"] as const),
          subject: cells.required("subject", "say in a few words what the entry is about"),
          followUp: cells.oneOf("follow_up", ["yes", "no"] as const) === "yes",
          provenance: at(date),
        },
        { lease: cells.optional("lease"), replyTo: cells.optional("reply_to") },
      );
    },
  },
};
