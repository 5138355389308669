import { describe, expect, it } from 'vitest';
import { capacityTimeline } from '../buildout/capacity-timeline.js';
import { defaultColossusBuildout } from '../buildout/default-colossus-buildout.js';
import { simulateBuildout } from '../buildout/simulate-buildout.js';
import { campaignCost } from './campaign-cost.js';
import { energyOverTimeline } from './energy-over-timeline.js';
import { peakGpusByType } from './peak-gpus-by-type.js';

describe('build-out → energy → cost on the Colossus defaults', () => {
  const steps = capacityTimeline(simulateBuildout(defaultColossusBuildout));
  const energy = energyOverTimeline({ timeline: steps, endDay: defaultColossusBuildout.horizonDays });
  const cost = campaignCost({
    gpusPurchased: peakGpusByType(steps), // all delivered GPUs are online by the end of the horizon
    energyMwh: energy.energyMwh,
    campaignDays: defaultColossusBuildout.horizonDays,
    tokens: 15e12,
  });

  it('stays within the 300 MW site and near the ~300 MW reported for ~200k+ GPUs', () => {
    // SemiAnalysis: Colossus 1 ≈ 200k H100/H200 + 30k GB200 at ~300 MW (hardware-colossus.md §1.1).
    expect(energy.peakMw).toBeLessThanOrEqual(300);
    expect(energy.peakMw).toBeGreaterThan(200);
    expect(energy.energyMwh).toBeGreaterThan(0);
  });

  it('prices 150k H100 + 50k H200 at several billion dollars', () => {
    expect(cost.capitalByType['h100-sxm']?.gpus).toBe(150_000);
    expect(cost.capitalByType['h200-sxm']?.gpus).toBe(50_000);
    expect(cost.capitalUsd).toBeGreaterThan(5e9);
    expect(cost.capitalUsd).toBeLessThan(10e9);
    expect(cost.usdPerMillionTokens).toBeGreaterThan(0);
  });
});
