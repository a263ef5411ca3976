import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { Intelligence } from "../../src/core/analysis/intelligence.js";
import { PORTFOLIO } from "../helpers/cli.js";
import { type Computed, fingerprints, mutated, replaceIn, sectionText } from "../helpers/mutate.js";
import { computeTenant } from "../helpers/pipeline.js";

// Data change → report change: each test edits one billing file of a copy of the reference
// portfolio and checks that the billing figures, findings and the billing-audit report follow.

const DIR = "data/billing";
const value = (intelligence: Intelligence, id: string) => intelligence.figures.get(id)?.value;

describe("billing mutations", () => {
  let base: Computed;
  beforeAll(async () => {
    base = await computeTenant(PORTFOLIO);
  });

  it("the baseline is the one worked out in data/billing/README.md", () => {
    const i = base.intelligence;
    expect(value(i, "billing-receivable")).toBe(6300);
    expect(value(i, "billing-ar-90-plus")).toBe(1800);
    expect(value(i, "billing-overdue")).toBe(5100);
    expect(value(i, "billing-clients-no-model")).toBe(1);
    expect(value(i, "billing-payment-mismatches")).toBe(1);
    expect(value(i, "billing-unbilled-value")).toBe(1800);
    expect(fingerprints(i, "billing-overdue")).toEqual([
      "billing-overdue-invoice:DC-1014",
      "billing-overdue-invoice:DC-1018",
      "billing-overdue-invoice:DC-1020",
    ]);
    expect(base.report("billing").subject).toBe(
      "Client billing · Oct 2026 · $6.3K receivable, $5.1K overdue · 34.5 hours unbilled · 1 client with no billing model",
    );
  });

  it("a payment for the 90-day-old invoice empties the over-90 bucket and closes its overdue finding", async () => {
    const after = await mutated(async (dir) => {
      const file = path.join(dir, DIR, "payments.csv");
      const text = await readFile(file, "utf8");
      await writeFile(
        file,
        `${text}2026-10-28,DC-1014,harborview-dental,1800.00,ach,ACH CREDIT HARBORVIEW DENTAL PPD\n`,
      );
    });
    const i = after.intelligence;
    expect(value(i, "billing-receivable")).toBe(4500);
    expect(value(i, "billing-ar-90-plus")).toBe(0);
    expect(value(i, "billing-collected")).toBe(22_350);
    expect(fingerprints(i, "billing-overdue")).not.toContain("billing-overdue-invoice:DC-1014");
    expect(after.report("billing").subject).toContain("$4.5K receivable, $3.3K overdue");
    expect(sectionText(after.report("billing"), "receivables")).not.toContain("DC-1014");
  });

  it("an hourly contract for the client with no billing model turns its hours into unbilled billable work", async () => {
    const after = await mutated((dir) =>
      replaceIn(
        dir,
        `${DIR}/contracts.csv`,
        "north-park-bike-coop,none,,,2026-02-01,",
        "north-park-bike-coop,hourly,95.00,,2026-02-01,",
      ),
    );
    const i = after.intelligence;
    expect(value(i, "billing-clients-no-model")).toBe(0);
    expect(fingerprints(i, "billing-model")).toEqual([]);
    // 22.5 hours × $95 join the $1,800 already unbilled at contract rates
    expect(value(i, "billing-unbilled-value")).toBe(3937.5);
    // the eight entries of Feb–Sep are older than 30 days: 20 hours
    const northPark = i.findings.find(
      (f) => f.fingerprint === "billing-unbilled-time:north-park-bike-coop",
    );
    expect(northPark?.title).toBe(
      "North Park Bike Co-op: 20 unbilled hours older than 30 days, $1,900 at contract rate",
    );
    expect(after.report("billing").subject).not.toContain("no billing model");
  });

  it("paying the short invoice in full clears the payment mismatch", async () => {
    const after = await mutated((dir) =>
      replaceIn(
        dir,
        `${DIR}/payments.csv`,
        "harborview-dental,1200.00",
        "harborview-dental,1350.00",
      ),
    );
    expect(value(after.intelligence, "billing-payment-mismatches")).toBe(0);
    expect(fingerprints(after.intelligence, "billing-mismatch")).toEqual([]);
    expect(sectionText(after.report("billing"), "summary")).toContain(
      "Every payment matches its invoice.",
    );
  });

  it("a retainer charge missing from the Stripe export makes its paid invoice a mismatch", async () => {
    const after = await mutated(async (dir) => {
      const file = path.join(dir, DIR, "balance_transactions.csv");
      const lines = (await readFile(file, "utf8")).split("\n");
      await writeFile(file, lines.filter((l) => !l.endsWith(",DC-1019")).join("\n"));
    });
    const i = after.intelligence;
    // DC-1019 is marked paid, so it stays out of receivables and shows as short instead
    expect(value(i, "billing-receivable")).toBe(6300);
    expect(value(i, "billing-payment-mismatches")).toBe(2);
    expect(
      i.findings.find((f) => f.fingerprint === "billing-payment-mismatch:DC-1019")?.title,
    ).toBe("DC-1019 (Coastline Realty Group): marked paid, but $1,200 short");
    expect(value(i, "billing-collected")).toBe(19_350);
    expect(sectionText(after.report("billing"), "summary")).toContain("2 payment mismatches");
  });
});
