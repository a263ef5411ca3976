import { appendFile } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { Intelligence } from "../../src/core/analysis/intelligence.js";
import type { Finding } from "../../src/core/analysis/types.js";
import { PORTFOLIO } from "../helpers/cli.js";
import { type Computed, fingerprints, mutated, replaceIn, sectionText } from "../helpers/mutate.js";
import { computeTenant } from "../helpers/pipeline.js";

// Data change → report change: each test edits one file of the rental folder of a copy of the
// reference portfolio and checks that the figures, findings and property-manager report follow.

const ROLE = "property-manager";
const RENTAL = "data/rental";

function figure(intelligence: Intelligence, id: string): number | undefined {
  return intelligence.figures.get(id)?.value;
}

function findings(intelligence: Intelligence, category: string): Finding[] {
  return intelligence.findings.filter((f) => f.category === category);
}

const append = (dir: string, file: string, line: string) =>
  appendFile(path.join(dir, RENTAL, file), `${line}\n`);

describe("rental property mutations", () => {
  let base: Computed;
  beforeAll(async () => {
    base = await computeTenant(PORTFOLIO);
  });

  it("the baseline: 100% let in October, 44 days vacant, NOI $11,613.36, 3 late payments, 2 replies overdue", () => {
    const i = base.intelligence;
    expect(figure(i, "property-occupancy-rate")).toBe(100);
    expect(figure(i, "property-occupancy-rate-t12")).toBe(87.9);
    expect(figure(i, "property-days-vacant")).toBe(44);
    expect(figure(i, "property-income-t12")).toBe(30217.74);
    expect(figure(i, "property-expenses-t12")).toBe(18604.38);
    expect(figure(i, "property-noi-t12")).toBe(11613.36);
    expect(figure(i, "property-noi-period")).toBe(2474);
    expect(figure(i, "property-maintenance-cost-t12")).toBe(6178.4);
    expect(figure(i, "property-late-payments")).toBe(3);
    expect(figure(i, "property-rent-outstanding")).toBe(75);
    expect(figure(i, "property-open-communications")).toBe(3);
    expect(figure(i, "property-communications-overdue")).toBe(2);
    expect(
      i.findings.filter((f) => f.roles.includes("rental-property")).map((f) => f.fingerprint),
    ).toEqual([
      "property-late-rent:L-2026-07",
      "property-repeat-maintenance:house:water-heater",
      "property-long-vacancy:house:2026-06-01",
      "property-unanswered-communication:C-022",
      "property-unanswered-communication:C-025",
    ]);
    expect(base.report(ROLE).subject).toBe(
      "Property manager · Oct 2026 · occupancy 100% (88% over 12 months) · NOI $11.6K over 12 months · 3 late payments · 2 replies overdue",
    );
  });

  it("a logged reply to the pet-door request closes it", async () => {
    const after = await mutated((dir) =>
      append(
        dir,
        "communications.csv",
        "C-027,2026-10-29,L-2026-07,Nadia Haddad,email,out,Pet door approved if installed by a contractor,no,C-022",
      ),
    );
    expect(figure(after.intelligence, "property-open-communications")).toBe(2);
    expect(figure(after.intelligence, "property-communications-overdue")).toBe(1);
    expect(fingerprints(after.intelligence, "tenant-communication")).toEqual([
      "property-unanswered-communication:C-025",
    ]);
    const text = sectionText(after.report(ROLE), "communications");
    expect(text).not.toContain("pet door");
    expect(text).toContain("the oldest has waited 10 days");
    expect(after.report(ROLE).subject).toContain("1 reply overdue");
  });

  it("an earlier move-in shortens the vacancy below the threshold", async () => {
    const after = await mutated(async (dir) => {
      await replaceIn(
        dir,
        `${RENTAL}/leases.csv`,
        "L-2026-07,house,Nadia Haddad,2026-07-15",
        "L-2026-07,house,Nadia Haddad,2026-06-20",
      );
    });
    // Vacant 2026-06-01..06-19: 19 days; let 346 of 365 days = 94.8%.
    expect(figure(after.intelligence, "property-days-vacant")).toBe(19);
    expect(figure(after.intelligence, "property-occupancy-rate-t12")).toBe(94.8);
    expect(findings(after.intelligence, "vacancy")).toEqual([]);
    const text = sectionText(after.report(ROLE), "occupancy");
    expect(text).toContain("2026-06-01 to 2026-06-19 (19 days)");
    expect(text).toContain("No vacancy in Nov 2025–Oct 2026 ran past the threshold.");
  });

  it("paying the October late fee clears the amount owed but not the late payment", async () => {
    const after = await mutated((dir) =>
      append(dir, "payments.csv", "2026-10-30,L-2026-07,75.00,Zelle,ZL-26103002"),
    );
    expect(figure(after.intelligence, "property-rent-outstanding")).toBe(0);
    expect(figure(after.intelligence, "property-income-period")).toBe(3025);
    const [late] = findings(after.intelligence, "late-rent");
    expect(late?.title).toBe("Nadia Haddad: 1 late rent payment in Nov 2025–Oct 2026");
    expect(sectionText(after.report(ROLE), "summary")).toContain("nothing is owed");
  });

  it("a third water-heater call-out raises the repeat count and the month's expenses", async () => {
    const after = await mutated((dir) =>
      append(
        dir,
        "maintenance.csv",
        "MT-112,house,water-heater,plumbing,2026-10-26,2026-10-27,Mission Bay Plumbing,310.00,New tank's relief valve dripping; replaced under labour warranty",
      ),
    );
    expect(figure(after.intelligence, "property-maintenance-cost-t12")).toBe(6488.4);
    expect(figure(after.intelligence, "property-expenses-period")).toBe(786);
    expect(figure(after.intelligence, "property-noi-period")).toBe(2164);
    const [repeat] = findings(after.intelligence, "repeat-maintenance");
    expect(repeat?.title).toBe("Water heater needed 3 repairs in 12 months ($2,235)");
    expect(sectionText(after.report(ROLE), "summary")).toContain(
      "the water heater needed 3 repairs in 12 months",
    );
  });
});
