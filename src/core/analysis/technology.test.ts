import { describe, expect, it } from "vitest";
import { at, business, contextFor, emptyModel, txn } from "../../../test/helpers/model.js";
import type { HandoffItem, HandoffNote, SystemComponent, TenantModel } from "../model/index.js";
import {
  analyseTechnology,
  cloudSpendByMonth,
  deliverySignals,
  effortHint,
  engineeringCandidates,
  fixingStep,
  gapItems,
  headline,
  itemSubject,
  matchStacks,
  namedSavingCents,
  rankActions,
} from "./technology.js";
import type { AnalysisOutput } from "./types.js";

type ItemSpec = [HandoffItem["section"], string, HandoffItem["severity"]?, string[]?];

/** A handoff note whose items sit on lines 10, 11, 12… of its file. */
function note(id: string, entity: string, stack: string[], items: ItemSpec[]): HandoffNote {
  const file = `data/handoffs/${id}.md`;
  return {
    id,
    entity,
    title: id,
    updated: "2026-10-01",
    owner: "Dev",
    stack,
    provenance: at(file, 1, "2026-10-01"),
    items: items.map(([section, text, severity, tags], i) => ({
      section,
      text,
      tags: tags ?? [],
      ...(severity !== undefined ? { severity } : {}),
      provenance: at(file, 10 + i, "2026-10-01"),
    })),
  };
}

function system(
  id: string,
  entity: string,
  technology: string,
  extra: Partial<SystemComponent> = {},
): SystemComponent {
  return {
    id,
    entity,
    name: id,
    kind: "backend",
    technology,
    provenance: at("data/registry.yaml", 5, "2026-10-28"),
    ...extra,
  };
}

function model(extra: Partial<TenantModel>): TenantModel {
  return {
    ...emptyModel([business("alpha", "Alpha"), business("beta", "Beta")]),
    ...extra,
  };
}

function figure(output: AnalysisOutput, id: string): number | undefined {
  return output.figures.find((f) => f.id === id)?.value;
}

function rows(output: AnalysisOutput, id: string) {
  return output.tables.find((t) => t.id === id)?.rows;
}

describe("cloud spend", () => {
  const transactions = [
    txn("2025-10-05", -999, "expenses:software:cloud"), // before the 12-month window
    txn("2026-08-10", -100, "expenses:rent"), // the ledger covers August, with no cloud charge
    txn("2026-09-03", -30, "expenses:software:cloud", "alpha"),
    txn("2026-09-04", -20, "expenses:software:cloud:storage", "beta"),
    txn("2026-10-03", -45.5, "expenses:software:cloud", "alpha"),
    txn("2026-10-20", 5, "expenses:software:cloud", "alpha"), // a refund
    txn("2026-11-02", -500, "expenses:software:cloud"), // after the period
    txn("2026-10-04", -70, "expenses:software:saas"), // not cloud
  ];

  it("sums cloud outflows per covered month, net of refunds, within 12 months to the period", () => {
    const { months } = cloudSpendByMonth(model({ transactions }), "expenses:software:cloud", [
      "2026-07",
      "2026-08",
      "2026-09",
      "2026-10",
    ]);
    // July has no ledger rows at all, so it is unknown, not $0.
    expect(months.map((m) => [m.month, m.totalCents])).toEqual([
      ["2026-08", 0],
      ["2026-09", 5000],
      ["2026-10", 4050],
    ]);
    expect(months[1]?.byEntity.get("beta")).toBe(2000);
  });

  it("gives low, high and current month figures in dollars", () => {
    const output = analyseTechnology(contextFor(model({ transactions })));
    expect(figure(output, "aws-monthly-cost-low")).toBe(0);
    expect(figure(output, "aws-monthly-cost-high")).toBe(50);
    expect(figure(output, "aws-monthly-cost-current")).toBe(40.5);
    const current = output.figures.find((f) => f.id === "aws-monthly-cost-current");
    // September spent $50; spend is better lower, the savings higher.
    expect([current?.previous, current?.better]).toEqual([50, "lower"]);
    expect(output.figures.find((f) => f.id === "aws-monthly-savings")?.better).toBeUndefined();
    expect(rows(output, "cloud-spend-by-month")).toEqual([
      ["2026-08", 0, 0, 0],
      ["2026-09", 30, 20, 50],
      ["2026-10", 40.5, 0, 40.5],
    ]);
  });

  it("sums registry estimates and savings, and compares each entity with its estimate", () => {
    const systems = [
      system("db", "alpha", "Amazon DynamoDB", {
        hosting: "AWS",
        monthlyCostCents: { low: 1000, high: 2000 },
        savings: [
          { monthlyCents: 340, action: "Lifecycle rule" },
          { monthlyCents: 600, action: "Log retention" },
        ],
      }),
      system("ip", "beta", "Elastic IP", {
        hosting: "AWS",
        monthlyCostCents: { low: 360, high: 360 },
        savings: [{ monthlyCents: 360, action: "Release it" }],
      }),
      system("site", "alpha", "GitHub Pages"), // no cost: not in the estimate
    ];
    const output = analyseTechnology(contextFor(model({ systems, transactions })));
    expect(figure(output, "aws-monthly-estimate-low")).toBe(13.6);
    expect(figure(output, "aws-monthly-estimate-high")).toBe(23.6);
    expect(figure(output, "aws-monthly-savings")).toBe(13);
    expect(output.figures.find((f) => f.id === "aws-monthly-savings")?.label).toBe(
      "AWS savings available",
    );
    // No AWS account: every saving is the registry's, the larger first within an entity.
    expect(rows(output, "cloud-savings")).toEqual([
      ["Alpha", "db", "Log retention", 6, "listed in the registry"],
      ["Alpha", "db", "Lifecycle rule", 3.4, "listed in the registry"],
      ["Beta", "ip", "Release it", 3.6, "listed in the registry"],
    ]);
    // Alpha spent 0, 30, 40.50 against 10–20: two months above, one below.
    // Beta spent 0, 20, 0 against 3.60: one month above, two below.
    expect(rows(output, "cloud-costs-by-entity")).toEqual([
      ["Alpha", 0, 40.5, 10, 20, "2 months above, 1 month below the estimate"],
      ["Beta", 0, 20, 3.6, 3.6, "1 month above, 2 months below the estimate"],
    ]);
  });

  it("yields zero figures for a tenant without cloud data", () => {
    const output = analyseTechnology(contextFor(emptyModel()));
    expect(figure(output, "aws-monthly-cost-low")).toBe(0);
    expect(figure(output, "aws-monthly-savings")).toBe(0);
    expect(output.figures.find((f) => f.id === "aws-monthly-cost-low")?.label).toBe(
      "Cloud spend, lowest month",
    );
  });
});

describe("stack audit", () => {
  const systems = [
    system("api", "alpha", "Node.js / Express", { version: "Node 18", hosting: "Render" }),
    system("db", "alpha", "PostgreSQL", { version: "14", hosting: "Render", kind: "database" }),
    system("ip", "alpha", "Amazon EC2 Elastic IP", { hosting: "AWS", kind: "other" }),
    system("beta-db", "beta", "PostgreSQL", { version: "12" }),
  ];
  const handoffs = [note("svc", "alpha", ["Node.js 18", "PostgreSQL 14", "Redis 7"], [])];

  it("matches handoff stack items to the same entity's components", () => {
    const matches = matchStacks(model({ systems, handoffs }));
    expect(matches.map((m) => [m.item, m.system?.id])).toEqual([
      ["Node.js 18", "api"],
      ["PostgreSQL 14", "db"],
      ["Redis 7", undefined],
    ]);
  });

  it("lists every component with the note naming it, and stack items the registry lacks", () => {
    const table = rows(analyseTechnology(contextFor(model({ systems, handoffs }))), "stack-audit");
    expect(table?.map((r) => [r[0], r[1], r[3], r[7]])).toEqual([
      ["Alpha", "api", "Node.js / Express", "data/handoffs/svc.md"],
      ["Alpha", "db", "PostgreSQL", "data/handoffs/svc.md"],
      ["Alpha", "ip", "Amazon EC2 Elastic IP", "in no handoff stack"],
      ["Beta", "beta-db", "PostgreSQL", "in no handoff stack"],
      [
        "Alpha",
        "(named only in a handoff)",
        "Redis 7",
        "data/handoffs/svc.md: not in the registry",
      ],
    ]);
  });
});

describe("gap items and their fixes", () => {
  const web = note(
    "web",
    "alpha",
    ["HTML"],
    [
      [
        "issue",
        "Deploys are manual pushes from a laptop, and there is no rollback procedure.",
        "medium",
        ["delivery"],
      ],
      ["issue", "No staging environment: changes go straight to production.", "high"],
      ["issue", "The deploy key is committed to the repository.", "critical", ["security"]],
      ["risk", "Only one person knows the app.", "low"],
      ["next-step", "Write rollback docs: how to redeploy the previous release.", "medium"],
      ["next-step", "Remove the deploy key from the repository and rotate it.", "critical"],
      ["next-step", "Add a staging environment before production.", "medium"],
      ["state", "Deploys happen on Fridays."],
    ],
  );

  it("takes delivery items by tag, or untagged items naming a delivery signal", () => {
    const items = gapItems([web], "delivery").map((i) => i.item.provenance.line);
    // Line 12 names a deploy but is tagged security; line 17 is current state, not a gap.
    expect(items).toEqual([10, 11]);
    expect(gapItems([web], "security").map((i) => i.item.provenance.line)).toEqual([12]);
  });

  it("finds the next step sharing the most words, or none below two", () => {
    const [manual, staging, key, person] = web.items as [
      HandoffItem,
      HandoffItem,
      HandoffItem,
      HandoffItem,
    ];
    expect(fixingStep(web, manual)?.provenance.line).toBe(14);
    expect(fixingStep(web, staging)?.provenance.line).toBe(16);
    expect(fixingStep(web, key)?.provenance.line).toBe(15);
    // A staffing risk shares no words with any step.
    expect(fixingStep(web, person)).toBeUndefined();
  });

  it("reads delivery signals from the gap items", () => {
    const signals = deliverySignals(gapItems([web], "delivery"));
    expect(signals).toEqual({
      ci: "not reported",
      staging: "gap (data/handoffs/web.md:11)",
      deploy: "manual (data/handoffs/web.md:10)",
      rollback: "gap (data/handoffs/web.md:10)",
    });
  });

  it("gives an item a subject that does not depend on its line", () => {
    const item = web.items[2] as HandoffItem;
    const moved = { ...item, provenance: { ...item.provenance, line: 99 } };
    expect(itemSubject(web, item)).toBe(itemSubject(web, moved));
    expect(itemSubject(web, item)).toMatch(/^web\/the-deploy-key-is-committed-to-[0-9a-f]{8}$/);
    expect(itemSubject(web, web.items[0] as HandoffItem)).not.toBe(itemSubject(web, item));
  });

  it("shortens an item to its first clause", () => {
    expect(headline("No CI/CD: nothing runs on push.")).toBe("No CI/CD");
    expect(headline("A plaintext `.env` file (with a token) is committed.")).toBe(
      "A plaintext .env file is committed",
    );
  });
});

describe("engineering actions", () => {
  const app = note(
    "app",
    "alpha",
    ["Rails"],
    [
      ["issue", "Secret token committed to the repository history.", "high", ["security"]],
      ["issue", "The checkout page breaks on mobile Safari.", "high", ["ux"]],
      ["issue", "The tier copy is stale.", "low", ["ux"]],
      ["next-step", "Rewrite the admin screens in React.", "medium"], // 13: fixes nothing, weeks
      ["next-step", "Update the stale tier copy.", "medium"], // 14: fixes a low gap, hours
      ["next-step", "Fix the checkout page on mobile Safari.", "medium"], // 15: fixes a high gap
      ["next-step", "Rotate the secret token and purge it from the repository history.", "medium"], // 16
      ["next-step", "Switch the table to on-demand capacity (about $9 a month saved).", "medium"], // 17
      ["next-step", "Release the idle IP (about $3.60 a month saved).", "medium"], // 18
      ["next-step", "Upgrade Ruby.", "high"], // 19: own severity ranks first
    ],
  );
  const marketing = note(
    "marketing",
    "alpha",
    [],
    [
      ["next-step", "Create the listing.", "critical"], // not a technology note
      ["next-step", "Add analytics to the landing page.", "low", ["ux"]], // tagged: counts
    ],
  );

  it("takes next steps of notes with a stack, plus technology-tagged steps elsewhere", () => {
    const candidates = engineeringCandidates(model({ handoffs: [app, marketing] }));
    expect(candidates.map((c) => `${c.note.id}:${c.step.provenance.line}`)).toEqual([
      "app:13",
      "app:14",
      "app:15",
      "app:16",
      "app:17",
      "app:18",
      "app:19",
      "marketing:11",
    ]);
  });

  it("ranks by severity, security fix, fixed severity, effort, then named saving", () => {
    const ranked = rankActions(engineeringCandidates(model({ handoffs: [app, marketing] })));
    expect(ranked.map((c) => `${c.note.id}:${c.step.provenance.line}`)).toEqual([
      "app:19", // high
      "app:16", // medium, fixes a security gap
      "app:15", // medium, fixes a high gap
      "app:14", // medium, fixes a low gap
      "app:17", // medium, fixes nothing, hours, $9 saved
      "app:18", // medium, fixes nothing, hours, $3.60 saved
      "app:13", // medium, fixes nothing, weeks
      "marketing:11", // low
    ]);
  });

  it("shows the top N, overridable in config", () => {
    const ctx = contextFor(model({ handoffs: [app, marketing] }), {
      thresholds: { "tech-engineering-actions.count": 3 },
    });
    const output = analyseTechnology(ctx);
    expect(rows(output, "engineering-actions")?.map((r) => [r[0], r[1], r[3], r[4]])).toEqual([
      ["1", "Upgrade Ruby.", "high", "—"],
      [
        "2",
        "Rotate the secret token and purge it from the repository history.",
        "medium",
        "security gap (data/handoffs/app.md:10)",
      ],
      [
        "3",
        "Fix the checkout page on mobile Safari.",
        "medium",
        "UX gap (data/handoffs/app.md:11)",
      ],
    ]);
    expect(figure(output, "engineering-action-candidates")).toBe(8);
    expect(figure(output, "engineering-action-count")).toBe(3);
  });

  it("reads effort and saving hints from the wording", () => {
    expect(effortHint("Attach a WAF.")).toBe(1);
    expect(effortHint("Set 30-day retention.")).toBe(1);
    expect(effortHint("Set up a pipeline.")).toBe(2);
    expect(effortHint("Build a calendar.")).toBe(3);
    expect(namedSavingCents("Release it (about $6.60 a month saved).")).toBe(660);
    expect(namedSavingCents("No money here.")).toBe(0);
  });
});

describe("delivery-cycle table and funnel notes", () => {
  it("has one row per entity with a technology note or a delivery gap", () => {
    const handoffs = [
      note(
        "svc",
        "beta",
        ["Go"],
        [
          [
            "issue",
            "No CI/CD and no staging; deploys are git push from a laptop.",
            "medium",
            ["delivery"],
          ],
          ["issue", "The mobile funnel drops at step 2.", "high", ["ux"]],
          ["next-step", "Add a CI pipeline with a staging stage.", "medium"],
        ],
      ),
    ];
    const output = analyseTechnology(contextFor(model({ handoffs })));
    expect(rows(output, "delivery-cycle")).toEqual([
      [
        "Beta",
        "gap (data/handoffs/svc.md:10)",
        "gap (data/handoffs/svc.md:10)",
        "manual (data/handoffs/svc.md:10)",
        "not reported",
        "data/handoffs/svc.md:12",
      ],
    ]);
    expect(rows(output, "funnel-mobile-notes")).toEqual([
      [
        "Beta",
        "known issue (high)",
        "The mobile funnel drops at step 2.",
        "data/handoffs/svc.md:11",
      ],
    ]);
  });
});
