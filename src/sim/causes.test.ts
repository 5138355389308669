import { describe, expect, it } from 'vitest';
import { causeRatePerHour, nodesEvicted, ratePerGpuHour, rescaleToInventory, totalRatePerHour, type FailureCause } from './causes.js';
import { failureBreakdown } from './component-breakdown.js';
import type { Inventory } from './inventory.js';
import { presetCauses } from './presets.js';

const cause = (over: Partial<FailureCause>): FailureCause => ({
  name: 'c',
  ratePerUnitHour: 0,
  unit: 'gpu',
  scope: 'node',
  detectS: 30,
  repairHours: 48,
  silent: false,
  source: 'test',
  ...over,
});

// A job of 64 GPUs on 8 nodes under 2 leaf switches (4 nodes each) and 1 spine.
const inv: Inventory = {
  gpus: 64,
  nodes: 8,
  nics: 64,
  psus: 16,
  tiers: [
    { tier: 'leaf', switches: 2, linksIn: 64 },
    { tier: 'spine', switches: 1, linksIn: 32 },
  ],
  leafSwitches: 2,
  fabricSwitches: 1,
  hostLinks: 64,
  fabricLinks: 32,
  optics: 192,
  nodesPerLeaf: 4,
};

describe('cause rates per unit', () => {
  it('per GPU, per node (÷ GPUs per node), per switch (÷ GPUs under a switch)', () => {
    expect(ratePerGpuHour(cause({ unit: 'gpu', ratePerUnitHour: 8e-6 }), 8, 16)).toBe(8e-6);
    expect(ratePerGpuHour(cause({ unit: 'node', ratePerUnitHour: 8e-6 }), 8, 16)).toBe(1e-6);
    expect(ratePerGpuHour(cause({ unit: 'switch', ratePerUnitHour: 1.28e-4 }), 8, 16)).toBeCloseTo(1e-6, 18);
    // On 10 nodes of 8 GPUs: 80 GPUs × the rate per GPU.
    expect(causeRatePerHour(cause({ unit: 'node', ratePerUnitHour: 8e-6 }), 10, 8, 16)).toBeCloseTo(8e-5, 18);
    expect(totalRatePerHour([cause({ unit: 'node', ratePerUnitHour: 8e-6 }), cause({ unit: 'gpu', ratePerUnitHour: 1e-6 })], 10, 8, 16)).toBeCloseTo(1.6e-4, 18);
  });

  it('a fault evicts nothing (job), its node, or the nodes under its switch (the inventory\'s when given)', () => {
    expect(nodesEvicted(cause({ scope: 'job' }), 16)).toBe(0);
    expect(nodesEvicted(cause({ scope: 'node' }), 16)).toBe(1);
    expect(nodesEvicted(cause({ scope: 'switch' }), 16)).toBe(16);
    expect(nodesEvicted(cause({ scope: 'switch', evictNodes: 4 }), 16)).toBe(4);
  });
});

describe('rescaleToInventory', () => {
  it('a component\'s rate becomes per GPU of this job: per component-hour × components ÷ GPUs', () => {
    const [psu, leaf, leafNode, fabric] = rescaleToInventory(
      [
        cause({ name: 'psu', component: 'psu', perComponentHour: 1e-5, unit: 'node', ratePerUnitHour: 9 }),
        cause({ name: 'leaf', component: 'leaf-switch', perComponentHour: 3.2e-5, scope: 'switch' }),
        cause({ name: 'leaf-as-node', component: 'leaf-switch', perComponentHour: 3.2e-5, scope: 'node' }),
        cause({ name: 'spine', component: 'fabric-switch', perComponentHour: 6.4e-5, scope: 'switch' }),
      ],
      inv,
    );
    // 16 PSUs × 1e-5 / 64 GPUs.
    expect(psu).toMatchObject({ unit: 'gpu', ratePerUnitHour: 2.5e-6, perComponentHour: 1e-5 });
    expect(psu).not.toHaveProperty('evictNodes');
    // 2 leaves × 3.2e-5 / 64; a leaf fault evicts the 4 nodes under it.
    expect(leaf?.ratePerUnitHour).toBeCloseTo(1e-6, 18);
    expect(leaf?.evictNodes).toBe(4);
    // Only a switch-scope leaf fault evicts the leaf's nodes; a fabric switch evicts by its own rule.
    expect(leafNode).not.toHaveProperty('evictNodes');
    expect(fabric?.ratePerUnitHour).toBeCloseTo(1e-6, 18);
    expect(fabric).not.toHaveProperty('evictNodes');
  });

  it('a cause without a component, or without a per-component rate, or an empty inventory, is kept as it is', () => {
    const plain = cause({ name: 'plain', ratePerUnitHour: 1e-6 });
    const noRate = cause({ name: 'no-rate', component: 'psu', ratePerUnitHour: 2e-6 });
    const noComponent = cause({ name: 'no-component', perComponentHour: 1e-5, ratePerUnitHour: 3e-6 });
    const out = rescaleToInventory([plain, noRate, noComponent], inv);
    expect(out[0]).toBe(plain);
    expect(out[1]).toBe(noRate);
    expect(out[2]).toBe(noComponent);
    const withComponent = cause({ name: 'psu', component: 'psu', perComponentHour: 1e-5, ratePerUnitHour: 4e-6 });
    expect(rescaleToInventory([withComponent], { ...inv, gpus: 0 })[0]).toBe(withComponent);
  });
});

describe('failureBreakdown', () => {
  it('groups causes by component (the rest as other), with counts, rates, shares and simulated interruptions; largest first', () => {
    const causes = rescaleToInventory(
      [
        cause({ name: 'psu-a', component: 'psu', perComponentHour: 1e-5 }),
        cause({ name: 'psu-b', component: 'psu', perComponentHour: 3e-5 }),
        cause({ name: 'bug', scope: 'job', ratePerUnitHour: 5e-6 }),
        cause({ name: 'leaf', component: 'leaf-switch', perComponentHour: 8e-4, scope: 'switch' }),
      ],
      inv,
    );
    const b = failureBreakdown(causes, 8, 8, 16, [1, 2, 3, 4], inv);
    // Per hour on the job: leaves 2 × 8e-4 = 1.6e-3; PSUs 16 × (1e-5 + 3e-5) = 6.4e-4; other (the bug) 64 × 5e-6 = 3.2e-4.
    expect(b.byComponent.map((r) => r.component)).toEqual(['leaf-switch', 'psu', 'other']);
    const [leaf, psu, other] = b.byComponent;
    expect(psu?.causes).toEqual(['psu-a', 'psu-b']);
    expect(psu?.perComponentHour).toBeCloseTo(4e-5, 18);
    expect(psu?.count).toBeCloseTo(16, 9);
    expect(psu?.perDay).toBeCloseTo(6.4e-4 * 24, 12);
    expect(psu?.share).toBeCloseTo(0.25, 12);
    expect(psu?.interruptions).toBe(3);
    // "other" counts the job's GPUs and has no per-component rate.
    expect(other).toMatchObject({ causes: ['bug'], perComponentHour: 0, count: 64, interruptions: 3 });
    expect(other?.share).toBeCloseTo(0.125, 12);
    expect(leaf?.count).toBeCloseTo(2, 9);
    expect(leaf?.share).toBeCloseTo(0.625, 12);
    expect(leaf?.perComponentHour).toBeCloseTo(8e-4, 18);
    expect(leaf?.interruptions).toBe(4);
    expect(b.byComponent.reduce((a, r) => a + r.share, 0)).toBeCloseTo(1, 12);
    // The inventory's tiers, optics and leaf size come along (copies).
    expect(b.tiers).toEqual(inv.tiers);
    expect(b.tiers?.[0]).not.toBe(inv.tiers[0]);
    expect(b.optics).toBe(192);
    expect(b.nodesPerLeaf).toBe(4);
    // Without an inventory: no tiers.
    expect(failureBreakdown(causes, 8, 8, 16, [1, 2, 3, 4])).not.toHaveProperty('tiers');
  });

  it('causes without a component are "other" and count the job\'s GPUs, even with a per-component rate', () => {
    const b = failureBreakdown([cause({ name: 'x', perComponentHour: 1e-5, ratePerUnitHour: 3e-6 })], 8, 8, 16, [2]);
    expect(b.byComponent).toHaveLength(1);
    expect(b.byComponent[0]).toMatchObject({ component: 'other', count: 64, perComponentHour: 1e-5, share: 1, interruptions: 2 });
  });

  it('no failures at all: shares 0; a component with a zero rate counts the job\'s GPUs', () => {
    const b = failureBreakdown([cause({ name: 'idle', component: 'psu', perComponentHour: 0 })], 8, 8, 16, []);
    expect(b.byComponent).toEqual([{ component: 'psu', count: 64, perComponentHour: 0, perDay: 0, share: 0, interruptions: 0, causes: ['idle'] }]);
  });
});

describe('Meta RSC presets', () => {
  it('one node-evicting cause at r_f per 1,000 node-days (Kokolis et al. HPCA\'25)', () => {
    for (const [name, id, cluster, rf] of [
      ['meta-rsc1', 'all-failures-rsc-1', 'RSC-1', 6.5],
      ['meta-rsc2', 'all-failures-rsc-2', 'RSC-2', 2.34],
    ] as const) {
      const causes = presetCauses(name);
      expect(causes).toHaveLength(1);
      const c = causes[0];
      expect(c).toMatchObject({ name: id, unit: 'node', scope: 'node', detectS: 60, repairHours: 48, silent: false });
      expect(c?.ratePerUnitHour).toBeCloseTo(rf / 1000 / 24, 15);
      expect(c?.source).toContain(`r_f = ${rf} per 1,000 node-days on ${cluster} (A100, 8 GPUs/node) [S]; detection 60 s and `);
      expect(c?.source).toMatch(/^Kokolis et al\. HPCA'25 \(arXiv 2410\.21680\)/);
    }
  });
});
