import { estimate } from '../model/index.js';
import { search } from './search.js';
import { isRecord, report, type Path, type ReadContext } from '../core/index.js';
import { parseSpecValue } from '../spec/index.js';
import type { ResolvedJob } from '../sim/index.js';

/**
 * The one answer both doors give (`colossus simulate` and `POST /api/simulate`): resolves a simulator job given as model/training/parallel (the estimate contract) to a step
 * time (with the model's parameters and tokens per step) with the performance model. Without `parallel`, the best plan found by `search` is used.
 * Issues are reported at the job's fields, with file positions.
 */
export function resolveStepTimeS(jobSpec: unknown, ctx: ReadContext, path: Path): ResolvedJob | undefined {
  const planOptional = !isRecord(jobSpec) || jobSpec['parallel'] === undefined;
  const r = parseSpecValue(jobSpec, ctx.doc, path, { planOptional });
  if (!r.ok) {
    ctx.issues.push(...r.issues);
    return undefined;
  }
  if (!planOptional) {
    const e = estimate(r.spec);
    if (!e.fits) {
      report(ctx, [...path, 'parallel'], `does not fit in memory (${e.memory.totalGiB.toFixed(1)} of ${e.memory.usableGiB.toFixed(1)} GiB)`, {
        expected: 'a plan that fits (or leave parallel out to search for one)',
      });
      return undefined;
    }
    return { stepTimeS: e.stepTimeS, paramsTotal: e.paramsTotal, tokensPerStep: e.tokensPerStep };
  }
  const best = search(r.spec, { top: 1 }).plans[0];
  if (!best) {
    report(ctx, [...path, 'model'], 'has no parallel plan that fits in memory on this cluster', { expected: 'more GPUs or a smaller model' });
    return undefined;
  }
  return { stepTimeS: best.estimate.stepTimeS, paramsTotal: best.estimate.paramsTotal, tokensPerStep: best.estimate.tokensPerStep };
}
