import { appendFile } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { Intelligence } from "../../src/core/analysis/intelligence.js";
import { PORTFOLIO } from "../helpers/cli.js";
import { type Computed, fingerprints, mutated, replaceIn, sectionText } from "../helpers/mutate.js";
import { computeTenant } from "../helpers/pipeline.js";

// Data change → report change: each test edits one file of a copy of the reference portfolio
// and checks that the finance and accounting figures, findings and reports follow the data.

function figure(intelligence: Intelligence, id: string): number | undefined {
  return intelligence.figures.get(id)?.value;
}

const DC_CARD = "data/ledger/dangerouscentaur-card.csv";
const HUBSPOT_ROW = "7/9/2026,HUBSPOT INC - STARTER TO PRO UPGRADE,800.00\r\n";
const HUBSPOT_FINDING = "policy-forbid-spend:no-enterprise-saas:quickdumpnow:2026-07-09:80000";

describe("finance and accounting mutations", () => {
  let base: Computed;
  beforeAll(async () => {
    base = await computeTenant(PORTFOLIO);
  });

  it("starts from the designed portfolio facts", () => {
    const intel = base.intelligence;
    expect(figure(intel, "burn-rate-low")).toBeGreaterThanOrEqual(7_000);
    expect(figure(intel, "burn-rate-high")).toBeLessThanOrEqual(9_000);
    expect(figure(intel, "break-even-charters")).toBe(6);
    expect(figure(intel, "contribution-per-unit")).toBe(1_300);
    expect(figure(intel, "uncategorised-share")).toBe(6.8);
    expect(figure(intel, "revenue-deferred")).toBe(1_622.5);
    expect(fingerprints(intel, "policy-violation")).toHaveLength(2);
  });

  it("adding $2,000 a month of fixed cost raises burn and break-even", async () => {
    const after = await mutated(async (dir) => {
      // Card export: purchases are positive; "yard lease" is categorised as a fixed expense.
      const rows = ["05", "06", "07", "08", "09", "10"]
        .map((m) => `${m}/15/2026,NEW YARD LEASE MIRAMAR,2000.00\r\n`)
        .join("");
      await appendFile(path.join(dir, DC_CARD), rows);
    });
    const intel = after.intelligence;
    expect(figure(intel, "fixed-costs-monthly")).toBe(
      (figure(base.intelligence, "fixed-costs-monthly") ?? 0) + 2_000,
    );
    expect(figure(intel, "burn-rate-low")).toBe(
      (figure(base.intelligence, "burn-rate-low") ?? 0) + 2_000,
    );
    // (7,225 + 2,000) ÷ 1,300 = 7.1 → 8.
    expect(figure(intel, "break-even-charters")).toBe(8);
    expect(sectionText(after.report("cfo"), "break-even")).toContain(
      "Break-even is 8 charters/month",
    );
    expect(after.report("cfo").subject).toContain("break-even 8 charters");
  });

  it("changing the charter price changes contribution and break-even", async () => {
    const after = await mutated((dir) =>
      replaceIn(
        dir,
        "data/registry.yaml",
        "price: 1650, unit: charter",
        "price: 2050, unit: charter",
      ),
    );
    expect(figure(after.intelligence, "contribution-per-unit")).toBe(1_700);
    // 7,225 ÷ 1,700 = 4.25 → 5.
    expect(figure(after.intelligence, "break-even-charters")).toBe(5);
    expect(sectionText(after.report("cfo"), "break-even")).toContain("$1,700");
  });

  it("removing the HubSpot row removes that policy violation", async () => {
    expect(fingerprints(base.intelligence, "policy-violation")).toContain(HUBSPOT_FINDING);
    const after = await mutated((dir) =>
      replaceIn(dir, "data/ledger/quickdumpnow-card.csv", HUBSPOT_ROW, ""),
    );
    const violations = fingerprints(after.intelligence, "policy-violation");
    expect(violations).not.toContain(HUBSPOT_FINDING);
    expect(violations).toHaveLength(1);
    expect(sectionText(after.report("cfo"), "financial-rules")).not.toContain("HUBSPOT");
  });

  it("a new forbidden spend becomes a violation", async () => {
    const after = await mutated((dir) =>
      appendFile(path.join(dir, DC_CARD), "10/20/2026,SALESFORCE.COM CRM,1250.00\r\n"),
    );
    expect(fingerprints(after.intelligence, "policy-violation")).toContain(
      "policy-forbid-spend:no-enterprise-saas:dangerouscentaur:2026-10-20:125000",
    );
    expect(sectionText(after.report("cfo"), "financial-rules")).toContain("SALESFORCE.COM CRM");
  });

  it("a categories rule for ATM withdrawals lowers the uncategorised share", async () => {
    const after = await mutated((dir) =>
      replaceIn(
        dir,
        "exec-intel.yaml",
        '      - match: "amazon web services|aws\\\\.amazon"\n',
        '      - match: "atm withdrawal"\n        account: equity:owner-draws\n      - match: "amazon web services|aws\\\\.amazon"\n',
      ),
    );
    const intel = after.intelligence;
    // 10 ATM rows leave the 65 uncategorised: 55 of 953 = 5.8%.
    expect(figure(intel, "uncategorised-rows")).toBe(55);
    expect(figure(intel, "uncategorised-share")).toBe(5.8);
    expect(fingerprints(intel, "categorisation")).not.toContain(
      "uncategorised-transactions:atm-withdrawal",
    );
    const chart = intel.tables.get("chart-of-accounts")?.rows ?? [];
    expect(chart.find((r) => r[1] === "equity:owner-draws")?.[3]).toBe("in use");
    expect(sectionText(after.report("accounting"), "expense-categorisation")).toContain("5.8%");
  });

  it("moving a charter past period end defers its cash", async () => {
    const after = await mutated((dir) =>
      replaceIn(
        dir,
        "data/bookings.csv",
        "2026-10-15,2026-10-24,2026-10-24,completed,",
        "2026-10-15,2026-11-21,2026-11-21,confirmed,",
      ),
    );
    const intel = after.intelligence;
    expect(figure(intel, "revenue-deferred")).toBe(1_622.5 + 1_650);
    expect(figure(intel, "revenue-earned-period")).toBe(
      (figure(base.intelligence, "revenue-earned-period") ?? 0) - 1_650,
    );
    expect(figure(intel, "units-sold-period")).toBe(2);
    expect(sectionText(after.report("accounting"), "revenue-recognition")).toContain("QSD-1036");
  });

  it("registering an accounting system clears the no-accounting-system finding", async () => {
    expect(fingerprints(base.intelligence, "accounting-system")).toEqual([
      "no-accounting-system:portfolio",
    ]);
    const after = await mutated((dir) =>
      replaceIn(
        dir,
        "data/registry.yaml",
        "systems:\n",
        "systems:\n  - id: books\n    entity: queenofsandiego\n    name: Portfolio books\n    kind: other\n    technology: Xero\n",
      ),
    );
    expect(fingerprints(after.intelligence, "accounting-system")).toEqual([]);
    expect(figure(after.intelligence, "accounting-system-count")).toBe(1);
    expect(after.report("accounting").subject).not.toContain("no accounting system");
  });

  it("a costly planned spend that produces no revenue is not to be funded", async () => {
    const after = await mutated((dir) =>
      replaceIn(
        dir,
        "data/registry.yaml",
        "plannedSpends:\n",
        "plannedSpends:\n  - id: agency-retainer\n    entity: quickdumpnow\n    description: Marketing agency retainer\n    amount: 2000\n    cadence: monthly\n    revenueProducing: false\n",
      ),
    );
    expect(figure(after.intelligence, "capital-tier-do-not-deploy")).toBe(2);
    expect(fingerprints(after.intelligence, "capital-deployment")).toContain(
      "capital-do-not-deploy:agency-retainer",
    );
    expect(sectionText(after.report("cfo"), "capital-deployment")).toContain(
      "Marketing agency retainer",
    );
  });

  it("a KPI revenue target changes the revenue plan", async () => {
    const after = await mutated((dir) =>
      replaceIn(
        dir,
        "data/kpis/targets.csv",
        "monthly-revenue,,2027-03,11000,",
        "monthly-revenue,,2027-03,12500,",
      ),
    );
    expect(figure(after.intelligence, "revenue-target-horizon")).toBe(12_500);
    expect(sectionText(after.report("cfo"), "revenue-targets")).toContain("$12,500");
  });
});
