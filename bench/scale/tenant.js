// One synthetic tenant's workspace for bench/scale.js: exec-intel.yaml, a registry and one
// bank-export CSV per entity (layout A of the reference portfolio: Posting Date, Description,
// Amount, Balance). Everything comes from a seeded generator, so tenant N is the same on every
// run and machine.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

/** The month every synthetic tenant reports on, and the slot that makes it due. */
export const PERIOD = "2026-10";
/** 08:00 on 1 November in Los Angeles, the reference portfolio's schedule. */
export const SLOT = new Date("2026-11-01T15:00:00Z");
export const SCHEDULE_CRON = "cron(0 8 1 * ? *)";
export const TIME_ZONE = "America/Los_Angeles";

/** Twelve months of records ending with the reported month. */
const FIRST_DAY = Date.UTC(2025, 10, 1);
const DAYS = 365;

// Pairwise far apart (more than two edits), so the canonical-names gate never sees one
// entity's name as a misspelling of another's.
const FIRST_WORDS = [
  "Harbor",
  "Summit",
  "Lantern",
  "Cedar",
  "Falcon",
  "Willow",
  "Granite",
  "Juniper",
  "Orchard",
  "Beacon",
  "Meadow",
  "Copper",
];
const TRADES = [
  { trade: "Bakery", income: ["SQUARE INC DEP", "ACH CREDIT WHOLESALE"], cost: "RESTAURANT DEPOT" },
  { trade: "Plumbing", income: ["STRIPE PAYOUT", "ACH CREDIT INVOICE"], cost: "FERGUSON SUPPLY" },
  {
    trade: "Design Studio",
    income: ["ACH CREDIT INVOICE", "STRIPE PAYOUT"],
    cost: "UPWORK ESCROW",
  },
  {
    trade: "Landscaping",
    income: ["SQUARE INC DEP", "ACH CREDIT INVOICE"],
    cost: "SITEONE LANDSCAPE",
  },
  { trade: "Print Shop", income: ["SQUARE INC DEP", "STRIPE PAYOUT"], cost: "ULINE SHIP SUPPLIES" },
  { trade: "Auto Repair", income: ["SQUARE INC DEP", "ACH CREDIT FLEET"], cost: "NAPA AUTO PARTS" },
];
/** Fixed costs every entity pays: description, monthly amount range, day of month. */
const MONTHLY = [
  ["LANDLORD PROPERTIES RENT", 1800, 4200, 1],
  ["GUSTO PAYROLL NET PAY", 3500, 9000, 15],
  ["GUSTO PAYROLL NET PAY", 3500, 9000, 28],
  ["PG&E UTILITY BILL", 180, 620, 12],
  ["VERIZON WIRELESS", 90, 240, 18],
  ["HISCOX INSURANCE", 120, 380, 5],
  ["GOOGLE *WORKSPACE", 14, 72, 3],
  ["BOOKKEEPING SERVICES LLC", 250, 600, 20],
];
/** Small, frequent spending between the sales and the fixed costs. */
const SUNDRIES = [
  ["GOOGLE *ADS", 20, 300],
  ["SHELL OIL 5512", 30, 90],
  ["AMAZON MKTPLACE PMTS", 15, 240],
  ["OFFICE DEPOT #2231", 10, 160],
  ["POS PURCHASE", 5, 60],
];

/** Categorisation rules shared by every synthetic tenant (first match wins). */
const CATEGORIES = [
  ["square inc|stripe payout|ach credit", "income:sales"],
  ["restaurant depot|ferguson|upwork|siteone|uline|napa auto", "expenses:cost-of-sales:materials"],
  ["rent", "expenses:occupancy:rent"],
  ["gusto", "expenses:payroll"],
  ["pg&e|verizon", "expenses:utilities"],
  ["hiscox", "expenses:insurance:liability"],
  ["google \\*workspace", "expenses:software:saas"],
  ["google \\*ads", "expenses:marketing:ads"],
  ["shell oil", "expenses:vehicle:fuel"],
  ["office depot|amazon mktplace", "expenses:supplies"],
  ["bookkeeping", "expenses:professional:bookkeeping"],
];

/** A small, fast, seeded generator (mulberry32): the same seed gives the same tenant. */
function seeded(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const pad = (n) => String(n).padStart(2, "0");
/** MM/DD/YYYY of a day index after FIRST_DAY. */
function dateOf(day) {
  const d = new Date(FIRST_DAY + day * 86_400_000);
  return `${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}/${d.getUTCFullYear()}`;
}
/** As a bank prints it: thousands separators, quoted when it has a comma. */
function money(value) {
  const cents = Math.round(Math.abs(value) * 100);
  const whole = String(Math.floor(cents / 100)).replace(/\B(?=(\d{3})+$)/g, ",");
  const text = `${value < 0 ? "-" : ""}${whole}.${String(cents % 100).padStart(2, "0")}`;
  return whole.length > 3 ? `"${text}"` : text;
}

/** The tenant id of synthetic tenant `index` (0-based). */
export function tenantId(index) {
  return `tenant-${String(index + 1).padStart(5, "0")}`;
}

/** One entity's export: `rows` transactions over the twelve months, sorted by date. */
function ledgerCsv(random, trade, rows) {
  const lines = [];
  // Fixed costs first (they are counted in `rows`), then sales and sundries fill the rest.
  for (let month = 0; month < 12; month++) {
    const start = Math.round((month * DAYS) / 12);
    for (const [description, low, high, dayOfMonth] of MONTHLY) {
      lines.push([start + dayOfMonth - 1, description, -(low + random() * (high - low))]);
    }
    lines.push([start + 9, trade.cost, -(400 + random() * 2400)]);
  }
  while (lines.length < rows) {
    const day = Math.floor(random() * DAYS);
    if (random() < 0.6) {
      const source = trade.income[random() < 0.75 ? 0 : 1];
      lines.push([day, source, 40 + random() * 900]);
    } else {
      const [description, low, high] = SUNDRIES[Math.floor(random() * SUNDRIES.length)];
      lines.push([day, description, -(low + random() * (high - low))]);
    }
  }
  lines.sort((a, b) => a[0] - b[0]);
  let balance = 25_000 + random() * 50_000;
  const out = ["Posting Date,Description,Amount,Balance"];
  for (const [day, description, amount] of lines) {
    const rounded = Math.round(amount * 100) / 100;
    balance += rounded;
    out.push(`${dateOf(day)},${description},${money(rounded)},${money(balance)}`);
  }
  return `${out.join("\n")}\n`;
}

/**
 * Writes synthetic tenant `index` into `dir` (created if needed): `entities` entities with
 * `transactions` ledger rows in total, split evenly. Returns the tenant id and the bytes written.
 */
export function writeTenantWorkspace(dir, index, { entities = 4, transactions = 10_000 } = {}) {
  const random = seeded(0x5eed + index * 7919);
  const id = tenantId(index);
  const firstOffset = Math.floor(random() * FIRST_WORDS.length);
  const tradeOffset = Math.floor(random() * TRADES.length);
  const chosen = Array.from({ length: entities }, (_, i) => {
    const trade = TRADES[(tradeOffset + i) % TRADES.length];
    const first = FIRST_WORDS[(firstOffset + i * 5) % FIRST_WORDS.length];
    return {
      id: `${first}-${trade.trade}`.toLowerCase().replaceAll(" ", "-"),
      name: `${first} ${trade.trade}`,
      trade,
    };
  });
  mkdirSync(path.join(dir, "data"), { recursive: true });
  let bytes = 0;
  const write = (relative, text) => {
    writeFileSync(path.join(dir, relative), text);
    bytes += Buffer.byteLength(text);
  };
  const perEntity = Math.floor(transactions / entities);
  chosen.forEach((entity, i) => {
    const rows = i === entities - 1 ? transactions - perEntity * (entities - 1) : perEntity;
    write(`data/${entity.id}.csv`, ledgerCsv(random, entity.trade, rows));
  });
  write(
    "data/registry.yaml",
    [
      "asOf: 2026-10-28",
      "revenueStreams:",
      ...chosen.flatMap((e) => [
        `  - id: ${e.id}-sales`,
        `    entity: ${e.id}`,
        `    name: ${e.trade.trade} sales`,
        "    pricing: { model: per-unit, unit: order }",
        "    billing: { model: pos, system: Square }",
      ]),
      "",
    ].join("\n"),
  );
  const yaml = [
    "version: 1",
    "staleAfterDays: 45",
    "schedule:",
    `  cron: ${SCHEDULE_CRON}`,
    `  timezone: ${TIME_ZONE}`,
    "transport:",
    "  driver: outbox",
    "  from: { name: Synthetic Reports, email: reports@example.com }",
    "render:",
    "  pdf: off",
    "archive:",
    "  driver: fs",
    "tenants:",
    `  - id: ${id}`,
    `    name: Synthetic Owner ${index + 1}`,
    "    currency: USD",
    `    timezone: ${TIME_ZONE}`,
    "    entities:",
    ...chosen.flatMap((e) => [
      `      - id: ${e.id}`,
      `        name: ${e.name}`,
      "        kind: business",
    ]),
    "    roles:",
    "      ceo:",
    "        title: Owner",
    `        recipients: [{ name: Owner ${index + 1}, email: owner@${id}.example.com }]`,
    "        expectedKpis: [monthly-revenue]",
    "      cfo:",
    "        title: Finance",
    `        recipients: [{ name: Finance ${index + 1}, email: finance@${id}.example.com }]`,
    "        expectedKpis: [monthly-revenue]",
    "      accounting:",
    "        title: Bookkeeper",
    `        recipients: [{ name: Bookkeeper ${index + 1}, email: books@${id}.example.com }]`,
    "        expectedKpis: [monthly-revenue]",
    "    sources:",
    "      - id: registry",
    "        type: registry",
    "        path: data/registry.yaml",
    ...chosen.flatMap((e) => [
      `      - id: ${e.id}-checking`,
      "        type: ledger",
      `        path: data/${e.id}.csv`,
      `        entity: ${e.id}`,
      `        account: assets:bank:${e.id}-checking`,
      "        currency: USD",
      "        dateFormat: MM/DD/YYYY",
      "        columns: { date: Posting Date, description: Description, amount: Amount }",
    ]),
    "    categories:",
    ...CATEGORIES.flatMap(([match, account]) => [
      `      - match: '${match}'`,
      `        account: ${account}`,
    ]),
    "",
  ].join("\n");
  write("exec-intel.yaml", yaml);
  return { id, bytes, entities: chosen.map((e) => e.id) };
}
