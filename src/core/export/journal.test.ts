import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Transaction } from "../model/index.js";
import {
  accountPath,
  beancountAccount,
  beancountComponent,
  beancountString,
  formatMinorUnits,
  hledgerAccount,
  hledgerComponent,
  hledgerDescription,
  MAX_LINE_TEXT_BYTES,
  minorUnitDigits,
  renderBeancountJournal,
  renderHledgerJournal,
  renderJournal,
  sortTransactions,
  spellAccounts,
  transactionAccounts,
  transactionsThrough,
} from "./journal.js";

const TENANT = { id: "acme", name: "Acme Holdings", currency: "USD" };

/** A transaction with just what a test cares about; the rest is plausible filler. */
function t(
  fields: Partial<Transaction> & Pick<Transaction, "id" | "date" | "amountCents">,
): Transaction {
  return {
    entity: "harbor-bakery",
    description: "TEST",
    currency: "USD",
    sourceAccount: "assets:bank:checking",
    provenance: { sourceId: "bank", file: "data/bank.csv", line: 2, asOf: fields.date },
    ...fields,
  };
}

// Beancount 2's account grammar, restricted to ASCII as the mapping promises.
const BEANCOUNT_ACCOUNT = /^(Assets|Liabilities|Equity|Income|Expenses)(:[A-Z0-9][A-Za-z0-9-]*)+$/;

describe("accountPath", () => {
  it("puts the entity right under the root, so hledger can total by entity", () => {
    expect(accountPath("jada", "expenses:software:cloud")).toEqual([
      "expenses",
      "jada",
      "software",
      "cloud",
    ]);
    expect(accountPath("qdn", "liabilities:card:qdn-4417")).toEqual([
      "liabilities",
      "qdn",
      "card",
      "qdn-4417",
    ]);
  });

  it("reads root aliases and capitalised roots", () => {
    expect(accountPath("e", "revenue:consulting")).toEqual(["income", "e", "consulting"]);
    expect(accountPath("e", "Revenues:x")).toEqual(["income", "e", "x"]);
    expect(accountPath("e", "Expense:x")).toEqual(["expenses", "e", "x"]);
    expect(accountPath("e", "ASSETS:Bank")).toEqual(["assets", "e", "Bank"]);
    expect(accountPath("e", "liability:loan")).toEqual(["liabilities", "e", "loan"]);
  });

  it("files an account without a root under assets, whole", () => {
    expect(accountPath("jada", "transfers:internal")).toEqual([
      "assets",
      "jada",
      "transfers",
      "internal",
    ]);
    expect(accountPath("jada", "Chase Checking")).toEqual(["assets", "jada", "Chase Checking"]);
  });

  it("treats names of Object's prototype as plain names", () => {
    expect(accountPath("e", "constructor:x")).toEqual(["assets", "e", "constructor", "x"]);
    expect(accountPath("e", "__proto__")).toEqual(["assets", "e", "__proto__"]);
  });

  it("drops empty components", () => {
    expect(accountPath("e", "expenses::x:")).toEqual(["expenses", "e", "x"]);
    expect(accountPath("e", "assets")).toEqual(["assets", "e"]);
  });
});

describe("transactionAccounts", () => {
  it("posts uncategorised money by its sign; zero counts as spending", () => {
    const inflow = transactionAccounts(t({ id: "a", date: "2026-10-01", amountCents: 1 }));
    const outflow = transactionAccounts(t({ id: "b", date: "2026-10-01", amountCents: -1 }));
    const zero = transactionAccounts(t({ id: "c", date: "2026-10-01", amountCents: 0 }));
    expect(inflow.category).toEqual(["income", "harbor-bakery", "uncategorised"]);
    expect(outflow.category).toEqual(["expenses", "harbor-bakery", "uncategorised"]);
    expect(zero.category).toEqual(["expenses", "harbor-bakery", "uncategorised"]);
    expect(inflow.source).toEqual(["assets", "harbor-bakery", "bank", "checking"]);
  });

  it("uses the category when there is one, whatever the sign", () => {
    const refund = t({ id: "a", date: "2026-10-01", amountCents: 500, category: "expenses:x" });
    expect(transactionAccounts(refund).category).toEqual(["expenses", "harbor-bakery", "x"]);
  });
});

describe("account spelling", () => {
  it.each([
    ["jada-checking", "jada-checking"],
    ["Chase Checking", "Chase-Checking"],
    ["a  b\tc", "a-b-c"],
    ["semi;colon", "semi-colon"],
    ["(virtual)", "virtual"],
    ["[balanced]", "balanced"],
    ["render.com", "render.com"],
    ["foo_bar", "foo_bar"],
    ["café 東京", "café-東京"],
    [" ;; ", "unnamed"],
  ])("hledger component %j → %j", (raw, spelled) => {
    expect(hledgerComponent(raw)).toBe(spelled);
  });

  it.each([
    ["jada-checking", "Jada-Checking"],
    ["cost-of-sales", "Cost-Of-Sales"],
    ["Chase Checking", "Chase-Checking"],
    ["render.com", "Render-Com"],
    ["foo_bar", "Foo-Bar"],
    ["3028-51st-st", "3028-51st-St"],
    ["51st", "51st"],
    ["-leading-dash-", "Leading-Dash"],
    ["café", "Cafe"],
    ["ÅNGSTRÖM", "ANGSTROM"],
    ["Straße", "Strasse"],
    ["Øresund", "Oresund"],
    ["東京", "U6771-U4EAC"],
    ["a😀b", "A-B"],
    ["...", "Unnamed"],
    ["", "Unnamed"],
  ])("beancount component %j → %j", (raw, spelled) => {
    expect(beancountComponent(raw)).toBe(spelled);
  });

  it("spells whole paths with the root first", () => {
    const path = accountPath("3028-51st-st", "expenses:cost-of-sales:fuel dock");
    expect(hledgerAccount(path)).toBe("expenses:3028-51st-st:cost-of-sales:fuel-dock");
    expect(beancountAccount(path)).toBe("Expenses:3028-51st-St:Cost-Of-Sales:Fuel-Dock");
  });

  it("always gives beancount a valid account and hledger a name it reads whole", () => {
    const component = fc.oneof(
      fc.string({ unit: "binary", maxLength: 20 }),
      fc.constantFrom(" x", "x ", "(x)", "[x]", "x;y", "x  y", "\t", "東京", "ß", "-", "0"),
    );
    fc.assert(
      fc.property(fc.array(component, { minLength: 1, maxLength: 5 }), (parts) => {
        const path = accountPath("some-entity", parts.join(":"));
        expect(beancountAccount(path)).toMatch(BEANCOUNT_ACCOUNT);
        const plain = hledgerAccount(path);
        expect(plain).not.toMatch(/\s|;|^[([]|::|:$/);
        expect(plain.normalize("NFC")).toBe(plain);
      }),
      { numRuns: 500 },
    );
  });

  it("keeps different accounts apart when their spellings collide, whatever the order", () => {
    const a = accountPath("e", "assets:Chase Checking");
    const b = accountPath("e", "assets:chase.checking");
    const c = accountPath("e", "assets:savings");
    const forward = spellAccounts([a, b, c], beancountAccount);
    const backward = spellAccounts([c, b, a, b], beancountAccount);
    expect(forward).toEqual(backward);
    const names = [...forward.values()];
    expect(new Set(names).size).toBe(3);
    expect(forward.get(c.join(":"))).toBe("Assets:E:Savings");
    for (const name of names) expect(name).toMatch(BEANCOUNT_ACCOUNT);
    expect(forward.get(a.join(":"))).toMatch(/^Assets:E:Chase-Checking-H[0-9a-f]{8}$/);
  });

  it("merges the same account written with a root alias: it is one account", () => {
    const names = spellAccounts(
      [accountPath("e", "income:x"), accountPath("e", "revenue:x")],
      hledgerAccount,
    );
    expect([...names.values()]).toEqual(["income:e:x"]);
  });
});

describe("amounts", () => {
  it("knows the minor units of 2-, 0- and 3-decimal currencies", () => {
    expect(minorUnitDigits("USD")).toBe(2);
    expect(minorUnitDigits("EUR")).toBe(2);
    expect(minorUnitDigits("JPY")).toBe(0);
    expect(minorUnitDigits("KRW")).toBe(0);
    expect(minorUnitDigits("KWD")).toBe(3);
  });

  it.each([
    [0, "USD", "0.00"],
    [-0, "USD", "0.00"],
    [5, "USD", "0.05"],
    [-5, "USD", "-0.05"],
    [123456, "USD", "1234.56"],
    [-100000000, "USD", "-1000000.00"],
    [1000, "JPY", "1000"],
    [-7, "JPY", "-7"],
    [1234, "KWD", "1.234"],
    [Number.MAX_SAFE_INTEGER, "USD", "90071992547409.91"],
  ])("%d minor units of %s → %s", (amount, currency, text) => {
    expect(formatMinorUnits(amount, currency)).toBe(text);
  });

  it("refuses anything but whole minor units", () => {
    expect(() => formatMinorUnits(1.5, "USD")).toThrow(RangeError);
  });
});

describe("descriptions", () => {
  it.each([
    ["AWS; invoice 12", "AWS, invoice 12"],
    ["two  spaces\tand\ttabs", "two spaces and tabs"],
    ["  padded  ", "padded"],
    ["line\nbreak\r\nand\u2028separator\u0085next", "line break and separator next"],
    ['quote "x" back\\slash', 'quote "x" back\\slash'],
    ["café 東京 😀", "café 東京 😀"],
    [";", ","],
    [" \t ", "no description"],
  ])("hledger %j → %j", (raw, text) => {
    expect(hledgerDescription(raw)).toBe(text);
  });

  it("quotes beancount strings with escapes and keeps the text otherwise", () => {
    expect(beancountString('say "hi" \\ bye;  two')).toBe('"say \\"hi\\" \\\\ bye;  two"');
    expect(beancountString("a\nb\tc")).toBe('"a b c"');
  });
});

describe("sortTransactions", () => {
  it("orders by date, then entity, then id with line numbers by value", () => {
    const list = [
      t({ id: "bank:10", date: "2026-10-02", amountCents: 1 }),
      t({ id: "bank:9", date: "2026-10-02", amountCents: 1 }),
      t({ id: "zz:1", entity: "alpha", date: "2026-10-02", amountCents: 1 }),
      t({ id: "bank:100", date: "2026-10-01", amountCents: 1 }),
      t({ id: "bank:010", date: "2026-10-02", amountCents: 1 }),
      t({ id: "bank", date: "2026-10-02", amountCents: 1 }),
    ];
    const ids = (xs: Transaction[]) => xs.map((x) => `${x.date} ${x.entity} ${x.id}`);
    const expected = [
      "2026-10-01 harbor-bakery bank:100",
      "2026-10-02 alpha zz:1",
      "2026-10-02 harbor-bakery bank",
      "2026-10-02 harbor-bakery bank:9",
      "2026-10-02 harbor-bakery bank:010",
      "2026-10-02 harbor-bakery bank:10",
    ];
    expect(ids(sortTransactions(list))).toEqual(expected);
    expect(ids(sortTransactions([...list].reverse()))).toEqual(expected);
  });
});

describe("transactionsThrough", () => {
  it("keeps the whole month and nothing after it", () => {
    const list = ["2026-09-30", "2026-10-01", "2026-10-31", "2026-11-01"].map((date, i) =>
      t({ id: `x:${i}`, date, amountCents: 1 }),
    );
    expect(transactionsThrough(list, "2026-10").map((x) => x.date)).toEqual([
      "2026-09-30",
      "2026-10-01",
      "2026-10-31",
    ]);
    expect(transactionsThrough(list, "2026-08")).toEqual([]);
  });
});

const SMALL: Transaction[] = [
  t({
    id: "bank:10",
    date: "2026-10-02",
    amountCents: -4133,
    description: "KING ARTHUR; flour  order",
    category: "expenses:cost-of-sales:ingredients",
    provenance: { sourceId: "bank", file: "data/bank.csv", line: 10, asOf: "2026-10-02" },
  }),
  t({
    id: "bank:9",
    date: "2026-10-02",
    amountCents: 158932,
    description: "SQUARE INC DEP",
    category: "income:retail",
    provenance: { sourceId: "bank", file: "data/bank.csv", line: 9, asOf: "2026-10-02" },
  }),
  t({
    id: "card:3",
    entity: "alpha",
    date: "2026-10-02",
    amountCents: -250000,
    currency: "JPY",
    description: "(pending) Tokyo supplier",
    sourceAccount: "liabilities:card:alpha-4417",
    provenance: { sourceId: "card", file: "data/card, jp.csv", line: 3, asOf: "2026-10-02" },
  }),
  t({
    id: "bank:2",
    date: "2026-10-01",
    amountCents: 1200,
    description: 'REFUND "X"',
    provenance: { sourceId: "bank", file: "data/bank.csv", line: 2, asOf: "2026-10-01" },
  }),
];

describe("renderHledgerJournal", () => {
  it("writes declarations, then balanced, tagged transactions in date, entity, id order", () => {
    expect(renderHledgerJournal({ tenant: TENANT, transactions: SMALL })).toBe(
      `; Acme Holdings (tenant acme): 4 transactions, 2026-10-01 to 2026-10-02
; Exported by exec-intel from the categorised ledger; amounts as recorded, never converted.

tag id
tag source

commodity JPY
commodity USD
    format 1000.00 USD

account assets:harbor-bakery:bank:checking
account expenses:alpha:uncategorised
account expenses:harbor-bakery:cost-of-sales:ingredients
account income:harbor-bakery:retail
account income:harbor-bakery:uncategorised
account liabilities:alpha:card:alpha-4417

2026-10-01 * REFUND "X"
    ; id: bank:2
    ; source: data/bank.csv:2
    assets:harbor-bakery:bank:checking                   12.00 USD
    income:harbor-bakery:uncategorised                  -12.00 USD

2026-10-02 * () (pending) Tokyo supplier
    ; id: card:3
    ; source: data/card%2C jp.csv:3
    liabilities:alpha:card:alpha-4417                  -250000 JPY
    expenses:alpha:uncategorised                        250000 JPY

2026-10-02 * SQUARE INC DEP
    ; id: bank:9
    ; source: data/bank.csv:9
    assets:harbor-bakery:bank:checking                 1589.32 USD
    income:harbor-bakery:retail                       -1589.32 USD

2026-10-02 * KING ARTHUR, flour order
    ; id: bank:10
    ; source: data/bank.csv:10
    assets:harbor-bakery:bank:checking                  -41.33 USD
    expenses:harbor-bakery:cost-of-sales:ingredients     41.33 USD
`,
    );
  });

  it("is byte-identical whatever the input order", () => {
    const once = renderHledgerJournal({ tenant: TENANT, transactions: SMALL });
    const reversed = renderHledgerJournal({ tenant: TENANT, transactions: [...SMALL].reverse() });
    expect(reversed).toBe(once);
    expect(renderJournal("hledger", { tenant: TENANT, transactions: SMALL })).toBe(once);
  });

  it("keeps a long description on one line, cut to fit ledger-cli's 4096-byte lines", () => {
    const fits = `${"WIRE REF 0123456789 ".repeat(150)}END`;
    expect(hledgerDescription(fits)).toBe(fits.replace(/ {2,}/g, " "));
    const long = `${"東京 REF 0123456789 ".repeat(400)}END`;
    const cut = hledgerDescription(long);
    expect(cut.endsWith("…")).toBe(true);
    expect(long.startsWith(cut.slice(0, -1))).toBe(true);
    expect(new TextEncoder().encode(cut).length).toBeLessThanOrEqual(MAX_LINE_TEXT_BYTES);
    expect(new TextEncoder().encode(cut).length).toBeGreaterThan(MAX_LINE_TEXT_BYTES - 8);
    const text = renderHledgerJournal({
      tenant: TENANT,
      transactions: [t({ id: "x", date: "2026-10-01", amountCents: -1, description: long })],
    });
    expect(text).toContain(`2026-10-01 * ${cut}\n`);
    for (const line of text.split("\n"))
      expect(new TextEncoder().encode(line).length).toBeLessThan(4000);
    const beancount = renderBeancountJournal({
      tenant: TENANT,
      transactions: [t({ id: "x", date: "2026-10-01", amountCents: -1, description: long })],
    });
    expect(beancount).toContain(`2026-10-01 * "${long}"\n`);
  });

  it("writes an empty journal that still parses", () => {
    expect(renderHledgerJournal({ tenant: TENANT, transactions: [] })).toBe(
      `; Acme Holdings (tenant acme): 0 transactions
; Exported by exec-intel from the categorised ledger; amounts as recorded, never converted.

tag id
tag source
`,
    );
  });

  it("never converts: each transaction keeps its currency on both postings", () => {
    const text = renderHledgerJournal({ tenant: TENANT, transactions: SMALL });
    const postings = text.split("\n").filter((line) => /^ {4}[a-z]+:/.test(line));
    expect(postings.filter((line) => line.endsWith(" JPY"))).toHaveLength(2);
    expect(postings.filter((line) => line.endsWith(" USD"))).toHaveLength(6);
  });
});

describe("renderBeancountJournal", () => {
  it("opens every account at its first use and writes quoted, escaped narrations", () => {
    expect(renderBeancountJournal({ tenant: TENANT, transactions: SMALL })).toBe(
      `; Acme Holdings (tenant acme): 4 transactions, 2026-10-01 to 2026-10-02
; Exported by exec-intel from the categorised ledger; amounts as recorded, never converted.

option "title" "Acme Holdings"
option "operating_currency" "USD"

2026-10-01 open Assets:Harbor-Bakery:Bank:Checking USD
2026-10-01 open Income:Harbor-Bakery:Uncategorised USD
2026-10-02 open Expenses:Alpha:Uncategorised JPY
2026-10-02 open Expenses:Harbor-Bakery:Cost-Of-Sales:Ingredients USD
2026-10-02 open Income:Harbor-Bakery:Retail USD
2026-10-02 open Liabilities:Alpha:Card:Alpha-4417 JPY

2026-10-01 * "REFUND \\"X\\""
  id: "bank:2"
  source: "data/bank.csv:2"
  Assets:Harbor-Bakery:Bank:Checking                   12.00 USD
  Income:Harbor-Bakery:Uncategorised                  -12.00 USD

2026-10-02 * "(pending) Tokyo supplier"
  id: "card:3"
  source: "data/card, jp.csv:3"
  Liabilities:Alpha:Card:Alpha-4417                  -250000 JPY
  Expenses:Alpha:Uncategorised                        250000 JPY

2026-10-02 * "SQUARE INC DEP"
  id: "bank:9"
  source: "data/bank.csv:9"
  Assets:Harbor-Bakery:Bank:Checking                 1589.32 USD
  Income:Harbor-Bakery:Retail                       -1589.32 USD

2026-10-02 * "KING ARTHUR; flour  order"
  id: "bank:10"
  source: "data/bank.csv:10"
  Assets:Harbor-Bakery:Bank:Checking                  -41.33 USD
  Expenses:Harbor-Bakery:Cost-Of-Sales:Ingredients     41.33 USD
`,
    );
  });

  it("lists every currency an account holds on its open line", () => {
    const text = renderBeancountJournal({
      tenant: TENANT,
      transactions: [
        t({ id: "a", date: "2026-10-03", amountCents: -100, currency: "EUR" }),
        t({ id: "b", date: "2026-10-01", amountCents: -100 }),
      ],
    });
    expect(text).toContain("2026-10-01 open Assets:Harbor-Bakery:Bank:Checking EUR,USD\n");
    expect(text).toContain("2026-10-01 open Expenses:Harbor-Bakery:Uncategorised EUR,USD\n");
  });

  it("is byte-identical whatever the input order", () => {
    const shuffled = [SMALL[2], SMALL[0], SMALL[3], SMALL[1]] as Transaction[];
    expect(renderJournal("beancount", { tenant: TENANT, transactions: shuffled })).toBe(
      renderBeancountJournal({ tenant: TENANT, transactions: SMALL }),
    );
  });
});
