import type { CategoryRule } from "./config.js";

/** Maps a transaction's description (for an entity) to a category account, or undefined. */
export type Categoriser = (entity: string, description: string) => string | undefined;

/**
 * Compiles categorisation rules (first match wins, case-insensitive). Results are memoised
 * per entity and description because bank exports repeat the same merchants thousands of times.
 */
export function createCategoriser(rules: readonly CategoryRule[]): Categoriser {
  const compiled = rules.map((rule) => ({
    pattern: new RegExp(rule.match, "i"),
    account: rule.account,
    entity: rule.entity,
  }));
  const memo = new Map<string, string | null>();
  return (entity, description) => {
    const key = `${entity}\u0000${description}`;
    const cached = memo.get(key);
    if (cached !== undefined) return cached ?? undefined;
    const hit = compiled.find(
      (rule) =>
        (rule.entity === undefined || rule.entity === entity) && rule.pattern.test(description),
    );
    memo.set(key, hit?.account ?? null);
    return hit?.account;
  };
}
