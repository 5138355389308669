import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSpecValue } from '../../spec/index.js';
import { networkOf } from '../collectives.js';
import { defaultEfficiency } from '../layer/layer-phase.js';
import { STACKS } from '../stack/registry.js';
import { dataParallelCost, newDataParallelCost } from './data-parallel.js';
import { propertyRuns } from '../../../test/property-runs.js';

/**
 * NIC floor of one all-gather / reduce-scatter of `bytes` over `size` ranks `stride` apart: the
 * k members of a group that share an NVLink domain hold k of its shards, so each of their
 * NICs must carry at least bytes·(size − k)/size/k (at line rate).
 */
function nicFloorS(bytes: number, size: number, stride: number, domain: number, nicLineBps: number): number {
  if (size <= 1) return 0;
  const k = stride >= domain ? 1 : Math.min(size, Math.floor(domain / stride));
  return (bytes * (size - k)) / size / k / nicLineBps;
}

describe('sharded data parallelism (ZeRO-2/3, FSDP): traffic floor per micro-batch', () => {
  it('ZeRO-3 moves at least what must cross each NIC: replicated weights over dp·cp, experts over their own expert-data-parallel group (stride ep)', () => {
    const nicGbps = 400;
    fc.assert(
      fc.property(
        fc.constantFrom(1, 2, 4, 8),
        fc.constantFrom(1, 2, 8, 16, 64),
        fc.constantFrom(1, 2, 16),
        fc.integer({ min: 1, max: 12 }),
        fc.double({ min: 1e8, max: 5e11, noNaN: true }),
        fc.double({ min: 0, max: 5e11, noNaN: true }),
        fc.constantFrom('megatron-core', 'torchtitan', 'deepspeed', 'composer'),
        (tp, ep, cp, log2Dp, heavyDense, heavyExpert, stackId) => {
          const dp = 2 ** log2Dp;
          const gpus = tp * cp * dp;
          if ((dp * cp * tp) % ep !== 0) return;
          const r = parseSpecValue({ model: 'llama3-8b', system: { gpu: 'h100-sxm', gpus, scaleOutGbpsPerGpu: nicGbps }, training: { seqLen: 4096, globalBatch: dp } }, undefined, [], { planOptional: true });
          if (!r.ok) throw new Error(JSON.stringify(r.issues));
          const { system, training } = r.spec;
          const eff = defaultEfficiency(system.gpu);
          const net = networkOf(system, eff);
          const sharded = (STACKS[stackId].versions[0] as (typeof STACKS)['megatron-core']['versions'][0]).sharded;
          const expert = ep > 1 ? heavyExpert : 0;
          const c = dataParallelCost(net, eff, training, tp, ep, dp, cp, 3, heavyDense, expert, 1, 1, newDataParallelCost(), sharded, 1, 4, 0.15);
          const moved = c.zeroPerMbS + c.zeroHiddenPerMbS + c.gradSyncS + c.paramGatherS;
          const passes = sharded.reshardAfterForward ? 2 : 1;
          const line = (nicGbps / 8) * 1e9;
          const floor = passes * (nicFloorS(heavyDense * 2, dp * cp, tp, system.nvlinkDomain, line) + nicFloorS(expert * 2, (dp * cp * tp) / ep, ep, system.nvlinkDomain, line));
          expect(moved).toBeGreaterThanOrEqual(floor * (1 - 1e-9));
        },
      ),
      { numRuns: propertyRuns(300) },
    );
  });

  it('the experts of an EP group that fills the node gather over the NIC alone (grok-class EP8: over 4× the time of the same bytes as replicated weights)', () => {
    const r = parseSpecValue({ model: 'grok-class-2.8t', system: { gpu: 'h100-sxm', gpus: 4096 }, training: { seqLen: 8192, globalBatch: 256 } }, undefined, [], { planOptional: true });
    if (!r.ok) throw new Error('spec');
    const { system, training } = r.spec;
    const eff = defaultEfficiency(system.gpu);
    const net = networkOf(system, eff);
    const sharded = STACKS['megatron-core'].versions[0]!.sharded;
    const bytes = 1e11;
    const asDense = dataParallelCost(net, eff, training, 1, 8, 256, 16, 3, bytes, 0, 1, 1, newDataParallelCost(), sharded, 1, 128, 0);
    const asExpert = dataParallelCost(net, eff, training, 1, 8, 256, 16, 3, 0, bytes, 1, 1, newDataParallelCost(), sharded, 1, 128, 0);
    const total = (x: typeof asDense) => x.zeroPerMbS + x.zeroHiddenPerMbS;
    expect(total(asExpert) / total(asDense)).toBeGreaterThan(4);
  });
});
