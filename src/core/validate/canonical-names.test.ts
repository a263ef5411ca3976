import { describe, expect, it } from "vitest";
import {
  batch,
  entity,
  figure,
  figures,
  paragraph,
  report,
  section,
  table,
} from "../../../test/gate/fixtures.js";
import type { Block } from "../reports/document.js";
import { boundedDistance, canonicalNamesGate } from "./canonical-names.js";
import type { GateProblem } from "./types.js";

const ENTITIES = [
  entity("jada", "JADA", ["JADA Sailing", "JADA Charters"], ["jadasailing.com"]),
  entity(
    "queenofsandiego",
    "QueenofSanDiego",
    ["Queen of San Diego", "QSD"],
    ["queenofsandiego.com"],
  ),
  entity("quickdumpnow", "QuickDumpNow", ["Quick Dump Now", "QDN"], ["quickdumpnow.com"]),
  entity("dangerouscentaur", "DangerousCentaur", ["Dangerous Centaur", "DC Studio"]),
  entity("3028-51st-st", "3028 51st St", ["3028 51st Street"]),
];

/** Problems for one paragraph in section `notes` of the CTO report. */
function check(...blocks: Block[]): GateProblem[] {
  return canonicalNamesGate(batch([report("cto", [section("notes", ...blocks)])], ENTITIES));
}

/** The misspellings found and the spelling each fix suggests. */
function found(text: string): [string, string][] {
  return check(paragraph(text)).map((p) => [
    p.message.match(/^"([^"]+)"/)?.[1] ?? p.message,
    p.fix.match(/^write "([^"]+)"/)?.[1] ?? p.fix,
  ]);
}

describe("canonical names gate", () => {
  it("accepts every registry name and alias, and words that merely share one", () => {
    const text =
      "JADA, JADA Sailing and JADA Charters; QueenofSanDiego, the Queen of San Diego's deck, QSD-1039; " +
      "QuickDumpNow (Quick Dump Now, QDN); DangerousCentaur, Dangerous Centaur, DC Studio; " +
      "3028 51st St and 3028 51st Street. A Queen, a studio, my studio, data charters, San Diego Bay.";
    expect(found(text)).toEqual([]);
  });

  it("reports case and spacing variants with the registry's spelling", () => {
    expect(found("Quick-Dump-Now, JADA-owned, QSD-1039")).toEqual([
      ["Quick-Dump-Now", "QuickDumpNow"],
    ]);
    expect(
      found("QueenofSandiego and Queen ofSanDiego and quickdumpnow and Quick Dump now"),
    ).toEqual([
      ["QueenofSandiego", "QueenofSanDiego"],
      ["Queen ofSanDiego", "QueenofSanDiego"],
      ["quickdumpnow", "QuickDumpNow"],
      ["Quick Dump now", "Quick Dump Now"],
    ]);
  });

  it("reports typos within edit distance 2 of a long name, suggesting the nearest spelling", () => {
    expect(found("DangerousCentuar, Dangerous Centaure, QueenofSanDeigo, Quikc Dump Now")).toEqual([
      ["DangerousCentuar", "DangerousCentaur"],
      ["Dangerous Centaure", "Dangerous Centaur"],
      ["QueenofSanDeigo", "QueenofSanDiego"],
      ["Quikc Dump Now", "Quick Dump Now"],
    ]);
    expect(found("3029 51st St")).toEqual([["3029 51st St", "3028 51st St"]]);
  });

  it("checks short names for case only, not for typos", () => {
    expect(found("Jada and Qsd")).toEqual([
      ["Jada", "JADA"],
      ["Qsd", "QSD"],
    ]);
    expect(found("JADE, QSE and the jade necklace")).toEqual([]);
  });

  it("leaves a correct name followed by ordinary words alone, but not a misspelt name part", () => {
    expect(found("a QueenofSanDiego charter, JADA sailing charters, JADA charter")).toEqual([]);
    expect(found("JADA Sailling is listed")).toEqual([["JADA Sailling", "JADA Sailing"]]);
  });

  it("does not read a partial mention, three edits or another first letter as a misspelling", () => {
    expect(found("the Studio, DangerousCentaurXYZ, KueenofSanDiego")).toEqual([]);
  });

  it("reads a typo spanning words only when it is written like a name", () => {
    expect(found("quick dumps now")).toEqual([]);
    expect(found("Quick Dumps Now")).toEqual([["Quick Dumps Now", "Quick Dump Now"]]);
  });

  it("skips slugs, paths and e-mail addresses, and accepts names in bank capitals", () => {
    expect(
      found(
        "qsd-private-charters, data/handoffs/queenofsandiego-aws.md, ops@quickdumpnow.com, " +
          "GSUITE_JADASAILI, ZELLE FROM QUICK DUMP NOW, PAYMENT QUEENOFSANDIEGO",
      ),
    ).toEqual([]);
    expect(found("ZELLE FROM QUIKDUMPNOW")).toEqual([["QUIKDUMPNOW", "QuickDumpNow"]]);
  });

  it("reports domains within edit distance 2 of a configured one, keeping the subdomain", () => {
    expect(
      found("see jadasailling.com, www.queenofsandeigo.com, jadasailing.co and JADASAILING.COM"),
    ).toEqual([
      ["jadasailling.com", "jadasailing.com"],
      ["www.queenofsandeigo.com", "www.queenofsandiego.com"],
      ["jadasailing.co", "jadasailing.com"],
    ]);
    expect(found("example.com, jadasailing.net.au and node.js")).toEqual([]);
  });

  it("treats a Route 53 hosted zone of an entity's account as canonical as a configured domain", () => {
    const text = "portal at dangerouscentaur.com, mail at dangerouscentuar.com";
    const input = batch([report("cto", [section("notes", paragraph(text))])], ENTITIES);
    // DangerousCentaur has no configured domain: without its zone nothing can be checked.
    expect(canonicalNamesGate(input)).toEqual([]);
    const withZones = canonicalNamesGate({
      ...input,
      hostedZones: [
        { domain: "dangerouscentaur.com", entity: "dangerouscentaur" },
        { domain: "unrelated.example", entity: "nobody" },
      ],
    });
    expect(withZones.map((p) => [p.message.match(/^"([^"]+)"/)?.[1], p.fix])).toEqual([
      ["dangerouscentuar.com", expect.stringMatching(/^write "dangerouscentaur\.com"/)],
    ]);
    expect(withZones[0]?.fix).toContain(
      "the domain DangerousCentaur's AWS account hosts in Route 53",
    );
  });

  it("names the report and section, counts repeats and points the fix at the source file", () => {
    const problems = check(
      paragraph("quickdumpnow is late. quickdumpnow again."),
      {
        type: "findings",
        emptyText: "None.",
        findings: [
          {
            fingerprint: "x:1",
            ruleId: "x",
            category: "ux-gap",
            title: "Funnel breaks",
            severity: "high",
            roles: ["cto"],
            evidence: [
              {
                text: "The DangerousCentuar funnel breaks",
                source: { sourceId: "handoffs", file: "data/handoffs/dc.md", line: 14 },
              },
            ],
            action: "Fix it.",
            effort: 1,
            impact: 2,
          },
        ],
      },
      table(
        "notes",
        [["entity"], ["text"], ["evidence"]],
        [["QuickDumpNow", "Quick Dump now funnel", "data/handoffs/qdn.md:9"]],
      ),
    );
    expect(problems).toEqual([
      {
        gate: "canonical-names",
        report: "acme/2026-10/cto",
        section: "notes",
        message:
          '"quickdumpnow" in section notes of acme/2026-10/cto is not the canonical spelling (2 places)',
        fix: `write "QuickDumpNow" (the registry's name); if the text comes from the data (a handoff note, a CSV description or the registry), correct it there`,
      },
      {
        gate: "canonical-names",
        report: "acme/2026-10/cto",
        section: "notes",
        message:
          '"DangerousCentuar" in section notes of acme/2026-10/cto is not the canonical spelling',
        fix: `write "DangerousCentaur" (the registry's name); the text comes from data/handoffs/dc.md:14: correct it there`,
      },
      {
        gate: "canonical-names",
        report: "acme/2026-10/cto",
        section: "notes",
        message:
          '"Quick Dump now" in section notes of acme/2026-10/cto is not the canonical spelling',
        fix: `write "Quick Dump Now" (an alias of QuickDumpNow in the registry); the text comes from data/handoffs/qdn.md:9: correct it there`,
      },
    ]);
  });

  it("scans the subject and figure labels too", () => {
    const document = report(
      "cfo",
      [section("burn", figures(figure("x", 1, "USD", { label: "Burn of Quickdumpnow" })))],
      "CFO · QueenofSandiego",
    );
    const problems = canonicalNamesGate(batch([document], ENTITIES));
    expect(problems.map((p) => [p.section, p.message])).toEqual([
      [undefined, '"QueenofSandiego" in acme/2026-10/cfo is not the canonical spelling'],
      ["burn", '"Quickdumpnow" in section burn of acme/2026-10/cfo is not the canonical spelling'],
    ]);
  });

  it("uses the source of a finding for the same misspelling in a summary sentence", () => {
    const problems = canonicalNamesGate(
      batch(
        [
          report("cfo", [
            section("summary", paragraph("$800 HUBSPOT QUIKDUMPNOW")),
            section("rules", {
              type: "findings",
              emptyText: "",
              findings: [
                {
                  fingerprint: "p:1",
                  ruleId: "p",
                  category: "policy",
                  title: "Breach",
                  severity: "medium",
                  roles: ["cfo"],
                  evidence: [
                    {
                      text: "HUBSPOT QUIKDUMPNOW: $800 out",
                      source: { sourceId: "l", file: "data/ledger/card.csv", line: 74 },
                    },
                  ],
                  action: "Cancel.",
                  effort: 1,
                  impact: 2,
                },
              ],
            }),
          ]),
        ],
        ENTITIES,
      ),
    );
    expect(problems.map((p) => p.fix)).toEqual([
      `write "QuickDumpNow" (the registry's name); the text comes from data/ledger/card.csv:74: correct it there`,
      `write "QuickDumpNow" (the registry's name); the text comes from data/ledger/card.csv:74: correct it there`,
    ]);
  });

  it("has nothing to check without entities", () => {
    const document = report("ceo", [section("s", paragraph("quickdumpnow.com QueenofSandiego"))]);
    expect(canonicalNamesGate(batch([document], []))).toEqual([]);
  });
});

describe("boundedDistance", () => {
  it("counts insertions, deletions, substitutions and adjacent transpositions", () => {
    expect(boundedDistance("centaur", "centaur", 2)).toBe(0);
    expect(boundedDistance("centaur", "centuar", 2)).toBe(1);
    expect(boundedDistance("centaur", "centaure", 2)).toBe(1);
    expect(boundedDistance("centaur", "cntaur", 2)).toBe(1);
    expect(boundedDistance("centaur", "kentaur", 2)).toBe(1);
    expect(boundedDistance("sandiego", "sandeigo", 2)).toBe(1);
    expect(boundedDistance("kitten", "sitting", 5)).toBe(3);
  });

  it("stops at limit + 1 once the distance is known to be larger", () => {
    expect(boundedDistance("quickdumpnow", "queenofsandiego", 2)).toBe(3);
    expect(boundedDistance("abc", "abcdef", 2)).toBe(3);
    expect(boundedDistance("", "ab", 2)).toBe(2);
  });
});
