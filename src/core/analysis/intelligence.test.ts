import { describe, expect, it } from "vitest";
import { contextFor, emptyModel } from "../../../test/helpers/model.js";
import { ownerRoleOf } from "./intelligence.js";
import type { Finding } from "./types.js";

function finding(roles: string[], entity?: string): Finding {
  return {
    fingerprint: "r:s",
    ruleId: "r",
    category: "c",
    title: "t",
    severity: "medium",
    roles,
    evidence: [],
    action: "a",
    effort: 1,
    impact: 2,
    ...(entity !== undefined ? { entity } : {}),
  };
}

describe("ownerRoleOf", () => {
  const context = contextFor(
    emptyModel(),
    {},
    {
      ceo: { expectedKpis: [] },
      "north-flat": { report: "rental-property", entity: "north", expectedKpis: [] },
      "south-flat": { report: "rental-property", entity: "south", expectedKpis: [] },
    },
  );

  it("keeps a role id the tenant configures", () => {
    expect(ownerRoleOf(context, finding(["ceo", "cfo"]))).toBe("ceo");
  });

  it("maps a report kind to the role receiving that report, the one covering the entity first", () => {
    expect(ownerRoleOf(context, finding(["rental-property"], "south"))).toBe("south-flat");
    expect(ownerRoleOf(context, finding(["rental-property"], "elsewhere"))).toBe("north-flat");
  });

  it("falls back to what the rule named when no role receives it, and to the CEO when it named none", () => {
    expect(ownerRoleOf(context, finding(["billing-audit"]))).toBe("billing-audit");
    expect(ownerRoleOf(context, finding([]))).toBe("ceo");
  });
});
