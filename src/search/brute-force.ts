import { evaluate, scheduleProblem, usableHbmBytes } from '../model/index.js';
import type { ParallelPlan, Precision, Recompute, Spec } from '../spec/types.js';
import { ratesFor, score } from './objective.js';
import { searchSpace } from './space.js';
import type { SearchOptions } from './types.js';

/**
 * Reference search: every plan of the same space through the plain estimator, no bounds, no
 * reuse, over the same precisions (`opts.precisions`, default the spec's). Slow; it exists to prove
 * that the fast search's pruning never changes the answer.
 */
export function bruteForceBest(spec: Spec, opts: SearchOptions = {}): { plan: ParallelPlan; precision: Precision; score: number; count: number } | undefined {
  const objective = opts.objective ?? 'tokens-per-sec';
  const space = searchSpace(spec, opts.precisions);
  const rates = ratesFor(spec.system.gpu, opts);
  const memLimit = usableHbmBytes(spec.system.gpu) * (1 - (opts.memoryMargin ?? 0.05));
  const G = spec.system.gpus;
  const B = spec.training.globalBatch;
  let best: { plan: ParallelPlan; precision: Precision; score: number; count: number } | undefined;
  let count = 0;
  for (const precision of space.precisions) {
    const training = precision === spec.training.precision ? spec.training : { ...spec.training, precision };
    for (const tp of space.tps)
      for (const cp of space.cps)
        for (const ep of space.eps)
          for (const epFacts of space.epFactsFor(ep))
          for (const cpComm of space.cpCommsFor(tp, cp))
          for (const microBatch of space.microBatches)
            for (const sequenceParallel of space.sequenceParallel)
              for (const recompute of space.recomputes as Recompute[])
                for (const pp of space.pps)
                  for (const vpp of space.vppsFor(pp))
                    for (const schedule of space.schedulesFor(pp, vpp))
                    for (const dp of space.dpsFor(tp * cp * pp))
                      for (const zeroStage of space.zeroStages) {
                        if (tp === 1 && sequenceParallel) continue;
                        if (tp * cp * pp * dp > G || pp > spec.model.layers) continue;
                        if ((B / dp) % microBatch !== 0 || (tp * cp * dp) % ep !== 0 || (spec.model.moe?.experts ?? 1) % ep !== 0) continue;
                        if (scheduleProblem(schedule, pp, vpp, B / dp / microBatch, spec.model.layers)) continue;
                        const plan: ParallelPlan = { tp, pp, dp, cp, ep, vpp, microBatch, sequenceParallel, recompute, distributedOptimizer: zeroStage >= 1, zeroStage, tpCommOverlap: space.tpCommOverlap, ...epFacts, ...(cpComm !== undefined ? { cpComm } : {}), schedule };
                        count++;
                        const e = evaluate({ model: spec.model, system: spec.system, training, parallel: plan });
                        if (e.memory.totalGiB * 2 ** 30 > memLimit) continue;
                        const s = score(objective, e.tokensPerSec, e.gpusUsed, rates, spec.training.tokens);
                        if (!best || s > best.score) best = { plan, precision, score: s, count: 0 };
                      }
  }
  return best ? { ...best, count } : undefined;
}
