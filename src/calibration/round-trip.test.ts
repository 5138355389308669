import { describe, expect, it } from 'vitest';
import { findGpu, type GpuSpec } from '../catalog/index.js';
import { efficiencyFor, estimate, type EfficiencyModel } from '../model/index.js';
import { parseSpec } from '../spec/index.js';
import { fitProfile } from './fit-profile.js';
import { synthesizeProfile } from './synthesize-profile.js';

// A profile round-trips through the estimator: measure (here: synthesize) → fit → estimate gives
// the estimate of the efficiencies the GPU really has.

const h100 = findGpu('h100-sxm') as GpuSpec;

const specs = {
  'llama3-8b bf16': { model: 'llama3-8b', system: { gpu: 'h100-sxm', gpus: 8 }, training: { seqLen: 8192, globalBatch: 128, precision: 'bf16' }, parallel: { tp: 1, pp: 1, dp: 8 } },
  'llama3-70b fp8 tp8 pp4': { model: 'llama3-70b', system: { gpu: 'h100-sxm', gpus: 512 }, training: { seqLen: 8192, globalBatch: 1024, precision: 'fp8' }, parallel: { tp: 8, pp: 4, dp: 16 } },
};

function fittedEff(truth: EfficiencyModel): EfficiencyModel {
  const r = fitProfile(synthesizeProfile({ gpu: h100, eff: truth }));
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return efficiencyFor(h100, r.fit.overrides);
}

describe('calibration round trip through the estimator', () => {
  for (const [name, value] of Object.entries(specs)) {
    it(`${name}: the fitted efficiencies give the estimate of the true ones`, () => {
      const spec = parseSpec(value);
      const truth = efficiencyFor(h100, { gemmMaxBf16: 0.7, gemmMaxFp8: 0.6, gemmShapeFactor: 2.6, attentionFwd: 0.5, attentionHalfSeq: 900, attentionBwdRatio: 2.8, hbm: 0.8 });
      const want = estimate(spec, truth).tokensPerSecPerGpu;
      const got = estimate(spec, fittedEff(truth)).tokensPerSecPerGpu;
      expect(got / want).toBeCloseTo(1, 5);
      // ... and that estimate differs from the default one: the profile matters.
      expect(Math.abs(estimate(spec).tokensPerSecPerGpu / want - 1)).toBeGreaterThan(0.01);
    });
  }

  it('a profile of the defaults changes nothing', () => {
    const spec = parseSpec(specs['llama3-8b bf16']);
    expect(estimate(spec, fittedEff(efficiencyFor(h100))).tokensPerSecPerGpu / estimate(spec).tokensPerSecPerGpu).toBeCloseTo(1, 5);
  });

  it('10% slower GEMMs make a compute-bound job slower, by less than 10% (attention and memory-bound work stay)', () => {
    const spec = parseSpec(specs['llama3-8b bf16']);
    const d = efficiencyFor(h100);
    const slow = fittedEff({ ...d, gemmMaxBf16: d.gemmMaxBf16 * 0.9 });
    const ratio = estimate(spec, slow).tokensPerSecPerGpu / estimate(spec).tokensPerSecPerGpu;
    expect(ratio).toBeLessThan(0.96);
    expect(ratio).toBeGreaterThan(0.9);
  });
});
