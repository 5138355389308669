import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FABRICS, findFabric } from '../catalog/fabrics.js';
import type { Fabric } from '../model/network/fabric.js';
import { rescaleToInventory, totalRatePerHour } from './causes.js';
import { failureBreakdown } from './component-breakdown.js';
import { componentCount, inventoryFor, inventorySpec, COMPONENTS } from './inventory.js';
import { LINK_FAILURES_PER_HOUR, LLAMA3_GPU_HOURS, LLAMA3_REFERENCE_INVENTORY, SWITCH_FAILURES_PER_HOUR, presetCauses } from './presets.js';

const fabric = (id: string): Fabric => {
  const f = findFabric(id);
  if (!f) throw new Error(id);
  return f;
};
const perGpuHour = (gpus: number, f: Fabric, o: Parameters<typeof inventorySpec>[2] = {}): number => {
  const inv = inventoryFor(gpus, inventorySpec(f, 8, o));
  return totalRatePerHour(rescaleToInventory(presetCauses('llama3'), inv), gpus / 8, 8, 16) / gpus;
};

describe("the llama3 preset's components (Meta's 24k RoCE cluster, 16,384 GPUs)", () => {
  it('counts 1,024 rack switches, 330 above them, 16,384 NIC links and 2 nodes per ToR', () => {
    const inv = LLAMA3_REFERENCE_INVENTORY;
    expect(inv.leafSwitches).toBe(1024);
    expect(inv.fabricSwitches).toBe(293 + 37);
    expect(inv.hostLinks).toBe(16_384);
    expect(inv.fabricLinks).toBeCloseTo(16_384 + 16_384 / 7, 6);
    expect(inv.nodesPerLeaf).toBe(2);
  });

  it('conserves the 419 interruptions: per-component rates × the reference inventory = the paper', () => {
    const causes = presetCauses('llama3');
    const total = causes.reduce((a, c) => a + c.ratePerUnitHour * LLAMA3_GPU_HOURS, 0);
    expect(total).toBeCloseTo(419, 9);
    const network = causes.filter((c) => c.name.startsWith('network-')).reduce((a, c) => a + c.ratePerUnitHour * LLAMA3_GPU_HOURS, 0);
    expect(network).toBeCloseTo(35, 9);
    // Rescaling to the reference inventory itself changes nothing.
    const again = rescaleToInventory(causes, LLAMA3_REFERENCE_INVENTORY);
    again.forEach((c, i) => expect(c.ratePerUnitHour).toBeCloseTo((causes[i] as { ratePerUnitHour: number }).ratePerUnitHour, 15));
  });

  it('derives a switch and a link rate of the published order', () => {
    expect(SWITCH_FAILURES_PER_HOUR).toBeCloseTo(9.35e-6, 8);
    // 0.03% per link-month; Llama 3's switch/cable row left over after the switches.
    expect(LINK_FAILURES_PER_HOUR).toBeGreaterThan(3e-7);
    expect(LINK_FAILURES_PER_HOUR).toBeLessThan(5e-7);
  });
});

describe('a 3-tier fabric fails as such', () => {
  const colossus = fabric('colossus-spectrum-x');
  it('a job inside one 16,384-GPU pod has no core tier; across pods it has, and fails more per GPU', () => {
    const pod = inventoryFor(16_384, inventorySpec(colossus, 8));
    const big = inventoryFor(98_304, inventorySpec(colossus, 8));
    expect(pod.tiers.map((t) => t.tier)).toEqual(['leaf', 'spine']);
    expect(big.tiers.map((t) => t.tier)).toEqual(['leaf', 'spine', 'core']);
    expect(big.tiers.map((t) => t.switches)).toEqual([1536, 1536, 768]);
    expect(perGpuHour(98_304, colossus)).toBeGreaterThan(perGpuHour(16_384, colossus));
    // A rail leaf serves one NIC of each of the 64 nodes of its 512-GPU group.
    expect(big.nodesPerLeaf).toBe(64);
  });

  it('oversubscribing the core removes core switches and links: fewer failures', () => {
    const over: Fabric = { ...colossus, tiers: colossus.tiers.map((t, i) => (i === 2 ? { ...t, oversubscription: 4 } : t)) };
    expect(perGpuHour(98_304, over)).toBeLessThan(perGpuHour(98_304, colossus));
  });

  it('smaller switches (fewer ports) mean more switches and more failures', () => {
    expect(perGpuHour(98_304, colossus, { switchPorts: 64 })).toBeGreaterThan(perGpuHour(98_304, colossus));
  });
});

describe('inventory invariants (property)', () => {
  const gpusArb = fc.integer({ min: 1, max: 25_000 }).map((n) => n * 8);
  it('more GPUs never mean fewer components of any kind, nor fewer expected failures', () => {
    fc.assert(
      fc.property(fc.constantFrom(...FABRICS), gpusArb, gpusArb, fc.integer({ min: 8, max: 256 }), (f, a, b, ports) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        const spec = inventorySpec(f, 8, { switchPorts: ports });
        const x = inventoryFor(lo, spec);
        const y = inventoryFor(hi, spec);
        for (const c of COMPONENTS) expect(componentCount(y, c)).toBeGreaterThanOrEqual(componentCount(x, c) - 1e-9);
        const causes = presetCauses('llama3');
        const rx = totalRatePerHour(rescaleToInventory(causes, x), lo / 8, 8, 16);
        const ry = totalRatePerHour(rescaleToInventory(causes, y), hi / 8, 8, 16);
        expect(ry).toBeGreaterThanOrEqual(rx * (1 - 1e-12));
      }),
      { numRuns: 200 },
    );
  });

  it('more of one component → more failures; the breakdown conserves the total rate and the interruptions', () => {
    fc.assert(
      fc.property(gpusArb, fc.double({ min: 1, max: 4, noNaN: true }), fc.integer({ min: 1, max: 8 }), (gpus, nics, psus) => {
        const f = fabric('colossus-spectrum-x');
        const causes = presetCauses('llama3');
        const base = inventoryFor(gpus, inventorySpec(f, 8, { nicsPerGpu: 1, psusPerNode: psus }));
        const more = inventoryFor(gpus, inventorySpec(f, 8, { nicsPerGpu: nics, psusPerNode: psus + 1 }));
        const rb = totalRatePerHour(rescaleToInventory(causes, base), gpus / 8, 8, 16);
        const rm = totalRatePerHour(rescaleToInventory(causes, more), gpus / 8, 8, 16);
        expect(rm).toBeGreaterThan(rb);
        const scaled = rescaleToInventory(causes, base);
        const sims = scaled.map((_, i) => i + 0.5);
        const br = failureBreakdown(scaled, gpus / 8, 8, 16, sims, base);
        const perDay = br.byComponent.reduce((a, r) => a + r.perDay, 0);
        expect(perDay).toBeCloseTo(rb * 24, 6);
        expect(br.byComponent.reduce((a, r) => a + r.share, 0)).toBeCloseTo(1, 9);
        expect(br.byComponent.reduce((a, r) => a + r.interruptions, 0)).toBeCloseTo(sims.reduce((a, b) => a + b, 0), 9);
        // Each component's count is what the inventory holds.
        for (const r of br.byComponent) if (r.component !== 'other') expect(r.count).toBeCloseTo(componentCount(base, r.component), 6);
      }),
      { numRuns: 100 },
    );
  });
});
