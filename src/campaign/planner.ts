import type { Estimate } from '../model/result.js';
import type { ParallelPlan } from '../spec/types.js';

/** A plan for one job on `capacityGpus` GPUs of one type; the job may use fewer GPUs. */
export interface PlannedJob {
  parallel: ParallelPlan;
  gpusUsed: number;
  estimate: Estimate;
}

/**
 * Chooses the plan for a capacity (plan search by default, or fixed degrees). A mixed fleet's
 * `gpuId` joins its types with `+` and `byType` gives each type's usable GPUs. Returns
 * `undefined` when no plan fits on that many GPUs. Must be deterministic; the campaign caches it.
 */
export type Planner = (capacityGpus: number, gpuId: string, byType?: Readonly<Record<string, number>>) => PlannedJob | undefined;
