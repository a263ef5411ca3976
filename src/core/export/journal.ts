import type { Transaction } from "../model/index.js";

/** The plain-text accounting formats the ledger can be exported to. */
export const JOURNAL_FORMATS = ["hledger", "beancount"] as const;

/** One plain-text accounting format: hledger (also read by ledger-cli) or beancount. */
export type JournalFormat = (typeof JOURNAL_FORMATS)[number];

/** What a journal is made of: one tenant and its transactions, in any order. */
export interface JournalInput {
  tenant: { id: string; name: string; currency: string };
  transactions: readonly Transaction[];
}

/** The five account roots of double-entry bookkeeping, in their plain-text spelling. */
export type AccountRoot = "assets" | "liabilities" | "equity" | "income" | "expenses";

/**
 * An account as a path of unsanitised components: `[root, entity, ...rest]`. Both formats spell
 * the same path, so an hledger journal and a beancount file of one tenant have the same tree.
 */
export type AccountPath = readonly [AccountRoot, string, ...string[]];

/** File extension each format is written with. */
export const JOURNAL_EXTENSIONS: Record<JournalFormat, string> = {
  hledger: "journal",
  beancount: "beancount",
};

/** True when `text` names a supported journal format. */
export function isJournalFormat(text: string): text is JournalFormat {
  return (JOURNAL_FORMATS as readonly string[]).includes(text);
}

/** Renders a tenant's transactions as a journal in `format`; the same input gives the same bytes. */
export function renderJournal(format: JournalFormat, input: JournalInput): string {
  return format === "hledger" ? renderHledgerJournal(input) : renderBeancountJournal(input);
}

/** The transactions dated on or before the last day of `period` (YYYY-MM). */
export function transactionsThrough(
  transactions: readonly Transaction[],
  period: string,
): Transaction[] {
  // ISO dates compare as text; every day of the month sorts before `${period}-32`.
  const end = `${period}-32`;
  return transactions.filter((t) => t.date < end);
}

// Aliases people use for the roots; anything else is not a root and sits under assets.
const ROOTS = new Map<string, AccountRoot>([
  ["asset", "assets"],
  ["assets", "assets"],
  ["liability", "liabilities"],
  ["liabilities", "liabilities"],
  ["equity", "equity"],
  ["income", "income"],
  ["revenue", "income"],
  ["revenues", "income"],
  ["expense", "expenses"],
  ["expenses", "expenses"],
]);

/**
 * Places a model account (`expenses:software:cloud`) of an entity in the journal's tree:
 * `[root, entity, ...rest]`. An account whose first component is no root (`transfers:internal`,
 * a bare bank name) is money the entity holds or has in transit, so it goes under assets whole.
 */
export function accountPath(entity: string, account: string): AccountPath {
  const parts = account.split(":").filter((part) => part.trim() !== "");
  const root = ROOTS.get((parts[0] ?? "").trim().toLowerCase());
  return root !== undefined ? [root, entity, ...parts.slice(1)] : ["assets", entity, ...parts];
}

/** The two sides of a transaction: the account it was exported from and its category. */
export function transactionAccounts(t: Transaction): {
  source: AccountPath;
  category: AccountPath;
} {
  return {
    source: accountPath(t.entity, t.sourceAccount),
    category: accountPath(t.entity, categoryOf(t)),
  };
}

/** The category account, or for uncategorised money income or expenses by its sign. */
export function categoryOf(t: Transaction): string {
  // Uncategorised money still has to land somewhere; its sign says which side of the P&L.
  return t.category ?? (t.amountCents > 0 ? "income:uncategorised" : "expenses:uncategorised");
}

/**
 * Spells one path component for hledger and ledger-cli: runs of anything but letters, digits,
 * `.`, `_` and `-` become one `-`, because spaces, `;`, brackets and parentheses change how
 * those tools read a posting.
 */
export function hledgerComponent(component: string): string {
  const spelled = component
    .normalize("NFC")
    .replace(/[^\p{L}\p{M}\p{N}._-]+/gu, "-")
    .replace(/^-+|-+$/g, "");
  return spelled === "" ? "unnamed" : spelled;
}

const BEANCOUNT_ROOTS: Record<AccountRoot, string> = {
  assets: "Assets",
  liabilities: "Liabilities",
  equity: "Equity",
  income: "Income",
  expenses: "Expenses",
};

// Latin letters that Unicode decomposition leaves whole.
const LATIN_LETTERS = new Map(
  Object.entries({
    ß: "ss",
    æ: "ae",
    Æ: "Ae",
    œ: "oe",
    Œ: "Oe",
    ø: "o",
    Ø: "O",
    ł: "l",
    Ł: "L",
    đ: "d",
    Đ: "D",
    ð: "d",
    Ð: "D",
    þ: "th",
    Þ: "Th",
    ı: "i",
  }),
);

/**
 * Spells one path component for beancount: ASCII letters, digits and dashes only, each word
 * capitalised (`cost-of-sales` → `Cost-Of-Sales`, `3028-51st-st` → `3028-51st-St`). Accents
 * are dropped (`café` → `Cafe`); other non-ASCII characters become `U<hex code point>` so
 * distinct names stay distinct and every beancount version accepts the result.
 */
export function beancountComponent(component: string): string {
  const ascii = [...component.normalize("NFKD").replace(/\p{M}/gu, "")]
    .map((char) => {
      if (/^[\x20-\x7e]$/.test(char)) return char;
      const latin = LATIN_LETTERS.get(char);
      if (latin !== undefined) return latin;
      if (/^[\p{L}\p{N}]$/u.test(char))
        return `-U${(char.codePointAt(0) ?? 0).toString(16).toUpperCase()}-`;
      return " ";
    })
    .join("");
  const words = ascii.split(/[^A-Za-z0-9]+/).filter((word) => word !== "");
  if (words.length === 0) return "Unnamed";
  return words.map((word) => word.charAt(0).toUpperCase() + word.slice(1)).join("-");
}

/** An account path in hledger/ledger-cli spelling, e.g. `expenses:jada:software:cloud`. */
export function hledgerAccount(account: AccountPath): string {
  return [account[0], ...account.slice(1).map(hledgerComponent)].join(":");
}

/** An account path in beancount spelling, e.g. `Expenses:Jada:Software:Cloud`. */
export function beancountAccount(account: AccountPath): string {
  return [BEANCOUNT_ROOTS[account[0]], ...account.slice(1).map(beancountComponent)].join(":");
}

/**
 * Spells every distinct path with `spell`; when two different paths would come out the same
 * (`Chase Checking` and `chase.checking` in beancount), each gets a suffix from a hash of its
 * path, so money from different accounts is never merged and the names do not depend on order.
 */
export function spellAccounts(
  paths: Iterable<AccountPath>,
  spell: (account: AccountPath) => string,
): Map<string, string> {
  const byName = new Map<string, Set<string>>();
  const keys = new Map<string, AccountPath>();
  for (const account of paths) {
    const key = account.join(":");
    if (keys.has(key)) continue;
    keys.set(key, account);
    const name = spell(account);
    byName.set(name, (byName.get(name) ?? new Set()).add(key));
  }
  const spelled = new Map<string, string>();
  for (const [name, group] of byName) {
    for (const key of group) spelled.set(key, group.size === 1 ? name : `${name}-H${fnv1a(key)}`);
  }
  return spelled;
}

/** 32-bit FNV-1a of the UTF-16 code units, as 8 hex digits: small, stable, no dependencies. */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, "0");
}

const digitsCache = new Map<string, number>();

/**
 * Decimal places of a currency's minor unit (USD 2, JPY 0, KWD 3), from ICU's ISO 4217 data;
 * a code ICU does not know keeps 2.
 */
export function minorUnitDigits(currency: string): number {
  let digits = digitsCache.get(currency);
  if (digits === undefined) {
    try {
      digits = new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions()
        .maximumFractionDigits as number;
    } catch {
      digits = 2;
    }
    digitsCache.set(currency, digits);
  }
  return digits;
}

/**
 * Writes an integer amount of minor units as a plain decimal (`-1234.50`, `1000` for JPY):
 * no grouping marks, so every tool reads the same number; text arithmetic, so nothing rounds.
 */
export function formatMinorUnits(amount: number, currency: string): string {
  if (!Number.isSafeInteger(amount))
    throw new RangeError(`amount ${amount} is not whole minor units`);
  const digits = minorUnitDigits(currency);
  const sign = amount < 0 ? "-" : "";
  const units = String(Math.abs(amount)).padStart(digits + 1, "0");
  if (digits === 0) return `${sign}${units}`;
  return `${sign}${units.slice(0, -digits)}.${units.slice(-digits)}`;
}

/**
 * Orders the journal: by date, then entity, then id with digit runs compared as numbers
 * (`bank:9` before `bank:10`, so line-numbered ids follow the file). Each id is split once,
 * not at every comparison: exports run to a million rows.
 */
export function sortTransactions(transactions: readonly Transaction[]): Transaction[] {
  return transactions
    .map((t) => ({ t, id: t.id.match(/\d+|\D+/g) ?? [] }))
    .sort(
      (a, b) =>
        compareText(a.t.date, b.t.date) ||
        compareText(a.t.entity, b.t.entity) ||
        compareChunks(a.id, b.id) ||
        compareText(a.t.id, b.t.id),
    )
    .map(({ t }) => t);
}

/** Compares ids split into digit and non-digit runs, digit runs by value. */
function compareChunks(left: readonly string[], right: readonly string[]): number {
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const x = left[i] as string;
    const y = right[i] as string;
    const numeric = /^\d/.test(x) && /^\d/.test(y);
    const order = numeric
      ? compareText(x.padStart(y.length, "0"), y.padStart(x.length, "0"))
      : compareText(x, y);
    if (order !== 0) return order;
  }
  return left.length - right.length;
}

/** Code-unit order, not localeCompare: the output must not depend on the machine's locale. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Control characters and every kind of line break or space, which no journal line may hold. */
const WHITESPACE = /[\s\p{Cc}]+/gu;

/**
 * UTF-8 bytes of text a journal line may hold after its prefix: ledger-cli 3.3 stops at "Line
 * exceeds 4096 characters", counted in bytes; the rest is margin for the date, mark and indent.
 */
export const MAX_LINE_TEXT_BYTES = 3900;

/** Cuts text to at most `bytes` UTF-8 bytes, on a code point boundary, marking the cut with `…`. */
function fitBytes(text: string, bytes: number): string {
  // A UTF-16 code unit is at most 3 UTF-8 bytes: most text is measured without encoding it.
  if (text.length * 3 <= bytes) return text;
  const encoder = new TextEncoder();
  if (encoder.encode(text).length <= bytes) return text;
  let kept = "";
  let used = 0;
  const budget = bytes - 3; // `…` is 3 bytes
  for (const char of text) {
    const size = encoder.encode(char).length;
    if (used + size > budget) break;
    kept += char;
    used += size;
  }
  return `${kept.trimEnd()}…`;
}

/**
 * A description as hledger and ledger-cli both read it back: one line, single spaces (two
 * spaces end a payee in ledger-cli), `;` as `,` (hledger starts a comment at any `;`), and
 * short enough for ledger-cli's line limit (the beancount export keeps the whole text).
 */
export function hledgerDescription(description: string): string {
  const text = description.replace(WHITESPACE, " ").replaceAll(";", ",").trim();
  return text === "" ? "no description" : fitBytes(text, MAX_LINE_TEXT_BYTES);
}

/** A tag value on a comment line: one line, and `,` ends a value in hledger, so it is %-escaped. */
function tagValue(text: string): string {
  const value = text.replace(WHITESPACE, " ").trim().replaceAll("%", "%25").replaceAll(",", "%2C");
  return fitBytes(value, MAX_LINE_TEXT_BYTES);
}

/** `file:line` of the row a transaction came from. */
function sourceOf(t: Transaction): string {
  const { file, line } = t.provenance;
  return line !== undefined ? `${file}:${line}` : file;
}

interface Posting {
  account: string;
  amount: string;
}

interface Entry {
  t: Transaction;
  postings: [Posting, Posting];
}

/** Sorted entries with both postings spelled; plus, per account, its first date and currencies. */
function assemble(
  input: JournalInput,
  spell: (account: AccountPath) => string,
): {
  entries: Entry[];
  accounts: Map<string, { opened: string; currencies: Set<string> }>;
  currencies: string[];
} {
  const sorted = sortTransactions(input.transactions);
  // Exports repeat a few dozen accounts over many rows: place each (entity, account) once.
  const placed = new Map<string, AccountPath>();
  const place = (entity: string, account: string): string => {
    const key = `${entity}\u0000${account}`;
    if (!placed.has(key)) placed.set(key, accountPath(entity, account));
    return key;
  };
  const sides = sorted.map((t) => ({
    source: place(t.entity, t.sourceAccount),
    category: place(t.entity, categoryOf(t)),
  }));
  const names = spellAccounts(placed.values(), spell);
  const nameOf = (key: string) => names.get((placed.get(key) as AccountPath).join(":")) as string;
  const spelled = new Map([...placed.keys()].map((key) => [key, nameOf(key)]));
  const accounts = new Map<string, { opened: string; currencies: Set<string> }>();
  const entries = sorted.map((t, i): Entry => {
    const side = sides[i] as (typeof sides)[number];
    const postings: [Posting, Posting] = [
      {
        account: spelled.get(side.source) as string,
        amount: formatMinorUnits(t.amountCents, t.currency),
      },
      {
        account: spelled.get(side.category) as string,
        amount: formatMinorUnits(-t.amountCents, t.currency),
      },
    ];
    for (const posting of postings) {
      const seen = accounts.get(posting.account);
      // Entries are in date order, so the first sighting is the earliest date.
      if (seen === undefined)
        accounts.set(posting.account, { opened: t.date, currencies: new Set([t.currency]) });
      else seen.currencies.add(t.currency);
    }
    return { t, postings };
  });
  const currencies = [...new Set(sorted.map((t) => t.currency))].sort(compareText);
  return { entries, accounts, currencies };
}

/** Postings aligned in columns: accounts left, amounts right. */
function postingLines(entries: readonly Entry[], indent: string) {
  // A loop, not Math.max(...spread): a million postings would overflow the call stack.
  let accountWidth = 0;
  let amountWidth = 0;
  for (const entry of entries) {
    for (const p of entry.postings) {
      accountWidth = Math.max(accountWidth, p.account.length);
      amountWidth = Math.max(amountWidth, p.amount.length);
    }
  }
  return (entry: Entry) =>
    entry.postings.map(
      (p) =>
        `${indent}${p.account.padEnd(accountWidth)}  ${p.amount.padStart(amountWidth)} ${entry.t.currency}`,
    );
}

/** Count and date range of a journal, for its header comment. */
function coverage(entries: readonly Entry[]): string {
  const first = entries[0]?.t.date;
  const last = entries.at(-1)?.t.date;
  const count = `${entries.length} transaction${entries.length === 1 ? "" : "s"}`;
  return first === undefined ? count : `${count}, ${first} to ${last}`;
}

/**
 * Renders an hledger journal that ledger-cli reads the same way: account, commodity and tag
 * declarations first (so `hledger check --strict` and `ledger --pedantic` pass), then one
 * cleared transaction per record with its id and source row as tags.
 */
export function renderHledgerJournal(input: JournalInput): string {
  const { entries, accounts, currencies } = assemble(input, hledgerAccount);
  const lines = [
    `; ${hledgerDescription(input.tenant.name)} (tenant ${input.tenant.id}): ${coverage(entries)}`,
    "; Exported by exec-intel from the categorised ledger; amounts as recorded, never converted.",
    "",
    "tag id",
    "tag source",
    "",
  ];
  for (const currency of currencies) {
    const digits = minorUnitDigits(currency);
    lines.push(`commodity ${currency}`);
    // hledger wants a decimal mark in a format, ledger-cli rejects `1000.`: a 0-decimal
    // currency is declared bare, and both tools take the style from its amounts.
    if (digits > 0) lines.push(`    format 1000.${"0".repeat(digits)} ${currency}`);
  }
  if (currencies.length > 0) lines.push("");
  for (const name of [...accounts.keys()].sort(compareText)) lines.push(`account ${name}`);
  const postings = postingLines(entries, "    ");
  for (const entry of entries) {
    const description = hledgerDescription(entry.t.description);
    // After the status mark, a leading `(` would be read as a transaction code: give an empty one.
    const code = description.startsWith("(") ? "() " : "";
    lines.push(
      "",
      `${entry.t.date} * ${code}${description}`,
      `    ; id: ${tagValue(entry.t.id)}`,
      `    ; source: ${tagValue(sourceOf(entry.t))}`,
      ...postings(entry),
    );
  }
  return endLines(lines);
}

/** Joins lines into a file that ends with exactly one newline (sections end with a blank line). */
function endLines(lines: string[]): string {
  while (lines.at(-1) === "") lines.pop();
  return `${lines.join("\n")}\n`;
}

/** A beancount string literal: `\` and `"` escaped, control characters as spaces, text kept. */
export function beancountString(text: string): string {
  return `"${text
    .replace(/\p{Cc}/gu, " ")
    .replaceAll("\\", "\\\\")
    .replaceAll('"', '\\"')}"`;
}

/**
 * Renders a beancount file: options, one `open` per account dated at its first use and limited
 * to the currencies it holds, then one transaction per record with its id and source as metadata.
 */
export function renderBeancountJournal(input: JournalInput): string {
  const { entries, accounts } = assemble(input, beancountAccount);
  const lines = [
    `; ${input.tenant.name.replace(WHITESPACE, " ")} (tenant ${input.tenant.id}): ${coverage(entries)}`,
    "; Exported by exec-intel from the categorised ledger; amounts as recorded, never converted.",
    "",
    `option "title" ${beancountString(input.tenant.name)}`,
    `option "operating_currency" ${beancountString(input.tenant.currency)}`,
    "",
  ];
  const opens = [...accounts].sort(
    ([a, x], [b, y]) => compareText(x.opened, y.opened) || compareText(a, b),
  );
  for (const [name, { opened, currencies }] of opens) {
    lines.push(`${opened} open ${name} ${[...currencies].sort(compareText).join(",")}`);
  }
  const postings = postingLines(entries, "  ");
  for (const entry of entries) {
    lines.push(
      "",
      `${entry.t.date} * ${beancountString(entry.t.description)}`,
      `  id: ${beancountString(entry.t.id)}`,
      `  source: ${beancountString(sourceOf(entry.t))}`,
      ...postings(entry),
    );
  }
  return endLines(lines);
}
