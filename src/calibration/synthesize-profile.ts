import type { GpuSpec } from '../catalog/index.js';
import { efficiencyFor, gemmPeakTflops, type EfficiencyModel } from '../model/index.js';
import { Rng } from '../sim/rng.js';
import { attentionFwdFlops } from './attention-flops.js';
import { probeShapes } from './probe-shapes.js';
import type { AttentionMeasurement, CalibrationProfile, GemmMeasurement, MemoryMeasurement } from './profile.js';

export interface SynthesisOptions {
  gpu: GpuSpec;
  /** The "true" efficiencies the tables are generated from (default: the model's defaults for `gpu`). */
  eff?: EfficiencyModel;
  /** Copy bandwidth as a fraction of the catalog HBM bandwidth (default: hbm + 0.05, at most 0.95). */
  copyFraction?: number;
  /** Relative noise on every timing, uniform in ±noise (default 0: the exact curves). */
  noise?: number;
  seed?: number;
  quick?: boolean;
  /** Include FP8 GEMMs (default: where the GPU has an FP8 peak). */
  fp8?: boolean;
  deviceName?: string;
  date?: string;
  notes?: string;
}

const MEMORY_BYTES = 2 ** 30;

/**
 * A profile generated from the performance model's own curves (not a measurement): the tables
 * a probe would print on a GPU that behaves exactly like `eff`, with optional seeded noise. Used
 * by the tests (a fit must recover `eff`) and to make the recorded fixture.
 */
export function synthesizeProfile(opts: SynthesisOptions): CalibrationProfile {
  const { gpu } = opts;
  const eff = opts.eff ?? efficiencyFor(gpu);
  const noise = opts.noise ?? 0;
  const rng = new Rng(opts.seed ?? 1);
  const jitter = () => 1 + noise * (2 * rng.next() - 1);
  const shapes = probeShapes(opts.quick ?? false);
  const hbmBps = gpu.hbmTBps * 1e12;

  const gemm: GemmMeasurement[] = [];
  const withFp8 = (opts.fp8 ?? gpu.fp8Tflops !== undefined) && gpu.fp8Tflops !== undefined;
  for (const dtype of withFp8 ? (['bf16', 'fp8'] as const) : (['bf16'] as const)) {
    const peak = gemmPeakTflops(gpu, dtype) * 1e12;
    const max = dtype === 'fp8' ? eff.gemmMaxFp8 : eff.gemmMaxBf16;
    const d0 = eff.gemmShapeFactor * (peak / hbmBps) * (dtype === 'fp8' ? 0.5 : 1);
    for (const [m, n, k] of shapes.gemm) {
      const flops = 2 * m * n * k;
      const e = max / (1 + d0 / m + d0 / n + d0 / k);
      const ms = sig((flops / (peak * e)) * 1e3 * jitter());
      gemm.push({ dtype, m, n, k, ms, tflops: sig(flops / (ms * 1e-3) / 1e12) });
    }
  }

  const attention: AttentionMeasurement[] = shapes.attentionSeqLens.map((seqLen) => {
    const a = {
      seqLen,
      batch: Math.max(1, Math.floor(shapes.attentionTokens / seqLen)),
      heads: shapes.attentionHeads,
      headDim: shapes.attentionHeadDim,
      causal: true,
    };
    const flops = attentionFwdFlops(a);
    const e = (eff.attentionFwd * seqLen) / (seqLen + eff.attentionHalfSeq);
    const fwdMs = sig((flops / (gpu.bf16Tflops * 1e12 * e)) * 1e3 * jitter());
    const fwdBwdMs = sig(fwdMs * (1 + eff.attentionBwdRatio * jitter()));
    return { ...a, fwdMs, fwdBwdMs, fwdTflops: sig(flops / (fwdMs * 1e-3) / 1e12) };
  });

  const copyFraction = opts.copyFraction ?? Math.min(0.95, eff.hbm + 0.05);
  const memory: MemoryMeasurement[] = (
    [
      ['copy', 2 * MEMORY_BYTES, copyFraction],
      ['add', 3 * MEMORY_BYTES, eff.hbm],
      ['layernorm', 2 * MEMORY_BYTES, eff.hbm],
    ] as const
  ).map(([kernel, bytes, fraction]) => {
    const ms = sig((bytes / (hbmBps * fraction)) * 1e3 * jitter());
    return { kernel, bytes, ms, bandwidthGBps: sig(bytes / (ms * 1e-3) / 1e9) };
  });

  const profile: CalibrationProfile = {
    schemaVersion: 1,
    device: { name: opts.deviceName ?? `SYNTHETIC (${gpu.name}), not a measurement` },
    gpu: gpu.id,
    driver: 'synthetic',
    torch: 'synthetic',
    date: opts.date ?? '2000-01-01',
    probe: { version: 1, quick: opts.quick ?? false },
    gemm,
    attention,
    memory,
    skipped: withFp8 ? [] : [{ what: 'gemm fp8', reason: 'not synthesized' }],
  };
  if (opts.notes !== undefined) profile.notes = opts.notes;
  return profile;
}

/** Round to 7 significant digits, as a probe's printed figures are. */
function sig(x: number): number {
  return Number(x.toPrecision(7));
}
