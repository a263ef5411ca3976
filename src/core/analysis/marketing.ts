import type { AnalysisContext, AnalysisOutput } from "./types.js";

/** Marketing analysis (placeholder until implemented). */
export function analyseMarketing(_context: AnalysisContext): AnalysisOutput {
  return { figures: [], tables: [] };
}
