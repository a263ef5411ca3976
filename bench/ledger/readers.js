// Reading the three tools' totals into one shape, "YYYY-MM\taccount" → cents as journal
// postings carry them (income negative), so they can be compared to the cent. Used by
// bench/ledger.js and by test/export/totals-peers.test.ts. Single-currency ledgers with 2-digit
// minor units only (the benchmark's and the portfolio's): keys carry no currency.
import { accountPath, hledgerAccount } from "../../dist/core/export/journal.js";

/** ledger-cli's --format for one line per account and month (with -M). */
export const LEDGER_FORMAT =
  '%(format_date(date, "%Y-%m"))\t%(account)\t%(quantity(scrub(display_amount)))\n';

/** Decimal text ("-1,234.5", "1864") to integer cents, by text so nothing rounds. */
export function cents(text) {
  const clean = text.replaceAll(",", "").trim();
  const match = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(clean);
  if (!match) throw new Error(`cannot read the amount "${text}"`);
  const value = Number(match[2]) * 100 + Number((match[3] ?? "").padEnd(2, "0"));
  return match[1] === "-" ? -value : value;
}

/** Totals as journal postings see them: "YYYY-MM\taccount" → cents (income negative). */
export function oursToJournal(csv) {
  const totals = new Map();
  const [header, ...lines] = csv.trim().split("\n");
  if (header !== "month,entity,account,currency,amount,transactions")
    throw new Error(`exec-intel's totals header is "${header}"`);
  for (const line of lines) {
    // Entity ids and category accounts are slugs (the config allows no commas in them).
    const fields = line.split(",");
    if (fields.length !== 6) throw new Error(`exec-intel's totals line "${line}" is not 6 fields`);
    const [month, entity, account, , amount] = fields;
    // The journal's category posting carries the bank amount with the opposite sign; two model
    // accounts spelled alike in the journal (`revenue:x`, `income:x`) are one account there.
    const key = `${month}\t${hledgerAccount(accountPath(entity, account))}`;
    totals.set(key, (totals.get(key) ?? 0) - cents(amount));
  }
  return totals;
}

/** ledger-cli's LEDGER_FORMAT lines, same shape. */
export function ledgerTotals(text) {
  const totals = new Map();
  for (const line of text.trim().split("\n")) {
    const [month, account, amount] = line.split("\t");
    totals.set(`${month}\t${account}`, cents(amount));
  }
  return totals;
}

/** hledger's `register -M -O csv` output, same shape. */
export function hledgerTotals(text) {
  const totals = new Map();
  const [, ...lines] = text.trim().split("\n");
  for (const line of lines) {
    // "txnidx","date","code","description","account","amount","total"; dates are period starts.
    const cells = line.split('","').map((c) => c.replaceAll('"', ""));
    const amount = cells[5].replace(/\s*[A-Z]{3}$/, "");
    const key = `${cells[1].slice(0, 7)}\t${cells[4]}`;
    totals.set(key, (totals.get(key) ?? 0) + cents(amount));
  }
  return totals;
}

/**
 * Throws unless both hold the same cents for every account and month; answers how many non-zero
 * totals agree. A total of zero counts as absent: exec-intel lists an account whose month nets to
 * zero (a sale and its refund), the register reports print no line for it.
 */
export function agreeingTotals(reference, other, name) {
  const differences = [];
  const keys = new Set([...reference.keys(), ...other.keys()]);
  let agreeing = 0;
  for (const key of keys) {
    const ours = reference.get(key) ?? 0;
    const theirs = other.get(key) ?? 0;
    if (ours !== theirs) differences.push(`${key}: exec-intel ${ours}, ${name} ${theirs}`);
    else if (ours !== 0) agreeing++;
  }
  if (differences.length > 0)
    throw new Error(
      `${name} disagrees on ${differences.length} totals, e.g. ${differences.slice(0, 3).join("; ")}`,
    );
  return agreeing;
}
