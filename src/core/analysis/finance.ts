import type { AnalysisContext, AnalysisOutput } from "./types.js";

/** Finance analysis (placeholder until implemented). */
export function analyseFinance(_context: AnalysisContext): AnalysisOutput {
  return { figures: [], tables: [] };
}
