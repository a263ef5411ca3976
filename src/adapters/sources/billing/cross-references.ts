import { type Problem, problem } from "../../../core/errors.js";
import type {
  BillingClient,
  ClientContract,
  ClientInvoice,
  ClientPayment,
  TimeEntry,
} from "../../../core/model/billing.js";
import type { Traced } from "../../../core/model/index.js";

/** The records of the billing files before their references to each other are checked. */
export interface BillingRecords {
  clients: BillingClient[];
  contracts: ClientContract[];
  timeEntries: TimeEntry[];
  invoices: ClientInvoice[];
  payments: ClientPayment[];
}

/**
 * Checks what the files say about each other: unique ids, known clients and invoices, one
 * contract at a time per client. A payment naming an unknown invoice is not refused: money that
 * matches no invoice is an audit finding, not a typing error. Stripe rows take their invoice's client.
 */
export function crossReference(records: BillingRecords): {
  records: BillingRecords;
  problems: Problem[];
} {
  const problems: Problem[] = [];
  const refuse = (record: Traced, message: string, hint: string) =>
    problems.push(problem(record.provenance.file, record.provenance.line, message, hint));
  const clients = unique(records.clients, (c) => c.id, "client id", refuse);
  const invoices = unique(records.invoices, (i) => i.id, "invoice id", refuse);
  const known = new Set(clients.map((c) => c.id));
  const clientHint = `add the client to clients.csv or use a known id (${[...known].join(", ")})`;
  const knownClient = (record: Traced & { client?: string }, what: string) => {
    if (record.client === undefined || known.has(record.client)) return true;
    refuse(
      record,
      `${what} names client "${record.client}", which clients.csv does not have`,
      clientHint,
    );
    return false;
  };
  const contracts = records.contracts.filter((c) => knownClient(c, "contract"));
  checkOverlaps(contracts, refuse);
  const billedTo = new Map(
    invoices.filter((i) => knownClient(i, "invoice")).map((i) => [i.id, i.client]),
  );
  const timeEntries = records.timeEntries.filter((entry) => {
    if (!knownClient(entry, "time entry")) return false;
    if (entry.invoice === undefined) return true;
    const client = billedTo.get(entry.invoice);
    if (client === undefined)
      refuse(
        entry,
        `time entry names invoice "${entry.invoice}", which invoices.csv does not have`,
        "correct the invoice number, or leave it empty while the work is unbilled",
      );
    else if (client !== entry.client)
      refuse(
        entry,
        `time entry for ${entry.client} names invoice ${entry.invoice}, which is billed to ${client}`,
        "correct the client or the invoice number",
      );
    return client === entry.client;
  });
  const payments = records.payments
    .filter((p) => knownClient(p, "payment"))
    .map((p) => {
      const client = p.invoice !== undefined ? billedTo.get(p.invoice) : undefined;
      return p.client === undefined && client !== undefined ? { ...p, client } : p;
    });
  return {
    records: {
      clients,
      contracts,
      timeEntries,
      invoices: invoices.filter((i) => billedTo.has(i.id)),
      payments,
    },
    problems,
  };
}

/** The records whose key is first used by them; a repeat is refused at its line. */
function unique<T extends Traced>(
  records: readonly T[],
  key: (record: T) => string,
  what: string,
  refuse: (record: Traced, message: string, hint: string) => void,
): T[] {
  const first = new Map<string, T>();
  return records.filter((record) => {
    const seen = first.get(key(record));
    if (seen === undefined) {
      first.set(key(record), record);
      return true;
    }
    refuse(
      record,
      `${what} "${key(record)}" is already used at line ${seen.provenance.line}`,
      `give every record its own ${what}`,
    );
    return false;
  });
}

/** A client has one contract at a time, so each day of work has one billing model. */
function checkOverlaps(
  contracts: readonly ClientContract[],
  refuse: (record: Traced, message: string, hint: string) => void,
): void {
  const byClient = new Map<string, ClientContract[]>();
  for (const c of contracts) byClient.set(c.client, [...(byClient.get(c.client) ?? []), c]);
  for (const list of byClient.values()) {
    const sorted = [...list].sort((a, b) => a.start.localeCompare(b.start));
    sorted.forEach((contract, i) => {
      const before = sorted[i - 1];
      if (before === undefined || (before.end !== undefined && before.end < contract.start)) return;
      refuse(
        contract,
        `contract of ${contract.client} from ${contract.start} overlaps the contract at line ${before.provenance.line} (${before.start} to ${before.end ?? "open-ended"})`,
        "end the earlier contract the day before the later one starts",
      );
    });
  }
}
