import { findGpu } from '../catalog/gpus.js';
import { searchMixed } from '../fleet/index.js';
import type { Estimate } from '../model/result.js';
import type { CampaignTraining } from './campaign-input.js';
import type { Planner, PlannedJob } from './planner.js';
import { slowestGpu } from './slowest-gpu.js';
import { specFor } from './spec-for.js';

/**
 * The mixed-fleet planner for a campaign: while several GPU types are online, one synchronous
 * job is laid out by `src/fleet` as per-type replicas with balanced micro-batch counts, or as one
 * homogeneous plan on the slowest type if that is faster. With one type online it defers to
 * `single` (plan search).
 */
export function mixedPlanner(training: CampaignTraining, single: Planner): Planner {
  return (capacityGpus, gpuId, byType) => {
    if (!byType || !gpuId.includes('+')) return single(capacityGpus, gpuId);
    const types = Object.keys(byType).filter((g) => (byType[g] ?? 0) > 0);
    // Two types online, but the spares took all of one (they come out of the slowest): a plan on
    // the other alone; none when no type has a usable GPU.
    const [only, second] = types;
    if (only === undefined) return undefined;
    if (second === undefined) return single(capacityGpus, only);
    const slowestId = slowestGpu(types) as string;
    const slowest = single(capacityGpus, slowestId);
    const pools = types.map((g) => ({ gpu: findGpu(g) ?? fail(g), gpus: byType[g] ?? 0 }));
    const base = specFor(training, slowestId, capacityGpus, { tp: 0, pp: 0, dp: 0, cp: 0, ep: 0 });
    const r = searchMixed({ ...base, system: { ...base.system, pools } }, { modes: ['replicas', 'as-slowest'], quick: true });
    const mixed = r.best.replicas;
    if (!mixed || !slowest || mixed.tokensPerSec <= slowest.estimate.tokensPerSec) return slowest;
    // The job's estimate: the slowest type's, with the mixed layout's step and throughput.
    const e: Estimate = {
      ...slowest.estimate,
      stepTimeS: mixed.stepTimeS,
      tokensPerSec: mixed.tokensPerSec,
      tokensPerSecPerGpu: mixed.tokensPerSecPerGpu,
      modelTflopsPerGpu: (slowest.estimate.modelFlopsPerTokenCausal * mixed.tokensPerSecPerGpu) / 1e12,
      mfu: (slowest.estimate.modelFlopsPerTokenCausal * mixed.tokensPerSecPerGpu) / (slowest.estimate.peakTflops * 1e12),
      parallel: mixed.parallel,
      gpusUsed: mixed.gpusUsed,
    };
    const job: PlannedJob = { parallel: mixed.parallel, gpusUsed: mixed.gpusUsed, estimate: e };
    return job;
  };
}

function fail(g: string): never {
  throw new Error(`bug: GPU ${g} is not in the catalog (the scenario parser checks this)`);
}
