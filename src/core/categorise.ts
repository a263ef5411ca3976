import type { CategoryRule } from "./config.js";

/** Maps a transaction description to a category account for one entity, or undefined. */
export type Categoriser = (description: string) => string | undefined;

/**
 * Compiles categorisation rules (first match wins, case-insensitive) and returns, per entity,
 * a categoriser. Results are memoised by description because bank exports repeat the same
 * merchants thousands of times.
 */
export function createCategoriser(rules: readonly CategoryRule[]): (entity: string) => Categoriser {
  const compiled = rules.map((rule) => ({
    pattern: new RegExp(rule.match, "i"),
    account: rule.account,
    entity: rule.entity,
  }));
  return (entity) => {
    const applicable = compiled.filter(
      (rule) => rule.entity === undefined || rule.entity === entity,
    );
    const memo = new Map<string, string | null>();
    return (description) => {
      const cached = memo.get(description);
      if (cached !== undefined) return cached ?? undefined;
      const account = applicable.find((rule) => rule.pattern.test(description))?.account;
      memo.set(description, account ?? null);
      return account;
    };
  };
}
