import type { AnalysisContext, AnalysisOutput } from "./types.js";

/** Not built yet (issue 9): the deliveries domain has no figures until its source can be read. */
export function analyseDeliveries(_context: AnalysisContext): AnalysisOutput {
  return { figures: [], tables: [] };
}
