import { describe, expect, it } from "vitest";
import {
  at,
  business,
  channel,
  contextFor,
  emptyModel,
  handoffNote,
} from "../../../test/helpers/model.js";
import type { Campaign, TenantModel } from "../model/index.js";
import { analyseMarketing, blastCases, milestones, otaSequence, shortName } from "./marketing.js";
import type { AnalysisOutput } from "./types.js";

function figure(output: AnalysisOutput, id: string): number | undefined {
  return output.figures.find((f) => f.id === id)?.value;
}

function rows(output: AnalysisOutput, id: string) {
  return output.tables.find((t) => t.id === id)?.rows;
}

function campaign(id: string, audience: string, overrides: Partial<Campaign> = {}): Campaign {
  return {
    id,
    entity: "alpha",
    kind: "email-blast",
    name: `Blast ${id}`,
    audience,
    valuePerConversionCents: 10_000,
    assumptions: {
      low: { open: 0.2, click: 0.1, conversion: 0.5 },
      high: { open: 0.4, click: 0.2, conversion: 0.5 },
    },
    provenance: at("data/registry.yaml", 90),
    ...overrides,
  };
}

function list(id: string, contacts: number) {
  return {
    id,
    entity: "alpha",
    kind: "email-list" as const,
    name: `List ${id}`,
    contacts,
    provenance: at("data/registry.yaml", 30),
  };
}

/** Four OTAs: C (priority 1), A (2), D (no priority) are ready; B (priority 1) needs a missing COI. */
function otaModel(): TenantModel {
  const model = emptyModel();
  model.channels = [
    channel("A", "ota", "not-listed", { priority: 2 }),
    channel("B", "ota", "not-listed", { priority: 1, prerequisites: ["coi"] }),
    channel("C", "ota", "planned", { priority: 1 }),
    channel("D", "ota", "not-listed"),
    channel("E", "ota", "listed", { priority: 1 }),
  ];
  model.documents = [
    {
      id: "coi",
      entity: "alpha",
      name: "Certificate of insurance (charter)",
      status: "missing",
      provenance: at("data/registry.yaml", 70),
    },
  ];
  return model;
}

describe("channel matrix", () => {
  it("shows each entity's status per channel kind and the listed share", () => {
    const model = emptyModel([business("alpha", "Alpha"), business("beta", "Beta")]);
    model.channels = [
      channel("site", "website", "listed", { name: "alpha.com" }),
      channel("gbp", "google-business-profile", "not-listed", {
        name: "Google Business Profile",
      }),
      channel("o1", "ota", "listed"),
      channel("o2", "ota", "not-listed"),
      channel("b-site", "website", "listed", { entity: "beta", name: "beta.com" }),
    ];
    const output = analyseMarketing(contextFor(model));
    expect(figure(output, "channels-listed-share")).toBe(60); // 3 of 5
    expect(rows(output, "channel-matrix")).toEqual([
      [
        "Alpha",
        "listed (alpha.com)",
        "not listed",
        "1 of 2 listed",
        "none",
        "none",
        "none",
        "2 of 4",
      ],
      ["Beta", "listed (beta.com)", "none", "none", "none", "none", "none", "1 of 1"],
    ]);
  });

  it("counts each entity's channels by status, leaving out statuses no channel has", () => {
    const model = emptyModel([business("alpha", "Alpha"), business("beta", "Beta")]);
    model.channels = [
      channel("site", "website", "listed"),
      channel("gbp", "google-business-profile", "suspended"),
      channel("o1", "ota", "not-listed"),
      channel("o2", "ota", "not-listed"),
      channel("b-site", "website", "listed", { entity: "beta" }),
    ];
    const table = analyseMarketing(contextFor(model)).tables.find(
      (t) => t.id === "channels-by-status",
    );
    expect(table?.columns.map((c) => [c.label, c.unit])).toEqual([
      ["Entity", undefined],
      ["Listed", "count"],
      ["Not listed", "count"],
      ["Suspended", "count"],
    ]);
    expect(table?.rows).toEqual([
      ["Alpha", 1, 2, 1],
      ["Beta", 1, 0, 0],
    ]);
  });

  it("computes no share without channels", () => {
    expect(figure(analyseMarketing(contextFor(emptyModel())), "channels-listed-share")).toBe(
      undefined,
    );
  });
});

describe("email blast case", () => {
  it("multiplies contacts by the funnel rates and the value per booking", () => {
    const model = emptyModel();
    model.assets = [list("l", 1000)];
    model.campaigns = [campaign("c", "l")];
    const output = analyseMarketing(contextFor(model));
    expect(figure(output, "email-list-size")).toBe(1000);
    expect(figure(output, "email-blast-value-low")).toBe(1000); // 1000 × 0.2 × 0.1 × 0.5 × $100
    expect(figure(output, "email-blast-value-high")).toBe(4000); // 1000 × 0.4 × 0.2 × 0.5 × $100
    expect(rows(output, "email-blast-case")).toEqual([
      ["Blast c", "low", 1000, 20, 10, 50, 10, 100, 1000],
      ["Blast c", "high", 1000, 40, 20, 50, 40, 100, 4000],
    ]);
  });

  it("quotes the largest list under the required ids and suffixes per-campaign ids when there are several", () => {
    const model = emptyModel();
    model.assets = [list("small", 200), list("big", 2000)];
    model.campaigns = [campaign("s", "small"), campaign("b", "big")];
    const output = analyseMarketing(contextFor(model));
    expect(figure(output, "email-list-size")).toBe(2000);
    expect(figure(output, "email-blast-value-low")).toBe(2000);
    expect(figure(output, "email-blast-value-low-s")).toBe(200);
    expect(figure(output, "email-blast-value-high-b")).toBe(8000);
  });

  it("skips campaigns without an audience list with contacts, and non-blast campaigns", () => {
    const model = emptyModel();
    model.assets = [list("l", 0)];
    model.campaigns = [
      campaign("c", "l"),
      campaign("x", "missing"),
      campaign("ads", "l", { kind: "ads" }),
    ];
    expect(blastCases(model)).toEqual([]);
    expect(figure(analyseMarketing(contextFor(model)), "email-list-size")).toBe(undefined);
  });
});

describe("OTA sequencing", () => {
  it("puts ready channels first by priority and gates those whose prerequisites are not valid", () => {
    const steps = otaSequence(otaModel()).get("alpha") ?? [];
    expect(steps.map((s) => [s.order, s.channel.id, s.blocking.map((p) => p.id)])).toEqual([
      [1, "C", []],
      [2, "A", []],
      [3, "D", []],
      [4, "B", ["coi"]],
    ]);
    const output = analyseMarketing(contextFor(otaModel()));
    expect(figure(output, "ota-ready-count")).toBe(3);
    expect(figure(output, "ota-gated-count")).toBe(1);
    expect(rows(output, "ota-sequencing")?.[3]).toEqual([
      4,
      "Alpha",
      "B",
      1,
      "Certificate of insurance (charter) (missing)",
      "gated",
    ]);
  });

  it("moves a channel up once its prerequisite is valid, sharing the order of its priority", () => {
    const model = otaModel();
    const [coi] = model.documents;
    if (coi !== undefined) coi.status = "valid";
    const steps = otaSequence(model).get("alpha") ?? [];
    expect(steps.map((s) => [s.order, s.channel.id])).toEqual([
      [1, "B"],
      [1, "C"],
      [2, "A"],
      [3, "D"],
    ]);
  });

  it("treats a prerequisite missing from the registry as missing", () => {
    const model = otaModel();
    model.documents = [];
    const b = (otaSequence(model).get("alpha") ?? []).find((s) => s.channel.id === "B");
    expect(b?.blocking).toEqual([{ id: "coi", name: "coi", status: "missing" }]);
  });
});

describe("local SEO and milestones", () => {
  function seoModel(): TenantModel {
    const model = otaModel();
    model.entities = [business("alpha", "Alpha"), business("beta", "Beta")];
    model.channels.push(
      channel("gbp", "google-business-profile", "not-listed", { name: "Google Business Profile" }),
      channel("yelp", "directory", "listed", { name: "Yelp" }),
      channel("b-gbp", "google-business-profile", "not-listed", {
        entity: "beta",
        name: "Google Business Profile",
      }),
    );
    model.handoffs = [
      handoffNote("mkt", "alpha", [
        ["issue", "Beta local SEO is weak: no service-area pages.", "medium"],
        ["next-step", "Claim Beta's Google Business Profile and add service-area pages.", "medium"],
        ["next-step", "Send the newsletter.", "low"],
      ]),
    ];
    model.assets = [list("l", 1000)];
    model.campaigns = [campaign("c", "l")];
    return model;
  }

  it("builds the roadmap from unlisted local channels and the handoff items that name the entity", () => {
    const output = analyseMarketing(contextFor(seoModel()));
    expect(rows(output, "local-seo")).toEqual([
      [
        "Beta",
        "Known issue",
        "Beta local SEO is weak: no service-area pages.",
        "data/handoffs/mkt.md:2",
      ],
      [
        "Beta",
        "Step 1",
        "Claim Beta's Google Business Profile and add service-area pages.",
        "data/handoffs/mkt.md:3",
      ],
      [
        "Alpha",
        "Step 1",
        "Claim and verify Alpha's Google Business Profile (now not listed).",
        "data/registry.yaml:1",
      ],
    ]);
  });

  it("plans ready listings and local fixes in 30 days, blasts in 60, gated listings in 90", () => {
    const plan = milestones(seoModel()).map((m) => [m.days, m.entity, m.text, m.dependsOn]);
    expect(plan).toEqual([
      [30, "alpha", "List on C (OTA order 1)", "—"],
      [30, "alpha", "List on A (OTA order 2)", "—"],
      [30, "alpha", "List on D (OTA order 3)", "—"],
      [30, "alpha", "Obtain the certificate of insurance (now missing); it gates B", "—"],
      [30, "beta", "Claim Beta's Google Business Profile and add service-area pages", "—"],
      [30, "alpha", "Claim and verify Alpha's Google Business Profile", "—"],
      [60, "alpha", 'Send "Blast c" to 1,000 contacts ($1,000–$4,000 expected)', "—"],
      [90, "alpha", "List on B (OTA order 4)", "Certificate of insurance"],
    ]);
    const table = rows(analyseMarketing(contextFor(seoModel())), "milestones-30-60-90");
    expect(table?.[0]?.slice(0, 2)).toEqual(["30 days", "2026-11-30"]);
    expect(table?.at(-1)?.slice(0, 2)).toEqual(["90 days", "2027-01-29"]);
  });

  it("shortens a name with a trailing parenthetical", () => {
    expect(shortName("Master licence (P. Quinn)")).toBe("Master licence");
    expect(shortName("Plain")).toBe("Plain");
  });
});
