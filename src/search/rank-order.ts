/**
 * The search's ranking of kept plans: higher score first; on an exactly equal score, the plan on
 * fewer GPUs first (the spare GPUs are free to do other work). Among plans that also use the same
 * GPUs the sort is stable, so the first (simplest) plan found stays ahead.
 */
export function compareRanked(a: { score: number; gpusUsed: number }, b: { score: number; gpusUsed: number }): number {
  return b.score - a.score || a.gpusUsed - b.gpusUsed;
}
