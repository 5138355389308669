import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findGpu } from '../catalog/index.js';
import type { ResolvedSpec } from '../spec/index.js';
import { allToAllS, dispatchS, networkOf } from './collectives.js';
import { evaluate } from './evaluate.js';
import { defaultEfficiency } from './layer/layer-phase.js';

const h100 = findGpu('h100-sxm');
if (!h100) throw new Error('catalog lacks h100-sxm');
const net = networkOf({ gpu: h100, gpus: 1024, gpusPerNode: 8, nvlinkDomain: 8, scaleOutGbpsPerGpu: 400, oversubscription: 1 }, defaultEfficiency(h100));

/** DeepSeek-V3 on 1,024 H100 (the Megatron-Bridge 25.09 plan), with EP software facts. */
function dsv3(parallel: Partial<ResolvedSpec['parallel']>): ResolvedSpec {
  return {
    model: {
      name: 'DeepSeek-V3', layers: 61, hidden: 7168, heads: 128, kvHeads: 128, headDim: 56, ffnHidden: 18432, gatedMlp: true, vocab: 129280,
      moe: { experts: 256, topK: 8, ffnHidden: 2048, sharedExperts: 1, denseLayers: 3, routingGroups: 8, groupTopK: 4 },
    },
    system: { gpu: h100 as NonNullable<typeof h100>, gpus: 1024, gpusPerNode: 8, nvlinkDomain: 8, scaleOutGbpsPerGpu: 400, oversubscription: 1 },
    training: { seqLen: 4096, globalBatch: 8192, precision: 'fp8', attention: 'flash' },
    parallel: {
      tp: 2, pp: 8, dp: 64, cp: 1, ep: 64, vpp: 4, microBatch: 1, sequenceParallel: true, recompute: 'selective',
      distributedOptimizer: true, zeroStage: 1, tpCommOverlap: true, ...parallel,
    },
  };
}

describe('topology-aware MoE dispatch (DeepEP)', () => {
  it('moves the same bytes as the all-to-all inside one NVLink domain, at its own (higher) efficiency', () => {
    const bytes = 4096 * 8 * 7168 * 2;
    const deepep = dispatchS(net, 4096, 8, 7168 * 2, 8);
    const a2a = allToAllS(net, bytes, 8, 1);
    expect(deepep).toBeLessThan(a2a);
    expect(deepep).toBeCloseTo((bytes * 7) / 8 / net.dispatchNvlinkBps + net.nvlinkLatencyS * 3, 12);
  });

  it('never moves more over the NIC than one copy per routed expert, and fewer with more experts per token', () => {
    fc.assert(
      fc.property(fc.constantFrom(16, 32, 64, 128, 256), fc.integer({ min: 2, max: 16 }), (ep, topK) => {
        const tokens = 4096;
        const bytes = 7168 * 2;
        expect(dispatchS(net, tokens, topK, bytes, ep)).toBeLessThanOrEqual(allToAllS(net, tokens * topK * bytes, ep, 1) + 1e-12);
      }),
    );
  });

  it('sends less with group-limited routing, by the nodes the chosen groups span', () => {
    const groups = { count: 8, topK: 4 };
    const bytes = 14336;
    // EP64 = 8 nodes: one group per node, so a token reaches at most 4 nodes.
    const free = dispatchS(net, 4096, 8, bytes, 64);
    expect(dispatchS(net, 4096, 8, bytes, 64, groups)).toBeLessThan(free);
    // EP128 = 16 nodes: each group spans 2 nodes, so up to 8 nodes: more than at 4, less than free.
    const at16 = dispatchS(net, 4096, 8, bytes, 128, groups);
    expect(at16).toBeLessThan(dispatchS(net, 4096, 8, bytes, 128));
    expect(at16).toBeGreaterThan(dispatchS(net, 4096, 8, bytes, 128, { count: 16, topK: 4 }));
    // Choosing among all groups is no limit at all.
    expect(dispatchS(net, 4096, 8, bytes, 64, { count: 8, topK: 8 })).toBeCloseTo(free, 12);
  });

  it('makes a cross-node expert-parallel step faster than NCCL all-to-all', () => {
    const a2a = evaluate(dsv3({ epDispatch: 'alltoall' }));
    const deepep = evaluate(dsv3({ epDispatch: 'deepep' }));
    expect(deepep.breakdown.exposedCommS.ep).toBeLessThan(a2a.breakdown.exposedCommS.ep * 0.6);
    expect(deepep.stepTimeS).toBeLessThan(a2a.stepTimeS);
  });
});

describe('expert-parallel communication overlap', () => {
  it('hides all-to-all behind compute, never making the step slower, and reports what it hid', () => {
    for (const epDispatch of ['alltoall', 'deepep'] as const) {
      const off = evaluate(dsv3({ epDispatch }));
      const on = evaluate(dsv3({ epDispatch, epCommOverlap: true }));
      expect(on.stepTimeS).toBeLessThan(off.stepTimeS);
      expect(on.overlappedCommS.ep).toBeGreaterThan(0);
      expect(off.overlappedCommS.ep).toBe(0);
      // What is hidden still costs the SMs it runs on: the saving is less than the hidden time.
      expect(off.stepTimeS - on.stepTimeS).toBeLessThan(on.overlappedCommS.ep);
    }
  });

  it('changes nothing for a dense model', () => {
    const dense = dsv3({});
    const { moe: _moe, ...model } = dense.model;
    const spec = { ...dense, model, parallel: { ...dense.parallel, ep: 1 } };
    expect(evaluate({ ...spec, parallel: { ...spec.parallel, epCommOverlap: true } }).stepTimeS).toBe(evaluate(spec).stepTimeS);
  });
});
