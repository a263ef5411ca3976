import { describe, expect, it } from "vitest";
import type { ReportKind } from "../src/core/config.js";
import { REQUIRED_SECTIONS } from "../src/core/reports/index.js";
import { PORTFOLIO, PORTFOLIO_ROLES, runCli } from "./helpers/cli.js";
import { computeTenant } from "./helpers/pipeline.js";

// Issue 3's acceptance: the dry-run summary of the reference portfolio lists the eight reports with
// their section ids and the owner's known facts, all computed from examples/portfolio.
interface Summary {
  tenants: {
    id: string;
    figures: Record<string, { value: number; unit: string }>;
    findings: { id: string; category: string }[];
    reports: {
      id: string;
      role: string;
      sections: string[];
      figures: string[];
      findings: { id: string }[];
    }[];
  }[];
}

describe("reports of the reference portfolio for 2026-10 (dry run)", async () => {
  const result = await runCli([
    "run",
    "-w",
    PORTFOLIO,
    "--period",
    "2026-10",
    "--dry-run",
    "--json",
    "--tenant",
    "portfolio",
  ]);
  const summary = JSON.parse(result.stdout) as Summary;
  const tenant = summary.tenants[0];
  const figure = (id: string) => tenant?.figures[id]?.value;
  const count = (category: string) =>
    tenant?.findings.filter((f) => f.category === category).length;

  it("lists the five reports with their section ids in order", () => {
    expect(result.code).toBe(0);
    expect(tenant?.reports.map((r) => r.id)).toEqual(
      PORTFOLIO_ROLES.map((role) => `portfolio/2026-10/${role}`),
    );
    for (const report of tenant?.reports ?? []) {
      const required = REQUIRED_SECTIONS[report.role as ReportKind] ?? [];
      expect(
        report.sections.filter((id) => required.includes(id)),
        report.role,
      ).toEqual(required);
    }
  });

  it("states the inventory, burn, break-even, cloud and email-list facts", () => {
    expect(figure("entity-count")).toBe(4);
    expect(figure("asset-count")).toBe(8);
    expect(figure("revenue-stream-count")).toBe(12);
    expect(figure("burn-rate-low")).toBeGreaterThanOrEqual(7000);
    expect(figure("burn-rate-high")).toBeLessThanOrEqual(9000);
    expect(figure("burn-rate-low")).toBeLessThanOrEqual(figure("burn-rate-high") ?? 0);
    expect(figure("break-even-charters")).toBe(6);
    expect(figure("aws-monthly-cost-low")).toBeCloseTo(50, 0);
    expect(figure("aws-monthly-cost-high")).toBeCloseTo(84, 0);
    expect(figure("aws-monthly-savings")).toBe(25.07);
    expect(figure("email-list-size")).toBe(3676);
    expect(figure("email-blast-value-low")).toBeGreaterThanOrEqual(9000);
    expect(figure("email-blast-value-low")).toBeLessThanOrEqual(11000);
    expect(figure("email-blast-value-high")).toBeGreaterThanOrEqual(45000);
    expect(figure("email-blast-value-high")).toBeLessThanOrEqual(55000);
  });

  it("finds 8 critical shortfalls, 9 missing KPIs and 6 security gaps", () => {
    expect(count("critical-shortfall")).toBe(8);
    expect(count("missing-kpi")).toBe(9);
    expect(count("security-gap")).toBe(6);
  });

  it("quotes one figure with one value wherever two reports show it", async () => {
    const { reports } = await computeTenant(PORTFOLIO);
    const seen = new Map<string, number>();
    for (const report of reports) {
      for (const section of report.sections) {
        for (const block of section.blocks) {
          if (block.type !== "figures") continue;
          for (const f of block.figures) {
            expect(seen.get(f.id) ?? f.value, `${f.id} in ${report.role}`).toBe(f.value);
            seen.set(f.id, f.value);
          }
        }
      }
    }
    expect(seen.size).toBeGreaterThan(12);
  });

  it("ranks ten engineering actions", async () => {
    const { intelligence } = await computeTenant(PORTFOLIO);
    expect(intelligence.tables.get("engineering-actions")?.rows).toHaveLength(10);
  });
});
