import { describe, expect, it } from "vitest";
import {
  at,
  booking,
  contextFor,
  emptyModel,
  handoffNote,
  txn,
} from "../../../test/helpers/model.js";
import type { AnalysisContext, Finding } from "../analysis/types.js";
import type { TenantModel } from "../model/index.js";
import {
  miscategorisedRule,
  noAccountingSystemRule,
  unbookedDeferralRule,
  uncategorisedRule,
} from "./accounting-rules.js";
import { evaluateRules, type Rule } from "./rule.js";

function run(rule: Rule, context: AnalysisContext): Finding[] {
  return evaluateRules([rule], context, new Map());
}

describe("uncategorised-transactions", () => {
  function model(): TenantModel {
    const m = emptyModel();
    m.transactions = [
      txn("2026-10-01", -80, undefined, "alpha", "ATM WITHDRAWAL 0412"),
      txn("2026-09-01", -40, undefined, "alpha", "ATM WITHDRAWAL 7710"),
      txn("2026-08-01", -40, undefined, "alpha", "ATM WITHDRAWAL 7710"),
      txn("2026-07-01", -40, undefined, "alpha", "ATM WITHDRAWAL 2204"),
      txn("2026-06-01", -40, undefined, "alpha", "ATM WITHDRAWAL 2204"),
      txn("2026-10-02", -20, undefined, "alpha", "SQ *COFFEE"),
      txn("2026-08-19", 750, undefined, "alpha", "MOBILE DEPOSIT CHECK 1043"),
      txn("2026-10-03", -900, "expenses:rent"),
    ];
    return m;
  }

  it("raises a finding per pattern with enough rows, and for every unexplained inflow", () => {
    const findings = run(uncategorisedRule, contextFor(model()));
    expect(findings.map((f) => [f.fingerprint, f.severity, f.title])).toEqual([
      [
        "uncategorised-transactions:atm-withdrawal",
        "low",
        '5 uncategorised rows like "ATM WITHDRAWAL" ($240 out, Nov 2025–Oct 2026)',
      ],
      [
        "uncategorised-transactions:mobile-deposit-check",
        "medium",
        '1 uncategorised row like "MOBILE DEPOSIT CHECK" ($750 in, Nov 2025–Oct 2026)',
      ],
    ]);
    // Three rows shown, the other two summarised.
    expect(findings[0]?.evidence.map((e) => e.text).at(-1)).toBe(
      "and 2 more rows back to 2026-06-01",
    );
    expect(findings[0]?.evidence).toHaveLength(4);
  });

  it("reads the row threshold from config and clears when a rule categorises the rows", () => {
    const lowered = contextFor(model(), {
      thresholds: { "uncategorised-transactions.minRows": 1 },
    });
    expect(run(uncategorisedRule, lowered).map((f) => f.fingerprint)).toContain(
      "uncategorised-transactions:sq-coffee",
    );
    const m = model();
    for (const t of m.transactions)
      if (t.description.startsWith("ATM")) t.category = "equity:owner-draws";
    expect(run(uncategorisedRule, contextFor(m)).map((f) => f.fingerprint)).toEqual([
      "uncategorised-transactions:mobile-deposit-check",
    ]);
  });
});

describe("miscategorised-transaction", () => {
  it("flags an outflow booked to income", () => {
    const m = emptyModel();
    m.transactions = [
      txn("2026-10-01", -200, "income:sales", "alpha", "SQUARE INC ADJ"),
      txn("2026-10-03", 30, "expenses:software", "alpha", "FIGMA REFUND"),
    ];
    const findings = run(miscategorisedRule, contextFor(m));
    expect(findings.map((f) => [f.fingerprint, f.title])).toEqual([
      [
        "miscategorised-transaction:alpha:2026-10-01:-20000",
        '2026-10-01 "SQUARE INC ADJ" $200 is an outflow booked to income account income:sales',
      ],
    ]);
  });
});

describe("no-accounting-system", () => {
  function model(): TenantModel {
    const m = emptyModel();
    m.systems = [
      {
        id: "stripe",
        entity: "alpha",
        name: "Payments",
        kind: "billing",
        technology: "Stripe Checkout",
        provenance: at("data/registry.yaml", 70, "2026-10-28"),
      },
    ];
    m.handoffs = [
      handoffNote("ops", "alpha", [
        ["state", "There is no accounting system, only bank exports."],
        ["state", "Receipts live only in email."],
      ]),
    ];
    return m;
  }

  it("fires with the handoff items and the registry as evidence", () => {
    const [finding, ...rest] = run(noAccountingSystemRule, contextFor(model()));
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({
      fingerprint: "no-accounting-system:t",
      severity: "high",
      roles: ["accounting", "cfo", "ceo"],
    });
    expect(finding?.evidence.map((e) => e.text)).toEqual([
      "ops note: There is no accounting system, only bank exports.",
      "ops note: Receipts live only in email.",
      "None of the 1 systems in the registry is an accounting ledger",
    ]);
  });

  it("is silent once an accounting system is registered, or when nothing says receipts are in email", () => {
    const withLedger = model();
    withLedger.systems.push({
      id: "books",
      entity: "alpha",
      name: "Books",
      kind: "other",
      technology: "Xero",
      provenance: at("data/registry.yaml", 80, "2026-10-28"),
    });
    expect(run(noAccountingSystemRule, contextFor(withLedger))).toEqual([]);
    const noReceipts = model();
    noReceipts.handoffs = [];
    expect(run(noAccountingSystemRule, contextFor(noReceipts))).toEqual([]);
  });
});

describe("deferred-revenue-unbooked", () => {
  it("raises a finding per entity holding cash for later service without a deposits account", () => {
    const m = emptyModel();
    m.freshness = [
      { sourceId: "test", type: "bookings", records: 2, asOf: "2026-10-21", status: "fresh" },
    ];
    m.bookings = [
      booking("F1", "confirmed", "2026-11-07", 1_650, {
        paidCents: 41_250,
        bookedOn: "2026-10-06",
      }),
      booking("F2", "confirmed", "2026-11-09", 1_650, { paidCents: 0, bookedOn: "2026-10-06" }),
    ];
    const findings = run(unbookedDeferralRule, contextFor(m));
    expect(findings.map((f) => [f.fingerprint, f.title])).toEqual([
      [
        "deferred-revenue-unbooked:alpha",
        "Alpha: $412.50 received for service after 2026-10-31 is booked as income",
      ],
    ]);
    m.transactions = [txn("2026-10-06", 412.5, "liabilities:customer-deposits")];
    expect(run(unbookedDeferralRule, contextFor(m))).toEqual([]);
  });
});
