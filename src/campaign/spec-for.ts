import { findGpu } from '../catalog/gpus.js';
import type { PartialPlan, Spec } from '../spec/types.js';
import type { CampaignTraining } from './campaign-input.js';

/**
 * The estimate spec of the campaign's model on `gpus` GPUs of type `gpuId` (a catalog id), with
 * the given degrees (0 = free, for plan search). System defaults are the GPU's, as in `estimate`.
 */
export function specFor(training: CampaignTraining, gpuId: string, gpus: number, parallel: PartialPlan): Spec {
  const gpu = findGpu(gpuId);
  if (!gpu) throw new Error(`bug: GPU ${gpuId} is not in the catalog (the scenario parser checks this)`);
  return {
    model: training.model,
    system: {
      gpu,
      gpus,
      gpusPerNode: gpu.gpusPerNode,
      nvlinkDomain: training.system.nvlinkDomain ?? gpu.nvlinkDomain,
      scaleOutGbpsPerGpu: training.system.scaleOutGbpsPerGpu ?? gpu.nicGbps,
      oversubscription: training.system.oversubscription ?? 1,
    },
    training: {
      seqLen: training.seqLen,
      globalBatch: training.globalBatch,
      precision: training.precision,
      attention: training.attention,
      tokens: training.tokens,
      ...(training.gradPrecision !== undefined ? { gradPrecision: training.gradPrecision } : {}),
    },
    parallel: { ...training.facts, ...parallel },
  };
}
