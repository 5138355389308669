import { describe, expect, it } from 'vitest';
import { parseSpecValue } from '../../spec/index.js';
import { allReduceS, networkOf, reduceScatterS } from '../collectives.js';
import { defaultEfficiency } from '../layer/layer-phase.js';
import { ddpBuckets } from '../network/overlap.js';
import type { ShardedDataParallel } from '../stack/stack.js';
import { dataParallelCost, newDataParallelCost, shardedPassS } from './data-parallel.js';

// Each branch of dataParallelCost against the collectives it is built from, on llama3-8b's
// cluster (H100, 8-GPU NVLink domains): gradient precision and wire, ZeRO-2's per-micro-batch
// reduce-scatter, ZeRO-3's three sharded passes (fitted overlap), its flat ring beyond one
// NVLink domain, torchtitan's gather-once-with-PP and FSDP's per-layer overlap.
const r = parseSpecValue({ model: 'llama3-8b', system: { gpu: 'h100-sxm', gpus: 1024 }, training: { seqLen: 4096, globalBatch: 512 } }, undefined, [], { planOptional: true });
if (!r.ok) throw new Error(JSON.stringify(r.issues));
const { system, training } = r.spec;
const eff = defaultEfficiency(system.gpu);
const net = networkOf(system, eff);
const tp = 4, ep = 8, dp = 64, cp = 2;
const D = 2e9, E = 6e9;
const dS = dp * cp; // 128 dense shards
const eS = (dp * cp * tp) / ep; // 64 expert shards
const sh = (o: Partial<ShardedDataParallel> = {}): ShardedDataParallel => ({
  name: 'test', reshardAfterForward: true, keepGatheredWithPipeline: false, reduceScatterPerMicroBatch: true, overlap: 'fitted', flatRing: true, ...o,
});
const rs = (bytesPerParam: number, stride = tp) => reduceScatterS(net, D * bytesPerParam, dS, stride) + reduceScatterS(net, E * bytesPerParam, eS, ep);

describe('data-parallel building blocks', () => {
  it('a fresh cost is all zero, one bucket', () => {
    expect(newDataParallelCost()).toEqual({ dpCommS: 0, gradSyncS: 0, paramGatherS: 0, buckets: 1, zeroPerMbS: 0, zeroHiddenPerMbS: 0, gradKeptBytes: 0 });
  });

  it('shardedPassS: dense over its shards at its stride, experts over theirs at the larger of ep and that stride', () => {
    expect(net.domain).toBe(8);
    expect(shardedPassS(net, 4e9, 0, dS, eS, tp, ep)).toBe(reduceScatterS(net, 4e9, dS, tp));
    expect(shardedPassS(net, 4e9, 1e9, dS, eS, tp, ep)).toBe(reduceScatterS(net, 4e9, dS, tp) + reduceScatterS(net, 1e9, eS, ep));
    expect(shardedPassS(net, 4e9, 1e9, dS, eS, 8, 2)).toBe(reduceScatterS(net, 4e9, dS, 8) + reduceScatterS(net, 1e9, eS, 8));
  });
});

describe('dataParallelCost: gradient precision and wire (ZeRO-1)', () => {
  it('without an fp32Wire argument the stack default (BF16 reduce-scatter) applies', () => {
    const c = dataParallelCost(net, eff, training, tp, ep, dp, cp, 1, D, E, 1, 1, newDataParallelCost());
    expect(c.gradSyncS).toBe(rs(2));
    expect(c.paramGatherS).toBe(rs(2));
    expect(c.gradKeptBytes).toBe(4);
  });

  it('an explicit BF16 gradPrecision overrides the FP32 wire: a reduce-scatter, not DeepSpeed\'s all-reduce', () => {
    const c = dataParallelCost(net, eff, training, tp, ep, dp, cp, 1, D, E, 1, 1, newDataParallelCost(), undefined, 1, 1, 0, true, 'bf16');
    expect(c.gradSyncS).toBe(rs(2));
    expect(c.paramGatherS).toBe(c.gradSyncS);
    expect(c.gradKeptBytes).toBe(2);
    expect(c.gradSyncS).toBeLessThan(allReduceS(net, D * 2, dS, tp) + allReduceS(net, E * 2, eS, ep));
  });

  it('FP32 gradPrecision without the FP32 wire: an FP32 reduce-scatter', () => {
    const c = dataParallelCost(net, eff, training, tp, ep, dp, cp, 1, D, E, 1, 1, newDataParallelCost(), undefined, 1, 1, 0, false, 'fp32');
    expect(c.gradSyncS).toBe(rs(4));
    expect(c.dpCommS).toBe(2 * rs(4));
    expect(c.buckets).toBe(ddpBuckets(D + E, 1, dS));
  });
});

describe('dataParallelCost: ZeRO-2 reduce-scatters gradients every micro-batch, gathers BF16 parameters once', () => {
  const z2 = (criticalS: number) => dataParallelCost(net, eff, training, tp, ep, dp, cp, 2, D, E, criticalS, 2, newDataParallelCost(), undefined, 1, 1, 0, false, 'fp32');
  it('a long micro-batch hides the fitted 25% of the FP32 reduce-scatter', () => {
    const perMb = rs(4);
    expect(eff.zeroOverlap).toBe(0.25);
    const c = z2(10);
    expect(c.zeroHiddenPerMbS).toBeCloseTo(0.25 * perMb, 12);
    expect(c.zeroPerMbS).toBeCloseTo(0.75 * perMb, 12);
    expect(c.gradSyncS).toBe(0);
    expect(c.paramGatherS).toBe(rs(2));
    expect(c.dpCommS).toBe(rs(2));
    expect(c.buckets).toBe(ddpBuckets(D + E, 2, dS));
  });
  it('a micro-batch shorter than the traffic hides 25% of itself', () => {
    const perMb = rs(4);
    const crit = perMb / 10;
    const c = z2(crit);
    expect(c.zeroHiddenPerMbS).toBeCloseTo(0.25 * crit, 12);
    expect(c.zeroPerMbS).toBeCloseTo(perMb - 0.25 * crit, 12);
  });
});

describe('dataParallelCost: ZeRO-3', () => {
  // Dense only: one pass = reduceScatterS(2 bytes per parameter) at the given stride.
  const pass = (dpN: number, cpN: number, tpN: number, stride: number) => reduceScatterS(net, D * 2, dpN * cpN, stride);
  const z3 = (dpN: number, cpN: number, tpN: number, criticalS: number, s?: ShardedDataParallel, pp = 1, stageLayers = 1, share = 0) =>
    dataParallelCost(net, eff, training, tpN, 1, dpN, cpN, 3, D, 0, criticalS, 1, newDataParallelCost(), s, pp, stageLayers, share);

  it('fitted overlap: three passes per micro-batch, 25% of min(traffic, micro-batch) hidden; nothing once per step', () => {
    const p = pass(64, 2, 4, 8); // 512 ranks' worth: a flat ring, stride = the NVLink domain
    const long = z3(64, 2, 4, 10, sh());
    expect(long.zeroHiddenPerMbS).toBeCloseTo(0.25 * 3 * p, 12);
    expect(long.zeroPerMbS).toBeCloseTo(0.75 * 3 * p, 12);
    expect(long.gradSyncS).toBe(0);
    expect(long.paramGatherS).toBe(0);
    expect(long.dpCommS).toBe(0);
    const short = z3(64, 2, 4, p, sh());
    expect(short.zeroHiddenPerMbS).toBeCloseTo(0.25 * p, 12);
    expect(short.zeroPerMbS).toBeCloseTo(3 * p - 0.25 * p, 12);
  });

  it('the flat ring (stride = domain) applies beyond one NVLink domain, also with no stack given; hierarchical rings keep stride tp', () => {
    expect(pass(64, 2, 4, 8)).not.toBeCloseTo(pass(64, 2, 4, 4), 6);
    expect(z3(64, 2, 4, 10).zeroPerMbS).toBeCloseTo(0.75 * 3 * pass(64, 2, 4, 8), 12);
    expect(z3(64, 2, 4, 10, sh({ flatRing: false })).zeroPerMbS).toBeCloseTo(0.75 * 3 * pass(64, 2, 4, 4), 12);
    // dp·cp·tp = 16 > 8: flat; = 8 (one domain): stride tp.
    expect(pass(2, 2, 4, 8)).not.toBeCloseTo(pass(2, 2, 4, 4), 6);
    expect(z3(2, 2, 4, 10, sh()).zeroPerMbS).toBeCloseTo(0.75 * 3 * pass(2, 2, 4, 8), 12);
    expect(pass(2, 1, 4, 8)).not.toBeCloseTo(pass(2, 1, 4, 4), 6);
    expect(z3(2, 1, 4, 10, sh()).zeroPerMbS).toBeCloseTo(0.75 * 3 * pass(2, 1, 4, 4), 12);
  });

  it('kept gathered under pipeline parallelism (torchtitan): one gather and one reduce-scatter per step, none per micro-batch', () => {
    const p = pass(64, 2, 4, 8);
    const c = z3(64, 2, 4, 10, sh({ keepGatheredWithPipeline: true, overlap: 'layer' }), 2);
    expect(c.gradSyncS).toBe(p);
    expect(c.paramGatherS).toBe(p);
    expect(c.dpCommS).toBe(2 * p);
    expect(c.zeroPerMbS).toBe(0);
    expect(c.zeroHiddenPerMbS).toBe(0);
    // Without a pipeline the flag does nothing: the per-micro-batch fitted passes.
    const pp1 = z3(64, 2, 4, 10, sh({ keepGatheredWithPipeline: true }), 1);
    expect(pp1.gradSyncS).toBe(0);
    expect(pp1.zeroPerMbS).toBeCloseTo(0.75 * 3 * p, 12);
  });

  describe('per-layer overlap (FSDP prefetch), stride tp (hierarchical rings)', () => {
    const p = pass(64, 2, 4, 4);
    const layer = (o: Partial<ShardedDataParallel>) => sh({ overlap: 'layer', flatRing: false, ...o });
    it('a long micro-batch: only the edges (2 passes over 4 layers) are exposed, plus the SM share of the hidden compute', () => {
      const c = z3(64, 2, 4, 10, layer({}), 1, 4, 0.1);
      // 3 passes (gather, re-gather, reduce-scatter); edge = 2p/4.
      expect(c.zeroPerMbS).toBeCloseTo(0.5 * p + 3 * p * 0.1, 12);
      expect(c.zeroHiddenPerMbS).toBeCloseTo(2.5 * p, 12);
      expect(c.gradSyncS).toBe(0);
      expect(c.paramGatherS).toBe(0);
    });
    it('a micro-batch of one pass leaves 2p uncovered plus the edge; the SM share applies to that one pass', () => {
      const c = z3(64, 2, 4, p, layer({}), 1, 4, 0.1);
      expect(c.zeroPerMbS).toBeCloseTo(2.5 * p + p * 0.1, 12);
      expect(c.zeroHiddenPerMbS).toBeCloseTo(0.5 * p, 12);
    });
    it('a very short micro-batch exposes all three passes (capped at the traffic)', () => {
      const c = z3(64, 2, 4, 0.1 * p, layer({}), 1, 4, 0.1);
      expect(c.zeroPerMbS).toBeCloseTo(3 * p + 0.1 * p * 0.1, 12);
      expect(c.zeroHiddenPerMbS).toBeCloseTo(0, 12);
    });
    it('no stage layers counts as one: the edge is 2p', () => {
      const c = z3(64, 2, 4, 10, layer({}), 1, 0, 0);
      expect(c.zeroPerMbS).toBeCloseTo(2 * p, 12);
      expect(c.zeroHiddenPerMbS).toBeCloseTo(p, 12);
    });
    it('no resharding and the reduce-scatter deferred to the step: one gather per micro-batch, the gradients once', () => {
      const c = z3(64, 2, 4, 10, layer({ reshardAfterForward: false, reduceScatterPerMicroBatch: false }), 1, 8, 0);
      expect(c.gradSyncS).toBe(p);
      expect(c.paramGatherS).toBe(0);
      expect(c.dpCommS).toBe(p);
      // One pass per micro-batch; its edge 2p/8 exposed.
      expect(c.zeroPerMbS).toBeCloseTo(0.25 * p, 12);
      expect(c.zeroHiddenPerMbS).toBeCloseTo(0.75 * p, 12);
      const deferred = z3(64, 2, 4, 10, layer({ reduceScatterPerMicroBatch: false }), 1, 8, 0);
      expect(deferred.gradSyncS).toBe(p);
      expect(deferred.zeroHiddenPerMbS).toBeCloseTo(2 * p - 0.25 * p, 12);
    });
  });
});
