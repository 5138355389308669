import type { GradPrecision, TrainingConfig } from '../../spec/types.js';
import { allReduceS, reduceScatterS, type Network } from '../collectives.js';
import type { EfficiencyModel } from '../efficiency.js';
import { gradientBytes } from '../memory.js';
import { ddpBuckets } from '../network/overlap.js';
import type { ShardedDataParallel } from '../stack/stack.js';

/** Data-parallel and ZeRO communication of one plan (seconds) and the gradient bytes it keeps. */
export interface DataParallelCost {
  /** Gradient reduction (and parameter gather) once per step: `gradSyncS` + `paramGatherS`. */
  dpCommS: number;
  /**
   * Its two halves: the gradient reduce-scatter (all-reduce without the distributed optimizer),
   * which overlaps the last micro-batch's backward, and the parameter all-gather, which
   * overlaps the next step's first forward (Megatron-Core overlap-grad-reduce /
   * overlap-param-gather).
   */
  gradSyncS: number;
  paramGatherS: number;
  /** Megatron-Core DDP buckets the step's gradients travel in (over all model chunks). */
  buckets: number;
  /** ZeRO-2/3 traffic per micro-batch on the critical path, and its hidden part. */
  zeroPerMbS: number;
  zeroHiddenPerMbS: number;
  /** Bytes per gradient element kept in the main-gradient buffer. */
  gradKeptBytes: number;
}

export function newDataParallelCost(): DataParallelCost {
  return { dpCommS: 0, gradSyncS: 0, paramGatherS: 0, buckets: 1, zeroPerMbS: 0, zeroHiddenPerMbS: 0, gradKeptBytes: 0 };
}

/**
 * Data parallelism: gradient reduce-scatter + parameter all-gather (an all-reduce's bytes).
 * BF16 gradients with the distributed optimizer (Megatron's default), FP32 otherwise.
 * `criticalS` is one micro-batch on the busiest stage (what per-micro-batch ZeRO traffic hides behind).
 */
/**
 * One all-gather (or reduce-scatter) of a stage's sharded state: the replicated parameters over
 * the data-parallel ranks (`denseShards`, stride `denseStride`), the experts over their own
 * expert-data-parallel group (`expertShards`, stride ep: the ranks holding the same experts).
 * Both share the NIC, so their times add.
 */
export function shardedPassS(net: Network, denseBytes: number, expertBytes: number, denseShards: number, expertShards: number, denseStride: number, ep: number): number {
  return reduceScatterS(net, denseBytes, denseShards, denseStride) + (expertBytes > 0 ? reduceScatterS(net, expertBytes, expertShards, Math.max(ep, denseStride)) : 0);
}

export function dataParallelCost(
  net: Network, eff: EfficiencyModel, training: TrainingConfig, tp: number, ep: number, dp: number, cp: number, zeroStage: number,
  heavyDense: number, heavyExpert: number, criticalS: number, vpp: number, out: DataParallelCost,
  sharded?: ShardedDataParallel, pp = 1, stageLayers = 1, commSmShare = 0, fp32Wire = false, gradPrecision: GradPrecision | undefined = training.gradPrecision,
): DataParallelCost {
  const stateParams = heavyDense + heavyExpert;
  const denseShards = dp * cp;
  const expertShards = Math.max(1, (dp * cp * tp) / ep);
  const grads = gradientBytes(gradPrecision ?? (fp32Wire ? 'fp32' : undefined), zeroStage);
  const gradWireBytes = grads.wire;
  // ZeRO-1 (distributed optimizer): reduce-scatter the gradients, all-gather the updated
  // parameters (each half an all-reduce's bytes). ZeRO-0: one all-reduce of the gradients,
  // with NCCL's choice of ring, tree or in-network reduction.
  let gradSyncS: number;
  let paramGatherS: number;
  if (zeroStage === 0) {
    gradSyncS = allReduceS(net, heavyDense * gradWireBytes, denseShards, tp) + (heavyExpert > 0 ? allReduceS(net, heavyExpert * gradWireBytes, expertShards, ep) : 0);
    paramGatherS = 0;
  } else if (fp32Wire && gradPrecision === undefined) {
    // DeepSpeed BF16_Optimizer: the FP32 gradients all-reduced, each rank updates its shard,
    // the BF16 parameters all-gathered.
    gradSyncS = allReduceS(net, heavyDense * gradWireBytes, denseShards, tp) + (heavyExpert > 0 ? allReduceS(net, heavyExpert * gradWireBytes, expertShards, ep) : 0);
    paramGatherS = reduceScatterS(net, stateParams * 2, denseShards, tp);
  } else {
    gradSyncS = reduceScatterS(net, heavyDense * gradWireBytes, denseShards, tp) + (heavyExpert > 0 ? reduceScatterS(net, heavyExpert * gradWireBytes, expertShards, ep) : 0);
    paramGatherS = gradSyncS;
  }
  let zeroPerMbS = 0;
  let zeroHiddenPerMbS = 0;
  if (zeroStage >= 3) {
    // ZeRO-3 gathers weights for forward and again for backward and reduce-scatters gradients
    // every micro-batch, as one flat ring over the data-parallel ranks: beyond one NVLink
    // domain every GPU's share crosses its own NIC (Narayanan et al. 2021, Table 2).
    // The experts' shards live in the expert-data-parallel group (expertShards ranks, stride ep):
    // with EP filling the NVLink domain every member sits in another domain, so all of their
    // bytes cross the NIC (no intra-domain stage of a hierarchical ring helps them).
    const flatStride = denseShards * tp > net.domain && (sharded?.flatRing ?? true) ? net.domain : tp;
    const passS = shardedPassS(net, heavyDense * 2, heavyExpert * 2, denseShards, expertShards, flatStride, ep);
    gradSyncS = 0;
    paramGatherS = 0;
    if (sharded && pp > 1 && sharded.keepGatheredWithPipeline) {
      // Gathered once per step, gradients reduced on the last micro-batch (torchtitan with PP).
      gradSyncS = passS;
      paramGatherS = passS;
    } else if (sharded && sharded.overlap === 'layer') {
      // Per micro-batch: a gather for the forward, another for the backward if resharded, a
      // reduce-scatter unless deferred to the step. Each layer's collectives run behind the
      // neighbouring layer's compute: exposed are what the compute cannot cover, the first
      // gather and the last reduce-scatter (one layer's share each), and the slowdown of the
      // compute they overlap by the SMs they hold.
      const passes = (sharded.reshardAfterForward ? 2 : 1) + (sharded.reduceScatterPerMicroBatch ? 1 : 0);
      if (!sharded.reduceScatterPerMicroBatch) gradSyncS = passS;
      const perMb = passes * passS;
      const edgeS = (2 * passS) / Math.max(1, stageLayers);
      const exposed = Math.min(perMb, Math.max(0, perMb - criticalS) + edgeS);
      zeroHiddenPerMbS = perMb - exposed;
      zeroPerMbS = exposed + Math.min(perMb, criticalS) * commSmShare;
    } else {
      const perMb = 3 * passS;
      zeroHiddenPerMbS = eff.zeroOverlap * Math.min(perMb, criticalS);
      zeroPerMbS = perMb - zeroHiddenPerMbS;
    }
  } else if (zeroStage === 2) {
    // ZeRO-2 reduce-scatters gradients every micro-batch, behind its backward.
    const perMb = shardedPassS(net, heavyDense * gradWireBytes, heavyExpert * gradWireBytes, denseShards, expertShards, tp, ep);
    zeroHiddenPerMbS = eff.zeroOverlap * Math.min(perMb, criticalS);
    zeroPerMbS = perMb - zeroHiddenPerMbS;
    gradSyncS = 0;
    paramGatherS = shardedPassS(net, heavyDense * 2, heavyExpert * 2, denseShards, expertShards, tp, ep);
  }
  out.dpCommS = gradSyncS + paramGatherS;
  out.gradSyncS = gradSyncS;
  out.paramGatherS = paramGatherS;
  out.buckets = ddpBuckets(stateParams, vpp, denseShards);
  out.zeroPerMbS = zeroPerMbS;
  out.zeroHiddenPerMbS = zeroHiddenPerMbS;
  out.gradKeptBytes = grads.kept;
  return out;
}
