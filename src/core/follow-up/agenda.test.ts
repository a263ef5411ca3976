import { describe, expect, it } from "vitest";
import { contextFor, emptyModel } from "../../../test/helpers/model.js";
import type { Intelligence } from "../analysis/intelligence.js";
import type { Finding } from "../analysis/types.js";
import { distinctFindings, followUpAgenda } from "./agenda.js";

function finding(fingerprint: string, file: string, line: number): Finding {
  return {
    fingerprint,
    ruleId: "r",
    category: "c",
    title: fingerprint,
    severity: "high",
    roles: ["cto"],
    evidence: [{ text: "e", source: { sourceId: "s", file, line } }],
    action: "a",
    effort: 1,
    impact: 2,
  };
}

describe("distinctFindings", () => {
  it("keeps one of two findings quoting the same line of a note", () => {
    const kept = distinctFindings([
      finding("shortfall", "data/handoffs/qdn.md", 12),
      finding("ux-gap", "data/handoffs/qdn.md", 12),
    ]);
    expect(kept.map((f) => f.fingerprint)).toEqual(["shortfall"]);
  });

  it("keeps two findings on the same data row: one record can carry two problems", () => {
    const kept = distinctFindings([
      finding("crew-unconfirmed", "data/deliveries/deliveries.csv", 14),
      finding("insurance-missing", "data/deliveries/deliveries.csv", 14),
    ]);
    expect(kept).toHaveLength(2);
  });
});

describe("followUpAgenda", () => {
  it("spreads the first ten over the 30 days after the period and gives the rest day 60", () => {
    const findings = Array.from({ length: 12 }, (_, i) =>
      finding(`f${String(i).padStart(2, "0")}`, "data/x.csv", i + 1),
    );
    const intelligence: Intelligence = {
      context: contextFor(emptyModel(), {}, { cto: { expectedKpis: [] } }),
      figures: new Map(),
      tables: new Map(),
      findings,
    };
    const agenda = followUpAgenda(intelligence);
    expect(agenda.map((a) => a.due)).toEqual([
      "2026-11-03",
      "2026-11-06",
      "2026-11-09",
      "2026-11-12",
      "2026-11-15",
      "2026-11-18",
      "2026-11-21",
      "2026-11-24",
      "2026-11-27",
      "2026-11-30",
      "2026-12-30",
      "2026-12-30",
    ]);
    expect(agenda.map((a) => a.rank)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(new Set(agenda.map((a) => a.owner))).toEqual(new Set(["cto"]));
  });
});
