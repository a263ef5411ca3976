import { describe, expect, it } from "vitest";
import {
  at,
  booking,
  business,
  contextFor,
  emptyModel,
  handoffNote,
} from "../../../test/helpers/model.js";
import type { Figure, Finding } from "../analysis/types.js";
import type { Person, RevenueStream, TenantModel } from "../model/index.js";
import { evaluateRules } from "./rule.js";
import { firstClause, matchingNextStep, strategyRules } from "./strategy-rules.js";

function run(
  model: TenantModel,
  options: {
    thresholds?: Record<string, number>;
    roles?: Record<string, { expectedKpis: string[] }>;
    figures?: Figure[];
  } = {},
): Finding[] {
  const context = contextFor(model, { thresholds: options.thresholds ?? {} }, options.roles ?? {});
  return evaluateRules(
    strategyRules,
    context,
    new Map((options.figures ?? []).map((f) => [f.id, f])),
  );
}

function fingerprints(findings: readonly Finding[]): string[] {
  return findings.map((f) => f.fingerprint).sort();
}

function person(overrides: Partial<Person>): Person {
  return {
    id: "pat",
    name: "Pat Quinn",
    role: "Captain",
    entities: ["alpha"],
    keyPerson: true,
    equity: { status: "documented", percent: 10 },
    agreements: [],
    transitionPlan: "Deputy takes over.",
    provenance: at("data/registry.yaml", 40),
    ...overrides,
  };
}

function stream(
  id: string,
  billing: RevenueStream["billing"]["model"],
  entity = "alpha",
): RevenueStream {
  return {
    id,
    entity,
    name: id,
    pricing: { model: "hourly", priceCents: 10_000 },
    billing: { model: billing },
    provenance: at("data/registry.yaml", 10),
  };
}

describe("empty-sales-pipeline", () => {
  it("fires when nothing is quoted and the furthest confirmed booking is inside the horizon", () => {
    const model = emptyModel();
    model.bookings = [
      booking("A", "confirmed", "2026-11-14", 1650),
      booking("B", "completed", "2026-10-10", 1650),
    ];
    const [finding] = run(model).filter((f) => f.ruleId === "empty-sales-pipeline");
    expect(finding?.fingerprint).toBe("empty-sales-pipeline:t");
    expect(finding?.severity).toBe("critical");
    expect(finding?.evidence[1]?.text).toContain("14 days after 2026-10-31");
    expect(finding?.evidence[1]?.source).toEqual({
      sourceId: "test",
      file: "data/bookings.csv",
      line: 2,
    });
  });

  it("does not fire with an open quote, or with a confirmed booking beyond the horizon", () => {
    const quoted = emptyModel();
    quoted.bookings = [booking("Q", "quoted", "2026-11-20", 500)];
    expect(run(quoted).some((f) => f.ruleId === "empty-sales-pipeline")).toBe(false);
    const far = emptyModel();
    far.bookings = [booking("F", "confirmed", "2026-12-15", 500)]; // 45 days > 30
    expect(run(far).some((f) => f.ruleId === "empty-sales-pipeline")).toBe(false);
    // The horizon is a threshold: at 60 days the same booking is not far enough.
    expect(
      run(far, { thresholds: { "empty-sales-pipeline.horizonDays": 60 } }).some(
        (f) => f.ruleId === "empty-sales-pipeline",
      ),
    ).toBe(true);
  });

  it("stays silent for a tenant without booking records", () => {
    expect(run(emptyModel()).some((f) => f.ruleId === "empty-sales-pipeline")).toBe(false);
  });
});

describe("no-revenue-dashboard", () => {
  const system = (kind: "backend" | "dashboard") => ({
    id: kind,
    entity: "alpha",
    name: kind,
    kind,
    technology: "x",
    provenance: at("data/registry.yaml", 20),
  });

  it("fires when systems exist but none is a dashboard, quoting only revenue-related handoff items", () => {
    const model = emptyModel();
    model.systems = [system("backend")];
    model.handoffs = [
      handoffNote("ops", "alpha", [
        ["issue", "No revenue dashboard: revenue is seen at month end.", "high"],
        ["issue", "Secrets sit in the hosting dashboard.", "medium"],
      ]),
    ];
    const [finding] = run(model).filter((f) => f.ruleId === "no-revenue-dashboard");
    expect(finding?.evidence).toHaveLength(2);
    expect(finding?.evidence[1]?.source.line).toBe(2);
  });

  it("does not fire when a dashboard system exists", () => {
    const model = emptyModel();
    model.systems = [system("backend"), system("dashboard")];
    expect(run(model).some((f) => f.ruleId === "no-revenue-dashboard")).toBe(false);
  });
});

describe("key-person rules", () => {
  it("flags undocumented equity of a key person, not of others", () => {
    const model = emptyModel();
    model.people = [
      person({ equity: { status: "undocumented", percent: 20 } }),
      person({ id: "sam", name: "Sam Lee", keyPerson: false, equity: { status: "undocumented" } }),
    ];
    const equity = run(model).filter((f) => f.ruleId === "key-person-equity-undocumented");
    expect(fingerprints(equity)).toEqual(["key-person-equity-undocumented:pat"]);
    expect(equity[0]?.title).toBe("Pat Quinn: 20% equity promised but undocumented");
  });

  it("flags a key person without a transition plan and quotes the documents and risks naming them", () => {
    const model = emptyModel();
    model.people = [person({ transitionPlan: undefined }), person({ id: "kim", name: "Kim Ray" })];
    model.documents = [
      {
        id: "licence",
        entity: "alpha",
        name: "Master licence (P. Quinn)",
        status: "valid",
        provenance: at("data/registry.yaml", 50),
      },
    ];
    model.handoffs = [
      handoffNote("ops", "alpha", [["risk", "Quinn may step back next year.", "high"]]),
    ];
    const findings = run(model).filter((f) => f.ruleId === "key-person-transition-risk");
    expect(fingerprints(findings)).toEqual(["key-person-transition-risk:pat"]);
    expect(findings[0]?.evidence.map((e) => e.source.line)).toEqual([40, 50, 2]);
    expect(findings[0]?.action).toContain("Master licence");
  });
});

describe("no-billing-model", () => {
  it("fires for an entity whose every stream has billing model none", () => {
    const model = emptyModel([business("alpha", "Alpha"), business("beta", "Beta")]);
    model.revenueStreams = [
      stream("a1", "none"),
      stream("a2", "none"),
      stream("b1", "none", "beta"),
      stream("b2", "invoice", "beta"),
    ];
    const findings = run(model).filter((f) => f.ruleId === "no-billing-model");
    expect(fingerprints(findings)).toEqual(["no-billing-model:alpha"]);
    expect(findings[0]?.title).toBe("Alpha has no billing model for either revenue stream");
  });

  it("disappears once one stream has a billing model", () => {
    const model = emptyModel();
    model.revenueStreams = [stream("a1", "none"), stream("a2", "stripe")];
    expect(run(model).some((f) => f.ruleId === "no-billing-model")).toBe(false);
  });
});

describe("broken-funnel", () => {
  it("fires once per entity for high or critical ux/funnel known issues, with the matching fix", () => {
    const model = emptyModel();
    model.handoffs = [
      handoffNote("app", "alpha", [
        ["issue", "The funnel breaks at tier selection: taps are ignored.", "high", ["ux"]],
        ["issue", "Stale copy on the tier cards.", "medium", ["ux"]],
        ["next-step", "Update the copy.", "medium"],
        ["next-step", "Fix tier selection on mobile.", "high"],
      ]),
    ];
    const findings = run(model).filter((f) => f.ruleId === "broken-funnel");
    expect(fingerprints(findings)).toEqual(["broken-funnel:alpha"]);
    expect(findings[0]?.title).toBe("Alpha: the funnel breaks at tier selection");
    expect(findings[0]?.action).toMatch(/^Fix tier selection on mobile\./);
  });

  it("ignores medium ux issues and high issues without a ux or funnel tag", () => {
    const model = emptyModel();
    model.handoffs = [
      handoffNote("app", "alpha", [
        ["issue", "No calendar.", "medium", ["ux"]],
        ["issue", "Keys in git.", "critical", ["security"]],
      ]),
    ];
    expect(run(model).some((f) => f.ruleId === "broken-funnel")).toBe(false);
  });
});

describe("no-break-even-analysis", () => {
  it("fires on an issue saying no break-even analysis exists and quotes the computed figure", () => {
    const model = emptyModel();
    model.handoffs = [
      handoffNote("ops", "alpha", [["issue", "No break-even analysis exists.", "high"]]),
    ];
    const breakEven: Figure = {
      id: "break-even-charters",
      label: "Break-even",
      value: 6,
      unit: "charters/month",
      asOf: "2026-10-31",
      sources: [],
    };
    const [finding] = run(model, { figures: [breakEven] }).filter(
      (f) => f.ruleId === "no-break-even-analysis",
    );
    expect(finding?.severity).toBe("high");
    expect(finding?.action).toContain("6 charters/month");
  });

  it("does not fire on a next step or on an item that does not say it is missing", () => {
    const model = emptyModel();
    model.handoffs = [
      handoffNote("ops", "alpha", [
        ["next-step", "Build a break-even model.", "medium"],
        ["state", "Break-even reviewed monthly.", undefined],
      ]),
    ];
    expect(run(model).some((f) => f.ruleId === "no-break-even-analysis")).toBe(false);
  });
});

describe("missing-kpi", () => {
  it("raises one finding per missing KPI with the roles that expect it", () => {
    const findings = run(emptyModel(), {
      roles: { ceo: { expectedKpis: ["nps", "cac"] }, cfo: { expectedKpis: ["cac"] } },
    }).filter((f) => f.category === "missing-kpi");
    expect(fingerprints(findings)).toEqual(["missing-kpi:cac", "missing-kpi:nps"]);
    expect(findings.find((f) => f.fingerprint === "missing-kpi:cac")?.title).toBe(
      "Missing KPI: CAC (expected by CEO, CFO)",
    );
  });
});

describe("helpers", () => {
  it("takes the first clause of an item", () => {
    expect(firstClause("The funnel breaks at tier selection: on iOS…")).toBe(
      "The funnel breaks at tier selection",
    );
    expect(firstClause("No CRM. Nobody tracks leads.")).toBe("No CRM");
  });

  it("finds no next step when fewer than two words are shared", () => {
    const note = handoffNote("n", "alpha", [
      ["issue", "Checkout drops guests", "high"],
      ["next-step", "Rotate keys", "high"],
    ]);
    expect(matchingNextStep({ note, item: note.items[0] as (typeof note.items)[0] })).toBe(
      undefined,
    );
  });
});
