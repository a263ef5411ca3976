import { findDuplicates } from "../../../core/config.js";
import { type Problem, problem } from "../../../core/errors.js";
import type { Traced } from "../../../core/model/index.js";
import { type Lease, occupiedUntil } from "../../../core/model/property.js";
import type { PropertyRecords } from "./property-files.js";

// Checks across the rows and files of a rental folder, once every row has been read: ids are
// unique, every reference names a record that exists, and a unit is never let twice at once.

function at(record: Traced, message: string, hint: string): Problem {
  return problem(record.provenance.file, record.provenance.line, message, hint);
}

function duplicates<T extends Traced>(records: readonly T[], idOf: (r: T) => string, noun: string) {
  return findDuplicates(records.map(idOf)).map((i) => {
    const record = records[i] as T;
    const first = records.find((r) => idOf(r) === idOf(record)) as T;
    return at(
      record,
      `duplicate ${noun} "${idOf(record)}" (first used on line ${first.provenance.line})`,
      `give every ${noun.replace(/ id$/, "")} a unique id`,
    );
  });
}

function unknown<T extends Traced>(
  records: readonly T[],
  refOf: (r: T) => string | undefined,
  known: ReadonlySet<string>,
  column: string,
  target: string,
): Problem[] {
  const listed = [...known].join(", ") || "none";
  return records.flatMap((r) => {
    const ref = refOf(r);
    return ref === undefined || known.has(ref)
      ? []
      : [at(r, `${column} "${ref}" is not in ${target}`, `use one of: ${listed}`)];
  });
}

function overlaps(leases: readonly Lease[]): Problem[] {
  const sorted = [...leases].sort((a, b) => a.start.localeCompare(b.start));
  return sorted.flatMap((lease, i) => {
    const earlier = sorted
      .slice(0, i)
      .find((other) => other.unit === lease.unit && occupiedUntil(other) >= lease.start);
    return earlier === undefined
      ? []
      : [
          at(
            lease,
            `lease "${lease.id}" starts ${lease.start} while lease "${earlier.id}" still occupies unit "${lease.unit}" (until ${occupiedUntil(earlier)})`,
            `correct the dates, or set move_out on lease "${earlier.id}" to the day its tenant left`,
          ),
        ];
  });
}

function replies(records: PropertyRecords): Problem[] {
  const byId = new Map(records.communications.map((m) => [m.id, m]));
  return records.communications.flatMap((m) => {
    const answered = m.replyTo === undefined ? undefined : byId.get(m.replyTo);
    if (answered === undefined || answered.date <= m.date) return [];
    return [
      at(
        m,
        `entry "${m.id}" of ${m.date} replies to "${answered.id}", which is dated later (${answered.date})`,
        "correct the date or the reply_to id",
      ),
    ];
  });
}

/** Every problem across the files of one rental folder (each row already read). */
export function checkPropertyRecords(records: PropertyRecords): Problem[] {
  const units = new Set(records.units.map((u) => u.id));
  const leases = new Set(records.leases.map((l) => l.id));
  const messages = new Set(records.communications.map((m) => m.id));
  return [
    ...duplicates(records.units, (u) => u.id, "unit id"),
    ...duplicates(records.leases, (l) => l.id, "lease id"),
    ...duplicates(records.maintenance, (t) => t.id, "ticket id"),
    ...duplicates(records.communications, (m) => m.id, "entry id"),
    ...unknown(records.leases, (l) => l.unit, units, "unit", "units.csv"),
    ...unknown(records.maintenance, (t) => t.unit, units, "unit", "units.csv"),
    ...unknown(records.charges, (c) => c.lease, leases, "lease", "leases.csv"),
    ...unknown(records.payments, (p) => p.lease, leases, "lease", "leases.csv"),
    ...unknown(records.communications, (m) => m.lease, leases, "lease", "leases.csv"),
    ...unknown(
      records.communications,
      (m) => m.replyTo,
      messages,
      "reply_to",
      "communications.csv",
    ),
    ...overlaps(records.leases),
    ...replies(records),
  ];
}
