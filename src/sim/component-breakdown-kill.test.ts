import { describe, expect, it } from 'vitest';
import type { FailureCause } from './causes.js';
import { failureBreakdown } from './component-breakdown.js';
import type { Inventory } from './inventory.js';

/* Interruptions by component, on a 4-node × 8-GPU job with hand-worked rates. */

function cause(over: Partial<FailureCause>): FailureCause {
  return { name: 'c', ratePerUnitHour: 1e-3, unit: 'gpu', scope: 'node', detectS: 30, repairHours: 48, silent: false, source: 'test', ...over };
}

describe('failureBreakdown', () => {
  // 32 GPUs. Per hour: gpu-a 32 × 1e-3 = 0.032, gpu-b 32 × 2e-3 = 0.064 (both component gpu,
  // 1e-3 and 2e-3 per GPU-hour), nic 32 × 5e-4 = 0.016, software (no component) 4 nodes × 0.002
  // = 0.008 (its perComponentHour is not a component's and must not give it a count).
  const causes = [
    cause({ name: 'nic', component: 'nic', perComponentHour: 5e-4, ratePerUnitHour: 5e-4 }),
    cause({ name: 'software', unit: 'node', ratePerUnitHour: 0.002, scope: 'job', perComponentHour: 7 }),
    cause({ name: 'gpu-a', component: 'gpu', perComponentHour: 1e-3, ratePerUnitHour: 1e-3 }),
    cause({ name: 'gpu-b', component: 'gpu', perComponentHour: 2e-3, ratePerUnitHour: 2e-3 }),
  ];
  const total = 0.032 + 0.064 + 0.016 + 0.008;

  it('rows by component, largest first, with per-day rates, shares, counts and simulated interruptions', () => {
    const b = failureBreakdown(causes, 4, 8, 4, [1, 2, 3, 4]);
    expect(b.byComponent.map((r) => r.component)).toEqual(['gpu', 'nic', 'other']);
    const [gpu, nic, other] = b.byComponent as [typeof b.byComponent[number], typeof b.byComponent[number], typeof b.byComponent[number]];
    expect(gpu.causes).toEqual(['gpu-a', 'gpu-b']);
    expect(gpu.perDay).toBeCloseTo(0.096 * 24, 12);
    expect(gpu.perComponentHour).toBeCloseTo(3e-3, 15);
    expect(gpu.count).toBeCloseTo(32, 9); // 0.096 per hour ÷ 3e-3 per GPU-hour
    expect(gpu.share).toBeCloseTo(0.096 / total, 12);
    expect(gpu.interruptions).toBe(3 + 4);
    expect(nic.causes).toEqual(['nic']);
    expect(nic.count).toBeCloseTo(32, 9);
    expect(nic.interruptions).toBe(1);
    expect(other.causes).toEqual(['software']);
    expect(other.count).toBe(32); // the job's GPUs
    expect(other.perDay).toBeCloseTo(0.008 * 24, 12);
    expect(other.interruptions).toBe(2);
    expect(b.byComponent.reduce((a, r) => a + r.share, 0)).toBeCloseTo(1, 12);
    expect(b.tiers).toBeUndefined();
    expect(b.optics).toBeUndefined();
  });

  it('a component without a per-component rate counts the job’s GPUs; zero rates give zero shares', () => {
    const b = failureBreakdown([cause({ name: 'host', component: 'host', ratePerUnitHour: 0 })], 4, 8, 4, []);
    const [row] = b.byComponent as [typeof b.byComponent[number]];
    expect(row.component).toBe('host');
    expect(row.count).toBe(32);
    expect(row.share).toBe(0);
    expect(row.interruptions).toBe(0);
  });

  it('copies the inventory’s tiers, optics and nodes per leaf', () => {
    const inv: Inventory = {
      gpus: 32, nodes: 4, nics: 32, psus: 16,
      tiers: [{ tier: 'leaf', switches: 1, linksIn: 32 }],
      leafSwitches: 1, fabricSwitches: 0, hostLinks: 32, fabricLinks: 0, optics: 64, nodesPerLeaf: 4,
    };
    const b = failureBreakdown(causes, 4, 8, 4, [], inv);
    expect(b.tiers).toEqual([{ tier: 'leaf', switches: 1, linksIn: 32 }]);
    expect(b.tiers?.[0]).not.toBe(inv.tiers[0]);
    expect(b.optics).toBe(64);
    expect(b.nodesPerLeaf).toBe(4);
  });
});
