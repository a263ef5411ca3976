import { describe, expect, it } from "vitest";
import { parseStripeBalanceCsv } from "./stripe-balance-csv.js";

const AT = { sourceId: "billing", file: "data/billing/balance_transactions.csv" };
const HEADER =
  "id,Type,Source,Amount,Fee,Net,Currency,Created (UTC),Available On (UTC),Description,Transfer";

function parse(rows: string[], invoices = ["DC-7", "DC-8"]) {
  return parseStripeBalanceCsv([HEADER, ...rows].join("\n"), AT, {
    currency: "USD",
    invoices: new Set(invoices),
  });
}

describe("parseStripeBalanceCsv", () => {
  it("keeps charges and refunds as client money and leaves payouts, fees and transfers out", () => {
    const { payments, problems } = parse([
      "txn_5,payout,po_1,-97.00,0.00,-97.00,usd,2026-10-09 14:00:00,2026-10-09 00:00,STRIPE PAYOUT,",
      "txn_4,stripe_fee,,-2.00,0.00,-2.00,usd,2026-10-08 10:00,2026-10-08 00:00,Billing fee,",
      "txn_3,refund,re_1,-20.00,0.00,-20.00,usd,2026-10-06 16:30,2026-10-08 00:00,Refund for DC-8,",
      "txn_2,payment,py_1,120.00,3.78,116.22,usd,2026-10-05 16:30:12,2026-10-07 00:00,Invoice DC-8 (ACH debit),",
      "txn_1,charge,ch_1,10.00,0.59,9.41,usd,2026-10-01,2026-10-03 00:00,Tip jar,",
    ]);
    expect(problems).toEqual([]);
    expect(
      payments.map((p) => [p.date, p.invoice, p.amountCents, p.feeCents, p.reference]),
    ).toEqual([
      ["2026-10-06", "DC-8", -2_000, 0, "txn_3"],
      ["2026-10-05", "DC-8", 12_000, 378, "txn_2"],
      // a charge whose description names no known invoice pays none
      ["2026-10-01", undefined, 1_000, 59, "txn_1"],
    ]);
    expect(payments[1]?.provenance).toEqual({ ...AT, line: 5, asOf: "2026-10-05" });
  });

  it("prefers the invoice metadata column over the description", () => {
    const csv = [
      `${HEADER},invoice_number (metadata)`,
      "txn_1,charge,ch_1,50.00,1.75,48.25,usd,2026-10-02 18:10,2026-10-04 00:00,Invoice DC-7,,DC-8",
    ].join("\n");
    const { payments, problems } = parseStripeBalanceCsv(csv, AT, {
      currency: "usd",
      invoices: new Set(["DC-7", "DC-8"]),
    });
    expect(problems).toEqual([]);
    expect(payments.map((p) => p.invoice)).toEqual(["DC-8"]);
  });
});
