import { describe, expect, it } from "vitest";
import { at, business, contextFor, emptyModel } from "../../../test/helpers/model.js";
import type { Finding } from "../analysis/types.js";
import type { HandoffItem, HandoffNote, RevenueStream, TenantModel } from "../model/index.js";
import { evaluateRules } from "./rule.js";
import { technologyRules } from "./technology-rules.js";

type ItemSpec = [HandoffItem["section"], string, HandoffItem["severity"]?, string[]?];

/** A handoff note whose items sit on lines 10, 11, 12… of its file. */
function note(id: string, entity: string, items: ItemSpec[], owner?: string): HandoffNote {
  const file = `data/handoffs/${id}.md`;
  return {
    id,
    entity,
    title: id,
    updated: "2026-10-01",
    ...(owner !== undefined ? { owner } : {}),
    stack: ["Node.js"],
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

function stream(id: string, entity: string, billing: RevenueStream["billing"]): RevenueStream {
  return {
    id,
    entity,
    name: `${id} work`,
    pricing: { model: "hourly" },
    billing,
    provenance: at("data/registry.yaml", 40, "2026-10-28"),
  };
}

function run(model: TenantModel): Finding[] {
  return evaluateRules(technologyRules, contextFor(model), new Map());
}

const api = note(
  "api",
  "alpha",
  [
    ["issue", "The signing secret sits in plain environment variables.", "medium", ["security"]],
    [
      "issue",
      "CloudFront has no WAF attached, so endpoints have no rate limit.",
      undefined,
      ["security"],
    ],
    ["risk", "Logs are not encrypted.", "low", ["security"]],
    ["next-step", "Move the signing secret into a secret manager and rotate it.", "high"],
    ["next-step", "Attach a WAF with a rate limit to CloudFront.", "high"],
    ["issue", "No availability calendar: guests type a date.", "medium", ["ux"]],
    ["issue", "Deploys are manual, with no rollback.", "medium", ["delivery"]],
    ["issue", "Nothing runs on push and there is no staging.", "high"],
    ["state", "[security] mentioned in state only.", undefined, ["security"]],
    ["next-step", "Rotate keys.", "high", ["security"]],
  ],
  "Dev Team",
);

describe("security gaps", () => {
  const findings = run({ ...emptyModel(), handoffs: [api] }).filter(
    (f) => f.category === "security-gap",
  );

  it("raises one finding per security-tagged known issue or risk, for the CTO and CEO", () => {
    expect(findings.map((f) => [f.severity, f.title])).toEqual([
      ["medium", "Alpha: The signing secret sits in plain environment variables"],
      ["high", "Alpha: CloudFront has no WAF attached"], // no severity tag: the rule's default
      ["low", "Alpha: Logs are not encrypted"],
    ]);
    expect(findings[0]?.roles).toEqual(["cto", "ceo"]);
    expect(findings[0]?.entity).toBe("alpha");
  });

  it("quotes the item at its file and line, and proposes the note's own fix", () => {
    const [secret, waf, logs] = findings as [Finding, Finding, Finding];
    expect(secret.evidence).toEqual([
      {
        text: "Known issue (medium): The signing secret sits in plain environment variables.",
        source: { sourceId: "test", file: "data/handoffs/api.md", line: 10 },
      },
    ]);
    expect(secret.action).toBe(
      "Move the signing secret into a secret manager and rotate it (next step at data/handoffs/api.md:13).",
    );
    expect(waf.action).toContain("Attach a WAF");
    expect(waf.effort).toBe(1); // "Attach" is a configuration change
    expect(waf.impact).toBe(3);
    expect(logs.action).toBe(
      "The handoff has no next step for this yet: agree a fix with Dev Team and add it to data/handoffs/api.md.",
    );
    expect(logs.impact).toBe(1);
  });

  it("keeps fingerprints when the note's lines move", () => {
    const shifted: HandoffNote = {
      ...api,
      items: api.items.map((i) => ({
        ...i,
        provenance: { ...i.provenance, line: (i.provenance.line ?? 0) + 7 },
      })),
    };
    const moved = run({ ...emptyModel(), handoffs: [shifted] })
      .filter((f) => f.category === "security-gap")
      .map((f) => f.fingerprint);
    expect(moved).toEqual(findings.map((f) => f.fingerprint));
    expect(new Set(moved).size).toBe(3);
    expect(moved[0]).toMatch(/^tech-security-gap:api\/the-signing-secret-sits-in-plain-/);
  });
});

describe("UX and delivery gaps", () => {
  const findings = run({ ...emptyModel(), handoffs: [api] });

  it("raises UX gaps for the CTO and CMO", () => {
    const ux = findings.filter((f) => f.category === "ux-gap");
    expect(ux.map((f) => [f.title, f.roles])).toEqual([
      ["Alpha: No availability calendar", ["cto", "cmo"]],
    ]);
  });

  it("raises delivery gaps from the tag or from untagged items naming a delivery signal", () => {
    const delivery = findings.filter((f) => f.category === "delivery-gap");
    expect(delivery.map((f) => [f.severity, f.title])).toEqual([
      ["medium", "Alpha: Deploys are manual, with no rollback"],
      ["high", "Alpha: Nothing runs on push and there is no staging"],
    ]);
  });
});

describe("billing-system gaps", () => {
  it("flags an entity whose streams have no billing model, pointing at its billing component", () => {
    const model: TenantModel = {
      ...emptyModel([business("alpha", "Alpha"), business("beta", "Beta")]),
      revenueStreams: [
        stream("consulting", "alpha", { model: "none" }),
        stream("builds", "alpha", { model: "none" }),
        stream("retail", "beta", { model: "pos", system: "Square" }),
        stream("cash", "beta", { model: "cash" }),
      ],
      systems: [
        {
          id: "stripe",
          entity: "alpha",
          name: "Stripe account (not configured)",
          kind: "billing",
          technology: "Stripe API",
          provenance: at("data/registry.yaml", 90, "2026-10-28"),
        },
      ],
      handoffs: [
        note("alpha-note", "alpha", [
          ["issue", "No billing model: hours are not invoiced.", "medium"],
          ["decision", "Bill clients through Stripe Invoicing.", undefined],
          ["issue", "Unrelated issue.", "low"],
        ]),
      ],
    };
    const billing = run(model).filter((f) => f.category === "billing-gap");
    expect(billing.map((f) => [f.fingerprint, f.severity, f.title])).toEqual([
      [
        "tech-billing-system-gap:alpha",
        "high",
        "Alpha: none of its 2 revenue streams has a billing system",
      ],
      [
        "tech-billing-system-gap:beta",
        "medium",
        "Beta: 1 of 2 revenue streams have no billing system",
      ],
    ]);
    const alpha = billing[0] as Finding;
    expect(alpha.roles).toEqual(["cto"]);
    expect(alpha.evidence.map((e) => `${e.text} @${e.source.line}`)).toEqual([
      "consulting work: no billing model and no billing system. @40",
      "builds work: no billing model and no billing system. @40",
      "Billing component already in the registry: Stripe account (not configured), Stripe API. @90",
      "Known issue (medium): No billing model: hours are not invoiced. @10",
      "Decision: Bill clients through Stripe Invoicing. @11",
    ]);
    expect(alpha.action).toBe(
      "Set up billing for consulting work and builds work in the existing Stripe account (Stripe API), so that all work is invoiced.",
    );
    expect(billing[1]?.action).toBe(
      "Choose a billing system for cash work and record it in the registry.",
    );
  });

  it("finds nothing when every stream is billed by a named system", () => {
    const model: TenantModel = {
      ...emptyModel(),
      revenueStreams: [stream("retail", "alpha", { model: "stripe", system: "Stripe" })],
    };
    expect(run(model)).toEqual([]);
  });
});
