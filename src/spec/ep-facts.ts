import type { ParallelPlan } from './types.js';

/** The expert-parallel software facts of a plan (dispatcher, all-to-all overlap), only those set. */
export type EpFacts = Pick<ParallelPlan, 'epDispatch' | 'epCommOverlap'>;

/** Copy the EP facts a plan sets, leaving absent ones absent (exactOptionalPropertyTypes). */
export function epFactsOf(p: EpFacts): EpFacts {
  const out: EpFacts = {};
  if (p.epDispatch !== undefined) out.epDispatch = p.epDispatch;
  if (p.epCommOverlap !== undefined) out.epCommOverlap = p.epCommOverlap;
  return out;
}
