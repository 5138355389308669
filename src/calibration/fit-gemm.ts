import type { FitPoint, FitTable } from './fit-result.js';
import { median } from './median.js';
import { weightedLine } from './weighted-line.js';

export interface GemmRow {
  /** Index in the profile's `gemm` table. */
  index: number;
  m: number;
  n: number;
  k: number;
  tflops: number;
}

export interface GemmFitInput {
  table: FitTable;
  rows: readonly GemmRow[];
  /** Dense peak the model divides by (BF16 or FP8), TFLOP/s. */
  peakTflops: number;
  /**
   * d0 per unit of gemmShapeFactor: the GPU's ridge point (peak FLOP/s ÷ HBM bytes/s) ×
   * operandBytes/2, as in the estimator.
   */
  d0PerFactor: number;
  /** Keep this shape factor and fit only the ceiling (the factor is shared across precisions). */
  fixedShapeFactor?: number;
  /** Used when the shapes do not vary enough to fit the factor. */
  fallbackShapeFactor: number;
}

export interface GemmFit {
  gemmMax: number;
  shapeFactor: number;
  /** False when the shape factor was fixed or fell back (too few distinct shapes). */
  shapeFactorFitted: boolean;
  points: FitPoint[];
  from: string;
}

/** GEMMs whose smallest side is at least this are "large": they set the ceiling. */
const LARGE_MIN_DIM = 4096;
const ITERATIONS = 5;

/**
 * Fit the estimator's GEMM curve, efficiency = gemmMax / (1 + d0·(1/M + 1/N + 1/K)), to
 * measured GEMMs (efficiency = TFLOP/s ÷ peak). Written as 1/e = 1/gemmMax + (d0/gemmMax)·x
 * with x = 1/M + 1/N + 1/K, the curve is a line, so a weighted least-squares line (weights e²:
 * relative errors) gives a first gemmMax and d0. Then, alternately, the ceiling is set from
 * the large GEMMs (the median of e·(1 + d0·x) over them, robust to a slow outlier) and d0 is
 * refitted by least squares with that ceiling held. Noise-free data of the curve is recovered
 * exactly. Even a 16k cube pays a shape penalty under this curve, so gemmMax is the large-size
 * asymptote, a little above the best measured GEMM.
 */
export function fitGemm(input: GemmFitInput): GemmFit {
  const pts = input.rows.map((r) => ({ r, x: 1 / r.m + 1 / r.n + 1 / r.k, e: r.tflops / input.peakTflops }));
  let d0: number;
  let fitted = false;
  let how: string;
  if (input.fixedShapeFactor !== undefined) {
    d0 = input.fixedShapeFactor * input.d0PerFactor;
    how = 'ceiling from the large GEMMs, shape factor shared with BF16';
  } else {
    const line = weightedLine(pts.map((p) => ({ x: p.x, y: 1 / p.e, w: p.e * p.e })));
    if (line && line.intercept > 0) {
      d0 = Math.max(0, line.slope / line.intercept);
      fitted = true;
      how = 'weighted least squares of the shape curve, ceiling from the large GEMMs';
    } else {
      d0 = input.fallbackShapeFactor * input.d0PerFactor;
      how = 'too few distinct shapes to fit the shape factor: default kept, ceiling from the largest GEMMs';
    }
  }
  const maxMin = Math.max(...pts.map((p) => Math.min(p.r.m, p.r.n, p.r.k)));
  const largeMin = Math.min(LARGE_MIN_DIM, maxMin);
  const large = pts.filter((p) => Math.min(p.r.m, p.r.n, p.r.k) >= largeMin);
  let gemmMax = 0;
  for (let it = 0; it < ITERATIONS; it++) {
    gemmMax = median(large.map((p) => p.e * (1 + d0 * p.x)));
    if (!fitted) break;
    // d0 given the ceiling: gemmMax/e − 1 = d0·x, least squares through the origin.
    let sxz = 0;
    let sxx = 0;
    for (const p of pts) {
      const w = (p.e / gemmMax) ** 2;
      sxz += w * p.x * (gemmMax / p.e - 1);
      sxx += w * p.x * p.x;
    }
    d0 = sxx > 0 ? Math.max(0, sxz / sxx) : d0;
  }
  gemmMax = median(large.map((p) => p.e * (1 + d0 * p.x)));
  const points: FitPoint[] = pts.map((p) => ({
    table: input.table,
    row: p.r.index,
    label: `${p.r.m}×${p.r.n}×${p.r.k}`,
    measured: p.e,
    fitted: gemmMax / (1 + d0 * p.x),
  }));
  return {
    gemmMax,
    shapeFactor: d0 / input.d0PerFactor,
    shapeFactorFitted: fitted,
    points,
    from: `${input.table}: ${pts.length} shape${pts.length === 1 ? '' : 's'} (${large.length} large), ${how}`,
  };
}
