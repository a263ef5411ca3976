import type { AnalysisContext, AnalysisOutput } from "./types.js";

/** Technology analysis (placeholder until implemented). */
export function analyseTechnology(_context: AnalysisContext): AnalysisOutput {
  return { figures: [], tables: [] };
}
