import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findGpu, type GpuSpec } from '../catalog/index.js';
import { efficiencyFor, type EfficiencyModel } from '../model/index.js';
import { fitProfile } from './fit-profile.js';
import { FITTED_PARAMETERS, type CalibrationFit } from './fit-result.js';
import { synthesizeProfile } from './synthesize-profile.js';

const h100 = findGpu('h100-sxm') as GpuSpec;
const a100 = findGpu('a100-sxm-80gb') as GpuSpec;

const TRUTH: Partial<EfficiencyModel> = {
  gemmMaxBf16: 0.75,
  gemmShapeFactor: 1.3,
  gemmMaxFp8: 0.66,
  attentionFwd: 0.6,
  attentionHalfSeq: 700,
  attentionBwdRatio: 2.2,
  hbm: 0.88,
};

function fitOf(...args: Parameters<typeof synthesizeProfile>): CalibrationFit {
  const r = fitProfile(synthesizeProfile(...args));
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.fit;
}

describe('fitProfile', () => {
  it('recovers the parameters a noise-free profile was generated from', () => {
    const eff = efficiencyFor(h100, TRUTH);
    const fit = fitOf({ gpu: h100, eff });
    expect(fit.gpuId).toBe('h100-sxm');
    for (const p of FITTED_PARAMETERS) expect(fit.overrides[p], p).toBeCloseTo(eff[p], p === 'attentionHalfSeq' ? 1 : 5);
    for (const r of fit.residuals.filter((x) => x.table !== 'memory')) expect(r.maxRelError, r.table).toBeLessThan(1e-5);
    expect(fit.values.map((v) => v.parameter).sort()).toEqual([...FITTED_PARAMETERS].sort());
  });

  it('recovers them within a few percent from a profile with 3% timing noise, and reports residuals of that size', () => {
    const eff = efficiencyFor(h100, TRUTH);
    const fit = fitOf({ gpu: h100, eff, noise: 0.03, seed: 11 });
    for (const p of FITTED_PARAMETERS) {
      const got = fit.overrides[p] as number;
      // Level and knee of a curve trade off against each other over 5 attention lengths or 71 GEMMs.
      const tolerance = { attentionHalfSeq: 0.25, gemmShapeFactor: 0.15, attentionFwd: 0.06 }[p as string] ?? 0.03;
      expect(Math.abs(got - eff[p]) / eff[p], p).toBeLessThan(tolerance);
    }
    // The fitted attention curve itself stays within the noise at a training-size sequence.
    const at = (fwd: number, half: number, s: number) => (fwd * s) / (s + half);
    expect(at(fit.overrides.attentionFwd as number, fit.overrides.attentionHalfSeq as number, 8192) / at(eff.attentionFwd, eff.attentionHalfSeq, 8192)).toBeCloseTo(1, 1);
    const bf16 = fit.residuals.find((r) => r.table === 'gemm bf16');
    expect(bf16?.points).toBe(71);
    expect(bf16?.rmsRelError).toBeGreaterThan(0.005);
    expect(bf16?.maxRelError).toBeLessThan(0.06);
  });

  it('recovers any plausible parameters (property)', () => {
    fc.assert(
      fc.property(
        fc.record({
          gemmMaxBf16: fc.double({ min: 0.4, max: 0.95, noNaN: true }),
          gemmMaxFp8: fc.double({ min: 0.4, max: 0.95, noNaN: true }),
          gemmShapeFactor: fc.double({ min: 0.05, max: 6, noNaN: true }),
          attentionFwd: fc.double({ min: 0.2, max: 0.9, noNaN: true }),
          attentionHalfSeq: fc.double({ min: 10, max: 4000, noNaN: true }),
          attentionBwdRatio: fc.double({ min: 1.2, max: 4, noNaN: true }),
          hbm: fc.double({ min: 0.5, max: 0.93, noNaN: true }),
        }),
        fc.constantFrom('h100-sxm', 'h200-sxm', 'b200', 'mi300x'),
        (truth, gpuId) => {
          const gpu = findGpu(gpuId) as GpuSpec;
          const eff = efficiencyFor(gpu, truth);
          const fit = fitOf({ gpu, eff, quick: true });
          for (const p of FITTED_PARAMETERS) {
            if (fit.overrides[p] === undefined) continue;
            // Profiles print 7 significant digits; a knee far below the shortest length is weakly determined.
            const tolerance = p === 'attentionHalfSeq' || p === 'gemmShapeFactor' ? 1e-3 : 1e-4;
            expect(Math.abs((fit.overrides[p] as number) - eff[p]) / eff[p], p).toBeLessThan(tolerance);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('leaves FP8 alone on a GPU without FP8, and says so', () => {
    const fit = fitOf({ gpu: a100 });
    expect(fit.gpuId).toBe('a100-sxm-80gb');
    expect(fit.overrides.gemmMaxFp8).toBeUndefined();
    expect(fit.overrides.gemmMaxBf16).toBeCloseTo(efficiencyFor(a100).gemmMaxBf16, 5);
  });

  it('notes the tables it could not fit and keeps the defaults', () => {
    const p = synthesizeProfile({ gpu: h100, fp8: false });
    const r = fitProfile({ ...p, gemm: p.gemm.slice(0, 1), attention: p.attention.slice(0, 1), memory: [] });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.fit.overrides.gemmShapeFactor).toBeUndefined();
    expect(r.fit.overrides.attentionHalfSeq).toBeUndefined();
    expect(r.fit.overrides.hbm).toBeUndefined();
    expect(r.fit.overrides.gemmMaxFp8).toBeUndefined();
    expect(r.fit.notes.join('\n')).toMatch(/gemmShapeFactor not fitted[\s\S]*FP8 GEMMs[\s\S]*attentionHalfSeq not fitted[\s\S]*hbm keeps the default/);
    // One 1024³ GEMM: its efficiency, lifted by the default shape penalty, is the ceiling.
    const d = efficiencyFor(h100);
    expect(r.fit.overrides.gemmMaxBf16).toBeCloseTo(d.gemmMaxBf16, 5);
    expect(r.fit.overrides.attentionFwd).toBeCloseTo(d.attentionFwd, 5);
  });

  it('identifies the GPU by device name, and the gpu field overrides it', () => {
    const p = synthesizeProfile({ gpu: h100 });
    const { gpu: _drop, ...rest } = p;
    const byName = fitProfile({ ...rest, device: { name: 'NVIDIA H100 80GB HBM3' } });
    expect(byName.ok && byName.fit.gpuId).toBe('h100-sxm');
    expect(byName.ok && byName.fit.identifiedBy).toBe('device.name');
    const byField = fitProfile({ ...p, device: { name: 'NVIDIA H800' }, gpu: 'h100-sxm' });
    expect(byField.ok && byField.fit.identifiedBy).toBe('gpu');
  });

  it('refuses an unknown device with the field path and how to fix it', () => {
    const { gpu: _drop, ...rest } = synthesizeProfile({ gpu: h100 });
    const r = fitProfile({ ...rest, device: { name: 'NVIDIA GeForce RTX 4090' } });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues[0]?.path).toBe('device.name');
    expect(r.issues[0]?.message).toMatch(/add a "gpu" field/);
  });

  it('refuses measurements above the identified GPU\'s peaks (wrong GPU), naming the rows', () => {
    // An H200 profile (4.8 TB/s) labelled as an H100 (3.35 TB/s): its bandwidth cannot be an H100's.
    const h200 = findGpu('h200-sxm') as GpuSpec;
    const r = fitProfile({ ...synthesizeProfile({ gpu: h200 }), gpu: 'h100-sxm' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues.map((i) => i.path)).toEqual(['memory[0].bandwidthGBps', 'memory[1].bandwidthGBps', 'memory[2].bandwidthGBps']);
    expect(r.issues[0]?.message).toMatch(/above the HBM bandwidth of h100-sxm/);
    // A B200's GEMMs are above an H100's peak.
    const b200 = findGpu('b200') as GpuSpec;
    const g = fitProfile({ ...synthesizeProfile({ gpu: b200 }), gpu: 'h100-sxm' });
    expect(!g.ok && g.issues.some((i) => /^gemm\[\d+\]\.tflops$/.test(i.path))).toBe(true);
  });
});
