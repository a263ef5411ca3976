import { describe, expect, it } from "vitest";
import { at, booking, business, contextFor, emptyModel, txn } from "../../../test/helpers/model.js";
import type { AnalysisContext, Finding } from "../analysis/types.js";
import type { PlannedSpend, Policy, TenantModel } from "../model/index.js";
import {
  belowBreakEvenRule,
  burnExceedsIncomeRule,
  doNotDeployRule,
  forbiddenSpendRule,
  gatedSpendRule,
  monthlySpendLimitRule,
} from "./finance-rules.js";
import { evaluateRules, type Rule } from "./rule.js";

function run(rule: Rule, context: AnalysisContext): Finding[] {
  return evaluateRules([rule], context, new Map());
}

function policy(overrides: Partial<Policy>): Policy {
  return {
    id: "no-saas",
    description: "No enterprise SaaS.",
    kind: "forbid-spend",
    accounts: [],
    provenance: at("data/registry.yaml", 40, "2026-10-28"),
    ...overrides,
  };
}

function spend(overrides: Partial<PlannedSpend>): PlannedSpend {
  return {
    id: "rebuild",
    entity: "alpha",
    description: "Agency rebuild",
    amountCents: 1_200_000,
    cadence: "once",
    revenueProducing: false,
    dependsOn: [],
    provenance: at("data/registry.yaml", 60, "2026-10-28"),
    ...overrides,
  };
}

describe("policy-forbid-spend", () => {
  it("raises one finding per forbidden outflow, with the row and the policy as evidence", () => {
    const model = emptyModel();
    model.transactions = [
      txn("2026-07-09", -800, "expenses:software", "alpha", "HUBSPOT INC - PRO UPGRADE"),
      txn("2026-07-10", -20, "expenses:software", "alpha", "GITHUB"),
    ];
    model.policies = [policy({ match: "salesforce|hubspot" })];
    const [finding, ...rest] = run(forbiddenSpendRule, contextFor(model));
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({
      fingerprint: "policy-forbid-spend:no-saas:alpha:2026-07-09:80000",
      category: "policy-violation",
      roles: ["cfo", "ceo"],
      title: '"no-saas" broken: $800 HUBSPOT INC - PRO UPGRADE (2026-07-09)',
    });
    expect(finding?.evidence.map((e) => e.source.line)).toEqual([1, 40]);
  });

  it("is silent when no row matches", () => {
    const model = emptyModel();
    model.transactions = [txn("2026-07-10", -20, "expenses:software", "alpha", "GITHUB")];
    model.policies = [policy({ match: "hubspot" })];
    expect(run(forbiddenSpendRule, contextFor(model))).toEqual([]);
  });
});

describe("policy-max-monthly-spend", () => {
  it("raises a finding per month over the limit", () => {
    const model = emptyModel();
    model.transactions = [
      txn("2026-09-02", -300, "expenses:marketing:ads"),
      txn("2026-09-12", -300, "expenses:marketing:ads"),
      txn("2026-10-02", -400, "expenses:marketing:ads"),
    ];
    model.policies = [
      policy({
        id: "ads-cap",
        kind: "max-monthly-spend",
        accounts: ["expenses:marketing"],
        limitCents: 50_000,
      }),
    ];
    const findings = run(monthlySpendLimitRule, contextFor(model));
    expect(findings.map((f) => [f.fingerprint, f.title])).toEqual([
      [
        "policy-max-monthly-spend:ads-cap:2026-09",
        'Sep 2026: $600 spent against a limit of $500 ("ads-cap")',
      ],
    ]);
  });
});

describe("capital-do-not-deploy", () => {
  it("flags a costly spend that produces no revenue, citing the capital policy", () => {
    const model = emptyModel();
    model.plannedSpends = [
      spend({}),
      spend({ id: "blast", amountCents: 40_000, revenueProducing: true }),
      spend({ id: "tool", amountCents: 4_500, cadence: "monthly" }),
    ];
    model.policies = [policy({ id: "capital-only", kind: "capital-for-revenue-only" })];
    const findings = run(doNotDeployRule, contextFor(model));
    expect(findings.map((f) => f.fingerprint)).toEqual(["capital-do-not-deploy:rebuild"]);
    expect(findings[0]?.evidence).toHaveLength(2);
  });

  it("reads its ceiling from config", () => {
    const model = emptyModel();
    model.plannedSpends = [spend({ amountCents: 60_000, cadence: "monthly" })];
    expect(run(doNotDeployRule, contextFor(model))).toHaveLength(1);
    const raised = contextFor(model, {
      thresholds: { "capital-do-not-deploy.lowCostMonthly": 1_000 },
    });
    expect(run(doNotDeployRule, raised)).toEqual([]);
  });
});

describe("capital-gated-spend", () => {
  it("flags a spend waiting on a document that is not valid", () => {
    const model = emptyModel();
    model.documents = [
      {
        id: "coi",
        entity: "alpha",
        name: "Certificate of insurance",
        status: "missing",
        provenance: at("data/registry.yaml", 30, "2026-10-28"),
      },
    ];
    model.plannedSpends = [
      spend({
        id: "ota",
        description: "List on an OTA",
        amountCents: 0,
        revenueProducing: true,
        dependsOn: ["coi"],
      }),
      spend({ id: "other", amountCents: 0, revenueProducing: true, dependsOn: ["email-list"] }),
    ];
    const findings = run(gatedSpendRule, contextFor(model));
    expect(findings.map((f) => [f.fingerprint, f.title])).toEqual([
      ["capital-gated-spend:ota", '"List on an OTA" waits on Certificate of insurance (missing)'],
    ]);
    model.documents[0] = {
      ...(model.documents[0] as (typeof model.documents)[0]),
      status: "valid",
    };
    expect(run(gatedSpendRule, contextFor(model))).toEqual([]);
  });
});

describe("burn-exceeds-income", () => {
  function losing(months: number): TenantModel {
    const model = emptyModel([business("alpha", "Alpha"), business("beta", "Beta")]);
    for (const month of ["08", "09", "10"]) {
      model.transactions.push(txn(`2026-${month}-02`, -1_000, "expenses:rent"));
      model.transactions.push(txn(`2026-${month}-03`, 900, "income:sales", "beta"));
    }
    // Months beyond `months` are profitable.
    for (const month of ["08", "09", "10"].slice(0, 3 - months))
      model.transactions.push(txn(`2026-${month}-04`, 500, "income:sales"));
    return model;
  }

  it("fires when enough months lose money, with one evidence line per business", () => {
    const findings = run(burnExceedsIncomeRule, contextFor(losing(3), { trailingMonths: 3 }));
    expect(findings).toHaveLength(1);
    expect(findings[0]?.title).toBe(
      "Expenses exceeded income in 3 of 3 months (Aug–Oct 2026), $300 in all",
    );
    expect(findings[0]?.evidence.map((e) => e.text)).toEqual([
      "Alpha, Aug–Oct 2026: income $0 against expenses $3,000, $3,000 short",
      "Beta, Aug–Oct 2026: income $2,700 against expenses $0, $2,700 surplus",
    ]);
  });

  it("stays silent below the threshold of losing months", () => {
    expect(run(burnExceedsIncomeRule, contextFor(losing(2), { trailingMonths: 3 }))).toEqual([]);
    const lowered = contextFor(losing(2), {
      trailingMonths: 3,
      thresholds: { "burn-exceeds-income.minLossMonths": 2 },
    });
    expect(run(burnExceedsIncomeRule, lowered)).toHaveLength(1);
  });
});

describe("below-break-even", () => {
  it("fires when the stream sells fewer units than break-even needs", () => {
    const model = emptyModel();
    model.revenueStreams = [
      {
        id: "charter",
        entity: "alpha",
        name: "Charter",
        pricing: { model: "per-unit", priceCents: 100_000, unit: "charter", variableCostCents: 0 },
        billing: { model: "stripe" },
        provenance: at("data/registry.yaml", 5, "2026-10-28"),
      },
    ];
    model.transactions = [txn("2026-10-01", -3_000, "expenses:rent")];
    model.bookings = [booking("B1", "completed", "2026-10-05", 1_000, { stream: "charter" })];
    // Break-even 3,000 ÷ 1,000 = 3 a month; 1 sold.
    const context = contextFor(model, { trailingMonths: 1, breakEvenStream: "charter" });
    const [finding] = run(belowBreakEvenRule, context);
    expect(finding?.title).toBe("Charter: 1.0 charters/month sold against a break-even of 3");
    expect(finding?.action).toBe(
      "Sell 2 more charters a month, or cut fixed costs by $2,000/month, to break even at the current volume.",
    );
    model.bookings.push(
      booking("B2", "completed", "2026-10-06", 1_000, { stream: "charter" }),
      booking("B3", "confirmed", "2026-10-07", 1_000, { stream: "charter" }),
    );
    expect(run(belowBreakEvenRule, context)).toEqual([]);
  });
});
