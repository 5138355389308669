import { describe, expect, it } from 'vitest';
import type { GpuSpec } from '../catalog/gpu.js';
import { findGpu } from '../catalog/gpus.js';
import { findModel } from '../catalog/models.js';
import { defaultEfficiency, type EfficiencyModel } from '../model/index.js';
import { search } from '../search/index.js';
import type { CampaignTraining } from './campaign-input.js';
import { searchPlanner } from './search-planner.js';
import { specFor } from './spec-for.js';

const model = findModel('llama3-8b');
if (!model) throw new Error('llama3-8b is in the catalog');

const training: CampaignTraining = {
  model,
  seqLen: 4096,
  globalBatch: 256,
  precision: 'bf16',
  attention: 'flash',
  tokens: 1e12,
  startFraction: 0.5,
  replanGrowth: 0.25,
  fleet: 'combined',
  primaryGpu: 'h100-sxm',
  system: {},
};

const free = { tp: 0, pp: 0, dp: 0, cp: 0, ep: 0 };

/** The default efficiency of a GPU with GEMMs at 60% of their measured ceiling: a slower, distinct model. */
const slowGemms = (gpu: GpuSpec): EfficiencyModel => {
  const e = defaultEfficiency(gpu);
  return { ...e, gemmMaxBf16: e.gemmMaxBf16 * 0.6, gemmMaxFp8: e.gemmMaxFp8 * 0.6 };
};

describe('searchPlanner', () => {
  it('returns the fastest plan of plan search over every degree, as parallel, GPUs used and estimate only', () => {
    const r = searchPlanner(training)(200, 'h100-sxm');
    const plans = search(specFor(training, 'h100-sxm', 200, free), { top: 5, objective: 'tokens-per-sec' }).plans;
    const best = plans[0];
    expect(best).toBeDefined();
    if (!r || !best) return;
    expect(Object.keys(r).sort()).toEqual(['estimate', 'gpusUsed', 'parallel']);
    expect(r).toStrictEqual({ parallel: best.parallel, gpusUsed: best.gpusUsed, estimate: best.estimate });
    // The fastest of the plans search ranks; it may leave GPUs idle but never uses more than the capacity.
    for (const p of plans) expect(r.estimate.tokensPerSec).toBeGreaterThanOrEqual(p.estimate.tokensPerSec);
    expect(r.gpusUsed).toBeLessThanOrEqual(200);
    expect(r.parallel.tp * r.parallel.pp * r.parallel.dp * r.parallel.cp).toBe(r.gpusUsed);
  });

  it('plans with the efficiency model effFor gives for the GPU', () => {
    const seen: GpuSpec[] = [];
    const effFor = (gpu: GpuSpec): EfficiencyModel => {
      seen.push(gpu);
      return slowGemms(gpu);
    };
    const r = searchPlanner(training, effFor)(128, 'h100-sxm');
    expect(seen.length).toBeGreaterThan(0);
    for (const g of seen) expect(g).toBe(findGpu('h100-sxm'));
    const spec = specFor(training, 'h100-sxm', 128, free);
    const slow = search(spec, { top: 1, objective: 'tokens-per-sec' }, (s) => slowGemms(s.system.gpu)).plans[0];
    const fast = search(spec, { top: 1, objective: 'tokens-per-sec' }).plans[0];
    expect(r?.estimate).toStrictEqual(slow?.estimate);
    // Slower GEMMs train slower than the default model would.
    expect(r?.estimate.tokensPerSec).toBeLessThan(fast?.estimate.tokensPerSec ?? 0);
  });

  it('falls back to the GPU\'s default efficiency where effFor has none', () => {
    const r = searchPlanner(training, () => undefined)(128, 'h100-sxm');
    const fast = search(specFor(training, 'h100-sxm', 128, free), { top: 1, objective: 'tokens-per-sec' }).plans[0];
    expect(r?.estimate).toStrictEqual(fast?.estimate);
  });

  it('is undefined when no plan fits (an 8B model with its optimizer state on one 80 GB GPU)', () => {
    expect(searchPlanner(training)(1, 'h100-sxm')).toBeUndefined();
  });
});
