import path from "node:path";
import type { SourceConfig } from "../../../core/config.js";
import { hasErrors, type Problem, problem, warning } from "../../../core/errors.js";
import { latestDate } from "../../../core/freshness.js";
import type { ClientPayment } from "../../../core/model/billing.js";
import type { ClientBook } from "../../../core/model/index.js";
import type { DriverContext } from "../collect.js";
import type { DomainYield } from "../domain-yield.js";
import { listWorkspaceFiles, readWorkspaceText, toPosix } from "../workspace-files.js";
import type { BillingFile } from "./cells.js";
import { parseClientsCsv } from "./clients-csv.js";
import { parseContractsCsv } from "./contracts-csv.js";
import { crossReference } from "./cross-references.js";
import { parseInvoicesCsv } from "./invoices-csv.js";
import { parsePaymentsCsv } from "./payments-csv.js";
import { parseStripeBalanceCsv } from "./stripe-balance-csv.js";
import { parseTimeEntriesCsv } from "./time-entries-csv.js";

/** The files a billing folder holds; the first four must be there. */
const FILES = {
  clients: { name: "clients.csv", header: "id,name,contact" },
  contracts: { name: "contracts.csv", header: "client,model,rate,amount,start,end" },
  timeEntries: { name: "time-entries.csv", header: "date,client,person,hours,description,invoice" },
  invoices: { name: "invoices.csv", header: "id,client,issued,due,amount,status" },
  payments: { name: "payments.csv", header: "date,invoice,client,amount,method,reference" },
  stripe: { name: "balance_transactions.csv", header: "the Stripe Dashboard's balance export" },
} as const;
type FileKey = keyof typeof FILES;
const REQUIRED: readonly FileKey[] = ["clients", "contracts", "timeEntries", "invoices"];
const KNOWN = new Set<string>([...Object.values(FILES).map((f) => f.name), "README.md"]);

/** Reads a billing source folder (clients, contracts, time, invoices, payments, Stripe export) into one client book. */
export async function readBillingSource(
  source: Extract<SourceConfig, { type: "billing" }>,
  context: DriverContext,
): Promise<DomainYield<ClientBook>> {
  const folder = toPosix(source.path);
  const listing = await listWorkspaceFiles(context.workspace, source.path, "");
  if (listing.problems.length > 0) return { records: 0, problems: listing.problems };
  const present = new Set(listing.files.map((f) => path.posix.basename(f)));
  const problems: Problem[] = [];
  for (const name of present)
    if (!KNOWN.has(name))
      problems.push(
        warning(
          `${folder}/${name}`,
          undefined,
          "unknown file in a billing folder: it is not read",
          `a billing folder holds ${Object.values(FILES)
            .map((f) => f.name)
            .join(", ")}: rename it or move it elsewhere`,
        ),
      );
  for (const key of REQUIRED)
    if (!present.has(FILES[key].name))
      problems.push(
        problem(
          `${folder}/${FILES[key].name}`,
          undefined,
          "required billing file is missing",
          `add ${FILES[key].name} with the header ${FILES[key].header}`,
        ),
      );
  if (!present.has(FILES.payments.name) && !present.has(FILES.stripe.name))
    problems.push(
      warning(
        folder,
        undefined,
        "no payments file: every invoice counts as unpaid",
        `add ${FILES.payments.name} (${FILES.payments.header}) or a Stripe ${FILES.stripe.name}`,
      ),
    );
  const texts = new Map<FileKey, { text: string; at: BillingFile }>();
  await Promise.all(
    (Object.keys(FILES) as FileKey[])
      .filter((key) => present.has(FILES[key].name))
      .map(async (key) => {
        const file = `${folder}/${FILES[key].name}`;
        const decoded = await readWorkspaceText(context.workspace, file);
        problems.push(...decoded.problems);
        if (decoded.text !== undefined)
          texts.set(key, { text: decoded.text, at: { sourceId: source.id, file } });
      }),
  );
  if (REQUIRED.some((key) => !texts.has(key))) return { records: 0, problems };
  const parsed = parseAll(texts, context);
  problems.push(...parsed.problems);
  // A refused row would make every reference to it look broken too: report the row alone.
  if (hasErrors(parsed.problems)) return { records: 0, problems };
  const { records, problems: references } = crossReference(parsed.records);
  problems.push(...references);
  const asOf = latestDate([
    ...records.timeEntries.map((e) => e.date),
    ...records.invoices.map((i) => i.issued),
    ...records.payments.map((p) => p.date),
  ]);
  const book: ClientBook = {
    entity: source.entity,
    ...records,
    provenance: { sourceId: source.id, file: folder, asOf: asOf ?? context.periodEnd },
  };
  const count = Object.values(records).reduce((sum, list) => sum + list.length, 0);
  return { book, records: count, ...(asOf !== undefined ? { asOf } : {}), problems };
}

/** Parses every file that was read; payments need the invoice ids to find a Stripe charge's invoice. */
function parseAll(
  texts: ReadonlyMap<FileKey, { text: string; at: BillingFile }>,
  context: DriverContext,
) {
  const read = <T>(key: FileKey, parse: (text: string, at: BillingFile) => T): T | undefined => {
    const file = texts.get(key);
    return file === undefined ? undefined : parse(file.text, file.at);
  };
  const clients = read("clients", (t, at) => parseClientsCsv(t, at, context.periodEnd));
  const contracts = read("contracts", parseContractsCsv);
  const entries = read("timeEntries", parseTimeEntriesCsv);
  const invoices = read("invoices", parseInvoicesCsv);
  const ids = new Set((invoices?.invoices ?? []).map((i) => i.id));
  const paid = read("payments", parsePaymentsCsv);
  const stripe = read("stripe", (t, at) =>
    parseStripeBalanceCsv(t, at, { currency: context.tenant.currency, invoices: ids }),
  );
  const payments: ClientPayment[] = [...(paid?.payments ?? []), ...(stripe?.payments ?? [])];
  return {
    records: {
      clients: clients?.clients ?? [],
      contracts: contracts?.contracts ?? [],
      timeEntries: entries?.entries ?? [],
      invoices: invoices?.invoices ?? [],
      payments: payments.sort((a, b) => a.date.localeCompare(b.date)),
    },
    problems: [clients, contracts, entries, invoices, paid, stripe].flatMap(
      (r) => r?.problems ?? [],
    ),
  };
}
