/**
 * The GEMM ceilings a GPU's efficiency model starts from (measured/peak where the catalog has a
 * measurement, H100's ratios otherwise), the peak a precision runs at, and `evaluate`'s small
 * helpers — worked by hand. GPUs here are catalog GPUs with a field changed, so that the fallback
 * (H100's own ratios) cannot hide which branch was taken.
 */
import { describe, expect, it } from 'vitest';
import { findGpu } from '../catalog/gpus.js';
import type { GpuSpec } from '../catalog/gpu.js';
import { parseSpecValue } from '../spec/index.js';
import { efficiencyFor, gemmPeakTflops } from './efficiency.js';
import { estimate, withPlan } from './estimate.js';
import { evaluate, microBatchesOf, usableHbmBytes } from './evaluate.js';

const gpu = (id: string): GpuSpec => {
  const g = findGpu(id);
  if (!g) throw new Error(id);
  return g;
};
const H100_BF16 = 794.5 / 989.4; // the fallback ratios: H100's measured MAMF over its peak
const H100_FP8 = 1402.6 / 1978.9;

describe('efficiencyFor: GEMM ceilings from the catalog', () => {
  it('measured over peak where the GPU has both (BF16 and FP8 each)', () => {
    const g: GpuSpec = { ...gpu('h100-sxm'), achievableBf16Tflops: 500, achievableFp8Tflops: 1000 };
    const e = efficiencyFor(g);
    expect(e.gemmMaxBf16).toBeCloseTo(500 / 989.4, 12);
    expect(e.gemmMaxFp8).toBeCloseTo(1000 / 1978.9, 12);
  });

  it('A100: its own BF16 ratio (271.2/312), H100\'s FP8 ratio (it has no FP8)', () => {
    const e = efficiencyFor(gpu('a100-sxm-80gb'));
    expect(e.gemmMaxBf16).toBeCloseTo(271.2 / 312, 12);
    expect(e.gemmMaxFp8).toBeCloseTo(H100_FP8, 12);
  });

  it('H100\'s ratios when a measurement or the FP8 peak is missing', () => {
    const { achievableBf16Tflops: _b, achievableFp8Tflops: _f, ...bare } = { ...gpu('h100-sxm'), bf16Tflops: 2000, fp8Tflops: 4000 };
    expect(efficiencyFor(bare).gemmMaxBf16).toBeCloseTo(H100_BF16, 12);
    expect(efficiencyFor(bare).gemmMaxFp8).toBeCloseTo(H100_FP8, 12);
    // A measured FP8 rate without an FP8 peak: no ratio to take.
    const { fp8Tflops: _p, ...noPeak } = { ...gpu('h100-sxm'), achievableFp8Tflops: 1000 };
    expect(efficiencyFor(noPeak).gemmMaxFp8).toBeCloseTo(H100_FP8, 12);
    // An FP8 peak without a measured FP8 rate: the fallback too.
    const { achievableFp8Tflops: _a, ...noMeasured } = { ...gpu('h100-sxm'), fp8Tflops: 4000 };
    expect(efficiencyFor(noMeasured).gemmMaxFp8).toBeCloseTo(H100_FP8, 12);
  });

  it('overrides win over the catalog ratios and the defaults', () => {
    const e = efficiencyFor(gpu('h100-sxm'), { gemmMaxBf16: 0.5, kernelS: 1e-5 });
    expect(e.gemmMaxBf16).toBe(0.5);
    expect(e.kernelS).toBe(1e-5);
    expect(e.gemmMaxFp8).toBeCloseTo(H100_FP8, 12);
  });
});

describe('gemmPeakTflops', () => {
  it('FP8 runs at the FP8 peak where there is one, at the BF16 peak where there is not; BF16 at BF16', () => {
    expect(gemmPeakTflops(gpu('h100-sxm'), 'fp8')).toBe(1978.9);
    expect(gemmPeakTflops(gpu('h100-sxm'), 'bf16')).toBe(989.4);
    expect(gemmPeakTflops(gpu('a100-sxm-80gb'), 'fp8')).toBe(312);
    expect(gemmPeakTflops(gpu('a100-sxm-80gb'), 'bf16')).toBe(312);
  });
});

describe('evaluate\'s helpers', () => {
  it('micro-batches per pipeline: the global batch over dp × micro-batch', () => {
    expect(microBatchesOf(256, 8, 2)).toBe(16);
    expect(microBatchesOf(1024, 4, 8)).toBe(32);
  });

  it('usable HBM: 99.56% of the nominal GB, counted in GiB (H100: 80 × 0.9956 GiB)', () => {
    expect(usableHbmBytes(gpu('h100-sxm'))).toBe(80 * 0.9956 * 2 ** 30);
  });

  it('a plan without a schedule runs the default for its vpp; a named schedule is the one it runs', () => {
    const r = parseSpecValue({ model: 'llama3-8b', system: { gpu: 'h100-sxm', gpus: 64 }, training: { seqLen: 4096, globalBatch: 256 }, parallel: { tp: 4, pp: 4, dp: 4, microBatch: 1, vpp: 1 } });
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    const plan = estimate(r.spec).parallel;
    const { schedule: _s, ...unnamed } = plan;
    const as = (schedule: '1f1b' | 'dualpipe') => evaluate(withPlan(r.spec, { ...plan, schedule })).stepTimeS;
    expect(evaluate(withPlan(r.spec, { ...unnamed, vpp: 1 })).stepTimeS).toBe(as('1f1b'));
    // DualPipe (m = 64 ≥ 2·pp) is not 1F1B: the named schedule is the one played.
    expect(as('dualpipe')).not.toBe(as('1f1b'));
  });
});
