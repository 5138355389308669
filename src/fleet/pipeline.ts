import {
  FRAGMENTATION,
  OPTIMIZER_BYTES_PER_PARAM,
  WORKSPACE_GIB,
  allReduceS,
  defaultEfficiency,
  layerPhase,
  sendRecvS,
  gradientBytes,
  stateBytesPerParam,
  usableHbmBytes,
  type EfficiencyModel,
  type LayerPhase,
} from '../model/index.js';
import type { GpuPool, ParallelPlan, Recompute, Spec } from '../spec/types.js';
import { gcd, poolSpec } from './replicas.js';
import type { MixedEstimate } from './types.js';

const GIB = 2 ** 30;

export interface PipelineSplit {
  /** Index of the pool that takes the first stages (the larger-memory GPU). */
  firstPool: 0 | 1;
  /** Stages of each pipeline on the first pool, and layers per such stage. */
  firstStages: number;
  firstLayersPerStage: number;
  /** Recomputation on the first pool's stages (the other pool uses the plan's). */
  firstRecompute: Recompute;
}

function perLayer(L: LayerPhase, layers: number): { s: number; act: number; dense: number; expert: number } {
  return {
    s: (L.nDense * L.denseLayerS + L.nMoe * L.moeLayerS) / layers,
    act: (L.nDense * L.actDense + L.nMoe * L.actMoe) / layers,
    dense: (layers * L.attnParams + L.nDense * L.denseMlpParams + L.nMoe * L.moeDenseParams) / layers,
    expert: (L.nMoe * L.moeExpertParams) / layers,
  };
}

/**
 * Pipelines that span two pools: the first `firstStages` stages of every pipeline on one pool
 * (its larger memory holds the most in-flight micro-batches), the rest on the other, layers
 * split unevenly so that the stages take about the same time. One synchronous 1F1B schedule
 * (no interleaving): the slowest stage sets the pace.
 */
export function evaluatePipeline(spec: Spec, plan: ParallelPlan, split: PipelineSplit, memoryMargin = 0, effFor?: (pool: GpuPool) => EfficiencyModel): MixedEstimate | undefined {
  const pools = spec.system.pools;
  if (!pools || pools.length !== 2) return undefined;
  const { tp, pp, cp, ep, microBatch: b } = plan;
  const m = spec.model;
  const A = pools[split.firstPool] as GpuPool;
  const Bq = pools[1 - split.firstPool] as GpuPool;
  const pA = split.firstStages;
  const pB = pp - pA;
  if (pA < 1 || pB < 1) return undefined;
  const lA = split.firstLayersPerStage;
  const restLayers = m.layers - pA * lA;
  if (lA < 1 || restLayers < pB) return undefined;
  const lB = Math.ceil(restLayers / pB);
  const unit = ep / gcd(ep, tp * cp);
  // Pipelines: the most that both pools hold and that divide the batch's micro-batches.
  const N = spec.training.globalBatch / b;
  if (!Number.isInteger(N)) return undefined;
  let D = Math.floor(Math.min(A.gpus / (tp * cp * pA), Bq.gpus / (tp * cp * pB)) / unit) * unit;
  while (D >= unit && N % D !== 0) D -= unit;
  if (D < 1) return undefined;
  const mb = spec.training.globalBatch / (D * b);
  const planA = { ...plan, recompute: split.firstRecompute, vpp: 1 };
  const planB = { ...plan, vpp: 1 };
  const LA = layerPhase(poolSpec(spec, A), planA, effFor?.(A) ?? defaultEfficiency(A.gpu));
  const LB = layerPhase(poolSpec(spec, Bq), planB, effFor?.(Bq) ?? defaultEfficiency(Bq.gpu));
  const a = perLayer(LA, m.layers);
  const bb = perLayer(LB, m.layers);

  const firstS = lA * a.s + LA.embedS;
  const midAS = lA * a.s;
  const midBS = lB * bb.s;
  const lastS = lB * bb.s + LB.headS;
  const criticalS = Math.max(firstS, midAS, midBS, lastS);
  const avgS = (pA * midAS + LA.embedS + restLayers * bb.s + LB.headS) / pp;
  const ppS = 2 * sendRecvS(LA.net, (LA.tokens * m.hidden * 2) / tp, true);
  const bubbleS = (pp - 1) * (avgS + ppS);

  // Data parallelism and optimizer, per stage type (the slower one counts).
  const shards = D * cp;
  const expertShards = Math.max(1, (D * cp * tp) / ep);
  const stageParams = (layers: number, x: typeof a, emb: number) => ({ dense: (layers * x.dense + emb * m.vocab * m.hidden) / tp, expert: (layers * x.expert) / ep });
  const sA = stageParams(lA, a, 1);
  const sB = stageParams(lB, bb, 1);
  const grads = gradientBytes(LA.stack.gradPrecision, plan.zeroStage);
  const grad = grads.wire;
  // Each stage's gradient sync hides behind the last micro-batch's backward of the critical
  // stage (a faster stage reaches the flush early and syncs while it waits).
  const dpS = (L: LayerPhase, sp: { dense: number; expert: number }) =>
    Math.max(0, allReduceS(L.net, sp.dense * grad, shards, tp) + (sp.expert > 0 ? allReduceS(L.net, sp.expert * grad, expertShards, ep) : 0) - (L.eff.dpOverlap * criticalS * 2) / 3);
  const dpExposedS = Math.max(dpS(LA, sA), dpS(LB, sB));
  const sharded = plan.zeroStage >= 1;
  const optS = (L: LayerPhase, sp: { dense: number; expert: number }) =>
    ((sp.dense / (sharded ? shards : 1) + sp.expert / (sharded ? expertShards : 1)) * OPTIMIZER_BYTES_PER_PARAM) / L.hbmBps;
  const optimizerS = Math.max(optS(LA, sA), optS(LB, sB));
  const stepTimeS = mb * (criticalS + ppS) + bubbleS + dpExposedS + optimizerS;

  // Memory: first stage of each pool holds the most in-flight micro-batches (1F1B: p − index).
  const mem = (L: LayerPhase, sp: { dense: number; expert: number }, layers: number, act: number, inflight: number) => {
    const z = stateBytesPerParam(plan.zeroStage, shards, grads.kept, L.stack.optimizerBytes);
    const zE = stateBytesPerParam(plan.zeroStage, expertShards, grads.kept, L.stack.optimizerBytes);
    const states = sp.dense * (z.weights + z.gradients + z.optimizer) + sp.expert * (zE.weights + zE.gradients + zE.optimizer) + (L.fp8 ? sp.dense + sp.expert : 0);
    const activations = (layers * act + (2 * L.tokens * m.hidden) / L.spDiv) * inflight + L.actRecomputeLayer;
    return states + activations + WORKSPACE_GIB * GIB + FRAGMENTATION * activations;
  };
  const memA = mem(LA, sA, lA, a.act, Math.min(pp, mb));
  const memB = mem(LB, sB, lB, bb.act, Math.min(pB, mb));
  const limitA = usableHbmBytes(A.gpu) * (1 - memoryMargin);
  const limitB = usableHbmBytes(Bq.gpu) * (1 - memoryMargin);
  const gpusA = D * tp * cp * pA;
  const gpusB = D * tp * cp * pB;
  const gpusUsed = gpusA + gpusB;
  const tokensPerSec = (spec.training.globalBatch * spec.training.seqLen) / stepTimeS;
  const busy = (gpusA * Math.max(firstS, midAS) + gpusB * Math.max(midBS, lastS)) / (gpusUsed * criticalS);
  const shares = [
    { gpu: A.gpu.id, gpus: A.gpus, gpusUsed: gpusA, replicas: D, stages: pA, layersPerStage: lA, recompute: split.firstRecompute, busyS: mb * Math.max(firstS, midAS), memoryGiB: memA / GIB, usableGiB: usableHbmBytes(A.gpu) / GIB, fits: memA <= limitA },
    { gpu: Bq.gpu.id, gpus: Bq.gpus, gpusUsed: gpusB, replicas: D, stages: pB, layersPerStage: lB, recompute: plan.recompute, busyS: mb * Math.max(midBS, lastS), memoryGiB: memB / GIB, usableGiB: usableHbmBytes(Bq.gpu) / GIB, fits: memB <= limitB },
  ];
  if (split.firstPool === 1) shares.reverse();
  return {
    mode: 'pipeline',
    parallel: { ...plan, vpp: 1, dp: D },
    stepTimeS,
    tokensPerSec,
    tokensPerSecPerGpu: tokensPerSec / gpusUsed,
    gpusUsed,
    fits: memA <= limitA && memB <= limitB,
    pools: shares,
    idleFraction: 1 - busy,
  };
}
