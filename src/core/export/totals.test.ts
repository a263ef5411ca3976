import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Transaction } from "../model/index.js";
import {
  createTotalsAccumulator,
  isTotalsFormat,
  ledgerTotals,
  renderTotals,
  TOTALS_FORMATS,
  type TotalRow,
} from "./totals.js";

// The income and expense totals, pure: what is grouped with what, what is left out (transfers
// and other balance-sheet money), where uncategorised money goes, the order of the rows, that
// totals folded in pieces and merged equal totals folded whole (the worker threads rely on it),
// and how the CSV and JSON are written. The property tests compare against a plain
// group-and-sum written here, apart from the accumulator's keyed maps.

const TENANT = { id: "acme", name: "Acme Holdings" };

/** A transaction with just what a test cares about; the rest is plausible filler. */
function t(
  fields: Partial<Transaction> & Pick<Transaction, "date" | "amountCents">,
  category?: string,
): Transaction {
  const transaction: Transaction = {
    id: `bank:${Math.random().toString(36).slice(2)}`,
    entity: "harbor-bakery",
    description: "TEST",
    currency: "USD",
    sourceAccount: "assets:bank:checking",
    provenance: { sourceId: "bank", file: "data/bank.csv", line: 2, asOf: fields.date },
    ...fields,
  };
  if (category !== undefined) transaction.category = category;
  return transaction;
}

/** Rows without the fields a test does not look at, for short expectations. */
const brief = (rows: readonly TotalRow[]) =>
  rows.map((r) => [r.month, r.entity, r.account, r.currency, r.amount, r.transactions]);

describe("ledgerTotals grouping", () => {
  it("sums one month, entity, account and currency into one row and counts its transactions", () => {
    const rows = ledgerTotals([
      t({ date: "2026-03-01", amountCents: -120_000 }, "expenses:occupancy:rent"),
      t({ date: "2026-03-31", amountCents: -5_050 }, "expenses:occupancy:rent"),
      t({ date: "2026-03-15", amountCents: 99 }, "expenses:occupancy:rent"),
    ]);
    expect(rows).toEqual([
      {
        month: "2026-03",
        entity: "harbor-bakery",
        account: "expenses:occupancy:rent",
        currency: "USD",
        amount: -124_951,
        transactions: 3,
      },
    ]);
  });

  it("keeps months, entities, accounts and currencies apart", () => {
    const rows = ledgerTotals([
      t({ date: "2026-03-31", amountCents: -100 }, "expenses:rent"),
      t({ date: "2026-04-01", amountCents: -200 }, "expenses:rent"),
      t({ date: "2026-03-10", amountCents: -300, entity: "jada" }, "expenses:rent"),
      t({ date: "2026-03-10", amountCents: -400 }, "expenses:utilities"),
      t({ date: "2026-03-10", amountCents: -500, currency: "EUR" }, "expenses:rent"),
    ]);
    expect(brief(rows)).toEqual([
      ["2026-03", "harbor-bakery", "expenses:rent", "EUR", -500, 1],
      ["2026-03", "harbor-bakery", "expenses:rent", "USD", -100, 1],
      ["2026-03", "harbor-bakery", "expenses:utilities", "USD", -400, 1],
      ["2026-03", "jada", "expenses:rent", "USD", -300, 1],
      ["2026-04", "harbor-bakery", "expenses:rent", "USD", -200, 1],
    ]);
  });

  it("never adds currencies together, whatever their minor units", () => {
    const rows = ledgerTotals([
      t({ date: "2026-05-02", amountCents: 1_000, currency: "USD" }, "income:sales"),
      t({ date: "2026-05-02", amountCents: 1_000, currency: "JPY" }, "income:sales"),
      t({ date: "2026-05-02", amountCents: 1_000, currency: "KWD" }, "income:sales"),
      t({ date: "2026-05-03", amountCents: 250, currency: "JPY" }, "income:sales"),
    ]);
    expect(brief(rows)).toEqual([
      ["2026-05", "harbor-bakery", "income:sales", "JPY", 1_250, 2],
      ["2026-05", "harbor-bakery", "income:sales", "KWD", 1_000, 1],
      ["2026-05", "harbor-bakery", "income:sales", "USD", 1_000, 1],
    ]);
  });

  it("keeps amounts as the bank saw them: income positive, expenses negative, refunds netted", () => {
    const rows = ledgerTotals([
      t({ date: "2026-06-01", amountCents: 50_000 }, "income:sales"),
      t({ date: "2026-06-02", amountCents: -7_500 }, "income:sales"), // a refund
      t({ date: "2026-06-03", amountCents: -2_000 }, "expenses:supplies"),
      t({ date: "2026-06-04", amountCents: 300 }, "expenses:supplies"), // a supplier credit
    ]);
    expect(brief(rows)).toEqual([
      ["2026-06", "harbor-bakery", "expenses:supplies", "USD", -1_700, 2],
      ["2026-06", "harbor-bakery", "income:sales", "USD", 42_500, 2],
    ]);
  });

  it("leaves out transfers and every other balance-sheet category", () => {
    const rows = ledgerTotals([
      t({ date: "2026-07-01", amountCents: -100_000 }, "transfers:internal"),
      t({ date: "2026-07-01", amountCents: 100_000 }, "assets:bank:savings"),
      t({ date: "2026-07-01", amountCents: -3_000 }, "liabilities:card:amex"),
      t({ date: "2026-07-01", amountCents: 500_000 }, "equity:owner-contributions"),
      t({ date: "2026-07-01", amountCents: -10 }, "Chase Checking"), // no root: an asset
      t({ date: "2026-07-02", amountCents: -1_234 }, "expenses:software"),
    ]);
    expect(brief(rows)).toEqual([
      ["2026-07", "harbor-bakery", "expenses:software", "USD", -1_234, 1],
    ]);
    expect(
      ledgerTotals([t({ date: "2026-07-01", amountCents: -1 }, "transfers:internal")]),
    ).toEqual([]);
  });

  it("counts root aliases and capitalised roots as income or expenses, under the rule's name", () => {
    const rows = ledgerTotals([
      t({ date: "2026-08-01", amountCents: 700 }, "revenue:consulting"),
      t({ date: "2026-08-01", amountCents: 800 }, "Revenues:Retail"),
      t({ date: "2026-08-01", amountCents: -900 }, "Expense:Fuel"),
    ]);
    expect(brief(rows)).toEqual([
      ["2026-08", "harbor-bakery", "Expense:Fuel", "USD", -900, 1],
      ["2026-08", "harbor-bakery", "Revenues:Retail", "USD", 800, 1],
      ["2026-08", "harbor-bakery", "revenue:consulting", "USD", 700, 1],
    ]);
  });

  it("splits uncategorised money by sign: inflows are income, outflows (and zero) expenses", () => {
    const rows = ledgerTotals([
      t({ date: "2026-09-01", amountCents: 1_500 }),
      t({ date: "2026-09-02", amountCents: 2_500 }),
      t({ date: "2026-09-03", amountCents: -400 }),
      t({ date: "2026-09-04", amountCents: 0 }),
    ]);
    expect(brief(rows)).toEqual([
      ["2026-09", "harbor-bakery", "expenses:uncategorised", "USD", -400, 2],
      ["2026-09", "harbor-bakery", "income:uncategorised", "USD", 4_000, 2],
    ]);
  });

  it("orders rows by month, entity, account, currency in code-unit order, not the locale's", () => {
    const shuffled = [
      t({ date: "2026-02-01", amountCents: -1, entity: "alpha" }, "expenses:a"),
      t({ date: "2026-01-01", amountCents: -2, entity: "beta" }, "expenses:b"),
      t({ date: "2026-01-01", amountCents: -3, entity: "beta" }, "expenses:B"),
      t({ date: "2026-01-01", amountCents: -4, entity: "Zeta" }, "expenses:z"),
      t({ date: "2026-01-01", amountCents: -5, entity: "beta" }, "expenses:b"),
      t({ date: "2026-01-01", amountCents: -6, entity: "beta", currency: "EUR" }, "expenses:b"),
      t({ date: "2026-01-01", amountCents: -7, entity: "café" }, "expenses:é"),
      t({ date: "2026-01-01", amountCents: -8, entity: "cafe" }, "income:x"),
      t({ date: "2026-01-01", amountCents: 9, entity: "cafe" }, "expenses:x"),
    ];
    const rows = ledgerTotals(shuffled);
    expect(brief(rows)).toEqual([
      ["2026-01", "Zeta", "expenses:z", "USD", -4, 1], // "Z" (0x5A) sorts before "b" (0x62)
      ["2026-01", "beta", "expenses:B", "USD", -3, 1],
      ["2026-01", "beta", "expenses:b", "EUR", -6, 1],
      ["2026-01", "beta", "expenses:b", "USD", -7, 2],
      ["2026-01", "cafe", "expenses:x", "USD", 9, 1],
      ["2026-01", "cafe", "income:x", "USD", -8, 1],
      ["2026-01", "café", "expenses:é", "USD", -7, 1],
      ["2026-02", "alpha", "expenses:a", "USD", -1, 1],
    ]);
    // The same rows whatever order the transactions came in.
    expect(ledgerTotals([...shuffled].reverse())).toEqual(rows);
  });

  it("answers nothing for no transactions", () => {
    expect(ledgerTotals([])).toEqual([]);
    expect(renderTotals("csv", { tenant: TENANT, rows: [] })).toBe(
      "month,entity,account,currency,amount,transactions\n",
    );
  });
});

describe("createTotalsAccumulator", () => {
  it("answers copies: changing what rows() gave does not change the totals", () => {
    const totals = createTotalsAccumulator();
    totals.add(t({ date: "2026-03-01", amountCents: -100 }, "expenses:rent"));
    const first = totals.rows();
    (first[0] as TotalRow).amount = 999_999;
    expect(brief(totals.rows())).toEqual([
      ["2026-03", "harbor-bakery", "expenses:rent", "USD", -100, 1],
    ]);
    totals.add(t({ date: "2026-03-02", amountCents: -50 }, "expenses:rent"));
    expect(brief(totals.rows())).toEqual([
      ["2026-03", "harbor-bakery", "expenses:rent", "USD", -150, 2],
    ]);
  });

  it("merges rows with their counts, and ignores merged balance-sheet rows", () => {
    const totals = createTotalsAccumulator();
    totals.add(t({ date: "2026-03-01", amountCents: -100 }, "expenses:rent"));
    totals.merge([
      {
        month: "2026-03",
        entity: "harbor-bakery",
        account: "expenses:rent",
        currency: "USD",
        amount: -250,
        transactions: 4,
      },
      {
        month: "2026-03",
        entity: "harbor-bakery",
        account: "transfers:internal",
        currency: "USD",
        amount: -1_000,
        transactions: 1,
      },
    ]);
    expect(brief(totals.rows())).toEqual([
      ["2026-03", "harbor-bakery", "expenses:rent", "USD", -350, 5],
    ]);
  });

  // Transactions drawn from small pools, so groups collide often; all the awkward corners in play.
  const transaction = fc
    .record({
      month: fc.constantFrom("2025-12", "2026-01", "2026-02"),
      day: fc.integer({ min: 1, max: 28 }),
      entity: fc.constantFrom("jada", "Zeta", "café", "cafe", "a,b", 'q"t'),
      category: fc.constantFrom(
        undefined,
        "income:sales",
        "expenses:rent",
        "expenses:Rent",
        "revenue:consulting",
        "transfers:internal",
        "assets:bank:savings",
        "equity:owner",
      ),
      currency: fc.constantFrom("USD", "JPY", "KWD", "EUR", "XAUX"),
      amountCents: fc.integer({ min: -5_000_000, max: 5_000_000 }),
    })
    .map(({ month, day, category, ...rest }) =>
      t({ ...rest, date: `${month}-${String(day).padStart(2, "0")}` }, category),
    );

  /** The test's own group-and-sum: one key string per row, sorted as the rows must be. */
  function reference(transactions: readonly Transaction[]): TotalRow[] {
    const groups = new Map<string, TotalRow>();
    for (const x of transactions) {
      const account =
        x.category ?? (x.amountCents > 0 ? "income:uncategorised" : "expenses:uncategorised");
      const root = account.split(":")[0]?.toLowerCase() ?? "";
      if (!["income", "revenue", "revenues", "expense", "expenses"].includes(root)) continue;
      const month = x.date.slice(0, 7);
      const key = JSON.stringify([month, x.entity, account, x.currency]);
      const row = groups.get(key) ?? {
        month,
        entity: x.entity,
        account,
        currency: x.currency,
        amount: 0,
        transactions: 0,
      };
      row.amount += x.amountCents;
      row.transactions += 1;
      groups.set(key, row);
    }
    const order = (r: TotalRow) => [r.month, r.entity, r.account, r.currency];
    return [...groups.values()].sort((a, b) => {
      const [x, y] = [order(a), order(b)];
      for (let i = 0; i < x.length; i++) {
        const p = x[i] as string;
        const q = y[i] as string;
        if (p !== q) return p < q ? -1 : 1;
      }
      return 0;
    });
  }

  it("equals a plain group-and-sum (seeded random ledgers)", () => {
    fc.assert(
      fc.property(fc.array(transaction, { maxLength: 200 }), (transactions) => {
        expect(ledgerTotals(transactions)).toEqual(reference(transactions));
      }),
      { seed: 20261121, numRuns: 300 },
    );
  });

  it("merging the totals of split pieces equals adding every transaction (seeded random ledgers)", () => {
    fc.assert(
      fc.property(
        fc.array(transaction, { maxLength: 200 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 4 }),
        (transactions, cuts) => {
          const whole = createTotalsAccumulator();
          for (const x of transactions) whole.add(x);
          // Cut the ledger into pieces, as sources split over worker threads.
          const points = [
            ...new Set(cuts.map((c) => (transactions.length === 0 ? 0 : c % transactions.length))),
          ].sort((a, b) => a - b);
          const bounds = [0, ...points, transactions.length];
          const pieces = bounds.slice(1).map((end, i) => transactions.slice(bounds[i], end));
          const merged = createTotalsAccumulator();
          // Merged in reverse, so the answer cannot depend on which piece finished first.
          for (const piece of [...pieces].reverse()) {
            const part = createTotalsAccumulator();
            for (const x of piece) part.add(x);
            merged.merge(part.rows());
          }
          expect(merged.rows()).toEqual(whole.rows());
          // A half folded in directly and a half merged also agree.
          const mixed = createTotalsAccumulator();
          const half = Math.floor(transactions.length / 2);
          for (const x of transactions.slice(0, half)) mixed.add(x);
          mixed.merge(ledgerTotals(transactions.slice(half)));
          expect(mixed.rows()).toEqual(whole.rows());
        },
      ),
      { seed: 4417, numRuns: 300 },
    );
  });
});

describe("renderTotals CSV", () => {
  const row = (fields: Partial<TotalRow>): TotalRow => ({
    month: "2026-10",
    entity: "jada",
    account: "expenses:software",
    currency: "USD",
    amount: 0,
    transactions: 1,
    ...fields,
  });

  it("writes a header, then one line per row with the currency's minor-unit digits", () => {
    const csv = renderTotals("csv", {
      tenant: TENANT,
      rows: [
        row({ amount: -123_450, transactions: 12 }),
        row({ amount: 5, account: "income:tips" }),
        row({ amount: -5, account: "expenses:fees" }),
        row({ amount: 0, account: "expenses:zero" }),
        row({ amount: 600_000, currency: "JPY", account: "income:sales" }),
        row({ amount: -7, currency: "JPY" }),
        row({ amount: 1_234, currency: "KWD", account: "income:sales" }),
        row({ amount: -1, currency: "KWD" }),
        row({ amount: 12_345_678_901, currency: "EUR" }),
      ],
    });
    expect(csv).toBe(
      [
        "month,entity,account,currency,amount,transactions",
        "2026-10,jada,expenses:software,USD,-1234.50,12",
        "2026-10,jada,income:tips,USD,0.05,1",
        "2026-10,jada,expenses:fees,USD,-0.05,1",
        "2026-10,jada,expenses:zero,USD,0.00,1",
        "2026-10,jada,income:sales,JPY,600000,1",
        "2026-10,jada,expenses:software,JPY,-7,1",
        "2026-10,jada,income:sales,KWD,1.234,1",
        "2026-10,jada,expenses:software,KWD,-0.001,1",
        "2026-10,jada,expenses:software,EUR,123456789.01,1",
        "",
      ].join("\n"),
    );
  });

  it("quotes an entity or account holding a comma, a quote or a line break (RFC 4180)", () => {
    const csv = renderTotals("csv", {
      tenant: TENANT,
      rows: [
        row({ entity: "smith, jones & co", account: 'expenses:"big" rig', amount: -100 }),
        row({ entity: "plain", account: "expenses:two\nlines", amount: -200 }),
        row({ entity: 'say "hi"', account: "expenses:a,b", amount: -300 }),
      ],
    });
    expect(csv).toBe(
      [
        "month,entity,account,currency,amount,transactions",
        '2026-10,"smith, jones & co","expenses:""big"" rig",USD,-1.00,1',
        '2026-10,plain,"expenses:two\nlines",USD,-2.00,1',
        '2026-10,"say ""hi""","expenses:a,b",USD,-3.00,1',
        "",
      ].join("\n"),
    );
    // Read back by a minimal RFC 4180 reader: every field comes back as it was.
    expect(readCsv(csv).slice(1)).toEqual([
      ["2026-10", "smith, jones & co", 'expenses:"big" rig', "USD", "-1.00", "1"],
      ["2026-10", "plain", "expenses:two\nlines", "USD", "-2.00", "1"],
      ["2026-10", 'say "hi"', "expenses:a,b", "USD", "-3.00", "1"],
    ]);
  });

  it("renders totals straight from transactions, end to end", () => {
    const csv = renderTotals("csv", {
      tenant: TENANT,
      rows: ledgerTotals([
        t({ date: "2026-10-01", amountCents: 150_075, entity: "a,b" }, "income:sales"),
        t({ date: "2026-10-09", amountCents: -99 }, undefined),
        t({ date: "2026-10-09", amountCents: -1_000_000 }, "transfers:internal"),
      ]),
    });
    expect(csv).toBe(
      [
        "month,entity,account,currency,amount,transactions",
        '2026-10,"a,b",income:sales,USD,1500.75,1',
        "2026-10,harbor-bakery,expenses:uncategorised,USD,-0.99,1",
        "",
      ].join("\n"),
    );
  });
});

describe("renderTotals JSON", () => {
  it("parses, names the tenant, and gives each row its exact decimal text", () => {
    const rows = ledgerTotals([
      t({ date: "2026-10-01", amountCents: 150_075 }, "income:sales"),
      t({ date: "2026-10-02", amountCents: -1, currency: "KWD" }, 'expenses:"x", y'),
      t({ date: "2026-11-02", amountCents: -9_000, currency: "JPY" }, "expenses:fuel"),
    ]);
    const json = renderTotals("json", { tenant: TENANT, rows });
    expect(json.endsWith("}\n")).toBe(true);
    expect(JSON.parse(json)).toEqual({
      tenant: "acme",
      name: "Acme Holdings",
      rows: [
        {
          month: "2026-10",
          entity: "harbor-bakery",
          account: 'expenses:"x", y',
          currency: "KWD",
          amount: -1,
          transactions: 1,
          amountText: "-0.001",
        },
        {
          month: "2026-10",
          entity: "harbor-bakery",
          account: "income:sales",
          currency: "USD",
          amount: 150_075,
          transactions: 1,
          amountText: "1500.75",
        },
        {
          month: "2026-11",
          entity: "harbor-bakery",
          account: "expenses:fuel",
          currency: "JPY",
          amount: -9_000,
          transactions: 1,
          amountText: "-9000",
        },
      ],
    });
  });

  it("writes an empty list for no rows", () => {
    expect(JSON.parse(renderTotals("json", { tenant: TENANT, rows: [] }))).toEqual({
      tenant: "acme",
      name: "Acme Holdings",
      rows: [],
    });
  });
});

describe("totals formats", () => {
  it("are csv and json, and nothing else", () => {
    expect(TOTALS_FORMATS).toEqual(["csv", "json"]);
    expect(isTotalsFormat("csv")).toBe(true);
    expect(isTotalsFormat("json")).toBe(true);
    for (const text of ["CSV", "xml", "", "hledger", "toString"]) {
      expect(isTotalsFormat(text)).toBe(false);
    }
  });
});

/** RFC 4180 fields and records, quotes doubled inside quoted fields (the test's own reader). */
function readCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i] as string;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ",") {
      record.push(field);
      field = "";
    } else if (char === "\n") {
      record.push(field);
      records.push(record);
      record = [];
      field = "";
    } else field += char;
  }
  return records;
}
