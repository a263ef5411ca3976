import type { Rule } from "./rule.js";

/** Strategy finding rules. */
export const strategyRules: readonly Rule[] = [];
