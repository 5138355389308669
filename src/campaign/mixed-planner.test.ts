import type { Planner } from './planner.js';
import { describe, expect, it } from 'vitest';
import { findModel } from '../catalog/index.js';
import type { CampaignTraining } from './campaign-input.js';
import { mixedPlanner } from './mixed-planner.js';
import { searchPlanner } from './search-planner.js';

const training: CampaignTraining = {
  model: findModel('llama3-405b')!,
  seqLen: 8192,
  globalBatch: 2048,
  precision: 'bf16',
  attention: 'flash',
  tokens: 15e12,
  startFraction: 0.1,
  replanGrowth: 0.25,
  fleet: 'mixed',
  primaryGpu: 'h100-sxm',
  system: {},
};

describe('mixed-fleet planner in a campaign', () => {
  // Made at each call: mutation testing activates its mutant after describe bodies run.
  const single: Planner = (cap, gpu, byType) => searchPlanner(training)(cap, gpu, byType);
  const planner: Planner = (cap, gpu, byType) => mixedPlanner(training, single)(cap, gpu, byType);

  it('defers to plan search while one GPU type is online', () => {
    const a = planner(16384, 'h100-sxm');
    const b = single(16384, 'h100-sxm');
    expect(a?.estimate.tokensPerSec).toBe(b?.estimate.tokensPerSec);
  });

  it('lays one job across H100 and H200 when that beats the H100 plan on every GPU', () => {
    const byType = { 'h100-sxm': 15000, 'h200-sxm': 5000 };
    const mixed = planner(20000, 'h100-sxm+h200-sxm', byType)!;
    const asH100 = single(20000, 'h100-sxm')!;
    expect(mixed.estimate.tokensPerSec).toBeGreaterThan(asH100.estimate.tokensPerSec);
    expect(mixed.gpusUsed).toBeGreaterThan(asH100.gpusUsed);
    expect(mixed.gpusUsed).toBeLessThanOrEqual(20000);
  });
});
