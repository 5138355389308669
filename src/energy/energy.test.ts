import { describe, expect, it } from 'vitest';
import { InputError } from '../core/issue.js';
import { campaignCost } from './campaign-cost.js';
import { defaultCapitalCosts } from './capital-cost.js';
import { energyOverTimeline } from './energy-over-timeline.js';
import { peakGpusByType } from './peak-gpus-by-type.js';
import { defaultPowerProfiles } from './power-profile.js';
import { networkWattsPerGpu, SPECTRUM_X_POWER } from './network-power.js';
import { facilityWattsPerGpu, itWattsPerGpu } from './watts-per-gpu.js';
import { findFabric } from '../catalog/fabrics.js';
import { inventoryFor, inventorySpec } from '../sim/inventory.js';

const h100 = defaultPowerProfiles['h100-sxm'];
if (!h100) throw new Error('no h100 profile');

describe('watts per GPU', () => {
  it('adds the server\'s other parts and the fabric per GPU, then PUE', () => {
    const net = h100.networkWPerGpu;
    expect(itWattsPerGpu(h100, 1)).toBeCloseTo(700 + 350 + net);
    expect(facilityWattsPerGpu(h100, 1)).toBeCloseTo((700 + 350 + net) * 1.2);
    expect(itWattsPerGpu(h100, 0)).toBeCloseTo(70 + 350 + net);
  });

  it('derives the fabric\'s power from its switches and optics (3-tier Colossus: ~124 W per GPU, about SemiAnalysis\'s "other IT ~10%")', () => {
    const f = findFabric('colossus-spectrum-x');
    if (!f) throw new Error('fabric');
    const inv = inventoryFor(100_000, inventorySpec(f, 8));
    // 1,563 leaf + 1,563 spine + 782 core SN5600; 100k NIC links and 200k switch-to-switch links.
    const expected = ((inv.leafSwitches + inv.fabricSwitches) * SPECTRUM_X_POWER.switchW + 100_000 * (9 + 8.5) + 200_000 * 17) / 100_000;
    expect(networkWattsPerGpu(inv)).toBeCloseTo(expected, 9);
    expect(h100.networkWPerGpu).toBeCloseTo(expected, 9);
    expect(expected / (700 + 575)).toBeGreaterThan(0.08);
    expect(expected / (700 + 575)).toBeLessThan(0.12);
    // One pod (no core tier) draws less per GPU than the 3-tier cluster.
    expect(networkWattsPerGpu(inventoryFor(16_384, inventorySpec(f, 8)))).toBeLessThan(expected);
  });

  it('per 100k H100 at TDP: between the Colossus-specific figures and the generic 100k-H100 estimates', () => {
    const mw = (100_000 * facilityWattsPerGpu(h100, 1)) / 1e6;
    // SemiAnalysis 2025: Colossus 1 ≈ 200k H100/H200 + 30k GB200 at ~300 MW → ≤ 130 MW per 100k (§1.1).
    expect(mw).toBeGreaterThan(130);
    // Press ~155 MW per 100k (physics review); SemiAnalysis 2024 generic model 1.59 TWh/yr ≈ 181 MW (§1.4).
    expect(mw).toBeLessThan(155);
    expect(Math.abs(mw / 155 - 1)).toBeLessThan(0.1);
  });
});

describe('energyOverTimeline', () => {
  it('integrates piecewise-constant capacity', () => {
    const r = energyOverTimeline({
      timeline: [
        { day: 0, gpusOnline: { 'h100-sxm': 1000 } },
        { day: 1, gpusOnline: { 'h100-sxm': 2000 }, utilisation: 1 },
      ],
      endDay: 3,
      utilisation: 1,
    });
    const mwPerThousand = (1000 * facilityWattsPerGpu(h100, 1)) / 1e6;
    expect(r.intervals.map((i) => i.powerMw)).toEqual([
      expect.closeTo(mwPerThousand, 9),
      expect.closeTo(2 * mwPerThousand, 9),
    ]);
    expect(r.energyMwh).toBeCloseTo(mwPerThousand * 24 + 2 * mwPerThousand * 48);
    expect(r.peakMw).toBeCloseTo(2 * mwPerThousand);
    expect(r.averageMw).toBeCloseTo(r.energyMwh / 72);
    expect(r.gpuHoursByType['h100-sxm']).toBe(1000 * 24 + 2000 * 48);
    expect(r.itEnergyMwh).toBeCloseTo(r.energyMwh / 1.2);
  });

  it('puts 100k H100 at full load in the 100–160 MW range reported for Colossus', () => {
    // hardware-colossus.md §1.4: "at least 150 MW" total; ~70 MW GPU-only.
    const r = energyOverTimeline({ timeline: [{ day: 0, gpusOnline: { 'h100-sxm': 100_000 } }], endDay: 1, utilisation: 1 });
    expect(r.peakMw).toBeGreaterThan(100);
    expect(r.peakMw).toBeLessThan(160);
  });

  it('refuses unknown GPU types, decreasing days and bad utilisation, with paths', () => {
    try {
      energyOverTimeline({
        timeline: [
          { day: 5, gpusOnline: { tpu: 1 } },
          { day: 5, gpusOnline: {}, utilisation: 2 },
        ],
        endDay: 1,
      });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      expect((e as InputError).issues.map((i) => i.path)).toEqual([
        'timeline[0].gpusOnline.tpu',
        'timeline[1].day',
        'timeline[1].utilisation',
        'endDay',
      ]);
    }
  });
});

describe('campaignCost', () => {
  it('prices 100k H100 near the >$4B server capex SemiAnalysis reports', () => {
    const r = campaignCost({ gpusPurchased: { 'h100-sxm': 100_000 }, energyMwh: 0, campaignDays: 0 });
    expect(r.capitalUsd).toBeCloseTo(100_000 * (27_500 + 6_250 + 4_000));
    expect(r.capitalUsd).toBeGreaterThan(3e9);
    expect(r.capitalUsd).toBeLessThan(5e9);
  });

  it('charges energy at $/kWh and capital pro rata over the amortization period', () => {
    const r = campaignCost({
      gpusPurchased: { 'h100-sxm': 1000 },
      energyMwh: 1000,
      campaignDays: 365,
      tokens: 1e12,
      usdPerKwh: 0.1,
      amortizationYears: 4,
    });
    expect(r.energyUsd).toBeCloseTo(100_000);
    expect(r.amortizedCapitalUsd).toBeCloseTo(r.capitalUsd / 4);
    expect(r.usdPerMillionTokens).toBeCloseTo((r.capitalUsd / 4 + 100_000) / 1e6);
    expect(r.energyUsdPerMillionTokens).toBeCloseTo(0.1);
    expect(campaignCost({ gpusPurchased: {}, energyMwh: 1, campaignDays: 1 }).usdPerMillionTokens).toBeNull();
  });

  it('refuses a GPU type without a price', () => {
    expect(() => campaignCost({ gpusPurchased: { tpu: 1 }, energyMwh: 0, campaignDays: 0 })).toThrow(InputError);
  });
});

describe('defaults', () => {
  it('every default number carries a source', () => {
    for (const table of [defaultPowerProfiles, defaultCapitalCosts]) {
      for (const [type, entry] of Object.entries(table)) {
        for (const [field, value] of Object.entries(entry)) {
          if (typeof value !== 'number') continue;
          const source = (entry.sources as Record<string, string | undefined>)[field];
          expect(source, `${type}.${field}`).toMatch(/\[(P|S|W|D)\]|assumption/);
        }
      }
    }
  });

  it('peakGpusByType takes the most of each type', () => {
    expect(
      peakGpusByType([
        { day: 0, gpusOnline: { a: 5, b: 1 } },
        { day: 1, gpusOnline: { a: 3, b: 4 } },
      ]),
    ).toEqual({ a: 5, b: 4 });
  });
});
