import type { GpuSpec } from '../catalog/gpu.js';
import type { EfficiencyModel } from '../model/efficiency.js';
import { estimate } from '../model/estimate.js';
import type { CampaignTraining } from './campaign-input.js';
import type { Planner } from './planner.js';
import { specFor } from './spec-for.js';

/**
 * A planner for fixed tp·pp·cp·ep degrees: data parallelism fills the capacity (the largest dp that
 * fits in it, divides the global batch and leaves whole expert groups); the tuning knobs
 * (micro-batch, recompute, vpp, ...) are resolved by `estimate` to the fastest that fits. Not a
 * search: a scenario that pins its degrees gets exactly them.
 */
export function fixedDegreePlanner(
  training: CampaignTraining,
  degrees: { tp: number; pp: number; cp: number; ep: number },
  effFor?: (gpu: GpuSpec) => EfficiencyModel | undefined,
): Planner {
  const { tp, pp, cp, ep } = degrees;
  const replicaGpus = tp * pp * cp;
  return (capacityGpus, gpuId) => {
    let dp = Math.floor(capacityGpus / replicaGpus);
    while (dp > 0 && (training.globalBatch % dp !== 0 || (tp * cp * dp) % ep !== 0)) dp--;
    if (dp === 0) return undefined;
    const spec = specFor(training, gpuId, replicaGpus * dp, { tp, pp, dp, cp, ep });
    const est = estimate(spec, effFor?.(spec.system.gpu));
    if (!est.fits) return undefined;
    return { parallel: est.parallel, gpusUsed: est.gpusUsed, estimate: est };
  };
}
