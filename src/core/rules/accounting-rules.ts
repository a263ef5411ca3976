import type { Rule } from "./rule.js";

/** Accounting finding rules. */
export const accountingRules: readonly Rule[] = [];
