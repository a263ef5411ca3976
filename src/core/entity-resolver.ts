import type { Entity } from "./model/index.js";

/** Resolves an entity reference (id, canonical name or alias, any case) to the entity id. */
export interface EntityResolver {
  resolve(reference: string): string | undefined;
  /** Human list of accepted references, for hints. */
  known(): string;
}

/** Builds a resolver over a tenant's entities. */
export function createEntityResolver(entities: readonly Entity[]): EntityResolver {
  const byKey = new Map<string, string>();
  for (const entity of entities) {
    for (const key of [entity.id, entity.name, ...entity.aliases])
      byKey.set(key.trim().toLowerCase(), entity.id);
  }
  return {
    resolve: (reference) => byKey.get(reference.trim().toLowerCase()),
    known: () => entities.map((e) => `${e.id} (${e.name})`).join(", "),
  };
}
