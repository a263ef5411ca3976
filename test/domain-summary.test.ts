import { appendFile } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { Figure } from "../src/core/analysis/types.js";
import type { ReportDocument } from "../src/core/reports/document.js";
import { CEO_DOMAIN_FIGURES } from "../src/core/reports/domain-reports.js";
import { figureConsistencyGate } from "../src/core/validate/figure-consistency.js";
import { batch } from "./gate/fixtures.js";
import { PORTFOLIO } from "./helpers/cli.js";
import { type Computed, mutated } from "./helpers/mutate.js";
import { computeTenant } from "./helpers/pipeline.js";

// The CEO report's "Domain reports" section repeats each domain report's summary figures under
// the same ids, so the figure-consistency gate holds them to one value across the batch.

const DOMAIN_ROLES = ["property-manager", "delivery-manager", "billing"] as const;

function shownFigures(report: ReportDocument, sectionId: string): Figure[] {
  const section = report.sections.find((s) => s.id === sectionId);
  return (section?.blocks ?? []).flatMap((b) => (b.type === "figures" ? b.figures : []));
}

describe("the CEO report's domain section", () => {
  let base: Computed;
  beforeAll(async () => {
    base = await computeTenant(PORTFOLIO);
  });

  it("repeats each domain report's headline summary figures, same ids and values, in role order", () => {
    const ceo = shownFigures(base.report("ceo"), "domain-reports");
    const kinds = ["rental-property", "yacht-delivery", "billing-audit"] as const;
    const headline = new Set(kinds.flatMap((k) => CEO_DOMAIN_FIGURES[k]));
    const expected = DOMAIN_ROLES.flatMap((role) =>
      shownFigures(base.report(role), "summary").filter((f) => headline.has(f.id)),
    );
    // Four per domain: every headline id is one its domain report's summary shows.
    expect(expected).toHaveLength(12);
    expect(ceo.map((f) => [f.id, f.value, f.unit])).toEqual(
      expected.map((f) => [f.id, f.value, f.unit]),
    );
  });

  it("passes the figure-consistency gate as built, and fails it when one copy differs", () => {
    expect(figureConsistencyGate(batch(base.reports))).toEqual([]);
    const ceo = base.report("ceo");
    const altered: ReportDocument = {
      ...ceo,
      sections: ceo.sections.map((s) =>
        s.id !== "domain-reports"
          ? s
          : {
              ...s,
              blocks: s.blocks.map((b) =>
                b.type !== "figures"
                  ? b
                  : {
                      ...b,
                      figures: b.figures.map((f) =>
                        f.id === "property-noi-t12" ? { ...f, value: f.value + 100 } : f,
                      ),
                    },
              ),
            },
      ),
    };
    const batchWithAltered = base.reports.map((r) => (r.role === "ceo" ? altered : r));
    const messages = figureConsistencyGate(batch(batchWithAltered)).map((p) => p.message);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain('figure "property-noi-t12"');
    expect(messages[0]).toContain("domain-reports");
  });

  it("follows the data: an October expense lowers the NOI in the property report and in the CEO's copy", async () => {
    const noiIn = (c: Computed, role: string, section: string) =>
      shownFigures(c.report(role), section).find((f) => f.id === "property-noi-t12")?.value;
    expect(noiIn(base, "ceo", "domain-reports")).toBe(11613.36);
    const changed = await mutated((dir) =>
      appendFile(
        path.join(dir, "data/rental/expenses.csv"),
        "2026-10-20,repairs,Bayside Plumbing,500.00,Sewer line cleared\n",
      ),
    );
    expect(noiIn(changed, "property-manager", "summary")).toBe(11113.36);
    expect(noiIn(changed, "ceo", "domain-reports")).toBe(11113.36);
  });
});
