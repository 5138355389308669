import { describe, expect, it } from 'vitest';
import { parseSpecValue } from '../../spec/index.js';
import { allReduceS, networkOf, reduceScatterS } from '../collectives.js';
import { defaultEfficiency } from '../layer/layer-phase.js';
import { dataParallelCost, newDataParallelCost } from './data-parallel.js';

// The once-per-step data-parallel traffic of each ZeRO stage, against the collectives it is made
// of: ZeRO-0 all-reduces the gradients (FP32 on the wire), ZeRO-1 reduce-scatters them (BF16)
// and all-gathers the parameters, DeepSpeed's BF16_Optimizer all-reduces FP32 gradients and
// all-gathers BF16 parameters. Dense over dp·cp ranks at stride tp, experts over dp·cp·tp/ep at stride ep.
const r = parseSpecValue({ model: 'llama3-8b', system: { gpu: 'h100-sxm', gpus: 1024 }, training: { seqLen: 4096, globalBatch: 512 } }, undefined, [], { planOptional: true });
if (!r.ok) throw new Error(JSON.stringify(r.issues));
const { system, training } = r.spec;
const eff = defaultEfficiency(system.gpu);
const net = networkOf(system, eff);
const tp = 4, ep = 8, dp = 64, cp = 2;
const dense = 2e9, expert = 6e9;
const denseShards = dp * cp;
const expertShards = (dp * cp * tp) / ep;
const cost = (zero: number, expertParams: number, fp32Wire = false) =>
  dataParallelCost(net, eff, training, tp, ep, dp, cp, zero, dense, expertParams, 1, 1, newDataParallelCost(), undefined, 1, 1, 0, fp32Wire, undefined);

describe('dataParallelCost once per step', () => {
  it('ZeRO-0: FP32 gradients all-reduced, dense and expert groups each, nothing gathered', () => {
    const c = cost(0, expert);
    const want = allReduceS(net, dense * 4, denseShards, tp) + allReduceS(net, expert * 4, expertShards, ep);
    expect(c.gradSyncS).toBeCloseTo(want, 12);
    expect(c.paramGatherS).toBe(0);
    expect(c.dpCommS).toBe(c.gradSyncS);
    expect(c.gradKeptBytes).toBe(4);
    expect(c.zeroPerMbS).toBe(0);
    expect(c.zeroHiddenPerMbS).toBe(0);
  });

  it('ZeRO-0 without experts moves only the dense gradients', () => {
    expect(cost(0, 0).gradSyncS).toBeCloseTo(allReduceS(net, dense * 4, denseShards, tp), 12);
    expect(cost(0, expert).gradSyncS).toBeGreaterThan(cost(0, 0).gradSyncS);
  });

  it('ZeRO-1: BF16 gradients reduce-scattered, and the parameters gathered in the same time', () => {
    const c = cost(1, expert);
    const want = reduceScatterS(net, dense * 2, denseShards, tp) + reduceScatterS(net, expert * 2, expertShards, ep);
    expect(c.gradSyncS).toBeCloseTo(want, 12);
    expect(c.paramGatherS).toBe(c.gradSyncS);
    expect(c.dpCommS).toBe(2 * c.gradSyncS);
  });

  it('DeepSpeed BF16_Optimizer (FP32 wire, ZeRO-1): FP32 all-reduce, then a BF16 gather of every parameter over the dense ranks', () => {
    const c = cost(1, expert, true);
    expect(c.gradSyncS).toBeCloseTo(allReduceS(net, dense * 4, denseShards, tp) + allReduceS(net, expert * 4, expertShards, ep), 12);
    expect(c.paramGatherS).toBeCloseTo(reduceScatterS(net, (dense + expert) * 2, denseShards, tp), 12);
    expect(c.dpCommS).toBeCloseTo(c.gradSyncS + c.paramGatherS, 12);
    const noExpert = cost(1, 0, true);
    expect(noExpert.gradSyncS).toBeCloseTo(allReduceS(net, dense * 4, denseShards, tp), 12);
  });
});
