import { describe, expect, it } from 'vitest';
import { parseSpecValue } from '../../spec/index.js';
import type { ParallelPlan } from '../../spec/types.js';
import { routeOf } from '../collectives.js';
import { GIB } from '../constants.js';
import { modelFlopsPerToken, paramCounts } from '../flops.js';
import type { LayerCost } from '../layer/layer-cost.js';
import { defaultEfficiency, layerPhase, type LayerPhase } from '../layer/layer-phase.js';
import { assembleEstimate } from './assemble.js';
import { newStepParts, type StepParts } from './step-phase.js';

// assembleEstimate only adds up what the layer phase and the step phase computed. Here both are
// hand-made (a real spec, network and stack, but per-layer costs and step parts with round
// numbers), so every term of the report can be worked out by hand below.

function specOf(model: string) {
  const r = parseSpecValue({ model, system: { gpu: 'h100-sxm', gpus: 1024 }, training: { seqLen: 4096, globalBatch: 512 } }, undefined, [], { planOptional: true });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.spec;
}
const spec = specOf('mixtral-8x7b');
const base = { model: spec.model, system: spec.system, training: spec.training };
const lp = { tp: 2, cp: 2, ep: 4, microBatch: 1, sequenceParallel: true, recompute: 'none' as const, tpCommOverlap: true };
const L0 = layerPhase(base, lp, defaultEfficiency(spec.system.gpu));

function cost(scale: number, hwFlops: number): LayerCost {
  return {
    fwdS: 0, bwdS: 0, bwdWeightS: 0, epRawS: 0, hwFlops,
    tpS: 0.01 * scale, cpExposedS: 0.002 * scale, cpOverlappedS: 0.003 * scale, epS: 0.004 * scale, epOverlappedS: 0.005 * scale,
    kernelS: 0.001 * scale, imbalanceS: 0.0006 * scale, imbalanceEpS: 0.0002 * scale,
  };
}
// Dense layers cost 1×, MoE layers 10× the round numbers above.
const L: LayerPhase = { ...L0, dense: cost(1, 1e12), moe: cost(10, 3e12), tpHidden: 0.25, nDense: 2, nMoe: 30, headHw: 5e12 };

const plan: ParallelPlan = { tp: 2, pp: 4, dp: 16, cp: 2, ep: 4, vpp: 1, microBatch: 1, sequenceParallel: true, recompute: 'none', distributedOptimizer: true, zeroStage: 1, tpCommOverlap: true };

function parts(over: Partial<StepParts> = {}): StepParts {
  return Object.assign(newStepParts(), {
    schedule: '1f1b', microBatches: 5, critLayers: 7, critMoe: 3, criticalS: 1, ppPerMbS: 0.07, scheduleHiddenS: 0.9,
    dpCommS: 1, dpExposedS: 0.4, zeroPerMbS: 0.02, zeroHiddenPerMbS: 0.03, heavyDense: 1e9, stepTimeS: 2.5,
    pipelineS: 2.2, bubbleS: 0.3, optimizerS: 0.05, stragglerS: 0.06, inFlight: 4, heavyDevice: 1,
    weightsBytes: 3 * GIB, gradBytes: 1.5 * GIB, optimBytes: 6 * GIB, activationBytes: 20 * GIB, workspaceBytes: 2.75 * GIB, totalBytes: 33.25 * GIB,
  }, over);
}

/** Every key of `want` matches `got` to 12 digits. */
function closeTo(got: Record<string, number>, want: Record<string, number>): void {
  expect(Object.keys(got).sort()).toEqual(Object.keys(want).sort());
  for (const k of Object.keys(want)) expect(got[k], k).toBeCloseTo(want[k] as number, 12);
}

// Per layer on the critical device: 4 dense + 3 MoE layers.
//   tp raw   4·0.01   + 3·0.1   = 0.34   exposed 0.34·(1 − 0.25) = 0.255, hidden 0.085
//   cp       4·0.002  + 3·0.02  = 0.068  (overlapped 4·0.003 + 3·0.03 = 0.102)
//   ep       4·0.004  + 3·0.04  = 0.136  (overlapped 4·0.005 + 3·0.05 = 0.17)
//   kernels  4·0.001  + 3·0.01  = 0.034
//   imbalance 4·0.0006 + 3·0.006 = 0.0204, of it EP 4·0.0002 + 3·0.002 = 0.0068
// compute = 1 − 0.255 − 0.068 − 0.136 − 0.034 − (0.0204 − 0.0068) = 0.4934 per micro-batch.
describe('assembleEstimate: the step breakdown from hand-made parts (5 micro-batches)', () => {
  it('what the schedule hides (0.9 s) covers all exposed EP (5·0.136 = 0.68), then 0.22 s of the 0.35 s of PP', () => {
    const e = assembleEstimate(L, plan, parts());
    expect(e.breakdown.computeS).toBeCloseTo(5 * 0.4934, 12);
    expect(e.breakdown.otherS).toBeCloseTo(5 * 0.034, 12);
    expect(e.breakdown.moeImbalanceS).toBeCloseTo(5 * 0.0204, 12);
    expect(e.breakdown.bubbleS).toBe(0.3);
    expect(e.breakdown.optimizerS).toBe(0.05);
    expect(e.breakdown.stragglerS).toBe(0.06);
    // EP: 5·(0.136 − 0.0068) − 0.68 < 0, floored at 0.
    closeTo({ ...e.breakdown.exposedCommS }, { tp: 5 * 0.255, cp: 5 * 0.068, ep: 0, pp: 0.35 - 0.22, dp: 0.4, zero: 5 * 0.02 });
    closeTo({ ...e.overlappedCommS }, { tp: 5 * 0.085, cp: 5 * 0.102, ep: 5 * 0.17 + 0.68, pp: 0.22, dp: 1 - 0.4, zero: 5 * 0.03 });
  });

  it('hiding 0.3 s covers only part of EP and none of PP', () => {
    const e = assembleEstimate(L, plan, parts({ scheduleHiddenS: 0.3 }));
    closeTo({ ...e.breakdown.exposedCommS }, { tp: 1.275, cp: 0.34, ep: 5 * (0.136 - 0.0068) - 0.3, pp: 0.35, dp: 0.4, zero: 0.1 });
    closeTo({ ...e.overlappedCommS }, { tp: 0.425, cp: 0.51, ep: 0.85 + 0.3, pp: 0, dp: 0.6, zero: 0.15 });
  });

  it('hiding 2 s covers EP and all of PP; nothing is hidden with no schedule overlap', () => {
    const e = assembleEstimate(L, plan, parts({ scheduleHiddenS: 2 }));
    expect(e.breakdown.exposedCommS.pp).toBeCloseTo(0, 12);
    expect(e.overlappedCommS.pp).toBeCloseTo(0.35, 12);
    expect(e.overlappedCommS.ep).toBeCloseTo(0.85 + 0.68, 12);
    const none = assembleEstimate(L, plan, parts({ scheduleHiddenS: 0 }));
    expect(none.breakdown.exposedCommS.ep).toBeCloseTo(5 * (0.136 - 0.0068), 12);
    expect(none.breakdown.exposedCommS.pp).toBeCloseTo(0.35, 12);
    expect(none.overlappedCommS.ep).toBeCloseTo(0.85, 12);
    expect(none.overlappedCommS.pp).toBe(0);
  });

  it('compute is floored at 0 when the communication terms exceed the critical time; hidden DP is floored at 0', () => {
    const e = assembleEstimate(L, plan, parts({ criticalS: 0.3, dpCommS: 0.3 }));
    expect(e.breakdown.computeS).toBe(0);
    expect(e.overlappedCommS.dp).toBe(0);
    expect(e.breakdown.exposedCommS.dp).toBe(0.4);
  });

  it('no TP overlap: all TP exposed, none hidden', () => {
    const e = assembleEstimate({ ...L, tpHidden: 0 }, plan, parts());
    expect(e.breakdown.exposedCommS.tp).toBeCloseTo(5 * 0.34, 12);
    expect(e.overlappedCommS.tp).toBe(0);
  });
});

describe('assembleEstimate: routes and exposed time per tier (tp 2, cp 2, ep 4, dp 16, pp 4 on 8-GPU NVLink domains)', () => {
  const net = L.net;
  const tokens = L.tokens;
  const h = spec.model.hidden;

  it('each kind on its group (Megatron order tp, cp, ep, dp, pp), ZeRO-1 has no per-micro-batch group', () => {
    const r = assembleEstimate(L, plan, parts()).network.routes;
    expect(r.tp).toEqual(routeOf(net, 'reduce-scatter', 2, 1, tokens * h * 2));
    expect(r.tp).toMatchObject({ size: 2, stride: 1, tier: 'nvlink', algorithm: 'ring' });
    expect(r.cp).toEqual({ size: 2, stride: 2, tier: 'nvlink', algorithm: 'p2p' }); // the stack's ring
    expect(r.ep).toEqual({ size: 4, stride: 1, tier: 'nvlink', algorithm: 'pairwise' });
    expect(r.pp).toEqual({ size: 4, stride: 2 * 2 * 16, tier: 'leaf', algorithm: 'p2p' });
    expect(r.dp).toEqual(routeOf(net, 'reduce-scatter', 32, 2, 1e9 * 4));
    expect(r.dp).toMatchObject({ size: 32, stride: 2, tier: 'leaf', algorithm: 'ring' });
    expect(r.zero).toEqual({ size: 1, stride: 2, tier: 'none', algorithm: 'none' });
  });

  it('ZeRO-0 all-reduces FP32 gradients over dp·cp (tree or ring by size), ZeRO-2 reduce-scatters per micro-batch over dp·cp', () => {
    // On this fabric NCCL's all-reduce over 32 ranks is a tree up to 128 MB and a ring from 256 MB.
    const z0 = assembleEstimate(L, { ...plan, zeroStage: 0 }, parts({ heavyDense: 1e7 })).network.routes;
    expect(z0.dp).toEqual(routeOf(net, 'all-reduce', 32, 2, 1e7 * 4));
    expect(z0.dp).toMatchObject({ size: 32, stride: 2, tier: 'leaf', algorithm: 'tree' });
    expect(z0.zero.size).toBe(1);
    // 1e8 FP32 gradients: 400 MB, a ring (a quarter of the bytes would be a tree).
    expect(assembleEstimate(L, { ...plan, zeroStage: 0 }, parts({ heavyDense: 1e8 })).network.routes.dp.algorithm).toBe('ring');
    const z2 = assembleEstimate(L, { ...plan, zeroStage: 2 }, parts()).network.routes;
    expect(z2.dp.algorithm).toBe('ring');
    expect(z2.zero).toEqual(routeOf(net, 'reduce-scatter', 32, 2, 1e9 * 2));
    expect(z2.zero).toMatchObject({ size: 32, stride: 2, tier: 'leaf' });
    expect(assembleEstimate(L, { ...plan, zeroStage: 3 }, parts()).network.routes.zero.size).toBe(32);
  });

  it('Ulysses (cpComm a2a) is an all-to-all; DeepEP names its dispatch; EP 1 or a dense model has no EP route', () => {
    expect(assembleEstimate(L, { ...plan, cpComm: 'a2a' }, parts()).network.routes.cp).toEqual({ size: 2, stride: 2, tier: 'nvlink', algorithm: 'pairwise' });
    expect(assembleEstimate(L, { ...plan, cpComm: 'ring' }, parts()).network.routes.cp.algorithm).toBe('p2p');
    expect(assembleEstimate(L, { ...plan, epDispatch: 'deepep' }, parts()).network.routes.ep).toEqual({ size: 4, stride: 1, tier: 'nvlink', algorithm: 'deepep' });
    expect(assembleEstimate(L, { ...plan, epDispatch: 'alltoall' }, parts()).network.routes.ep.algorithm).toBe('pairwise');
    const none = { size: 1, stride: 1, tier: 'none', algorithm: 'none' };
    expect(assembleEstimate(L, { ...plan, ep: 1, epDispatch: 'deepep' }, parts()).network.routes.ep).toEqual(none);
    const dense = specOf('llama3-8b');
    const Ld: LayerPhase = { ...L, spec: { model: dense.model, system: dense.system, training: dense.training } };
    expect(assembleEstimate(Ld, { ...plan, epDispatch: 'deepep' }, parts()).network.routes.ep).toEqual(none);
  });

  it('exposed seconds add up on the tier each kind reaches; a one-rank group (ZeRO-1 here) counts on none', () => {
    const e = assembleEstimate(L, plan, parts());
    expect(e.network.tiers).toEqual(['nvlink', 'leaf', 'spine', 'core']);
    expect(e.network.fabric).toBe(net.fabric.id);
    // nvlink: tp 1.275 + cp 0.34 + ep 0; leaf: pp 0.13 + dp 0.4; ZeRO's 0.1 s has tier none.
    closeTo(e.network.exposedByTierS, { nvlink: 1.275 + 0.34, leaf: 0.13 + 0.4, spine: 0, core: 0 });
    const b = assembleEstimate(L, plan, parts({ scheduleHiddenS: 0.3 }));
    closeTo(b.network.exposedByTierS, { nvlink: 1.275 + 0.34 + 0.346, leaf: 0.35 + 0.4, spine: 0, core: 0 });
    const z2 = assembleEstimate(L, { ...plan, zeroStage: 2 }, parts());
    closeTo(z2.network.exposedByTierS, { nvlink: 1.615, leaf: 0.53 + 0.1, spine: 0, core: 0 });
  });
});

describe('assembleEstimate: throughput, FLOPs and memory', () => {
  const gpus = 2 * 4 * 16 * 2;
  const tokensPerStep = 512 * 4096;
  const causal = modelFlopsPerToken(spec.model, 4096, true);
  const full = modelFlopsPerToken(spec.model, 4096);
  // Hardware FLOPs: (2 dense · 1e12 + 30 MoE · 3e12 + head 5e12) / pp 4, times 5 micro-batches.
  const hw = ((2e12 + 90e12 + 5e12) / 4) * 5;

  it('tokens, TFLOP/s and utilisation against the GEMM peak and the BF16 peak', () => {
    const e = assembleEstimate(L, plan, parts());
    expect(causal).toBeLessThan(full);
    expect(e.gpusUsed).toBe(256);
    expect(e.microBatchesPerStep).toBe(5);
    expect(e.stepTimeS).toBe(2.5);
    expect(e.tokensPerStep).toBe(tokensPerStep);
    expect(e.tokensPerSec).toBeCloseTo(tokensPerStep / 2.5, 6);
    expect(e.tokensPerSecPerGpu).toBeCloseTo(tokensPerStep / 2.5 / 256, 9);
    expect(e.modelFlopsPerToken).toBe(full);
    expect(e.modelFlopsPerTokenCausal).toBe(causal);
    expect(e.modelTflopsPerGpu).toBeCloseTo((causal * tokensPerStep) / 256 / 2.5 / 1e12, 9);
    expect(e.hardwareTflopsPerGpu).toBeCloseTo(hw / 2.5 / 1e12, 9);
    expect(e.hardwareTflopsPerGpu).toBeCloseTo(48.5, 9);
    expect(e.mfu).toBeCloseTo((causal * tokensPerStep) / gpus / 2.5 / 989.4e12, 12);
    expect(e.mfuBf16).toBeCloseTo((causal * tokensPerStep) / gpus / 2.5 / (spec.system.gpu.bf16Tflops * 1e12), 12);
    expect(e.mfuFullAttention).toBeCloseTo((full * tokensPerStep) / gpus / 2.5 / 989.4e12, 12);
    expect(e.hfu).toBeCloseTo(hw / 2.5 / 989.4e12, 12);
    expect(e.peakTflops).toBeCloseTo(989.4, 9);
    expect(e.paramsTotal).toBe(paramCounts(spec.model).total);
    expect(e.paramsActive).toBe(paramCounts(spec.model).activeMatmul);
    expect(e.parallel).toBe(plan);
    expect('timeToTrainDays' in e).toBe(false);
  });

  it('time to train a token budget: tokens / tokens per second / 86400', () => {
    const Lt: LayerPhase = { ...L, spec: { ...L.spec, training: { ...L.spec.training, tokens: 1e12 } } };
    const e = assembleEstimate(Lt, plan, parts());
    expect(e.timeToTrainDays).toBeCloseTo(1e12 / (tokensPerStep / 2.5) / 86400, 9);
  });

  it('the pipeline as the step phase timed it', () => {
    expect(assembleEstimate(L, plan, parts()).pipeline).toEqual({ schedule: '1f1b', microBatches: 5, pipelineS: 2.2, bubbleS: 0.3, hiddenCommS: 0.9, inFlightMicroBatches: 4, peakMemoryStage: 1 });
  });

  it('memory in GiB; it fits up to the usable 99.56% of 80 GB, boundary included', () => {
    const e = assembleEstimate(L, plan, parts());
    expect(e.memory).toEqual({ weightsGiB: 3, gradientsGiB: 1.5, optimizerGiB: 6, activationsGiB: 20, workspaceGiB: 2.75, totalGiB: 33.25, usableGiB: 80 * 0.9956 });
    expect(e.fits).toBe(true);
    const usable = 80 * 0.9956;
    expect(assembleEstimate(L, plan, parts({ totalBytes: usable * GIB })).fits).toBe(true);
    expect(assembleEstimate(L, plan, parts({ totalBytes: usable * GIB * (1 + 1e-12) })).fits).toBe(false);
  });
});
