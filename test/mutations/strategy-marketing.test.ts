import { appendFile, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Intelligence } from "../../src/core/analysis/intelligence.js";
import { renderMarkdown } from "../../src/core/render/markdown.js";
import { copyWorkspace, PORTFOLIO } from "../helpers/cli.js";
import { fingerprints } from "../helpers/mutate.js";
import { computeTenant } from "../helpers/pipeline.js";

// Data change → report change: each test edits one file of a copy of the reference portfolio and
// checks that the strategy or marketing output moves with it (so it cannot be typed into code).

const REGISTRY = "data/registry.yaml";

/** Runs the pipeline on a copy of the portfolio after replacing `from` with `to` in one file. */
async function withEdit(
  file: string,
  edit: { from: string; to: string } | { append: string },
): Promise<Awaited<ReturnType<typeof computeTenant>>> {
  const { dir, cleanup } = await copyWorkspace(PORTFOLIO);
  try {
    const target = path.join(dir, file);
    if ("append" in edit) await appendFile(target, edit.append);
    else {
      const text = await readFile(target, "utf8");
      // Fail loudly if the reference data no longer has the text this test edits.
      expect(text).toContain(edit.from);
      await writeFile(target, text.replace(edit.from, edit.to));
    }
    return await computeTenant(dir);
  } finally {
    await cleanup();
  }
}

const baseline = computeTenant(PORTFOLIO);

function rowsOf(intelligence: Intelligence, table: string) {
  return intelligence.tables.get(table)?.rows ?? [];
}

describe("strategy and marketing follow the data", () => {
  it("baseline: 8 critical shortfalls, 9 missing KPIs, the OTA order and the blast case", async () => {
    const { intelligence } = await baseline;
    expect(fingerprints(intelligence, "critical-shortfall")).toEqual([
      "broken-funnel:quickdumpnow",
      "empty-sales-pipeline:portfolio",
      "key-person-equity-undocumented:rafael-ortega",
      "key-person-transition-risk:rafael-ortega",
      "no-billing-model:dangerouscentaur",
      "no-break-even-analysis:portfolio",
      "no-revenue-dashboard:portfolio",
      "zero-ota-listings:queenofsandiego",
    ]);
    expect(intelligence.figures.get("missing-kpi-count")?.value).toBe(9);
    expect(rowsOf(intelligence, "ota-sequencing").map((r) => [r[0], r[2], r[5]])).toEqual([
      [1, "Sailo", "ready"],
      [2, "GetMyBoat", "ready"],
      [3, "Viator", "gated"],
      [3, "GetYourGuide", "gated"],
    ]);
    expect(intelligence.figures.get("email-list-size")?.value).toBe(3676);
    expect(intelligence.figures.get("email-blast-value-low")?.value).toBe(9925.2);
    expect(intelligence.figures.get("email-blast-value-high")?.value).toBe(49212.45);
  });

  it("listing QueenofSanDiego on one OTA removes the zero-OTA shortfall", async () => {
    const { intelligence, report } = await withEdit(REGISTRY, {
      from: "name: Sailo, status: not-listed",
      to: "name: Sailo, status: listed",
    });
    const shortfalls = fingerprints(intelligence, "critical-shortfall");
    expect(shortfalls).not.toContain("zero-ota-listings:queenofsandiego");
    expect(shortfalls).toHaveLength(7);
    expect(report("ceo").subject).toContain("7 critical shortfalls");
    expect(rowsOf(intelligence, "ota-sequencing").map((r) => r[2])).toEqual([
      "GetMyBoat",
      "Viator",
      "GetYourGuide",
    ]);
  });

  it("recording NPS takes it out of the missing KPIs", async () => {
    const { intelligence, report } = await withEdit("data/kpis/observations.csv", {
      append: "nps,,2026-09,61,score\nnps,,2026-10,64,score\n",
    });
    expect(fingerprints(intelligence, "missing-kpi")).not.toContain("missing-kpi:nps");
    expect(intelligence.figures.get("missing-kpi-count")?.value).toBe(8);
    expect(report("ceo").subject).toContain("8 missing KPIs");
    expect(renderMarkdown(report("ceo"))).not.toContain("missing-kpi:nps");
  });

  it("removing Viator's certificate-of-insurance prerequisite changes the OTA order", async () => {
    const { intelligence } = await withEdit(REGISTRY, {
      from: "name: Viator, status: not-listed, priority: 3, prerequisites: [certificate-of-insurance] }",
      to: "name: Viator, status: not-listed, priority: 3 }",
    });
    expect(rowsOf(intelligence, "ota-sequencing").map((r) => [r[0], r[2], r[5]])).toEqual([
      [1, "Sailo", "ready"],
      [2, "GetMyBoat", "ready"],
      [3, "Viator", "ready"],
      [4, "GetYourGuide", "gated"],
    ]);
    expect(intelligence.figures.get("ota-gated-count")?.value).toBe(1);
    const milestones = rowsOf(intelligence, "milestones-30-60-90");
    expect(milestones.find((r) => String(r[3]).startsWith("List on Viator"))?.[0]).toBe("30 days");
  });

  it("a valid certificate of insurance ungates both OTAs and clears the gating finding", async () => {
    const { intelligence } = await withEdit(REGISTRY, {
      from: "naming OTA platforms), status: missing }",
      to: "naming OTA platforms), status: valid }",
    });
    expect(rowsOf(intelligence, "ota-sequencing").map((r) => r[5])).toEqual([
      "ready",
      "ready",
      "ready",
      "ready",
    ]);
    expect(fingerprints(intelligence, "ota-gated")).toEqual([]);
  });

  it("a bigger email list raises the blast case", async () => {
    const { intelligence, report } = await withEdit(REGISTRY, {
      from: "contacts: 3676",
      to: "contacts: 5000",
    });
    expect(intelligence.figures.get("email-list-size")?.value).toBe(5000);
    expect(intelligence.figures.get("email-blast-value-low")?.value).toBe(13500); // 5000 × .18 × .1 × .1 × 1500
    expect(intelligence.figures.get("email-blast-value-high")?.value).toBe(66937.5); // 5000 × .35 × .15 × .17 × 1500
    expect(renderMarkdown(report("cmo"))).toContain("$13,500");
  });

  it("giving a DangerousCentaur stream a billing model removes the no-billing shortfall", async () => {
    const { intelligence } = await withEdit(REGISTRY, {
      from: "pricing: { model: hourly, price: 150, unit: hour }\n    billing: { model: none }",
      to: "pricing: { model: hourly, price: 150, unit: hour }\n    billing: { model: invoice, system: Stripe Invoicing }",
    });
    expect(fingerprints(intelligence, "critical-shortfall")).not.toContain(
      "no-billing-model:dangerouscentaur",
    );
    expect(
      rowsOf(intelligence, "revenue-streams").find(
        (r) => r[0] === "Software consulting (hourly)",
      )?.[5],
    ).toBe("invoice (Stripe Invoicing)");
  });

  it("a quote far ahead fills the pipeline and removes the empty-pipeline shortfall", async () => {
    const { intelligence } = await withEdit("data/bookings.csv", {
      append:
        "QSD-1040,queenofsandiego,qsd-corporate-events,Acme Corp,email,2026-10-28,2026-12-18,2026-12-18,quoted,3200.00,0.00,0.00\n",
    });
    expect(fingerprints(intelligence, "critical-shortfall")).not.toContain(
      "empty-sales-pipeline:portfolio",
    );
    expect(intelligence.figures.get("pipeline-bookings")?.value).toBe(5);
    expect(intelligence.figures.get("pipeline-value")?.value).toBe(8195 + 3200);
    expect(intelligence.figures.get("pipeline-reach-days")?.value).toBe(48); // 2026-10-31 → 12-18
  });

  it("a transition plan for the key person removes the transition risk", async () => {
    const { intelligence } = await withEdit(REGISTRY, {
      from: "      - { kind: captain-services-agreement, status: missing }\n",
      to: "      - { kind: captain-services-agreement, status: missing }\n    transitionPlan: Second captain licensed by spring 2027.\n",
    });
    const shortfalls = fingerprints(intelligence, "critical-shortfall");
    expect(shortfalls).not.toContain("key-person-transition-risk:rafael-ortega");
    expect(shortfalls).toContain("key-person-equity-undocumented:rafael-ortega");
  });

  it("a dashboard system removes the no-dashboard shortfall", async () => {
    const { intelligence } = await withEdit(REGISTRY, {
      from: "systems:\n",
      to: "systems:\n  - id: revenue-board\n    entity: queenofsandiego\n    name: Revenue dashboard\n    kind: dashboard\n    technology: Spreadsheet\n",
    });
    expect(fingerprints(intelligence, "critical-shortfall")).not.toContain(
      "no-revenue-dashboard:portfolio",
    );
  });

  it("listing QuickDumpNow's Google Business Profile takes it off the local-SEO roadmap", async () => {
    const { intelligence } = await withEdit(REGISTRY, {
      from: "kind: google-business-profile, name: Google Business Profile, status: not-listed }\n  - { id: qdn-facebook",
      to: "kind: google-business-profile, name: Google Business Profile, status: listed }\n  - { id: qdn-facebook",
    });
    expect(fingerprints(intelligence, "local-seo")).toEqual(["local-seo-gap:dangerouscentaur"]);
    expect(rowsOf(intelligence, "local-seo").map((r) => r[0])).not.toContain("QuickDumpNow");
    expect(intelligence.figures.get("channels-listed-share")?.value).toBe(60); // 12 of 20
  });
});
