import type { TrainingConfig } from '../../spec/types.js';
import { allReduceS, reduceScatterS, type Network } from '../collectives.js';
import type { EfficiencyModel } from '../efficiency.js';
import { gradientBytes } from '../memory.js';

/** Data-parallel and ZeRO communication of one plan (seconds) and the gradient bytes it keeps. */
export interface DataParallelCost {
  /** Gradient reduction (and parameter gather) once per step. */
  dpCommS: number;
  /** ZeRO-2/3 traffic per micro-batch on the critical path, and its hidden part. */
  zeroPerMbS: number;
  zeroHiddenPerMbS: number;
  /** Bytes per gradient element kept in the main-gradient buffer. */
  gradKeptBytes: number;
}

export function newDataParallelCost(): DataParallelCost {
  return { dpCommS: 0, zeroPerMbS: 0, zeroHiddenPerMbS: 0, gradKeptBytes: 0 };
}

/**
 * Data parallelism: gradient reduce-scatter + parameter all-gather (an all-reduce's bytes).
 * BF16 gradients with the distributed optimizer (Megatron's default), FP32 otherwise.
 * `criticalS` is one micro-batch on the busiest stage (what per-micro-batch ZeRO traffic hides behind).
 */
export function dataParallelCost(
  net: Network, eff: EfficiencyModel, training: TrainingConfig, tp: number, ep: number, dp: number, cp: number, zeroStage: number,
  heavyDense: number, heavyExpert: number, criticalS: number, out: DataParallelCost,
): DataParallelCost {
  const stateParams = heavyDense + heavyExpert;
  const denseShards = dp * cp;
  const expertShards = Math.max(1, (dp * cp * tp) / ep);
  const grads = gradientBytes(training.gradPrecision, zeroStage);
  const gradWireBytes = grads.wire;
  let dpCommS = allReduceS(net, heavyDense * gradWireBytes, denseShards, tp) + (heavyExpert > 0 ? allReduceS(net, heavyExpert * gradWireBytes, expertShards, ep) : 0);
  let zeroPerMbS = 0;
  let zeroHiddenPerMbS = 0;
  if (zeroStage >= 3) {
    // ZeRO-3 gathers weights for forward and again for backward and reduce-scatters gradients
    // every micro-batch, as one flat ring over the data-parallel ranks: beyond one NVLink
    // domain every GPU's share crosses its own NIC (Narayanan et al. 2021, Table 2).
    const flatStride = denseShards * tp > net.domain ? net.domain : tp;
    const perMb = 3 * reduceScatterS(net, stateParams * 2, denseShards, flatStride);
    zeroHiddenPerMbS = eff.zeroOverlap * Math.min(perMb, criticalS);
    zeroPerMbS = perMb - zeroHiddenPerMbS;
    dpCommS = 0;
  } else if (zeroStage === 2) {
    // ZeRO-2 reduce-scatters gradients every micro-batch, behind its backward.
    const perMb = reduceScatterS(net, stateParams * gradWireBytes, denseShards, tp);
    zeroHiddenPerMbS = eff.zeroOverlap * Math.min(perMb, criticalS);
    zeroPerMbS = perMb - zeroHiddenPerMbS;
    dpCommS = reduceScatterS(net, stateParams * 2, denseShards, tp);
  }
  out.dpCommS = dpCommS;
  out.zeroPerMbS = zeroPerMbS;
  out.zeroHiddenPerMbS = zeroHiddenPerMbS;
  out.gradKeptBytes = grads.kept;
  return out;
}
