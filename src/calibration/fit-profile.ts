import type { Issue } from '../core/index.js';
import { DEFAULT_EFFICIENCY, type EfficiencyModel } from '../model/index.js';
import { fitAttention } from './fit-attention.js';
import { fitGemm, type GemmRow } from './fit-gemm.js';
import { fitMemory } from './fit-memory.js';
import { residualsOf, type CalibrationFit, type FitPoint, type FitResult, type FittedValue } from './fit-result.js';
import { identifyProfileGpu } from './identify-gpu.js';
import type { CalibrationProfile } from './profile.js';

/**
 * Turn a profile's measured tables into overrides of the performance model's efficiencies
 * for the profile's GPU (docs/calibrate.md: how each measurement maps to a parameter).
 * Pure. Refuses (issues with field paths) a profile whose GPU cannot be identified, or whose
 * measurements exceed that GPU's catalog peaks, which means the identification is wrong.
 */
export function fitProfile(profile: CalibrationProfile): FitResult {
  const match = identifyProfileGpu(profile);
  if (!match.ok) return { ok: false, issues: match.issues };
  const gpu = match.gpu;
  const issues: Issue[] = [];
  const notes: string[] = [];
  const overrides: Partial<EfficiencyModel> = {};
  const values: FittedValue[] = [];
  const points: FitPoint[] = [];
  const set = (parameter: FittedValue['parameter'], value: number, from: string) => {
    overrides[parameter] = value;
    values.push({ parameter, value, from });
  };
  const hint = `${gpu.id}${match.by === 'device.name' ? ` (from device.name; set "gpu" if it is another GPU)` : ''}`;

  const hbmBps = gpu.hbmTBps * 1e12;
  const gemmRows = (dtype: 'bf16' | 'fp8', peakTflops: number): GemmRow[] => {
    const rows: GemmRow[] = [];
    profile.gemm.forEach((g, index) => {
      if (g.dtype !== dtype) return;
      if (g.tflops > peakTflops) {
        issues.push({ path: `gemm[${index}].tflops`, message: `is above the ${dtype.toUpperCase()} peak of ${hint}`, expected: `<= ${peakTflops}`, received: String(g.tflops) });
      }
      rows.push({ index, m: g.m, n: g.n, k: g.k, tflops: g.tflops });
    });
    return rows;
  };

  // GEMMs: BF16 sets the ceiling and the shape factor (shared by all precisions), FP8 its own ceiling.
  const bf16Rows = gemmRows('bf16', gpu.bf16Tflops);
  const fp8Peak = gpu.fp8Tflops;
  const fp8Rows = fp8Peak !== undefined ? gemmRows('fp8', fp8Peak) : [];
  if (fp8Peak === undefined && profile.gemm.some((g) => g.dtype === 'fp8')) notes.push(`${gpu.id} has no FP8 peak in the catalog: FP8 GEMMs ignored`);
  const attnRows = profile.attention.flatMap((a, index) => (a.causal ? [{ index, a }] : []));
  if (attnRows.length < profile.attention.length) notes.push('non-causal attention rows ignored: the model times causal flash attention');
  for (const { index, a } of attnRows) {
    if (a.fwdTflops > gpu.bf16Tflops) {
      issues.push({ path: `attention[${index}].fwdTflops`, message: `is above the BF16 peak of ${hint}`, expected: `<= ${gpu.bf16Tflops}`, received: String(a.fwdTflops) });
    }
  }
  profile.memory.forEach((m, index) => {
    if (m.bandwidthGBps * 1e9 > hbmBps) {
      issues.push({ path: `memory[${index}].bandwidthGBps`, message: `is above the HBM bandwidth of ${hint}`, expected: `<= ${gpu.hbmTBps * 1000}`, received: String(m.bandwidthGBps) });
    }
  });
  if (issues.length > 0) return { ok: false, issues };

  const ridge = (peakTflops: number) => (peakTflops * 1e12) / hbmBps;
  if (bf16Rows.length > 0) {
    const bf16 = fitGemm({
      table: 'gemm bf16',
      rows: bf16Rows,
      peakTflops: gpu.bf16Tflops,
      d0PerFactor: ridge(gpu.bf16Tflops),
      fallbackShapeFactor: DEFAULT_EFFICIENCY.gemmShapeFactor,
    });
    set('gemmMaxBf16', bf16.gemmMax, bf16.from);
    if (bf16.shapeFactorFitted) set('gemmShapeFactor', bf16.shapeFactor, bf16.from);
    else notes.push('gemmShapeFactor not fitted (the BF16 GEMMs need at least two distinct shapes): default kept');
    points.push(...bf16.points);
    if (fp8Peak !== undefined && fp8Rows.length > 0) {
      const fp8 = fitGemm({
        table: 'gemm fp8',
        rows: fp8Rows,
        peakTflops: fp8Peak,
        d0PerFactor: ridge(fp8Peak) / 2,
        fixedShapeFactor: bf16.shapeFactor,
        fallbackShapeFactor: DEFAULT_EFFICIENCY.gemmShapeFactor,
      });
      set('gemmMaxFp8', fp8.gemmMax, fp8.from);
      points.push(...fp8.points);
    } else if (fp8Peak !== undefined) {
      notes.push(`no FP8 GEMMs measured${profile.skipped.some((s) => /fp8/i.test(s.what)) ? ' (skipped by the probe, see skipped)' : ''}: gemmMaxFp8 keeps the catalog value`);
    }
  }

  if (attnRows.length > 0) {
    const attn = fitAttention(attnRows, gpu.bf16Tflops, DEFAULT_EFFICIENCY.attentionHalfSeq);
    set('attentionFwd', attn.attentionFwd, attn.fwdFrom);
    if (attn.halfSeqFitted) set('attentionHalfSeq', attn.attentionHalfSeq, attn.fwdFrom);
    else notes.push('attentionHalfSeq not fitted (needs two or more sequence lengths, efficiency rising with length): default kept');
    set('attentionBwdRatio', attn.attentionBwdRatio, attn.bwdFrom);
    points.push(...attn.points);
  } else {
    notes.push('no causal attention measured: attention efficiencies keep the defaults');
  }

  if (profile.memory.length > 0) {
    const mem = fitMemory(profile.memory.map((m, index) => ({ index, m })), gpu.hbmTBps);
    set('hbm', mem.hbm, mem.from);
    if (mem.copyFraction !== undefined) notes.push(`copy bandwidth: ${(mem.copyFraction * 100).toFixed(1)}% of the catalog ${gpu.hbmTBps} TB/s`);
    points.push(...mem.points);
  } else {
    notes.push('no memory bandwidth measured: hbm keeps the default');
  }

  const tables = [...new Set(points.map((p) => p.table))];
  const fit: CalibrationFit = {
    gpuId: gpu.id,
    gpuName: gpu.name,
    identifiedBy: match.by,
    overrides,
    values,
    residuals: tables.map((t) => residualsOf(t, points.filter((p) => p.table === t))),
    points,
    notes,
  };
  return { ok: true, fit };
}
