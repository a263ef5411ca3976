import { cp, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readBillingSource } from "../../src/adapters/sources/billing/read-billing-source.js";
import { formatProblem } from "../../src/core/errors.js";
import { makeTempDir } from "../helpers/cli.js";
import { sourceWithContext } from "../helpers/source-context.js";

// The billing reader over a small valid folder (test/fixtures/billing/good), then one bad file
// at a time: each must become the exact problem, at its file and line, and never a crash.

const GOOD = fileURLToPath(new URL("../fixtures/billing/good/", import.meta.url));
const FOLDER = "data/billing";

function setup(workspace: string) {
  return sourceWithContext(
    workspace,
    [{ id: "clients", name: "Client portfolio", kind: "client-portfolio" }],
    { id: "billing", type: "billing", path: FOLDER, entity: "clients" },
  );
}

let workspace: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir: workspace, cleanup } = await makeTempDir());
  await cp(GOOD, path.join(workspace, FOLDER), { recursive: true });
});
afterEach(() => cleanup());

const read = () => {
  const { source, context } = setup(workspace);
  return readBillingSource(source, context);
};
const write = (file: string, text: string) => writeFile(path.join(workspace, FOLDER, file), text);
const problems = async () => (await read()).problems.map(formatProblem);

describe("billing source: a valid folder", () => {
  it("reads clients, contracts, time entries, invoices and both payment files into one book", async () => {
    const { book, records, asOf, problems } = await read();
    expect(problems).toEqual([]);
    expect(records).toBe(12);
    expect(asOf).toBe("2026-10-07");
    expect(book?.entity).toBe("clients");
    expect(book?.clients).toEqual([
      {
        id: "alpha",
        name: "Alpha Co",
        contact: "Ann Lee",
        provenance: {
          sourceId: "billing",
          file: `${FOLDER}/clients.csv`,
          line: 2,
          asOf: "2026-10-31",
        },
      },
      {
        id: "beta",
        name: "Beta LLC",
        provenance: {
          sourceId: "billing",
          file: `${FOLDER}/clients.csv`,
          line: 3,
          asOf: "2026-10-31",
        },
      },
    ]);
    expect(
      book?.contracts.map((c) => [c.client, c.model, c.rateCents, c.amountCents, c.end]),
    ).toEqual([
      ["alpha", "hourly", 15_000, undefined, "2026-06-30"],
      ["alpha", "retainer", undefined, 100_000, undefined],
      ["beta", "none", undefined, undefined, undefined],
    ]);
    expect(book?.timeEntries[0]).toMatchObject({
      date: "2026-09-03",
      hours: 2.5,
      description: "Fixes, round two",
      invoice: "A-1",
    });
    expect(book?.timeEntries[1]?.invoice).toBeUndefined();
  });

  it("takes Stripe charges and refunds as payments, finds their invoice and client, and leaves payouts out", async () => {
    const { book } = await read();
    expect(
      book?.payments.map((p) => [
        p.date,
        p.invoice,
        p.client,
        p.amountCents,
        p.method,
        p.feeCents,
        p.provenance.line,
      ]),
    ).toEqual([
      // invoice from the metadata column
      ["2026-10-02", "A-2", "alpha", 5_000, "stripe", 175, 4],
      ["2026-10-04", "A-1", "alpha", 40_000, "ach", undefined, 2],
      // invoice from the description
      ["2026-10-07", "A-1", "alpha", 60_000, "stripe", 1_770, 3],
    ]);
  });
});

describe("billing source: bad input", () => {
  const at = (file: string) => `${FOLDER}/${file}`;

  it("a missing required file is named with the header to write", async () => {
    await rm(path.join(workspace, FOLDER, "contracts.csv"));
    expect(await problems()).toEqual([
      `${at("contracts.csv")}: error: required billing file is missing\n    hint: add contracts.csv with the header client,model,rate,amount,start,end`,
    ]);
    expect((await read()).book).toBeUndefined();
  });

  it("an unknown file is a warning, and a folder without payments warns that every invoice counts as unpaid", async () => {
    await write("notes.txt", "call Beta\n");
    await rm(path.join(workspace, FOLDER, "payments.csv"));
    await rm(path.join(workspace, FOLDER, "balance_transactions.csv"));
    expect(await problems()).toEqual([
      `${at("notes.txt")}: warning: unknown file in a billing folder: it is not read\n    hint: a billing folder holds clients.csv, contracts.csv, time-entries.csv, invoices.csv, payments.csv, balance_transactions.csv: rename it or move it elsewhere`,
      `${FOLDER}: warning: no payments file: every invoice counts as unpaid\n    hint: add payments.csv (date,invoice,client,amount,method,reference) or a Stripe balance_transactions.csv`,
    ]);
  });

  const CASES: [string, string, string, string][] = [
    ["clients.csv", "", "clients.csv:1: error: file is empty", "add a header row: id,name"],
    [
      "clients.csv",
      "id,title\nalpha,Alpha\n",
      'clients.csv:1: error: header is missing column "name"',
      "the header row has: id, title; rename the columns or fix the source's column mapping",
    ],
    [
      "clients.csv",
      "id,name\nAlpha Co,Alpha Co\n",
      'clients.csv:2:1: error: client id "Alpha Co" is not a slug',
      "use lowercase letters, digits and dashes, e.g. harborview-dental",
    ],
    [
      "clients.csv",
      "id,name\nalpha,Alpha Co\nbeta,Beta\nalpha,Alpha again\n",
      'clients.csv:4: error: client id "alpha" is already used at line 2',
      "give every record its own client id",
    ],
    [
      "contracts.csv",
      "client,model,rate,amount,start,end\nalpha,monthly,150,,2026-01-01,\n",
      'contracts.csv:2:2: error: model "monthly" is not one of retainer, hourly, fixed, none',
      "use one of the listed values",
    ],
    [
      "contracts.csv",
      "client,model,rate,amount,start,end\nalpha,hourly,,,2026-01-01,\n",
      "contracts.csv:2:3: error: hourly contract has no rate",
      "an hourly contract needs a rate per hour",
    ],
    [
      "contracts.csv",
      "client,model,rate,amount,start,end\nbeta,none,150,,2026-01-01,\n",
      "contracts.csv:2:2: error: a contract with model none states a rate or an amount",
      "choose the model the rate or amount belongs to (hourly, retainer or fixed), or clear them",
    ],
    [
      "contracts.csv",
      "client,model,rate,amount,start,end\nalpha,hourly,150,,2026-01-01,\nalpha,retainer,,1000,2026-07-01,\n",
      "contracts.csv:3: error: contract of alpha from 2026-07-01 overlaps the contract at line 2 (2026-01-01 to open-ended)",
      "end the earlier contract the day before the later one starts",
    ],
    [
      "contracts.csv",
      "client,model,rate,amount,start,end\ngamma,hourly,150,,2026-01-01,\n",
      'contracts.csv:2: error: contract names client "gamma", which clients.csv does not have',
      "add the client to clients.csv or use a known id (alpha, beta)",
    ],
    [
      "time-entries.csv",
      "date,client,person,hours,description,invoice\n2026-09-03,alpha,Alex Moreno,25,Marathon,\n",
      "time-entries.csv:2:4: error: hours 25 is outside 0 to 24 hours",
      "record one day's work per row, above zero",
    ],
    [
      "time-entries.csv",
      "date,client,person,hours,description,invoice\n2026-09-03,alpha,Alex Moreno,1h30,Call,\n",
      'time-entries.csv:2:4: error: hours "1h30" is not a number of hours',
      "write hours as a decimal with at most two places, e.g. 1.5 or 0.25",
    ],
    [
      "time-entries.csv",
      "date,client,person,hours,description,invoice\n09/03/2026,alpha,Alex Moreno,1,Call,\n",
      'time-entries.csv:2:1: error: date "09/03/2026" is not a YYYY-MM-DD date',
      "write dates as YYYY-MM-DD, e.g. 2026-10-31",
    ],
    [
      "time-entries.csv",
      "date,client,person,hours,description,invoice\n2026-09-03,alpha,Alex Moreno,1,Call,A-9\n",
      'time-entries.csv:2: error: time entry names invoice "A-9", which invoices.csv does not have',
      "correct the invoice number, or leave it empty while the work is unbilled",
    ],
    [
      "time-entries.csv",
      "date,client,person,hours,description,invoice\n2026-09-03,beta,Alex Moreno,1,Call,A-1\n",
      "time-entries.csv:2: error: time entry for beta names invoice A-1, which is billed to alpha",
      "correct the client or the invoice number",
    ],
    [
      "invoices.csv",
      "id,client,issued,due,amount,status\nA-1,alpha,2026-09-30,2026-09-01,1000,paid\nA-2,alpha,2026-10-01,2026-10-31,1000,sent\n",
      "invoices.csv:2:4: error: due 2026-09-01 is before issued 2026-09-30",
      "the due date is the issue date plus the payment terms",
    ],
    [
      "invoices.csv",
      "id,client,issued,due,amount,status\nA-1,alpha,2026-09-30,2026-10-30,1000,open\nA-2,alpha,2026-10-01,2026-10-31,1000,sent\n",
      'invoices.csv:2:6: error: status "open" is not one of draft, sent, paid, void',
      "use one of the listed values",
    ],
    [
      "invoices.csv",
      "id,client,issued,due,amount,status\nA-1,alpha,2026-09-30,2026-10-30,1000,paid\nA-2,alpha,2026-10-01,2026-10-31,-5,sent\n",
      "invoices.csv:3:5: error: amount -5 is not above zero",
      "write the amount as a positive number",
    ],
    [
      "invoices.csv",
      "id,client,issued,due,amount,status\nA-1,alpha,2026-09-30,2026-10-30,1000,paid\nA-2,alpha,2026-10-01,2026-10-31,1000,sent\nA-1,beta,2026-10-02,2026-11-01,10,sent\n",
      'invoices.csv:4: error: invoice id "A-1" is already used at line 2',
      "give every record its own invoice id",
    ],
    [
      "payments.csv",
      "date,invoice,client,amount,method,reference\n2026-10-04,A-1,alpha,four hundred,ach,\n",
      'payments.csv:2:4: error: amount "four hundred" is not an amount',
      "write an amount such as 1200.00 or 1,200.00",
    ],
    [
      "payments.csv",
      "date,invoice,client,amount,method,reference\n2026-10-04,A-1,alpha,400,,\n",
      "payments.csv:2:5: error: method is empty",
      "say how the money came: ach, check, card, cash…",
    ],
    [
      "balance_transactions.csv",
      "id,Type,Source,Amount,Fee,Net,Currency,Created (UTC),Description\ntxn_1,charge,ch_1,50.00,1.75,48.25,eur,2026-10-02 18:10,A-2\n",
      'balance_transactions.csv:2:7: error: Currency "eur" is not the tenant\'s currency USD',
      "export the balance in the tenant's currency, or keep other currencies out of this folder",
    ],
    [
      "balance_transactions.csv",
      "id,Type,Source,Amount,Fee,Net,Currency,Created (UTC),Description\ntxn_1,charge,ch_1,50.00,1.75,50.00,usd,2026-10-02 18:10,A-2\n",
      "balance_transactions.csv:2:6: error: Net 50.00 is not Amount 50.00 less Fee 1.75",
      "export the file again from the Stripe Dashboard without editing it",
    ],
    [
      "balance_transactions.csv",
      "id,Type,Source,Amount,Fee,Net,Currency,Created (UTC),Description\ntxn_1,charge,ch_1,50.00,1.75,48.25,usd,10/2/2026 18:10,A-2\n",
      'balance_transactions.csv:2:8: error: Created (UTC) "10/2/2026 18:10" is not a date and time such as 2026-10-03 18:12',
      "export the file again from the Stripe Dashboard (dates as YYYY-MM-DD HH:mm)",
    ],
    [
      "balance_transactions.csv",
      "id,Type,Source,Amount,Fee,Net,Currency,Created (UTC),Description\ntxn_1,refund,re_1,50.00,0.00,50.00,usd,2026-10-02 18:10,A-2\n",
      "balance_transactions.csv:2:4: error: a refund of 50.00 has the wrong sign",
      "charges are positive and refunds negative in a Stripe export: export the file again",
    ],
  ];

  it.each(CASES)("%s: %s → %s", async (file, text, message, hint) => {
    await write(file, text);
    expect(await problems()).toEqual([`${FOLDER}/${message}\n    hint: ${hint}`]);
  });
});
