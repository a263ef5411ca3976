import { describe, expect, it } from "vitest";
import type { Figure, Finding } from "../analysis/types.js";
import type { ReportDocument } from "../reports/document.js";
import { buildEmailMjml } from "./email-mjml.js";

const figure = (over: Partial<Figure>): Figure => ({
  id: "revenue",
  label: "Revenue, Oct 2026",
  value: 9000,
  unit: "USD",
  asOf: "2026-10-31",
  sources: [],
  ...over,
});

const finding: Finding = {
  fingerprint: "r:x",
  ruleId: "r",
  category: "security-gap",
  title: "Key <b>in</b> repo",
  severity: "critical",
  roles: ["cto"],
  evidence: [{ text: "seen & noted", source: { sourceId: "h", file: "data/h.md", line: 4 } }],
  action: "Rotate the key",
  effort: 1,
  impact: 3,
};

function documentWith(over: Partial<ReportDocument> = {}): ReportDocument {
  return {
    id: "acme/2026-10/cto",
    tenant: { id: "acme", name: "Acme & Sons" },
    period: "2026-10",
    role: "cto",
    title: "CTO report — Acme, October 2026",
    subject: "CTO · Oct 2026",
    sources: [
      { sourceId: "ledger", type: "ledger", records: 3, asOf: "2026-10-30", status: "fresh" },
      {
        sourceId: "kpis",
        type: "kpis",
        records: 2,
        asOf: "2026-07-31",
        ageDays: 92,
        status: "stale",
      },
      { sourceId: "bookings", type: "bookings", records: 0, status: "empty" },
    ],
    sections: [
      {
        id: "summary",
        title: "Summary",
        freshness: { asOf: "2026-10-30", status: "fresh", sources: ["ledger"] },
        blocks: [
          { type: "paragraph", text: "First <script>alert(1)</script> paragraph." },
          {
            type: "figures",
            figures: [
              figure({ target: 10000, previous: 8000 }),
              figure({ id: "cost", label: "Cloud cost", value: 80, better: "lower", target: 100 }),
              figure({ id: "plain", label: "Assets", value: 8, unit: "count" }),
            ],
          },
        ],
      },
      {
        id: "security",
        title: "Security",
        freshness: { asOf: "2026-07-31", status: "stale", sources: ["kpis"] },
        blocks: [
          { type: "findings", findings: [finding], emptyText: "None." },
          { type: "findings", findings: [], emptyText: "No UX gaps." },
          {
            type: "table",
            table: {
              id: "t",
              title: "Costs",
              columns: [
                { key: "m", label: "Month" },
                { key: "c", label: "Cost", unit: "USD" },
              ],
              rows: [["2026-10", 1234]],
            },
          },
          {
            type: "chart",
            chart: {
              id: "burn",
              title: "Burn by month",
              kind: "line",
              unit: "USD",
              series: [
                {
                  name: "Expenses",
                  points: [
                    { x: "2026-09", y: 100 },
                    { x: "2026-10", y: 150 },
                  ],
                },
              ],
            },
          },
        ],
      },
    ],
    ...over,
  };
}

describe("buildEmailMjml", () => {
  const mjml = buildEmailMjml(documentWith(), {
    images: [{ chartId: "burn", src: "cid:cto-burn@exec-intel", width: 560, height: 240 }],
  });

  it("escapes every piece of workspace text", () => {
    expect(mjml).not.toContain("<script>");
    expect(mjml).toContain("First &lt;script&gt;alert(1)&lt;/script&gt; paragraph.");
    expect(mjml).toContain("Key &lt;b&gt;in&lt;/b&gt; repo");
    expect(mjml).toContain("Acme &amp; Sons");
  });

  it("gives each section an anchor and the header tenant, period, role and freshness", () => {
    expect(mjml).toContain('<h2 id="summary"');
    expect(mjml).toContain('<a name="security"></a>');
    expect(mjml).toContain("Acme &amp; Sons · October 2026 · CTO report");
    expect(mjml).toContain("1 of 3 sources current, oldest as of 2026-10-30");
    expect(mjml).toMatch(/STALE<\/strong> · kpis \(kpis\) · as of 2026-07-31, 92 days before/);
    expect(mjml).toMatch(/EMPTY<\/strong> · bookings \(bookings\) · no data/);
  });

  it("labels tile status in words, not colour alone, judged by the figure's direction", () => {
    expect(mjml).toContain("✗ Below target</span>");
    expect(mjml).toContain("target $10,000");
    expect(mjml).toContain("▲ up $1,000 (+13%) vs previous period");
    expect(mjml).toContain("✓ Within target</span>");
    // A figure without target or previous shows neither.
    const plain = mjml.slice(mjml.indexOf(">Assets<"), mjml.indexOf(">Assets<") + 400);
    expect(plain).not.toContain("target");
  });

  it("tags findings with their severity and carries evidence and next action", () => {
    expect(mjml).toContain(">CRITICAL</span>");
    expect(mjml).toContain("seen &amp; noted");
    expect(mjml).toContain("(data/<wbr>h.md:4)");
    expect(mjml).toContain("<strong>Next action:</strong> Rotate the key");
    expect(mjml).toContain("<em>No UX gaps.</em>");
  });

  it("refers to chart images by their src with data-bearing alt text", () => {
    expect(mjml).toContain('src="cid:cto-burn@exec-intel"');
    expect(mjml).toContain('alt="Burn by month: Expenses from $100 (2026-09) to $150 (2026-10)"');
  });

  it("falls back to the chart's data table when there is no image", () => {
    const without = buildEmailMjml(documentWith(), { images: [] });
    expect(without).not.toContain("<img");
    expect(without).toContain('<th scope="col" class="num">Expenses</th>');
  });

  it("uses the first paragraph as the inbox preview line", () => {
    expect(mjml).toContain(
      "<mj-preview>First &lt;script&gt;alert(1)&lt;/script&gt; paragraph.</mj-preview>",
    );
  });
});
