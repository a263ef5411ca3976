import type { AnalysisContext, AnalysisOutput } from "./types.js";

/** Strategy analysis (placeholder until implemented). */
export function analyseStrategy(_context: AnalysisContext): AnalysisOutput {
  return { figures: [], tables: [] };
}
