import { describe, expect, it } from "vitest";
import { modelWithBooks } from "../../../test/fixtures/billing/sample-book.js";
import { contextFor, emptyModel } from "../../../test/helpers/model.js";
import { analyseBilling } from "../analysis/billing.js";
import { gatherIntelligence } from "../analysis/intelligence.js";
import type { TenantModel } from "../model/index.js";
import { billingRules } from "../rules/billing-rules.js";
import { assembleBillingAuditReport, BILLING_AUDIT_SECTIONS } from "./billing-audit.js";
import type { ReportDocument } from "./document.js";

const ROLES = {
  billing: { report: "billing-audit" as const, title: "Client billing", expectedKpis: [] },
};

function report(model: TenantModel): ReportDocument {
  const intelligence = gatherIntelligence(
    contextFor(model, {}, ROLES),
    [analyseBilling],
    billingRules,
  );
  return assembleBillingAuditReport(intelligence, "billing");
}

const paragraphs = (document: ReportDocument, id: string) =>
  (document.sections.find((s) => s.id === id)?.blocks ?? []).flatMap((b) =>
    b.type === "paragraph" ? [b.text] : [],
  );

describe("billing-audit report", () => {
  const document = report(modelWithBooks());

  it("has its sections in order, summary first", () => {
    expect(document.sections.map((s) => s.id)).toEqual(BILLING_AUDIT_SECTIONS);
    expect(BILLING_AUDIT_SECTIONS[0]).toBe("summary");
  });

  it("titles itself by the book's entity and puts receivables and unbilled hours in the subject", () => {
    expect(document.title).toBe("Billing audit report — dc-clients, October 2026");
    expect(document.subject).toBe(
      "Client billing · Oct 2026 · $800 receivable, $800 overdue · 5.75 hours unbilled · 1 client with no billing model",
    );
  });

  it("summarises the audit in one paragraph computed from the book", () => {
    expect(paragraphs(document, "summary")).toEqual([
      "Over Nov 2025–Oct 2026 the studio worked 11.75 hours, invoiced $2,500 ($213 per hour worked) and collected $2,225. " +
        "5.75 hours (49%) were never invoiced, $295 of it at contract rates. " +
        "1 client had work but no billing model: Gamma. " +
        "$800 was receivable at 2026-10-31, $800 of it overdue on 2 invoices; the oldest is B0 to Beta LLC, issued 2026-06-01. " +
        "2 payment mismatches: A2 (Alpha Co) — marked paid, but $50 short; ACH 555 (Alpha Co) — ACH payment of 2026-10-12 names invoice X9, which is not in the invoices. " +
        "Beta LLC is 80% of invoicing over Nov 2025–Oct 2026.",
    ]);
  });

  it("lists each area's findings in its own section", () => {
    const findingIds = (id: string) =>
      document.sections
        .find((s) => s.id === id)
        ?.blocks.flatMap((b) =>
          b.type === "findings" ? b.findings.map((f) => f.fingerprint) : [],
        );
    expect(findingIds("clients")).toEqual(["billing-no-model:gamma"]);
    expect(findingIds("unbilled-work")).toEqual(["billing-unbilled-time:alpha"]);
    expect(findingIds("receivables")).toEqual([
      "billing-overdue-invoice:B0",
      "billing-overdue-invoice:A1",
    ]);
    expect(findingIds("revenue-concentration")).toEqual(["billing-revenue-concentration:beta"]);
  });

  it("says in every section that there is no billing data when the tenant has no book", () => {
    const empty = report(emptyModel());
    expect(empty.subject).toBe("Client billing · Oct 2026 · no billing records");
    expect(empty.sections.map((s) => s.id)).toEqual(BILLING_AUDIT_SECTIONS);
    for (const s of empty.sections)
      expect(s.blocks).toEqual([
        {
          type: "paragraph",
          text: "No billing source holds records for Test tenant: add a source of type billing to exec-intel.yaml.",
        },
      ]);
  });
});
