import type { AnalysisContext, AnalysisOutput } from "./types.js";

/** Accounting analysis (placeholder until implemented). */
export function analyseAccounting(_context: AnalysisContext): AnalysisOutput {
  return { figures: [], tables: [] };
}
