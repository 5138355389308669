import { describe, expect, it } from 'vitest';
import { causeRatePerHour, nodesEvicted, ratePerGpuHour, rescaleToInventory, totalRatePerHour, type FailureCause } from './causes.js';
import type { Inventory } from './inventory.js';

/* Unit conversions and the inventory rescaling, checked on hand-worked numbers. */

function cause(over: Partial<FailureCause>): FailureCause {
  return { name: 'c', ratePerUnitHour: 1, unit: 'gpu', scope: 'node', detectS: 30, repairHours: 48, silent: false, source: 'test', ...over };
}

// A 64-GPU job on 8 nodes: 64 NICs, 32 PSUs, 4 leaves and 2 spine switches, 64 host links and
// 32 leaf–spine links; a leaf serves 2 of the job's nodes.
const inv: Inventory = {
  gpus: 64,
  nodes: 8,
  nics: 64,
  psus: 32,
  tiers: [
    { tier: 'leaf', switches: 4, linksIn: 64 },
    { tier: 'spine', switches: 2, linksIn: 32 },
  ],
  leafSwitches: 4,
  fabricSwitches: 2,
  hostLinks: 64,
  fabricLinks: 32,
  optics: 192,
  nodesPerLeaf: 2,
};

describe('rates per GPU-hour', () => {
  it('per GPU, per node (÷ GPUs per node), per switch (÷ GPUs per node × nodes per switch)', () => {
    expect(ratePerGpuHour(cause({ unit: 'gpu', ratePerUnitHour: 0.3 }), 8, 4)).toBe(0.3);
    expect(ratePerGpuHour(cause({ unit: 'node', ratePerUnitHour: 0.8 }), 8, 4)).toBeCloseTo(0.1, 15);
    expect(ratePerGpuHour(cause({ unit: 'switch', ratePerUnitHour: 1.6 }), 8, 4)).toBeCloseTo(0.05, 15);
  });

  it('per job: rate per GPU × the job’s GPUs, and the total is the sum over causes', () => {
    const causes = [cause({ unit: 'node', ratePerUnitHour: 0.01 }), cause({ unit: 'switch', ratePerUnitHour: 0.04 }), cause({ unit: 'gpu', ratePerUnitHour: 0.001 })];
    // 16 nodes: 16 × 0.01 + 16/4 switches × 0.04 + 128 × 0.001 = 0.16 + 0.16 + 0.128.
    expect(causeRatePerHour(causes[0] as FailureCause, 16, 8, 4)).toBeCloseTo(0.16, 12);
    expect(causeRatePerHour(causes[1] as FailureCause, 16, 8, 4)).toBeCloseTo(0.16, 12);
    expect(totalRatePerHour(causes, 16, 8, 4)).toBeCloseTo(0.448, 12);
    expect(totalRatePerHour([], 16, 8, 4)).toBe(0);
  });
});

describe('nodes a fault evicts', () => {
  it('job 0, node 1, switch: its evictNodes, else the nodes under a switch', () => {
    expect(nodesEvicted(cause({ scope: 'job' }), 4)).toBe(0);
    expect(nodesEvicted(cause({ scope: 'node' }), 4)).toBe(1);
    expect(nodesEvicted(cause({ scope: 'switch' }), 4)).toBe(4);
    expect(nodesEvicted(cause({ scope: 'switch', evictNodes: 2 }), 4)).toBe(2);
  });
});

describe('rescaling causes to the components the job holds', () => {
  it('a component cause becomes per GPU: per component-hour × components ÷ GPUs', () => {
    const [nic, psu, spine] = rescaleToInventory(
      [
        cause({ name: 'nic', component: 'nic', perComponentHour: 2e-5, unit: 'node', ratePerUnitHour: 9 }),
        cause({ name: 'psu', component: 'psu', perComponentHour: 4e-5 }),
        cause({ name: 'spine', component: 'fabric-switch', perComponentHour: 1e-4, scope: 'switch' }),
      ],
      inv,
    ) as [FailureCause, FailureCause, FailureCause];
    expect(nic.unit).toBe('gpu');
    expect(nic.ratePerUnitHour).toBeCloseTo((2e-5 * 64) / 64, 18);
    expect(psu.ratePerUnitHour).toBeCloseTo((4e-5 * 32) / 64, 18);
    expect(spine.ratePerUnitHour).toBeCloseTo((1e-4 * 2) / 64, 18);
    // Only a leaf switch's fault evicts the nodes under one leaf.
    expect(spine.evictNodes).toBeUndefined();
  });

  it('a leaf-switch fault of switch scope evicts the nodes under one leaf; of node scope, not', () => {
    const [sw, node] = rescaleToInventory(
      [cause({ component: 'leaf-switch', perComponentHour: 1e-4, scope: 'switch' }), cause({ component: 'leaf-switch', perComponentHour: 1e-4, scope: 'node' })],
      inv,
    ) as [FailureCause, FailureCause];
    expect(sw.evictNodes).toBe(2);
    expect(sw.ratePerUnitHour).toBeCloseTo((1e-4 * 4) / 64, 18);
    expect(node.evictNodes).toBeUndefined();
  });

  it('causes without a component, without a per-component rate, or an empty inventory are left as they are', () => {
    const plain = cause({ unit: 'node', ratePerUnitHour: 0.5, perComponentHour: 1e-3 });
    const noRate = cause({ unit: 'node', ratePerUnitHour: 0.5, component: 'nic' });
    const withComponent = cause({ unit: 'node', ratePerUnitHour: 0.5, component: 'nic', perComponentHour: 1e-3 });
    const out = rescaleToInventory([plain, noRate], inv);
    expect(out[0]).toBe(plain);
    expect(out[1]).toBe(noRate);
    const empty = rescaleToInventory([withComponent], { ...inv, gpus: 0 });
    expect(empty[0]).toBe(withComponent);
    expect(rescaleToInventory([withComponent], inv)[0]).not.toBe(withComponent);
  });
});
