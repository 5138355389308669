import { maxOf, sumOf, type PipelineSchedule, type PipelineTimes } from './schedule.js';

/**
 * 1F1B (PipeDream-Flush; Narayanan et al. 2021 §2.2.1, Megatron-LM's non-interleaved
 * schedule). With t_d = f_d + b_d + w_d per micro-batch on device d:
 *   T = Σ_d t_d + (m − 1)·max_d t_d,
 * exact for equal stages — (m + pp − 1)·t, for every m ≥ 1, including m < pp where the
 * pipeline never fills — and an upper bound otherwise (about half the stage imbalance times
 * the fill, see the contract test). Device d holds min(pp − d, m) micro-batches.
 */
export const oneFOneB: PipelineSchedule = {
  id: '1f1b',
  frameworks: 'Megatron-LM, DeepSpeed, torchtitan',
  invalid(pp, vpp) {
    return vpp !== 1 ? 'runs one model chunk per device (vpp 1); interleaving is the interleaved schedule' : undefined;
  },
  pipelineS(pp, _vpp, m, t: PipelineTimes) {
    return sumOf(pp, t.fS, t.bS, t.wS) + (m - 1) * maxOf(pp, t.fS, t.bS, t.wS);
  },
  peakChunks(pp, _vpp, m, d) {
    return Math.min(pp - d, m);
  },
  chunksPerStage() {
    return 1;
  },
  lowerBoundS(pp, _vpp, m, layersS) {
    // Σ t ≥ layersS and max t ≥ layersS/pp.
    return layersS + ((m - 1) * layersS) / pp;
  },
};
