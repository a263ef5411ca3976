import type { Rule } from "./rule.js";

/** Finance finding rules. */
export const financeRules: readonly Rule[] = [];
