import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createCategoriser } from "../../core/categorise.js";
import type { LedgerSourceConfig } from "../../core/config.js";
import { parseLedgerCsv } from "./ledger-csv.js";

const categorise = createCategoriser([
  { match: "chevron|fuel dock", account: "expenses:vessel:fuel" },
  { match: "stripe payout", account: "income:charters" },
  { match: "aws", account: "expenses:software:cloud", entity: "dc" },
]);

function source(overrides: Partial<LedgerSourceConfig> = {}): LedgerSourceConfig {
  return {
    id: "checking",
    type: "ledger",
    path: "data/checking.csv",
    entity: "qsd",
    account: "assets:bank:checking",
    currency: "USD",
    dateFormat: "MM/DD/YYYY",
    sign: "as-is",
    columns: { date: "Date", description: "Description", amount: "Amount" },
    delimiter: ",",
    encoding: "utf8",
    onBadRow: "fail",
    ...overrides,
  };
}

/** RFC 4180 quoting, as a spreadsheet would write a cell. */
function quote(cell: string): string {
  return /[",\n\r]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell;
}

describe("parseLedgerCsv", () => {
  it("reads a signed-amount export with quoted fields and categorises each row", () => {
    const text = [
      "Date,Description,Amount,Balance",
      '10/02/2026,"CHEVRON 0042, SAN DIEGO",-84.10,"1,200.00"',
      '10/03/2026,STRIPE PAYOUT,"1,650.00","2,850.00"',
      "10/04/2026,VENMO 8812,-20.00,2830.00",
    ].join("\r\n");
    const { transactions, problems } = parseLedgerCsv(
      text,
      source(),
      "data/checking.csv",
      categorise,
    );
    expect(problems).toEqual([]);
    expect(transactions.map((t) => [t.date, t.amountCents, t.category, t.provenance.line])).toEqual(
      [
        ["2026-10-02", -8410, "expenses:vessel:fuel", 2],
        ["2026-10-03", 165000, "income:charters", 3],
        ["2026-10-04", -2000, undefined, 4],
      ],
    );
    expect(transactions[0]).toMatchObject({
      entity: "qsd",
      currency: "USD",
      sourceAccount: "assets:bank:checking",
      description: "CHEVRON 0042, SAN DIEGO",
    });
  });

  it("reads debit/credit columns and inverted card signs", () => {
    const debitCredit =
      "Date,Details,Debit,Credit\n2026-10-01,FUEL DOCK,45.00,\n2026-10-02,DEPOSIT,,300.00\n";
    const a = parseLedgerCsv(
      debitCredit,
      source({
        dateFormat: "YYYY-MM-DD",
        columns: { date: "Date", description: "Details", debit: "Debit", credit: "Credit" },
      }),
      "f.csv",
      categorise,
    );
    expect(a.transactions.map((t) => t.amountCents)).toEqual([-4500, 30000]);
    const card =
      "Date,Description,Amount\n10/05/2026,CHEVRON,60.00\n10/06/2026,PAYMENT THANK YOU,-500.00\n";
    const b = parseLedgerCsv(card, source({ sign: "inverted" }), "f.csv", categorise);
    expect(b.transactions.map((t) => t.amountCents)).toEqual([-6000, 50000]);
  });

  it("applies entity-scoped rules only to that entity", () => {
    const text = "Date,Description,Amount\n10/01/2026,AWS EMEA,-52.00\n";
    expect(
      parseLedgerCsv(text, source({ entity: "dc" }), "f.csv", categorise).transactions[0]?.category,
    ).toBe("expenses:software:cloud");
    expect(
      parseLedgerCsv(text, source({ entity: "qsd" }), "f.csv", categorise).transactions[0]
        ?.category,
    ).toBeUndefined();
  });

  it("reports every bad row with its line and column, and loads nothing as a failure", () => {
    const text =
      "Date,Description,Amount\n10/01/2026,OK,-1.00\n2026-10-02,BAD DATE,-2.00\n10/03/2026,BAD AMOUNT,twelve\n10/04/2026,,-3.00\n";
    const { problems } = parseLedgerCsv(text, source(), "data/checking.csv", categorise);
    expect(problems.map((p) => [p.line, p.column, p.severity])).toEqual([
      [3, 1, "error"],
      [4, 3, "error"],
      [5, 2, "error"],
    ]);
    expect(problems[0]?.message).toContain('date "2026-10-02" is not a valid MM/DD/YYYY date');
    expect(problems[1]?.message).toContain('amount "twelve" is not a number');
  });

  it("skips bad rows as warnings with onBadRow: skip", () => {
    const text =
      "Date,Description,Amount\n10/01/2026,OK,-1.00\n10/02/2026,BAD,x\n10/03/2026,OK TOO,-2.00\n";
    const { transactions, problems } = parseLedgerCsv(
      text,
      source({ onBadRow: "skip" }),
      "f.csv",
      categorise,
    );
    expect(transactions).toHaveLength(2);
    expect(problems).toMatchObject([{ line: 3, severity: "warning" }]);
  });

  it("names missing header columns", () => {
    const { problems } = parseLedgerCsv(
      "Posted,Description,Amount\n10/01/2026,X,1\n",
      source(),
      "f.csv",
      categorise,
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ line: 1 });
    expect(problems[0]?.message).toContain('"Date"');
  });

  it("reports an unclosed quote with a line", () => {
    const { problems } = parseLedgerCsv(
      'Date,Description,Amount\n10/01/2026,"OPEN QUOTE,-1.00\n10/02/2026,X,-1\n',
      source(),
      "f.csv",
      categorise,
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]?.line).toBeGreaterThanOrEqual(2);
  });

  it("keeps a stray quote inside an unquoted value literally, as spreadsheets do", () => {
    const text = 'Date,Description,Amount\n10/06/2026,SYSCO "FOODS" 4411,-642.18\n';
    const { transactions, problems } = parseLedgerCsv(text, source(), "f.csv", categorise);
    expect(problems).toEqual([]);
    expect(transactions[0]?.description).toBe('SYSCO "FOODS" 4411');
  });

  it("recovers any description and amount a spreadsheet could write, with the right line numbers", () => {
    const row = fc.record({
      description: fc
        .string({ minLength: 1, maxLength: 40 })
        .filter((s) => s.trim() !== "" && !s.includes("\r")),
      cents: fc.integer({ min: -100_000_000, max: 100_000_000 }),
    });
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 20 }), (rows) => {
        const lines = rows.map(
          (r) => `10/15/2026,${quote(r.description)},${(r.cents / 100).toFixed(2)}`,
        );
        const text = `Date,Description,Amount\n${lines.join("\n")}\n`;
        const { transactions, problems } = parseLedgerCsv(text, source(), "f.csv", categorise);
        expect(problems).toEqual([]);
        expect(transactions.map((t) => [t.description, t.amountCents])).toEqual(
          rows.map((r) => [r.description.trim(), r.cents]),
        );
        let line = 2;
        transactions.forEach((t, i) => {
          expect(t.provenance.line).toBe(line);
          line += rows[i]?.description.split("\n").length ?? 1;
        });
      }),
    );
  });
});
