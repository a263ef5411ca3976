import type { Rule } from "./rule.js";

/** Not built yet (issue 9): the property domain has no findings until its source can be read. */
export const propertyRules: readonly Rule[] = [];
