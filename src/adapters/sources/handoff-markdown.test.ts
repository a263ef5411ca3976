import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { createEntityResolver } from "../../core/entity-resolver.js";
import { parseHandoffNote, splitTags } from "./handoff-markdown.js";

const entities = createEntityResolver([
  {
    id: "queenofsandiego",
    name: "QueenofSanDiego",
    kind: "business",
    aliases: ["Queen of San Diego"],
    domains: [],
  },
]);
const options = { sourceId: "handoffs", file: "data/handoffs/qsd.md", id: "qsd" };

const NOTE = `---
entity: Queen of San Diego
updated: 2026-10-12
owner: Contract developer
stack: [AWS Lambda, DynamoDB]
---
# QueenofSanDiego platform

## Current state
- Site served from S3 behind CloudFront.

## Known issues
- [security] [high] CloudFront has no WAF attached.
- [ux] No availability calendar;
  guests email to ask for dates.
  - [low] Nested: the calendar widget was never chosen.

## Decisions
1. Stay on DynamoDB on-demand.

## Risks
- [critical] Only one person can deploy.

## Next steps
- Attach AWS WAF managed rules.

## Appendix
- Links to dashboards.
`;

describe("parseHandoffNote", () => {
  it("types list items by their heading, with tags, severity and line", () => {
    const { note, problems } = parseHandoffNote(NOTE, options, entities);
    expect(problems).toEqual([]);
    expect(note).toMatchObject({
      id: "qsd",
      entity: "queenofsandiego",
      title: "QueenofSanDiego platform",
      updated: "2026-10-12",
      owner: "Contract developer",
      stack: ["AWS Lambda", "DynamoDB"],
    });
    expect(note?.items.map((i) => [i.section, i.severity, i.tags, i.provenance.line])).toEqual([
      ["state", undefined, [], 10],
      ["issue", "high", ["security"], 13],
      ["issue", undefined, ["ux"], 14],
      ["issue", "low", [], 16],
      ["decision", undefined, [], 19],
      ["risk", "critical", [], 22],
      ["next-step", undefined, [], 25],
      ["other", undefined, [], 28],
    ]);
    expect(note?.items[1]?.text).toBe("CloudFront has no WAF attached.");
    expect(note?.items[2]?.text).toBe("No availability calendar; guests email to ask for dates.");
    expect(note?.items[1]?.provenance).toEqual({
      sourceId: "handoffs",
      file: "data/handoffs/qsd.md",
      line: 13,
      asOf: "2026-10-12",
    });
  });

  it("refuses a note without front matter", () => {
    const { note, problems } = parseHandoffNote("# Just a title\n- item\n", options, entities);
    expect(note).toBeUndefined();
    expect(problems).toMatchObject([{ line: 1, message: "handoff note has no YAML front matter" }]);
  });

  it("locates front matter problems on the file's own lines", () => {
    const text = "---\nentity: Queen of Sandiego\nupdated: 12/10/2026\n---\n- x\n";
    const { problems } = parseHandoffNote(text, options, entities);
    expect(problems.map((p) => [p.line, p.message])).toEqual([
      [2, 'unknown entity "Queen of Sandiego"'],
      [3, 'updated "12/10/2026" is not a YYYY-MM-DD date'],
    ]);
  });

  it("reports unknown front matter keys and YAML syntax errors with lines", () => {
    expect(
      parseHandoffNote(
        "---\nentity: queenofsandiego\nupdated: 2026-10-01\nownr: me\n---\n",
        options,
        entities,
      ).problems,
    ).toMatchObject([{ line: 2 }]);
    const broken = parseHandoffNote(
      '---\nentity: queenofsandiego\nupdated: "2026-10-01\n---\n',
      options,
      entities,
    ).problems;
    expect(broken).toHaveLength(1);
    expect(broken[0]?.line).toBeGreaterThanOrEqual(2);
  });

  it("reads any front matter values a YAML writer produces", () => {
    const text = fc
      .string({ minLength: 1, maxLength: 30 })
      .filter((s) => s.trim() === s && s.trim() !== "");
    fc.assert(
      fc.property(text, text, fc.array(text, { maxLength: 4 }), (title, owner, stack) => {
        const front = stringify({
          entity: "queenofsandiego",
          title,
          owner,
          updated: "2026-10-12",
          stack,
        });
        const { note, problems } = parseHandoffNote(
          `---\n${front}---\n## Risks\n- one\n`,
          options,
          entities,
        );
        expect(problems).toEqual([]);
        expect(note).toMatchObject({ title, owner, stack });
        // "---", the front matter lines, "---", the heading, then the item.
        expect(note?.items[0]?.provenance.line).toBe(front.split("\n").length - 1 + 4);
      }),
    );
  });
});

describe("splitTags", () => {
  it("takes leading tags only, first severity wins, topics deduplicated", () => {
    expect(splitTags("[Security] [HIGH] [security] [low] Keys in [git] history")).toEqual({
      text: "Keys in [git] history",
      tags: ["security", "low"],
      severity: "high",
    });
    expect(splitTags("No tags here")).toEqual({ text: "No tags here", tags: [] });
  });
});
