import type { Issue } from '../core/index.js';
import type { EfficiencyModel } from '../model/index.js';

/** The model parameters a profile can set. */
export type FittedParameter =
  | 'gemmMaxBf16'
  | 'gemmMaxFp8'
  | 'gemmShapeFactor'
  | 'attentionFwd'
  | 'attentionHalfSeq'
  | 'attentionBwdRatio'
  | 'hbm';

export const FITTED_PARAMETERS: readonly FittedParameter[] = [
  'gemmMaxBf16',
  'gemmMaxFp8',
  'gemmShapeFactor',
  'attentionFwd',
  'attentionHalfSeq',
  'attentionBwdRatio',
  'hbm',
];

/** One fitted value and how it was obtained. */
export interface FittedValue {
  parameter: FittedParameter;
  value: number;
  /** Which measurements, and which method, e.g. "gemm bf16: 101 shapes, weighted least squares". */
  from: string;
}

/** One measurement against the fitted curve. */
export interface FitPoint {
  /** `gemm bf16`, `gemm fp8`, `attention fwd`, `attention bwd`, `memory`. */
  table: FitTable;
  /** Index of the row in the profile's table (`gemm[i]`, `attention[i]`, `memory[i]`). */
  row: number;
  label: string;
  /** Efficiency (fraction of the peak the model uses) or, for `attention bwd`, the bwd/fwd ratio. */
  measured: number;
  fitted: number;
}

export type FitTable = 'gemm bf16' | 'gemm fp8' | 'attention fwd' | 'attention bwd' | 'memory';

/** How well the fitted curve reproduces one table. */
export interface FitResiduals {
  table: FitTable;
  points: number;
  /** Root-mean-square and largest |fitted − measured| / measured. */
  rmsRelError: number;
  maxRelError: number;
}

export interface CalibrationFit {
  /** Catalog GPU the profile was identified as, and how. */
  gpuId: string;
  gpuName: string;
  identifiedBy: 'gpu' | 'device.name';
  /** Only the fitted fields: pass to `efficiencyFor(gpu, overrides)`. */
  overrides: Partial<EfficiencyModel>;
  values: FittedValue[];
  residuals: FitResiduals[];
  points: FitPoint[];
  /** What was not fitted, or fitted with a fallback, and why. */
  notes: string[];
}

export type FitResult = { ok: true; fit: CalibrationFit } | { ok: false; issues: Issue[] };

/** Residual summary of a list of points of one table. */
export function residualsOf(table: FitTable, points: readonly FitPoint[]): FitResiduals {
  const rel = points.map((p) => Math.abs(p.fitted - p.measured) / p.measured);
  const rms = rel.length ? Math.sqrt(rel.reduce((s, r) => s + r * r, 0) / rel.length) : 0;
  return { table, points: rel.length, rmsRelError: rms, maxRelError: rel.length ? Math.max(...rel) : 0 };
}
