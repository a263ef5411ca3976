import { describe, expect, it } from "vitest";
import {
  at,
  business,
  channel,
  contextFor,
  emptyModel,
  handoffNote,
} from "../../../test/helpers/model.js";
import type { Finding } from "../analysis/types.js";
import type { TenantModel } from "../model/index.js";
import { marketingRules } from "./marketing-rules.js";
import { evaluateRules } from "./rule.js";

function run(model: TenantModel): Finding[] {
  return evaluateRules(marketingRules, contextFor(model), new Map());
}

/** A bookable entity with three unlisted OTAs, one gated on a missing certificate. */
function otaModel(): TenantModel {
  const model = emptyModel([business("alpha", "Alpha")]);
  model.revenueStreams = [
    {
      id: "charters",
      entity: "alpha",
      name: "Charters",
      pricing: { model: "per-unit", priceCents: 100_000 },
      billing: { model: "stripe" },
      provenance: at("data/registry.yaml", 5),
    },
  ];
  model.channels = [
    channel("first", "ota", "not-listed", { name: "First", priority: 1 }),
    channel("second", "ota", "not-listed", { name: "Second", priority: 2 }),
    channel("later", "ota", "not-listed", {
      name: "Later",
      priority: 3,
      prerequisites: ["coi"],
    }),
  ];
  model.documents = [
    {
      id: "coi",
      entity: "alpha",
      name: "Certificate of insurance (charter liability)",
      status: "missing",
      provenance: at("data/registry.yaml", 60),
    },
  ];
  model.plannedSpends = [
    {
      id: "later-listing",
      entity: "alpha",
      description: "List on Later",
      amountCents: 0,
      cadence: "once",
      revenueProducing: true,
      dependsOn: ["coi"],
      provenance: at("data/registry.yaml", 80),
    },
  ];
  return model;
}

describe("zero-ota-listings", () => {
  it("fires for a bookable entity with OTAs and none listed, naming the ready ones first", () => {
    const [finding] = run(otaModel()).filter((f) => f.ruleId === "zero-ota-listings");
    expect(finding?.fingerprint).toBe("zero-ota-listings:alpha");
    expect(finding?.category).toBe("critical-shortfall");
    expect(finding?.title).toBe("Alpha has zero OTA listings (3 OTAs not listed)");
    expect(finding?.evidence).toHaveLength(3);
    expect(finding?.action).toBe(
      "List Alpha on First and Second this month; Later follows once the certificate of insurance is in hand.",
    );
  });

  it("disappears once one OTA is listed", () => {
    const model = otaModel();
    const [first] = model.channels;
    if (first !== undefined) first.status = "listed";
    expect(run(model).some((f) => f.ruleId === "zero-ota-listings")).toBe(false);
  });

  it("ignores an entity without revenue streams", () => {
    const model = otaModel();
    model.revenueStreams = [];
    expect(run(model).some((f) => f.ruleId === "zero-ota-listings")).toBe(false);
  });
});

describe("ota-prerequisite-missing", () => {
  it("raises one finding per gating document, with the channels and planned spends it holds back", () => {
    const findings = run(otaModel()).filter((f) => f.category === "ota-gated");
    expect(findings.map((f) => f.fingerprint)).toEqual(["ota-prerequisite-missing:coi"]);
    expect(findings[0]?.title).toBe("Later gated: Certificate of insurance is missing");
    expect(findings[0]?.evidence.map((e) => e.source.line)).toEqual([60, 1, 80]);
  });

  it("is silent once the document is valid", () => {
    const model = otaModel();
    const [coi] = model.documents;
    if (coi !== undefined) coi.status = "valid";
    expect(run(model).some((f) => f.category === "ota-gated")).toBe(false);
  });
});

describe("local-seo-gap", () => {
  it("flags entities with an unlisted profile or directory; handoff evidence raises the impact", () => {
    const model = emptyModel([business("alpha", "Alpha"), business("beta", "Beta")]);
    model.channels = [
      channel("a-gbp", "google-business-profile", "not-listed", {
        name: "Google Business Profile",
      }),
      channel("b-dir", "directory", "suspended", { entity: "beta", name: "Yelp" }),
      channel("b-site", "website", "not-listed", { entity: "beta" }),
    ];
    model.handoffs = [
      handoffNote("mkt", "alpha", [
        ["issue", "Alpha local SEO is weak.", "high"],
        ["next-step", "Claim Alpha's Google Business Profile.", "medium"],
      ]),
    ];
    const findings = run(model).filter((f) => f.category === "local-seo");
    const alpha = findings.find((f) => f.entity === "alpha");
    const beta = findings.find((f) => f.entity === "beta");
    expect(alpha?.severity).toBe("high");
    expect(alpha?.impact).toBe(2);
    expect(alpha?.action).toBe("Claim Alpha's Google Business Profile.");
    expect(beta?.title).toBe("Beta is missing from local search: Yelp suspended");
    expect(beta?.impact).toBe(1);
    expect(beta?.action).toBe("Reinstate Beta on Yelp.");
  });
});
