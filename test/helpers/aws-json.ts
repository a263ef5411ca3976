import type { EntityRules } from "../../src/core/cloud/entity-assignment.js";
import type { JsonDocument } from "../../src/core/cloud/json-document.js";
import { createEntityResolver } from "../../src/core/entity-resolver.js";
import type { Entity } from "../../src/core/model/index.js";

/** A document as the AWS CLI writes it (`--output json` indents by four spaces). */
export function cliJson(value: unknown, file = "aws/x.json"): JsonDocument {
  const text = `${JSON.stringify(value, null, 4)}\n`;
  return { file, text, value: JSON.parse(text) };
}

/** Two entities, the first with an alias, for entity-assignment tests. */
export const ENTITIES: Entity[] = [
  { id: "alpha", name: "Alpha Charters", kind: "business", aliases: ["AC"], domains: [] },
  { id: "beta", name: "Beta Studio", kind: "business", aliases: [], domains: [] },
];

/** Entity rules over ENTITIES with tag key `entity` and the given fallback. */
export function rulesFor(fallback?: string): EntityRules {
  const resolver = createEntityResolver(ENTITIES);
  return { resolve: (r) => resolver.resolve(r), fallback, tagKey: "entity" };
}
