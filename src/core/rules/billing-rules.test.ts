import { describe, expect, it } from "vitest";
import { modelWithBooks } from "../../../test/fixtures/billing/sample-book.js";
import { contextFor, emptyModel } from "../../../test/helpers/model.js";
import { analyseBilling } from "../analysis/billing.js";
import type { AnalysisContext, Finding } from "../analysis/types.js";
import type { TenantModel } from "../model/index.js";
import { billingRules } from "./billing-rules.js";
import { evaluateRules } from "./rule.js";

// Findings over test/fixtures/billing/sample-book.ts at the end of 2026-10.

function run(model: TenantModel, thresholds: Record<string, number> = {}): Finding[] {
  const context: AnalysisContext = contextFor(model, { thresholds });
  const figures = new Map(analyseBilling(context).figures.map((f) => [f.id, f]));
  return evaluateRules(billingRules, context, figures);
}

const of = (findings: Finding[], ruleId: string) => findings.filter((f) => f.ruleId === ruleId);
const where = (f: Finding | undefined) =>
  f?.evidence.map((e) => `${e.text} @${e.source.file}:${e.source.line}`);

describe("billing rules", () => {
  const findings = run(modelWithBooks());

  it("raise nothing for a tenant without a client book", () => {
    expect(run(emptyModel())).toEqual([]);
  });

  it("flag a client whose work had no billing model, pointing at its contract and entries", () => {
    const [gamma, ...rest] = of(findings, "billing-no-model");
    expect(rest).toEqual([]);
    expect(gamma).toMatchObject({
      fingerprint: "billing-no-model:gamma",
      severity: "medium",
      entity: "dc-clients",
      roles: ["billing-audit"],
      title: "Gamma: 3 hours of work since 2026-06-15 with no billing model",
    });
    expect(where(gamma)).toEqual([
      "Contract from 2026-05-01: billing model none @data/billing/contracts.csv:4",
      "2026-06-15 Alex Moreno, 3 h: work for gamma @data/billing/time-entries.csv:8",
    ]);
  });

  it("flag billable time unbilled for longer than the threshold, and follow the threshold", () => {
    expect(of(findings, "billing-unbilled-time").map((f) => f.title)).toEqual([
      "Alpha Co: 1.5 unbilled hours older than 30 days, $150 at contract rate",
    ]);
    const tighter = run(modelWithBooks(), { "billing-unbilled-time.days": 10 });
    expect(of(tighter, "billing-unbilled-time").map((f) => f.title)).toEqual([
      "Alpha Co: 1.5 unbilled hours older than 10 days, $150 at contract rate",
      "Beta LLC: 1 unbilled hour older than 10 days, $120 at contract rate",
    ]);
  });

  it("flag overdue invoices, high once they are more than 60 days late", () => {
    expect(
      of(findings, "billing-overdue-invoice").map((f) => [f.fingerprint, f.severity, f.title]),
    ).toEqual([
      ["billing-overdue-invoice:B0", "high", "B0 to Beta LLC: $600 overdue by 122 days"],
      ["billing-overdue-invoice:A1", "medium", "A1 to Alpha Co: $200 overdue by 16 days"],
    ]);
    const [b0] = of(findings, "billing-overdue-invoice");
    expect(where(b0)).toEqual([
      "Issued 2026-06-01, due 2026-07-01, $1,000, status sent @data/billing/invoices.csv:3",
      "Received $400 on 2026-06-20 by check @data/billing/payments.csv:3",
    ]);
    const lenient = run(modelWithBooks(), { "billing-overdue-invoice.graceDays": 30 });
    expect(of(lenient, "billing-overdue-invoice").map((f) => f.fingerprint)).toEqual([
      "billing-overdue-invoice:B0",
    ]);
  });

  it("flag a short-paid invoice and money that names no known invoice", () => {
    const mismatches = of(findings, "billing-payment-mismatch");
    expect(mismatches.map((f) => f.title)).toEqual([
      "A2 (Alpha Co): marked paid, but $50 short",
      "ACH 555 (Alpha Co): ACH payment of 2026-10-12 names invoice X9, which is not in the invoices",
    ]);
    expect(mismatches[0]?.action).toBe(
      "Ask Alpha Co for the $50 still owed on A2, or issue a credit note, and correct the invoice's status.",
    );
    expect(where(mismatches[1])).toEqual([
      "Received $75 on 2026-10-12 by ACH (ACH 555) @data/billing/payments.csv:6",
    ]);
  });

  it("flag a client above the concentration threshold, and stay quiet below it", () => {
    expect(of(findings, "billing-revenue-concentration").map((f) => f.title)).toEqual([
      "Beta LLC is 80% of invoicing over Nov 2025–Oct 2026 (above 50%)",
    ]);
    const higher = run(modelWithBooks(), { "billing-revenue-concentration.share": 80 });
    expect(of(higher, "billing-revenue-concentration")).toEqual([]);
  });
});
