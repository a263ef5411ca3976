// One measured ingest in its own process (see ingest.js). Prints JSON: ms (from reading the file
// to the categorised transactions, so Node's start and module loading are left out), the
// process's peak RSS in KB, rows, uncategorised rows.
import { readFileSync } from "node:fs";
import Papa from "papaparse";
import { parseLedgerCsv } from "../dist/adapters/sources/ledger-csv.js";
import { decodeText } from "../dist/adapters/sources/text-decoding.js";
import { createCategoriser } from "../dist/core/categorise.js";

const [mode, file] = process.argv.slice(2);
const rules = [
  { match: "chevron|fuel dock", account: "expenses:cost-of-sales:fuel" },
  { match: "stripe payout", account: "income:charters" },
  { match: "amazon web services|aws", account: "expenses:software:cloud" },
  { match: "west marine|home depot", account: "expenses:vessel:maintenance" },
  { match: "marina|slip", account: "expenses:vessel:moorage" },
  { match: "google \\*workspace", account: "expenses:software:productivity" },
  { match: "transfer from", account: "transfers:internal" },
];
const source = {
  id: "bench",
  type: "ledger",
  path: "bench.csv",
  entity: "bench",
  account: "assets:bank:checking",
  currency: "USD",
  dateFormat: "MM/DD/YYYY",
  sign: "as-is",
  columns: { date: "Posting Date", description: "Description", amount: "Amount" },
  delimiter: ",",
  encoding: "utf8",
  onBadRow: "fail",
};

const started = process.hrtime.bigint();
let rows = 0;
let uncategorised = 0;
const decoded = decodeText(readFileSync(file), "utf8", "bench.csv");
if (mode === "exec-intel") {
  const { transactions, problems } = parseLedgerCsv(
    decoded.text,
    source,
    "bench.csv",
    createCategoriser(rules),
  );
  if (problems.length > 0) throw new Error(`unexpected problems: ${problems[0].message}`);
  rows = transactions.length;
  uncategorised = transactions.filter((t) => t.category === undefined).length;
} else {
  const { data } = Papa.parse(decoded.text, { delimiter: "," });
  // Less the header, and the empty row Papa Parse reads after the file's final newline.
  rows = data.length - 1 - (data.at(-1)?.join("") === "" ? 1 : 0);
}
const ms = Number(process.hrtime.bigint() - started) / 1e6;
process.stdout.write(
  JSON.stringify({ ms, peakRssKb: process.resourceUsage().maxRSS, rows, uncategorised }),
);
