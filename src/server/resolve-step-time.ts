import { estimate } from '../model/index.js';
import type { ResolveStepTimeS } from '../sim/index.js';
import { parseSpecValue } from '../spec/index.js';

/** The simulator's hook for `job.model/training/parallel`: the performance model's step time, issues under `job`. */
export const resolveStepTimeS: ResolveStepTimeS = (jobSpec, ctx, path) => {
  const r = parseSpecValue(jobSpec, ctx.doc, path);
  if (!r.ok) {
    ctx.issues.push(...r.issues);
    return undefined;
  }
  return estimate(r.spec).stepTimeS;
};
