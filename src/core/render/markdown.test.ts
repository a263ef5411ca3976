import { describe, expect, it } from "vitest";
import type { ChartSpec, ReportDocument } from "../reports/document.js";
import { renderMarkdown } from "./markdown.js";

function documentWith(chart: ChartSpec): ReportDocument {
  return {
    id: "t/2026-10/cfo",
    tenant: { id: "t", name: "Test tenant" },
    period: "2026-10",
    role: "cfo",
    title: "CFO report",
    subject: "CFO",
    sources: [],
    sections: [
      {
        id: "burn-rate",
        title: "Burn rate",
        freshness: { asOf: "2026-10-31", status: "fresh", sources: [] },
        blocks: [{ type: "chart", chart }],
      },
    ],
  };
}

const burn: ChartSpec = {
  id: "burn-by-month",
  title: "Burn by month",
  kind: "bar",
  unit: "USD",
  series: [
    { name: "Expenses", points: [{ x: "2026-10", y: 8_396 }] },
    { name: "Income", points: [{ x: "2026-10", y: 7_511 }] },
  ],
};

describe("Markdown of a chart block", () => {
  it("shows the chart's SVG, written next to the report, then its data", () => {
    const markdown = renderMarkdown(documentWith(burn));
    expect(markdown).toContain(
      [
        "![Burn by month](cfo-burn-by-month.svg)",
        "",
        "**Burn by month (chart data)**",
        "",
        "|  | Expenses | Income |",
        "|---|---:|---:|",
        "| 2026-10 | $8,396 | $7,511 |",
      ].join("\n"),
    );
  });

  it("keeps a hostile title from closing the image or injecting HTML", () => {
    const title = 'Spend](javascript:alert(1)) <img src=x onerror="alert(2)">\n[x]';
    const markdown = renderMarkdown(documentWith({ ...burn, title }));
    const image = markdown.split("\n").find((line) => line.startsWith("!["));
    expect(image).toBe(
      '![Spend\\](javascript:alert(1)) &lt;img src=x onerror="alert(2)"&gt; \\[x\\]](cfo-burn-by-month.svg)',
    );
    expect(markdown).not.toContain("<img");
  });
});
