/**
 * How many cases a property test draws: `n`, or a tenth of it (at least 3) under mutation testing.
 * StrykerJS runs a module's tests once per mutant on instrumented code, several times slower; the
 * search's two pruning properties alone take a minute there. `vitest.stryker.config.ts` sets
 * COLOSSUS_PROPERTY_RUNS_SCALE; `npm test` and CI never do, so they draw every case. Fewer cases
 * can only kill fewer mutants: the score measured this way is a lower bound of the full suite's.
 */
export function propertyRuns(n: number): number {
  const scale = Number(process.env['COLOSSUS_PROPERTY_RUNS_SCALE'] ?? '1');
  return Number.isFinite(scale) && scale > 0 && scale < 1 ? Math.max(3, Math.ceil(n * scale)) : n;
}
