import { findGpu } from '../catalog/gpus.js';
import { isSlowerGpu } from '../catalog/slower.js';

/** The slowest of several GPU types (`isSlowerGpu`; unknown ids last). A combined job runs on its plan. */
export function slowestGpu(gpuIds: readonly string[]): string | undefined {
  let best: string | undefined;
  for (const id of gpuIds) {
    const g = findGpu(id);
    const b = best === undefined ? undefined : findGpu(best);
    if (best === undefined || (g && (!b || isSlowerGpu(g, b)))) best = id;
  }
  return best;
}
