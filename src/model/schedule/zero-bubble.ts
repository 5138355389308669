import { maxOf, sumOf, type PipelineSchedule, type PipelineTimes } from './schedule.js';

/**
 * ZB-H1 (Qi et al., "Zero Bubble Pipeline Parallelism", ICLR 2024, arXiv 2401.10241, §2.1):
 * 1F1B with the backward split into B (input gradients, on the critical path) and W (weight
 * gradients, deferred by d micro-batches on device d to fill the drain), keeping 1F1B's peak
 * memory. For equal devices (three critical paths, found on the event reference, exact), with
 * k = m + pp − 1 and n = max(m, pp):
 *   T = max( k·(f + b) + max(1, m − pp + 1)·w,   n·f + k·b + m·w,   k·f + n·b + m·w )
 * — for m ≥ pp and w ≤ min(f, b) the first, m·(f + b + w) + (pp − 1)·(f + b − w): the paper's
 * bubble (pp − 1)(F + B − W), a third of 1F1B's when F = B = W; when w exceeds f or b the W no
 * longer fit the drain. With per-device times each k·x is Σ_d x_d + (m − 1)·max_d x_d and the
 * other terms use max_d x_d (an upper bound). Every device holds min(pp, m) micro-batches.
 * Runs on Megatron-LM forks (sail-sg/zero-bubble-pipeline-parallelism) and torchtitan.
 */
export const zeroBubble: PipelineSchedule = {
  id: 'zero-bubble',
  frameworks: 'Megatron-LM with the ZB patches (sail-sg), torchtitan',
  invalid(pp, vpp) {
    if (pp === 1) return 'needs pipeline parallelism (pp > 1)';
    if (vpp !== 1) return 'ZB-H1 runs one model chunk per device (vpp 1)';
    return undefined;
  },
  pipelineS(pp, _vpp, m, t: PipelineTimes) {
    const fMax = maxOf(pp, t.fS);
    const bMax = maxOf(pp, t.bS);
    const wMax = maxOf(pp, t.wS);
    const fSum = sumOf(pp, t.fS);
    const bSum = sumOf(pp, t.bS);
    const fChain = fSum + (m - 1) * fMax; // (m + pp − 1)·f for equal devices
    const bChain = bSum + (m - 1) * bMax;
    const n = Math.max(m, pp);
    const a = fChain + bChain + Math.max(1, m - pp + 1) * wMax; // W fit the drain
    const b = n * fMax + bChain + m * wMax; // w > f: the W no longer fit behind the forwards
    const c = fChain + n * bMax + m * wMax; // b < w: nor behind the input-gradient passes
    return Math.max(a, b, c);
  },
  peakChunks(pp, _vpp, m) {
    return Math.min(pp, m);
  },
  chunksPerStage() {
    return 1;
  },
  lowerBoundS(pp, _vpp, m, layersS) {
    // Every device works m·t_d ≥ m·layersS/pp.
    return (m * layersS) / pp;
  },
};
