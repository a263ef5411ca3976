import type { Rule } from "./rule.js";

/** Technology finding rules. */
export const technologyRules: readonly Rule[] = [];
