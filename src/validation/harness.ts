import type { GpuSpec } from '../catalog/index.js';
import { formatIssues } from '../core/index.js';
import { estimate, type EfficiencyModel } from '../model/index.js';
import { parseSpecValue } from '../spec/index.js';
import type { ValidationCase } from './cases.js';

export interface ValidationRow {
  id: string;
  source: string;
  confidence: string;
  gpu: string;
  precision: string;
  moe: boolean;
  measuredTokensPerSecPerGpu: number;
  predictedTokensPerSecPerGpu: number | null;
  /** Signed error, (predicted − measured) / measured. */
  error: number | null;
  mfu: number | null;
  fits: boolean | null;
  /** Measured and predicted peak memory per GPU (GiB) and the signed error, where measured. */
  measuredMemoryGiB?: number;
  predictedMemoryGiB?: number;
  memoryError?: number;
  problem?: string;
}

export interface ErrorStats {
  cases: number;
  /** Mean absolute percentage error, median and max absolute error, as fractions. */
  mape: number;
  median: number;
  max: number;
  /** Mean signed error (bias). */
  bias: number;
}

export interface ValidationReport {
  rows: ValidationRow[];
  overall: ErrorStats;
  bySource: Record<string, ErrorStats>;
  byGroup: Record<string, ErrorStats>;
  /** Error of the memory model on the cases that publish a per-GPU memory figure. */
  memory: ErrorStats;
  memoryBySource: Record<string, ErrorStats>;
  failed: number;
}

/** Estimate every case and compare with the measurement. Pure: the caller reads the cases. */
export function runValidation(cases: readonly ValidationCase[], effFor?: (gpuId: string, gpu: GpuSpec) => EfficiencyModel | undefined): ValidationReport {
  const rows: ValidationRow[] = cases.map((c) => {
    const parsed = parseSpecValue(c.spec);
    if (!parsed.ok) {
      return {
        id: c.id, source: c.source, confidence: c.confidence, gpu: '?', precision: '?', moe: false,
        measuredTokensPerSecPerGpu: c.measuredTokensPerSecPerGpu, predictedTokensPerSecPerGpu: null, error: null, mfu: null, fits: null,
        problem: formatIssues(parsed.issues),
      };
    }
    const spec = parsed.spec;
    const est = estimate(spec, effFor?.(spec.system.gpu.id, spec.system.gpu));
    const err = (est.tokensPerSecPerGpu - c.measuredTokensPerSecPerGpu) / c.measuredTokensPerSecPerGpu;
    const row: ValidationRow = {
      id: c.id, source: c.source, confidence: c.confidence, gpu: spec.system.gpu.id, precision: spec.training.precision, moe: spec.model.moe !== undefined,
      measuredTokensPerSecPerGpu: c.measuredTokensPerSecPerGpu, predictedTokensPerSecPerGpu: est.tokensPerSecPerGpu, error: err, mfu: est.mfu, fits: est.fits,
    };
    if (c.measuredMemoryGiB !== undefined) {
      row.measuredMemoryGiB = c.measuredMemoryGiB;
      row.predictedMemoryGiB = est.memory.totalGiB;
      row.memoryError = (est.memory.totalGiB - c.measuredMemoryGiB) / c.measuredMemoryGiB;
    }
    return row;
  });
  const ok = rows.filter((r) => r.error !== null);
  const withMemory = ok.filter((r) => r.memoryError !== undefined);
  const group = (key: (r: ValidationRow) => string): Record<string, ErrorStats> => {
    const by: Record<string, number[]> = {};
    for (const r of ok) (by[key(r)] ??= []).push(r.error as number);
    return Object.fromEntries(Object.entries(by).map(([k, v]) => [k, stats(v)]));
  };
  return {
    rows,
    overall: stats(ok.map((r) => r.error as number)),
    bySource: group((r) => r.source),
    byGroup: {
      ...group((r) => (r.moe ? 'MoE' : 'dense')),
      ...group((r) => r.gpu),
      ...group((r) => r.precision),
    },
    memory: stats(withMemory.map((r) => r.memoryError as number)),
    memoryBySource: Object.fromEntries([...new Set(withMemory.map((r) => r.source))].map((src) => [src, stats(withMemory.filter((r) => r.source === src).map((r) => r.memoryError as number))])),
    failed: rows.length - ok.length,
  };
}

export function stats(errors: readonly number[]): ErrorStats {
  if (errors.length === 0) return { cases: 0, mape: 0, median: 0, max: 0, bias: 0 };
  const abs = errors.map(Math.abs).sort((a, b) => a - b);
  const mid = abs.length >> 1;
  const median = abs.length % 2 ? (abs[mid] as number) : ((abs[mid - 1] as number) + (abs[mid] as number)) / 2;
  return {
    cases: errors.length,
    mape: abs.reduce((s, x) => s + x, 0) / abs.length,
    median,
    max: abs[abs.length - 1] as number,
    bias: errors.reduce((s, x) => s + x, 0) / errors.length,
  };
}
