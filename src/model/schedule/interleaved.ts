import { maxOf, sumOf, type PipelineSchedule, type PipelineTimes } from './schedule.js';

/**
 * Megatron-LM's interleaved 1F1B (Narayanan et al. 2021 §2.2.2): each device holds vpp model
 * chunks; a micro-batch loops over the devices vpp times. With t_d per micro-batch on device d
 * (all chunks):
 *   T = m·max_d t_d + (Σ_d t_d − max_d t_d)/vpp,
 * i.e. (m + (pp − 1)/vpp)·t for equal stages (exact) and an upper bound with imbalance.
 * Megatron requires m to be a multiple of pp ("number of microbatches is not divisible by
 * pipeline-model-parallel-size when using interleaved schedule") and at least one layer per
 * virtual stage. Device d holds min(m·vpp, 2(pp − d − 1) + (vpp − 1)·pp + 1) chunks of 1/vpp
 * of its stage: pp·(1 + (pp − 1)/(pp·vpp)) micro-batches on the first.
 */
export const interleaved: PipelineSchedule = {
  id: 'interleaved',
  frameworks: 'Megatron-LM',
  invalid(pp, vpp, m, layers) {
    if (pp === 1) return 'needs pipeline parallelism (pp > 1)';
    if (vpp < 2) return 'needs vpp ≥ 2 (vpp 1 is 1f1b)';
    if (pp * vpp > layers) return `pp·vpp = ${pp * vpp} exceeds the ${layers} layers (a virtual stage needs a layer)`;
    if (m % pp !== 0) return `Megatron-LM needs the micro-batches per pipeline (${m}) to be a multiple of pp (${pp})`;
    return undefined;
  },
  pipelineS(pp, vpp, m, t: PipelineTimes) {
    const max = maxOf(pp, t.fS, t.bS, t.wS);
    return m * max + (sumOf(pp, t.fS, t.bS, t.wS) - max) / vpp;
  },
  peakChunks(pp, vpp, m, d) {
    return Math.min(m * vpp, 2 * (pp - d - 1) + (vpp - 1) * pp + 1);
  },
  chunksPerStage(vpp) {
    return vpp;
  },
  lowerBoundS(pp, vpp, m, layersS) {
    // (m − 1/vpp)·max + Σ/vpp with max ≥ Σ/pp, Σ ≥ layersS.
    return ((m + (pp - 1) / vpp) * layersS) / pp;
  },
};
