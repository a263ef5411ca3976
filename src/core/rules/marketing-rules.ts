import type { Rule } from "./rule.js";

/** Marketing finding rules. */
export const marketingRules: readonly Rule[] = [];
