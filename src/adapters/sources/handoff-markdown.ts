import type { List, ListItem, Root, RootContent } from "mdast";
import { toString as mdastToString } from "mdast-util-to-string";
import remarkFrontmatter from "remark-frontmatter";
import remarkParse from "remark-parse";
import { unified } from "unified";
import { z } from "zod";
import type { EntityResolver } from "../../core/entity-resolver.js";
import { type Problem, problem } from "../../core/errors.js";
import type { HandoffItem, HandoffNote, HandoffSection } from "../../core/model/index.js";
import { locate, parseLocatedYaml, toPlainValue } from "../../core/yaml-document.js";
import { zodIssueToProblem } from "../../core/zod-problems.js";
import { parseDate } from "./values.js";

const frontMatterSchema = z.strictObject({
  entity: z.string().min(1),
  title: z.string().min(1).optional(),
  updated: z.union([z.string(), z.date()]),
  owner: z.string().optional(),
  stack: z.union([z.array(z.string()), z.string()]).optional(),
  tags: z.array(z.string()).optional(),
});

const SECTION_NAMES: Record<string, HandoffSection> = {
  "current state": "state",
  state: "state",
  status: "state",
  overview: "state",
  "known issues": "issue",
  issues: "issue",
  "open issues": "issue",
  problems: "issue",
  decisions: "decision",
  "decisions made": "decision",
  risks: "risk",
  "next steps": "next-step",
  "next actions": "next-step",
  todo: "next-step",
  "to do": "next-step",
  "action items": "next-step",
};

const SEVERITIES = new Set(["critical", "high", "medium", "low"]);
const LEADING_TAG = /^\s*\[([A-Za-z][\w-]*)\]\s*/;

const parser = unified().use(remarkParse).use(remarkFrontmatter, ["yaml"]);

/** Parses one handoff note (Markdown with YAML front matter) into typed items (pure). */
export function parseHandoffNote(
  text: string,
  options: { sourceId: string; file: string; id: string },
  entities: EntityResolver,
): { note?: HandoffNote; problems: Problem[] } {
  const { file } = options;
  const tree = parser.parse(text) as Root;
  const first = tree.children[0];
  if (first?.type !== "yaml") {
    return {
      problems: [
        problem(
          file,
          1,
          "handoff note has no YAML front matter",
          "start the file with ---, then entity: and updated: lines, then ---",
        ),
      ],
    };
  }
  // Front matter starts on line 2 of the file (line 1 is the opening ---).
  const offset = first.position?.start.line ?? 1;
  const parsed = parseLocatedYaml(first.value, file);
  const shift = (p: Problem): Problem =>
    p.line !== undefined ? { ...p, line: p.line + offset } : p;
  if (parsed.problems.length > 0) return { problems: parsed.problems.map(shift) };
  const plain = toPlainValue(parsed.yaml);
  if (plain.problems.length > 0) return { problems: plain.problems.map(shift) };
  const front = frontMatterSchema.safeParse(plain.value, { reportInput: true });
  if (!front.success) {
    const hint =
      "front matter takes entity, updated (YYYY-MM-DD), and optionally title, owner, stack, tags";
    return {
      problems: front.error.issues.map((issue) =>
        shift(zodIssueToProblem(issue, parsed.yaml, hint, "front matter ")),
      ),
    };
  }
  const problems: Problem[] = [];
  const lineOfKey = (key: string) => (locate(parsed.yaml, [key]).line ?? 0) + offset;
  const entity = entities.resolve(front.data.entity);
  if (entity === undefined)
    problems.push(
      problem(
        file,
        lineOfKey("entity"),
        `unknown entity "${front.data.entity}"`,
        `use one of: ${entities.known()}`,
      ),
    );
  const rawUpdated =
    front.data.updated instanceof Date
      ? front.data.updated.toISOString().slice(0, 10)
      : front.data.updated;
  const updated = parseDate(rawUpdated, "YYYY-MM-DD");
  if (updated === undefined)
    problems.push(
      problem(
        file,
        lineOfKey("updated"),
        `updated "${rawUpdated}" is not a YYYY-MM-DD date`,
        "write the date as YYYY-MM-DD, e.g. 2026-10-12",
      ),
    );
  if (entity === undefined || updated === undefined) return { problems };

  const provenance = (line?: number) => ({
    sourceId: options.sourceId,
    file,
    asOf: updated,
    ...(line !== undefined ? { line } : {}),
  });
  const items: HandoffItem[] = [];
  let section: HandoffSection = "other";
  let title = front.data.title;
  for (const node of tree.children) {
    if (node.type === "heading") {
      const heading = mdastToString(node).trim();
      if (node.depth === 1 && title === undefined) title = heading;
      else if (node.depth === 2)
        section = SECTION_NAMES[heading.toLowerCase().replace(/[:.]$/, "")] ?? "other";
    } else if (node.type === "list") {
      collectItems(node, section, items, provenance);
    }
  }
  const stack =
    front.data.stack === undefined
      ? []
      : Array.isArray(front.data.stack)
        ? front.data.stack
        : front.data.stack
            .split(",")
            .map((s) => s.trim())
            .filter(Boolean);
  const note: HandoffNote = {
    id: options.id,
    entity,
    title: title ?? options.id,
    updated,
    stack,
    items,
    provenance: provenance(1),
  };
  if (front.data.owner !== undefined) note.owner = front.data.owner;
  return { note, problems };
}

function collectItems(
  list: List,
  section: HandoffSection,
  items: HandoffItem[],
  provenance: (line?: number) => HandoffItem["provenance"],
): void {
  for (const item of list.children as ListItem[]) {
    const own = item.children.filter((child: RootContent) => child.type !== "list");
    const parsed = splitTags(
      own
        .map((child) => mdastToString(child))
        .join(" ")
        .replace(/\s+/g, " ")
        .trim(),
    );
    if (parsed.text !== "") {
      const record: HandoffItem = {
        section,
        text: parsed.text,
        tags: parsed.tags,
        provenance: provenance(item.position?.start.line),
      };
      if (parsed.severity !== undefined) record.severity = parsed.severity;
      items.push(record);
    }
    for (const child of item.children)
      if (child.type === "list") collectItems(child, section, items, provenance);
  }
}

/** Splits leading `[tag]` markers off an item: severities set the severity, the rest are topic tags. */
export function splitTags(text: string): {
  text: string;
  tags: string[];
  severity?: HandoffItem["severity"];
} {
  const tags: string[] = [];
  let severity: HandoffItem["severity"];
  let rest = text;
  for (let match = LEADING_TAG.exec(rest); match !== null; match = LEADING_TAG.exec(rest)) {
    const tag = (match[1] as string).toLowerCase();
    if (SEVERITIES.has(tag) && severity === undefined) severity = tag as HandoffItem["severity"];
    else if (!tags.includes(tag)) tags.push(tag);
    rest = rest.slice(match[0].length);
  }
  return severity === undefined
    ? { text: rest.trim(), tags }
    : { text: rest.trim(), tags, severity };
}
