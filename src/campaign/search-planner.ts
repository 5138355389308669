import type { GpuSpec } from '../catalog/gpu.js';
import { defaultEfficiency, type EfficiencyModel } from '../model/index.js';
import { search } from '../search/index.js';
import type { CampaignTraining } from './campaign-input.js';
import type { Planner } from './planner.js';
import { specFor } from './spec-for.js';

/**
 * The default planner: plan search (`src/search`) over every degree and knob for the capacity,
 * maximising tokens per second; the job may use fewer GPUs than are online.
 */
export function searchPlanner(training: CampaignTraining, effFor?: (gpu: GpuSpec) => EfficiencyModel | undefined): Planner {
  return (capacityGpus, gpuId) => {
    const spec = specFor(training, gpuId, capacityGpus, { tp: 0, pp: 0, dp: 0, cp: 0, ep: 0 });
    const best = search(spec, { top: 1, objective: 'tokens-per-sec' }, (s) => effFor?.(s.system.gpu) ?? defaultEfficiency(s.system.gpu)).plans[0];
    return best && { parallel: best.parallel, gpusUsed: best.gpusUsed, estimate: best.estimate };
  };
}
