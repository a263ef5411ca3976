// Makes a copy of examples/portfolio whose records are `factor` times as many: each row of a
// scaled CSV is followed by factor − 1 replicas that carry the same dates and amounts (so every
// report covers the same months) and their own ids, names and references (so every id the
// readers demand to be unique stays unique and every cross-reference points at its own
// replica). Replica r of an id "QSD-1001" is "QSD-1001-R<r>", of a slug "coastline-realty"
// "coastline-realty-r<r>", of a person or vessel "Ravi Iyer" "Ravi Iyer R<r>".
//
// Scaled: every ledger CSV (both tenants), bookings, and the rental, deliveries and billing
// folders (each replica a unit with its own leases, a delivery with its own legs and crew, a
// client with its own contract, invoices and payments). Left at 1×, on purpose: the ledgers'
// AWS card charges (one bill per account per month, which must equal the Cost Explorer snapshot
// to the cent), KPI observations and targets (one value per series per month), the registry,
// the handoff notes, the AWS snapshots and the git repositories.
import { cpSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { parse as parseYaml } from "yaml";
import { formatCsv, parseCsv } from "./csv.js";

const id = (v, r) => (v === "" ? v : `${v}-R${r}`);
const slug = (v, r) => (v === "" ? v : `${v}-r${r}`);
const name = (v, r) => (v === "" ? v : `${v} R${r}`);
const processorId = (v, r) => (v === "" ? v : `${v}_r${r}`);

/** What is scaled, in words for the result's notes. */
export const SCALED =
  "every ledger CSV of both tenants (apart from the rows below); bookings (own id and customer); the rental folder (each replica a unit with its own leases, charges, payments, tickets, expenses and messages); the deliveries folder (each replica a delivery with its own vessel, client, legs, crew and documents); the billing folder (each replica a client with its own contract, time entries, invoices, payments and Stripe rows).";

/** What is not scaled, and why, in words for the result's notes. */
export const LEFT_AT_1X =
  "KPI observations and targets (one value per series per month: a copy would restate a month, not add volume); the ledgers' AWS bills (one per account and month, reconciled to the cent against the Cost Explorer snapshot) and the rows a forbid-spend policy matches (exec-intel keys that finding by entity, date and amount, so a same-day replica makes the run fail with an internal error); the registry, the handoff notes, the AWS snapshots and the git repositories (descriptions of the businesses, not records that grow with trade).";

/**
 * The copy's gate settings, the same at every factor: a report of 100× the records lists more
 * rows and findings, so Gmail's 102 KB clipping limit is lifted; and figure-consistency only
 * warns, because the CFO report's capital-deployment prose quotes the low-cost ceiling
 * ("up to $500/month") with no figure of its own and passes at 1× only because a $500 cell
 * happens to sit in the burn table (src/core/reports/cfo.ts, capitalSection). The benchmark
 * collects the warnings it prints.
 */
export const VALIDATION = `validation:
  downgrade: [figure-consistency]
  limits:
    htmlBytes: 67108864
`;

/** Ledger exports (tenant 1 and tenant 2); the description column is Description or Details. */
export const LEDGER_FILES = [
  "data/ledger/jada-checking.csv",
  "data/ledger/quickdumpnow-checking.csv",
  "data/ledger/quickdumpnow-card.csv",
  "data/ledger/dangerouscentaur-card.csv",
  "data/ledger/queenofsandiego-checking.csv",
  "data/ledger/dangerouscentaur-checking.csv",
  "data/ledger/queenofsandiego-stripe.csv",
  "data/harbor-bakery/checking.csv",
];

/** The monthly AWS bill: one per account and month, reconciled against Cost Explorer. */
const AWS_BILL = /amazon web services/i;

/**
 * Ledger rows kept single: the AWS bill, and every row a forbid-spend policy of the registry
 * matches (exec-intel keys that finding by entity, date and amount, so a replica on the same
 * day would be the same finding twice, which it refuses as an internal error).
 */
function singleRows(dir, registryFile) {
  const registry = parseYaml(readFileSync(join(dir, registryFile), "utf8"));
  const forbidden = (registry.policies ?? [])
    .filter((p) => p.kind === "forbid-spend" && typeof p.match === "string")
    .map((p) => new RegExp(p.match, "i"));
  return (description) =>
    AWS_BILL.test(description) || forbidden.some((re) => re.test(description));
}

/** Every record file, grouped as the benchmark reports them; kpis are never scaled. */
export const RECORD_GROUPS = {
  ledger: LEDGER_FILES,
  bookings: ["data/bookings.csv"],
  kpis: ["data/kpis/observations.csv", "data/kpis/targets.csv"],
  rental: [
    "data/rental/units.csv",
    "data/rental/leases.csv",
    "data/rental/rent-charges.csv",
    "data/rental/payments.csv",
    "data/rental/maintenance.csv",
    "data/rental/expenses.csv",
    "data/rental/communications.csv",
  ],
  deliveries: [
    "data/deliveries/deliveries.csv",
    "data/deliveries/legs.csv",
    "data/deliveries/crew.csv",
    "data/deliveries/documents.csv",
  ],
  billing: [
    "data/billing/clients.csv",
    "data/billing/contracts.csv",
    "data/billing/invoices.csv",
    "data/billing/payments.csv",
    "data/billing/time-entries.csv",
    "data/billing/balance_transactions.csv",
  ],
};

/** A regex matching any of `ids` as a whole token, for ids quoted in free text. */
function tokenPattern(ids) {
  const escaped = [...ids].sort((a, b) => b.length - a.length).map((s) => s.replace(/\W/g, "\\$&"));
  return new RegExp(`(?<![\\w-])(${escaped.join("|")})(?![\\w-])`, "g");
}

/** Column rewrites per file: column → (value, replica) → value. */
function specs(dir) {
  const column = (file, col) => {
    const { header, rows } = parseCsv(readFileSync(join(dir, file), "utf8"));
    const i = header.indexOf(col);
    return new Set(rows.map((row) => row[i]));
  };
  const bookingIds = tokenPattern(column("data/bookings.csv", "id"));
  const invoiceIds = tokenPattern(column("data/billing/invoices.csv", "id"));
  const deliveryIds = column("data/deliveries/deliveries.csv", "id");
  const withIds = (pattern) => (v, r) => v.replace(pattern, (m) => id(m, r));
  return {
    "data/bookings.csv": { id, customer: name },
    "data/ledger/queenofsandiego-stripe.csv": { id: processorId, Description: withIds(bookingIds) },
    "data/rental/units.csv": { unit: slug, name },
    "data/rental/leases.csv": { lease: id, unit: slug, tenant: name },
    "data/rental/rent-charges.csv": { lease: id },
    "data/rental/payments.csv": { lease: id, reference: id },
    "data/rental/maintenance.csv": { ticket: id, unit: slug },
    "data/rental/expenses.csv": {},
    "data/rental/communications.csv": { id, lease: id, contact: name, reply_to: id },
    "data/deliveries/deliveries.csv": { id, vessel: name, client: name },
    "data/deliveries/legs.csv": { delivery: id },
    "data/deliveries/crew.csv": { delivery: id, person: name },
    "data/deliveries/documents.csv": {
      holder: (v, r) => (deliveryIds.has(v) ? id(v, r) : name(v, r)),
    },
    "data/billing/clients.csv": { id: slug, name, contact: name },
    "data/billing/contracts.csv": { client: slug },
    "data/billing/invoices.csv": { id, client: slug },
    "data/billing/payments.csv": { invoice: id, client: slug, reference: name },
    "data/billing/time-entries.csv": { client: slug, invoice: id },
    "data/billing/balance_transactions.csv": {
      id: processorId,
      Source: processorId,
      Description: withIds(invoiceIds),
      "invoice (metadata)": id,
    },
  };
}

/** Rewrites one CSV of `dir` with factor − 1 replicas after each row. */
function scaleFile(dir, file, factor, rewrites, keepSingle = () => false) {
  const path = join(dir, file);
  const csv = parseCsv(readFileSync(path, "utf8"));
  const columns = Object.entries(rewrites).map(([col, f]) => {
    const i = csv.header.indexOf(col);
    if (i < 0) throw new Error(`${file} has no column "${col}" to rewrite`);
    return [i, f];
  });
  const rows = [];
  for (const row of csv.rows) {
    rows.push(row);
    if (keepSingle(csv.header, row)) continue;
    for (let r = 2; r <= factor; r++) {
      const copy = [...row];
      for (const [i, f] of columns) copy[i] = f(row[i] ?? "", r);
      rows.push(copy);
    }
  }
  writeFileSync(path, formatCsv({ ...csv, rows }));
}

/**
 * Copies `source` (without its .exec-intel state) to `dest`, scales its records `factor`× and
 * turns PDF rendering off. Returns what the copy holds: its data bytes and record counts.
 */
export function scalePortfolio(source, dest, factor) {
  cpSync(source, dest, {
    recursive: true,
    filter: (src) => relative(source, src).split("/")[0] !== ".exec-intel",
  });
  const config = join(dest, "exec-intel.yaml");
  const yaml = readFileSync(config, "utf8");
  if (!yaml.includes("render:\n  pdf: auto\n"))
    throw new Error("exec-intel.yaml has no 'pdf: auto'");
  if (/^validation:/m.test(yaml)) throw new Error("exec-intel.yaml already has a validation block");
  if (!yaml.includes("\narchive:"))
    throw new Error("exec-intel.yaml has no top-level archive block");
  const edited = yaml
    .replace("render:\n  pdf: auto\n", "render:\n  pdf: off\n")
    .replace("\narchive:", `\n${VALIDATION}archive:`);
  writeFileSync(config, edited);
  if (factor > 1) {
    const rewrites = specs(dest);
    for (const file of LEDGER_FILES) {
      const single = singleRows(
        dest,
        file.startsWith("data/harbor-bakery/")
          ? "data/harbor-bakery/registry.yaml"
          : "data/registry.yaml",
      );
      const ledger = rewrites[file] ?? {};
      scaleFile(dest, file, factor, ledger, (header, row) => {
        const d = header.includes("Description")
          ? header.indexOf("Description")
          : header.indexOf("Details");
        return single(row[d] ?? "");
      });
    }
    for (const [file, columns] of Object.entries(rewrites))
      if (!LEDGER_FILES.includes(file)) scaleFile(dest, file, factor, columns);
  }
  return census(dest);
}

/** Bytes under data/ and record rows per group (header excluded). */
export function census(dir) {
  const records = {};
  for (const [group, files] of Object.entries(RECORD_GROUPS))
    records[group] = files.reduce(
      (n, f) => n + parseCsv(readFileSync(join(dir, f), "utf8")).rows.length,
      0,
    );
  const data = join(dir, "data");
  const bytes = readdirSync(data, { recursive: true })
    .map((f) => statSync(join(data, String(f))))
    .filter((s) => s.isFile())
    .reduce((n, s) => n + s.size, 0);
  return { bytes, records };
}
