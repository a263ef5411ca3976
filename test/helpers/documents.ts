import type { Block, ReportDocument } from "../../src/core/reports/document.js";

/** A report of tenant `acme` for 2026-10, addressed to `role`, made of fresh sections. */
export function acmeReport(
  role: string,
  sections: readonly { id: string; blocks: Block[] }[],
): ReportDocument {
  return {
    id: `acme/2026-10/${role}`,
    tenant: { id: "acme", name: "Acme" },
    period: "2026-10",
    role,
    title: role,
    subject: role,
    sources: [],
    sections: sections.map(({ id, blocks }) => ({
      id,
      title: id,
      freshness: { status: "fresh", asOf: "2026-10-31", sources: [] },
      blocks,
    })),
  };
}
