import { describe, expect, it } from "vitest";
import { renderReport } from "../../src/adapters/render/render-report.js";
import { PORTFOLIO, PORTFOLIO_ROLES } from "../helpers/cli.js";
import { mutated, replaceIn } from "../helpers/mutate.js";
import { computeTenant } from "../helpers/pipeline.js";

// Gmail clips a message whose HTML exceeds 102 KB and hides the rest behind "View entire message".
const GMAIL_CLIP_BYTES = 102 * 1024;
const CHART_PNG_BUDGET_BYTES = 60 * 1024;

describe("email HTML of the reference portfolio (2026-10)", async () => {
  const { reports } = await computeTenant(PORTFOLIO);
  const rendered = await Promise.all(reports.map((r) => renderReport(r)));

  it("renders the five C-suite reports and the three domain reports", () => {
    expect(rendered.map((r) => r.document.role)).toEqual([...PORTFOLIO_ROLES]);
  });

  it.each(rendered.map((r) => [r.document.role, r] as const))(
    "%s: under Gmail's clipping size, charts under their budget",
    (_role, report) => {
      expect(Buffer.byteLength(report.html)).toBeLessThan(GMAIL_CLIP_BYTES);
      for (const chart of report.charts) {
        expect(chart.png.byteLength, chart.fileName).toBeLessThan(CHART_PNG_BUDGET_BYTES);
      }
    },
  );

  it.each(rendered.map((r) => [r.document.role, r] as const))(
    "%s: no script, no remote resource, every image an inline part",
    (_role, report) => {
      const { html } = report;
      expect(html).not.toMatch(/<script/i);
      expect(html).not.toMatch(/\son[a-z]+\s*=/i);
      expect(html).not.toMatch(/<link\b/i);
      expect(html).not.toMatch(/@import|fonts\.googleapis/i);
      const sources = [...html.matchAll(/<img[^>]*\ssrc="([^"]*)"/g)].map((m) => m[1]);
      expect(sources.sort()).toEqual(report.charts.map((c) => `cid:${c.cid}`).sort());
      // Links only to anchors inside the message.
      const hrefs = [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1] ?? "");
      expect(hrefs.filter((h) => !h.startsWith("#"))).toEqual([]);
    },
  );

  it.each(rendered.map((r) => [r.document.role, r] as const))(
    "%s: every section is an anchor that the contents link to",
    (_role, report) => {
      for (const section of report.document.sections) {
        expect(report.html).toContain(`id="${section.id}"`);
        expect(report.html).toContain(`href="#${section.id}"`);
      }
      // The class PDF printing breaks pages at (MJML also writes `section-outlook` for Outlook).
      expect(report.html.match(/class="section card"/g)?.length).toBe(
        report.document.sections.length,
      );
    },
  );

  it("shows figures as tiles with their formatted values and findings with severity tags", () => {
    const cfo = rendered.find((r) => r.document.role === "cfo");
    expect(cfo).toBeDefined();
    const html = cfo?.html ?? "";
    expect(html).toMatch(/class="tile"/);
    expect(html).toContain("Burn rate (low)");
    expect(html).toMatch(/>(CRITICAL|HIGH|MEDIUM|LOW)<\/span>/);
  });
});

describe("email HTML follows the data", () => {
  it("flags a stale source in the header once its data ends long before the period", async () => {
    const { report } = await mutated((dir) =>
      replaceIn(dir, "exec-intel.yaml", "staleAfterDays: 45", "staleAfterDays: 5"),
    );
    const stale = report("ceo").sources.filter((s) => s.status === "stale");
    expect(stale.length).toBeGreaterThan(0);
    const html = (await renderReport(report("ceo"))).html;
    for (const source of stale) expect(html).toContain(`STALE</strong> · ${source.sourceId}`);
  });
});
