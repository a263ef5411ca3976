import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { canonicalNamesGate } from "../../src/core/validate/canonical-names.js";
import type { GateInput, GateProblem } from "../../src/core/validate/index.js";
import { copyWorkspace, PORTFOLIO } from "../helpers/cli.js";
import { replaceIn } from "../helpers/mutate.js";
import { gateInputFor } from "./helpers.js";

// Near-miss names corpus: misspellings of the portfolio's entities and domains planted where
// misspellings really come from (handoff notes, bank CSV descriptions, the registry) in a copy
// of the reference workspace. Each must reach a report and come back as a canonical-names
// problem that names the planted text and the registry's spelling.

interface Plant {
  file: string;
  from: string;
  to: string;
  /** The misspelling as the report shows it. */
  found: string;
  /** The registry spelling the fix must suggest. */
  canonical: string;
}

const PLANTS: Plant[] = [
  {
    file: "data/handoffs/queenofsandiego-aws.md",
    from: "No analytics instrumentation on the checkout flow",
    to: "No analytics instrumentation on the QueenofSandiego checkout flow",
    found: "QueenofSandiego",
    canonical: "QueenofSanDiego",
  },
  {
    file: "data/handoffs/queenofsandiego-aws.md",
    from: "No availability calendar on the booking page;",
    to: "No availability calendar on the Queen ofSanDiego booking page;",
    found: "Queen ofSanDiego",
    canonical: "QueenofSanDiego",
  },
  {
    file: "data/handoffs/marketing-channels.md",
    from: "The list has not been mailed in two years",
    to: "The QueenofSanDeigo list has not been mailed in two years",
    found: "QueenofSanDeigo",
    canonical: "QueenofSanDiego",
  },
  {
    file: "data/handoffs/quickdumpnow-rails.md",
    from: "No analytics instrumentation: there is no event tracking",
    to: "No analytics instrumentation: quickdumpnow has no event tracking",
    found: "quickdumpnow",
    canonical: "QuickDumpNow",
  },
  {
    file: "data/handoffs/quickdumpnow-rails.md",
    from: "The product-tier copy is stale:",
    to: "The Quick Dump now product-tier copy is stale:",
    found: "Quick Dump now",
    canonical: "Quick Dump Now",
  },
  {
    file: "data/handoffs/dangerouscentaur-lambda-stripe.md",
    from: "No billing model:",
    to: "No billing model at DangerousCentuar:",
    found: "DangerousCentuar",
    canonical: "DangerousCentaur",
  },
  {
    file: "data/handoffs/dangerouscentaur-lambda-stripe.md",
    from: "Deploys are manual (zip and upload",
    to: "Dangerous Centaure deploys are manual (zip and upload",
    found: "Dangerous Centaure",
    canonical: "Dangerous Centaur",
  },
  {
    file: "data/handoffs/jada-web-apps-script.md",
    from: "No availability calendar: guests",
    to: "No JADA Sailling availability calendar: guests",
    found: "JADA Sailling",
    canonical: "JADA Sailing",
  },
  {
    file: "data/handoffs/jada-web-apps-script.md",
    from: "beyond the host's page counter",
    to: "beyond the Jada Charters page counter",
    found: "Jada Charters",
    canonical: "JADA Charters",
  },
  {
    file: "data/handoffs/operations-finance.md",
    from: "Charter deposits are recorded as income",
    to: "Charter deposits of Expert Yatch Delivery are recorded as income",
    found: "Expert Yatch Delivery",
    canonical: "Expert Yacht Delivery",
  },
  {
    file: "data/handoffs/jada-web-apps-script.md",
    from: "No CI/CD: nothing runs on push",
    to: "No CI/CD for jadasailling.com: nothing runs on push",
    found: "jadasailling.com",
    canonical: "jadasailing.com",
  },
  {
    file: "data/handoffs/queenofsandiego-aws.md",
    from: "No CI/CD: Lambda code is zipped",
    to: "No CI/CD: www.queenofsandeigo.com Lambda code is zipped",
    found: "www.queenofsandeigo.com",
    canonical: "www.queenofsandiego.com",
  },
  {
    file: "data/ledger/quickdumpnow-card.csv",
    from: "HUBSPOT INC - STARTER TO PRO UPGRADE",
    to: "HUBSPOT INC - QUIKDUMPNOW STARTER TO PRO UPGRADE",
    found: "QUIKDUMPNOW",
    canonical: "QuickDumpNow",
  },
  {
    file: "data/ledger/dangerouscentaur-card.csv",
    from: "UPWORK -ESCROW 8812",
    to: "UPWORK -ESCROW DANGEROUSCENTAR 8812",
    found: "DANGEROUSCENTAR",
    canonical: "DangerousCentaur",
  },
  {
    file: "data/ledger/jada-checking.csv",
    from: "08/19/2026,VENMO CASHOUT",
    to: "08/19/2026,VENMO CASHOUT JADASAILING.CO",
    found: "JADASAILING.CO",
    canonical: "jadasailing.com",
  },
  {
    file: "data/registry.yaml",
    from: "JADA sailing charters (3-hour and half-day)",
    to: "JADA Sailng charters (3-hour and half-day)",
    found: "JADA Sailng",
    canonical: "JADA Sailing",
  },
];

describe("near-miss names corpus", () => {
  let planted: GateInput;
  let problems: GateProblem[];
  let cleanup: () => Promise<void> = async () => {};

  beforeAll(async () => {
    const copy = await copyWorkspace(PORTFOLIO);
    cleanup = copy.cleanup;
    for (const p of PLANTS) await replaceIn(copy.dir, p.file, p.from, p.to);
    planted = (await gateInputFor(copy.dir)).input;
    problems = canonicalNamesGate(planted);
  }, 60_000);
  afterAll(() => cleanup());

  it("covers at least 12 misspellings of names and domains", () => {
    expect(PLANTS.length).toBeGreaterThanOrEqual(12);
    expect(PLANTS.some((p) => p.canonical.includes("."))).toBe(true);
  });

  it.each(PLANTS.map((p) => [p.found, p] as const))(
    "%s is a problem naming the canonical spelling, its report and section",
    (found, plant) => {
      const hits = problems.filter((p) => p.message.startsWith(`"${found}" in section `));
      expect(hits.length, `no problem for "${found}"`).toBeGreaterThan(0);
      for (const hit of hits) {
        expect(hit.gate).toBe("canonical-names");
        expect(hit.fix).toContain(`write "${plant.canonical}"`);
        expect(hit.report).toMatch(/^portfolio\/2026-10\/(ceo|cto|accounting|cmo|cfo)$/);
        expect(hit.section).toBeDefined();
        expect(hit.message).toContain(`section ${hit.section} of ${hit.report}`);
      }
    },
  );

  it("points the fix at the handoff note or CSV row the misspelling came from", () => {
    const fixes = (found: string) =>
      problems.filter((p) => p.message.startsWith(`"${found}"`)).map((p) => p.fix);
    expect(fixes("DangerousCentuar").join("\n")).toMatch(
      /comes from data\/handoffs\/dangerouscentaur-lambda-stripe\.md:\d+: correct it there/,
    );
    expect(fixes("QUIKDUMPNOW").join("\n")).toMatch(
      /comes from data\/ledger\/quickdumpnow-card\.csv:\d+: correct it there/,
    );
  });

  it("reports nothing that was not planted", () => {
    const planted = PLANTS.map((p) => `"${p.found}"`);
    expect(problems.filter((p) => !planted.some((f) => p.message.startsWith(f)))).toEqual([]);
  });
});

describe("canonical names of the reference portfolio", () => {
  it("has zero problems, quickly", async () => {
    const { input } = await gateInputFor(PORTFOLIO);
    const started = performance.now();
    const problems = canonicalNamesGate(input);
    const elapsed = performance.now() - started;
    expect(problems).toEqual([]);
    // Measured around 25–100 ms for the five reports; the bound catches a quadratic regression.
    expect(elapsed).toBeLessThan(1000);
  }, 60_000);
});
