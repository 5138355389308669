import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findGpu } from '../../catalog/index.js';
import type { ResolvedSpec } from '../../spec/index.js';
import { evaluate } from '../evaluate.js';
import { moeLoadFactor } from '../variability/moe-imbalance.js';
import { defaultEfficiency, gemmClockFor, layerPhase } from './layer-phase.js';
import { moeDispatchCost, type MoeDispatchInput } from './moe-dispatch.js';

const base: MoeDispatchInput = { routerTokens: 4096, tokens: 4096, experts: 64, topK: 2, hidden: 1024, localExperts: 8, epDispatch: 'alltoall', auxLoss: true, groupLimited: false };

describe('MoE router, permutation and combine bytes', () => {
  it('counts a hand-worked all-to-all layer exactly', () => {
    // T = 4096 tokens, E = 64, K = 2 (R = 8192 copies), h = 1024, 8 local experts, aux loss.
    // Forward: router 19 B·T·E = 4,980,736; permutation 1: 9 B·T·E = 2,359,296, read 2·T·h =
    // 8,388,608, write 2·R·h = 16,777,216, probabilities 4·R = 32,768; combine 2·R·h + 2·T·h =
    // 25,165,824; sort and un-sort 2·(2·2·R·h) + 2·4·R = 67,174,400. Total 124,878,848.
    // Backward: router 12 B·T·E = 3,145,728; permutation 1 and combine 2·(2·R·h + 2·T·h) =
    // 50,331,648; sort and un-sort 8·R·h = 67,108,864. Total 120,586,240.
    const c = moeDispatchCost(base);
    expect(c.fwdBytes).toBe(124_878_848);
    expect(c.bwdBytes).toBe(120_586_240);
    expect(c.receivedFwdBytes).toBe(67_174_400);
    expect(c.receivedBwdBytes).toBe(67_108_864);
    // Kernels: router (fused top-k, token count) 2 + aux loss 2 + permutation 1 (row-id map,
    // gather) 2 + combine 1 + sort/un-sort 2 = 9 forward; 1 + 1 + 1 + 1 + 2 = 6 backward.
    expect(c.fwdKernels).toBe(9);
    expect(c.bwdKernels).toBe(6);
  });

  it('skips the re-sort with one local expert; DeepEP keeps only the received-side permutation', () => {
    const one = moeDispatchCost({ ...base, localExperts: 1 });
    expect(one.receivedFwdBytes).toBe(0);
    expect(one.fwdBytes).toBe(124_878_848 - 67_174_400);
    expect(one.fwdKernels).toBe(7);
    const deepep = moeDispatchCost({ ...base, epDispatch: 'deepep' });
    // Router 4,980,736 + the received tokens' permutation and its inverse 67,174,400.
    expect(deepep.fwdBytes).toBe(4_980_736 + 67_174_400);
    expect(deepep.bwdBytes).toBe(3_145_728 + 67_108_864);
    expect(deepep.fwdKernels).toBe(2 + 2 + 3);
  });

  it('group-limited routing and the auxiliary loss add router passes; no router bytes without tokens to route', () => {
    const free = moeDispatchCost({ ...base, auxLoss: false });
    expect(moeDispatchCost({ ...base, auxLoss: false, groupLimited: true }).fwdBytes - free.fwdBytes).toBe(8 * 4096 * 64);
    expect(moeDispatchCost(base).fwdBytes - free.fwdBytes).toBe(5 * 4096 * 64);
    expect(moeDispatchCost({ ...base, routerTokens: 0 }).bwdBytes).toBe(moeDispatchCost(base).bwdBytes - 12 * 4096 * 64);
  });

  it('moves more with more experts, more experts per token, more tokens or a wider hidden state', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 16384 }), fc.constantFrom(8, 16, 64, 128, 256), fc.integer({ min: 1, max: 8 }), fc.constantFrom(1024, 2880, 7168),
        fc.constantFrom(1, 4, 16), fc.constantFrom('alltoall', 'deepep' as const), fc.boolean(),
        (tokens, experts, topK, hidden, localExperts, epDispatch, auxLoss) => {
          const x: MoeDispatchInput = { routerTokens: tokens, tokens, experts, topK, hidden, localExperts, epDispatch, auxLoss, groupLimited: false };
          const c = moeDispatchCost(x);
          const total = (y: MoeDispatchInput) => { const d = moeDispatchCost(y); return d.fwdBytes + d.bwdBytes; };
          expect(total({ ...x, experts: experts * 2 })).toBeGreaterThan(total(x));
          expect(total({ ...x, topK: topK + 1 })).toBeGreaterThan(total(x));
          expect(total({ ...x, tokens: tokens + 1, routerTokens: tokens + 1 })).toBeGreaterThan(total(x));
          expect(total({ ...x, hidden: hidden * 2 })).toBeGreaterThan(total(x));
          // Every routed copy is written at least once forward and its gradient once backward.
          expect(c.fwdBytes).toBeGreaterThanOrEqual(2 * tokens * topK * hidden);
          expect(c.bwdBytes).toBeGreaterThanOrEqual(2 * tokens * topK * hidden);
          expect(c.receivedFwdBytes).toBeLessThanOrEqual(c.fwdBytes);
        },
      ),
    );
  });
});

const h100 = findGpu('h100-sxm');
if (!h100) throw new Error('catalog lacks h100-sxm');

/** DeepSeek-V3 on 1,024 H100 (the Megatron-Bridge 25.09 plan). */
function dsv3(parallel: Partial<ResolvedSpec['parallel']> = {}, moe: Record<string, unknown> = {}, training: Partial<ResolvedSpec['training']> = {}): ResolvedSpec {
  return {
    model: {
      name: 'DeepSeek-V3', layers: 61, hidden: 7168, heads: 128, kvHeads: 128, headDim: 56, ffnHidden: 18432, gatedMlp: true, vocab: 129280,
      moe: { experts: 256, topK: 8, ffnHidden: 2048, sharedExperts: 1, denseLayers: 3, routingGroups: 8, groupTopK: 4, ...moe },
    },
    system: { gpu: h100 as NonNullable<typeof h100>, gpus: 1024, gpusPerNode: 8, nvlinkDomain: 8, scaleOutGbpsPerGpu: 400, oversubscription: 1 },
    training: { seqLen: 4096, globalBatch: 8192, precision: 'fp8', attention: 'flash', ...training },
    parallel: {
      tp: 2, pp: 8, dp: 64, cp: 1, ep: 64, vpp: 4, microBatch: 1, sequenceParallel: true, recompute: 'selective',
      distributedOptimizer: true, zeroStage: 1, tpCommOverlap: true, ...parallel,
    },
  };
}

describe('the dispatch work inside an MoE layer', () => {
  it('adds its bytes at the element-wise bandwidth and its kernels at the launch cost, forward and backward', () => {
    // all-to-all and DeepEP differ in a layer's compute only by their dispatch work.
    const eff = defaultEfficiency(h100 as NonNullable<typeof h100>);
    const phase = (epDispatch: 'alltoall' | 'deepep') => {
      const { parallel, ...spec } = dsv3({ epDispatch }, {}, { moeBalancer: 'balanced' });
      return layerPhase(spec, parallel, eff);
    };
    const a = phase('alltoall');
    const d = phase('deepep');
    const x = { routerTokens: 4096 / 2, tokens: 4096 / 2, experts: 256, topK: 8, hidden: 7168, localExperts: 4, auxLoss: true, groupLimited: true };
    const ca = moeDispatchCost({ ...x, epDispatch: 'alltoall' });
    const cd = moeDispatchCost({ ...x, epDispatch: 'deepep' });
    const bytesS = (b: number) => b / a.hbmBps;
    expect(a.moe.fwdS - d.moe.fwdS).toBeCloseTo(bytesS(ca.fwdBytes - cd.fwdBytes) + (ca.fwdKernels - cd.fwdKernels) * eff.kernelS, 12);
    expect(a.moe.bwdS - d.moe.bwdS).toBeCloseTo(bytesS(ca.bwdBytes - cd.bwdBytes) + (ca.bwdKernels - cd.bwdKernels) * eff.kernelS, 12);
    expect(a.moe.kernelS - d.moe.kernelS).toBeCloseTo((ca.fwdKernels + ca.bwdKernels - cd.fwdKernels - cd.bwdKernels) * eff.kernelS, 12);
    // Dense layers carry none of it.
    expect(a.dense.fwdS).toBe(d.dense.fwdS);
  });

  it('launches its kernels from the host, which paces a small layer', () => {
    // A tiny MoE layer (h 256, 8 experts, 512 tokens) is host-bound without CUDA graphs: the
    // all-to-all path launches 2 more kernels each way than DeepEP, 2 × the host's time per kernel.
    const eff = defaultEfficiency(h100 as NonNullable<typeof h100>);
    const tiny = (epDispatch: 'alltoall' | 'deepep') => {
      const s = dsv3({ epDispatch, tp: 1, ep: 2, dp: 512 }, { experts: 8, topK: 2, ffnHidden: 256, routingGroups: undefined, groupTopK: undefined }, { seqLen: 512 });
      const { parallel, ...spec } = { ...s, model: { ...s.model, hidden: 256, heads: 4, kvHeads: 4, headDim: 64, ffnHidden: 1024 } };
      return layerPhase(spec, parallel, eff);
    };
    const a = tiny('alltoall');
    const d = tiny('deepep');
    const host = a.stack.hostPerKernelS;
    expect(host).toBeGreaterThan(0);
    expect(a.moe.fwdS - d.moe.fwdS).toBeCloseTo(2 * host, 12);
    expect(a.moe.bwdS - d.moe.bwdS).toBeCloseTo(2 * host, 12);
  });

  it('puts the busiest rank’s extra received copies into the imbalance', () => {
    const eff = defaultEfficiency(h100 as NonNullable<typeof h100>);
    const { parallel, ...spec } = dsv3({}, { balancer: 'aux-loss' });
    const lp = layerPhase(spec, parallel, eff);
    const f = moeLoadFactor('aux-loss', 256, 64, (4096 / 2) * 8);
    const c = moeDispatchCost({ routerTokens: 2048, tokens: 2048, experts: 256, topK: 8, hidden: 7168, localExperts: 4, epDispatch: 'alltoall', auxLoss: true, groupLimited: true });
    expect(f).toBeGreaterThan(1);
    // The compute part of the imbalance: the busiest rank's extra expert GEMMs (4 local experts
    // of 4,096 mean tokens, gated 2,048 wide) and its extra re-sorting.
    const clock = gemmClockFor(h100 as NonNullable<typeof h100>, eff, true);
    clock.fwdBwd(4096, 2 * 2048, 7168, 4);
    clock.fwdBwd(4096, 7168, 2048, 4);
    const expected = (f - 1) * (clock.fwdS + clock.bwdS + (c.receivedFwdBytes + c.receivedBwdBytes) / lp.hbmBps);
    expect(lp.moe.imbalanceS - lp.moe.imbalanceEpS).toBeCloseTo(expected, 12);
  });
});

describe('dropless vs a capacity factor', () => {
  it('a capacity factor c caps the busiest rank at c× the mean; dropless runs the full imbalance', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('aux-loss', 'loss-free', 'balanced' as const), fc.constantFrom(16, 64, 128, 256), fc.constantFrom(1, 2, 8, 16, 64),
        fc.integer({ min: 1, max: 1e6 }), fc.double({ min: 1, max: 8, noNaN: true }),
        (balancer, experts, ep, copies, c) => {
          const dropless = moeLoadFactor(balancer, experts, ep, copies);
          const capped = moeLoadFactor(balancer, experts, ep, copies, c);
          expect(capped).toBeLessThanOrEqual(c);
          expect(capped).toBeLessThanOrEqual(dropless);
          expect(capped).toBeGreaterThanOrEqual(1);
          expect(capped).toBe(Math.min(dropless, c));
        },
      ),
    );
  });

  it('a step with token dropping is never slower than dropless, and is slower the more capacity it keeps', () => {
    fc.assert(
      fc.property(fc.double({ min: 1, max: 3, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom('alltoall', 'deepep' as const), (c, dc, epDispatch) => {
        const dropless = evaluate(dsv3({ epDispatch }, { balancer: 'aux-loss' })).stepTimeS;
        const lo = evaluate(dsv3({ epDispatch }, { balancer: 'aux-loss', capacityFactor: c })).stepTimeS;
        const hi = evaluate(dsv3({ epDispatch }, { balancer: 'aux-loss', capacityFactor: c + dc })).stepTimeS;
        expect(lo).toBeLessThanOrEqual(dropless);
        expect(lo).toBeLessThanOrEqual(hi);
        expect(hi).toBeLessThanOrEqual(dropless);
      }),
      { numRuns: 40 },
    );
    // A capacity factor of 1 (every rank at the mean) is the run forced to balance.
    expect(evaluate(dsv3({}, { balancer: 'aux-loss', capacityFactor: 1 })).stepTimeS).toBeCloseTo(evaluate(dsv3({}, { balancer: 'aux-loss' }, { moeBalancer: 'balanced' })).stepTimeS, 9);
  });

  it('the run\'s balancer overrides the model\'s for the router\'s auxiliary loss as for the load; `balanced` keeps the model\'s loss', () => {
    // A loss-free run of an aux-loss model is the loss-free model (no aux-loss router passes), and back.
    expect(evaluate(dsv3({}, { balancer: 'aux-loss' }, { moeBalancer: 'loss-free' })).stepTimeS).toBe(evaluate(dsv3({}, { balancer: 'loss-free' })).stepTimeS);
    expect(evaluate(dsv3({}, { balancer: 'loss-free' }, { moeBalancer: 'aux-loss' })).stepTimeS).toBe(evaluate(dsv3({}, { balancer: 'aux-loss' })).stepTimeS);
    // Forced balance (a benchmark's routing) says nothing of the loss: an aux-loss model still computes it.
    const forced = (balancer: string) => evaluate(dsv3({}, { balancer }, { moeBalancer: 'balanced' })).stepTimeS;
    expect(forced('aux-loss')).toBeGreaterThan(forced('loss-free'));
  });
});
