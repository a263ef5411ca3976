import { describe, expect, it } from "vitest";
import { deliveryContext, handBook } from "../../../test/fixtures/deliveries/book.js";
import { analyseDeliveries } from "../analysis/deliveries.js";
import { gatherIntelligence } from "../analysis/intelligence.js";
import { deliveryRules } from "../rules/deliveries-rules.js";
import type { ReportDocument } from "./document.js";
import { assembleYachtDeliveryReport, YACHT_DELIVERY_SECTIONS } from "./yacht-delivery.js";

// The report over the hand-worked book of test/fixtures/deliveries/book.ts (period 2026-10).

function report(book: ReturnType<typeof handBook> | null = handBook()): ReportDocument {
  const intelligence = gatherIntelligence(
    deliveryContext(book),
    [analyseDeliveries],
    deliveryRules,
  );
  return assembleYachtDeliveryReport(intelligence, "delivery-manager");
}

const paragraphs = (document: ReportDocument, id: string) =>
  (document.sections.find((s) => s.id === id)?.blocks ?? []).flatMap((b) =>
    b.type === "paragraph" ? [b.text] : [],
  );

describe("assembleYachtDeliveryReport", () => {
  const document = report();

  it("has its sections in order, titled for the entity and month", () => {
    expect(document.sections.map((s) => s.id)).toEqual(YACHT_DELIVERY_SECTIONS);
    expect(document.title).toBe("Yacht delivery report — Expert Yacht Delivery, October 2026");
    expect(document.subject).toBe(
      "Delivery manager · Oct 2026 · 2 deliveries, 350 nm · margin $2,300 (29%) · 2 over budget",
    );
  });

  it("sums the month up in one paragraph computed from the book", () => {
    expect(paragraphs(document, "summary")).toEqual([
      "Expert Yacht Delivery completed 2 deliveries in Nov 2025–Oct 2026 (1 in October 2026), sailing 350 nautical miles with 9 days of crew time. Quotes of $8,000 against $5,700 of actual cost left a margin of $2,300 (29%, $1,150 per delivery), at $16.29 per nautical mile. 2 deliveries ran over budget. D Vessel D is under way (80 of 300 nm sailed) and 2 deliveries are upcoming. Neither upcoming delivery has its full crew confirmed, and 3 documents the open deliveries need are missing or expired.",
    ]);
  });

  it("names a loss-making delivery in the summary", () => {
    const book = handBook();
    const b = book.deliveries.find((d) => d.id === "B");
    if (b !== undefined) b.quoteCents = 400_000;
    expect(paragraphs(report(book), "summary")[0]).toContain(
      "2 deliveries ran over budget; B Vessel B lost $400.",
    );
  });

  it("says who carries the crew days and which skipper the service depends on", () => {
    expect(paragraphs(document, "crew")).toEqual([
      "2 people crewed the completed deliveries. Rafael Ortega skippered 2 of the 2 deliveries and sailed 7 of the 9 days of crew time (78%): the service depends on one skipper.",
    ]);
  });

  it("lists each area's findings in its section", () => {
    const findings = (id: string) =>
      (document.sections.find((s) => s.id === id)?.blocks ?? []).flatMap((b) =>
        b.type === "findings" ? b.findings.map((f) => f.fingerprint) : [],
      );
    expect(findings("cost-vs-quote")).toEqual(["delivery-over-budget:B", "delivery-over-budget:D"]);
    expect(findings("upcoming")).toEqual(["delivery-crew-unconfirmed:E"]);
    expect(findings("documents")).toHaveLength(3);
  });

  it("says there are no records, and shows no figure, when the tenant has no delivery book", () => {
    const empty = report(null);
    expect(empty.subject).toBe("Delivery manager · Oct 2026 · no delivery records");
    expect(paragraphs(empty, "summary")).toEqual([
      "No deliveries source holds records for Expert Yacht Delivery: add a source of type deliveries to exec-intel.yaml.",
    ]);
    expect(empty.sections.flatMap((s) => s.blocks).some((b) => b.type === "figures")).toBe(false);
  });
});
