import { describe, expect, it } from 'vitest';
import { FABRICS, defaultFabric, findFabric } from '../../catalog/fabrics.js';
import type { Fabric } from './fabric.js';
import { membersWithin, p2pSlowdown, spanOf } from './placement.js';
import { topologyOf } from './topology.js';

const meta = findFabric('meta-llama3-24k-roce') as Fabric;

describe('fabric presets', () => {
  it('every preset is sourced, has growing domains and an unbounded top', () => {
    for (const f of FABRICS) {
      expect(f.source.length).toBeGreaterThan(40);
      let prev = 0;
      for (const t of f.tiers) {
        expect(t.gpus).toBeGreaterThan(prev);
        expect(t.oversubscription).toBeGreaterThanOrEqual(1);
        prev = t.gpus;
      }
      expect(prev).toBe(Infinity);
    }
  });
});

describe('topology tables', () => {
  it('divide the NIC by every oversubscription up to a level, and only from that level up', () => {
    const t = topologyOf(meta, 8, 450);
    expect(t.names).toEqual(['nvlink', 'rack', 'pod', 'aggregation']);
    expect(t.lineBps[1]).toBe(50e9);
    expect(t.lineBps[2]).toBe(50e9);
    expect(t.lineBps[3]).toBeCloseTo(50e9 / 7);
  });
  it('keep domains non-decreasing when the NVLink domain outgrows a tier', () => {
    const t = topologyOf(meta, 72, 900);
    expect(t.domainGpus[1]).toBe(72);
  });
});

describe('placement (Megatron rank order)', () => {
  // Built inside each test: mutation testing activates its mutant after describe bodies run.
  const topo = () => topologyOf(defaultFabric(400, 1), 8, 450);
  it('counts members per domain for a group of size and stride', () => {
    const t = topo();
    const dp = spanOf(t, 128, 8); // DP over tp=8: one rank per node
    expect(dp.members).toEqual([1, 32, 128, 128]);
    expect(dp.top).toBe(2);
    const tp = spanOf(t, 8, 1);
    expect(tp.top).toBe(0);
    expect(membersWithin(t, 0, 64, 1)).toBe(8);
  });
  it('a group of one rank spans nothing', () => {
    const t = topo();
    expect(spanOf(t, 1, 1024).top).toBe(0);
  });
  it('pipeline neighbours 1,024 ranks apart cross the pod; the core slows them only when oversubscribed', () => {
    const t = topo();
    const lv = [0];
    const tm = topologyOf(meta, 8, 450);
    // 16 stages of 1,024 GPUs: 3 per 3,072-GPU pod, a third of a pod's GPUs send out at once.
    expect(p2pSlowdown(tm, 1024, 16 * 1024, lv)).toBeCloseTo(7 / 3);
    expect(lv[0]).toBe(3);
    expect(p2pSlowdown(t, 1024, 16 * 1024)).toBe(1);
    // Stages inside one pod never reach the aggregation tier.
    expect(p2pSlowdown(tm, 128, 2048, lv)).toBe(1);
    expect(lv[0]).toBe(2);
  });
});
