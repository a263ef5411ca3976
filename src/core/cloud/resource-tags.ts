import { z } from "zod";
import type { Problem } from "../errors.js";
import {
  assignEntity,
  type EntityRules,
  resourceKeyOfArn,
  unknownTagText,
} from "./entity-assignment.js";
import type { JsonDocument } from "./json-document.js";
import { type Parsed, readShape, warningAtPath } from "./json-shape.js";
import { SNAPSHOT } from "./snapshot-files.js";

const tagsSchema = z.object({
  ResourceTagMappingList: z.array(
    z.object({
      ResourceARN: z.string().min(1),
      Tags: z.array(z.object({ Key: z.string(), Value: z.string() })).optional(),
    }),
  ),
});

/**
 * Entity of each tagged resource (resource key → entity id) from `aws resourcegroupstaggingapi
 * get-resources`. A tag value naming no entity is warned about once per value, at its first
 * resource, and that resource keeps the account's entity.
 */
export function parseResourceTags(
  document: JsonDocument,
  rules: EntityRules,
): Parsed<Map<string, string>> {
  const { value, problems } = readShape(document, tagsSchema, SNAPSHOT.tags.command);
  const tagged = new Map<string, string>();
  const unknown = new Map<string, { index: number; count: number }>();
  (value?.ResourceTagMappingList ?? []).forEach((mapping, index) => {
    const key = resourceKeyOfArn(mapping.ResourceARN);
    const tag = mapping.Tags?.find((t) => t.Key === rules.tagKey);
    if (key === undefined || tag === undefined) return;
    const assigned = assignEntity(tag.Value, rules);
    if (assigned.unknownTag !== undefined) {
      const seen = unknown.get(assigned.unknownTag);
      if (seen === undefined) unknown.set(assigned.unknownTag, { index, count: 1 });
      else seen.count++;
    } else if (assigned.entity !== undefined && tag.Value.trim() !== "") {
      tagged.set(key, assigned.entity);
    }
  });
  problems.push(...unknownTagWarnings(document, unknown, rules));
  return { value: tagged, problems };
}

function unknownTagWarnings(
  document: JsonDocument,
  unknown: ReadonlyMap<string, { index: number; count: number }>,
  rules: EntityRules,
): Problem[] {
  return [...unknown].map(([tag, { index, count }]) => {
    const what = count === 1 ? "its resource is" : `its ${count} resources are`;
    const { message, hint } = unknownTagText(rules, tag, what);
    return warningAtPath(document, ["ResourceTagMappingList", index], message, hint);
  });
}
