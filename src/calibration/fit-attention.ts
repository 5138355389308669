import type { AttentionMeasurement } from './profile.js';
import type { FitPoint } from './fit-result.js';
import { median } from './median.js';
import { weightedLine } from './weighted-line.js';

export interface AttentionFit {
  attentionFwd: number;
  attentionHalfSeq: number;
  attentionBwdRatio: number;
  halfSeqFitted: boolean;
  points: FitPoint[];
  fwdFrom: string;
  bwdFrom: string;
}

/**
 * Fit the estimator's flash-attention curve, forward efficiency = attentionFwd·s/(s + halfSeq)
 * of the BF16 peak, to measured causal attention. As 1/e = 1/attentionFwd + (halfSeq/attentionFwd)·(1/s)
 * the curve is a line in 1/s: a weighted least-squares line (weights e²: relative errors).
 * The backward/forward ratio is the median over the sequence lengths of (fwdBwd − fwd)/fwd.
 * `rows` are the causal rows with their index in the profile's `attention` table.
 */
export function fitAttention(
  rows: readonly { index: number; a: AttentionMeasurement }[],
  bf16PeakTflops: number,
  fallbackHalfSeq: number,
): AttentionFit {
  const pts = rows.map(({ index, a }) => ({ index, a, s: a.seqLen, e: a.fwdTflops / bf16PeakTflops, ratio: (a.fwdBwdMs - a.fwdMs) / a.fwdMs }));
  const line = weightedLine(pts.map((p) => ({ x: 1 / p.s, y: 1 / p.e, w: p.e * p.e })));
  let fwd: number;
  let halfSeq: number;
  let halfSeqFitted = false;
  let how: string;
  if (line && line.intercept > 0 && line.slope >= 0) {
    fwd = 1 / line.intercept;
    halfSeq = line.slope / line.intercept;
    halfSeqFitted = true;
    how = 'weighted least squares of e = fwd·s/(s + halfSeq)';
  } else {
    halfSeq = fallbackHalfSeq;
    fwd = median(pts.map((p) => (p.e * (p.s + halfSeq)) / p.s));
    how =
      line && line.slope < 0
        ? 'efficiency falls with sequence length: half-sequence default kept, level fitted'
        : 'one sequence length: half-sequence default kept, level fitted';
  }
  const ratio = median(pts.map((p) => p.ratio));
  const points: FitPoint[] = [];
  for (const p of pts) {
    points.push({ table: 'attention fwd', row: p.index, label: `seq ${p.s}`, measured: p.e, fitted: (fwd * p.s) / (p.s + halfSeq) });
  }
  for (const p of pts) {
    points.push({ table: 'attention bwd', row: p.index, label: `seq ${p.s}`, measured: p.ratio, fitted: ratio });
  }
  return {
    attentionFwd: fwd,
    attentionHalfSeq: halfSeq,
    attentionBwdRatio: ratio,
    halfSeqFitted,
    points,
    fwdFrom: `attention: ${pts.length} sequence length${pts.length === 1 ? '' : 's'}, ${how}`,
    bwdFrom: `attention: median of (fwdBwdMs − fwdMs) / fwdMs over ${pts.length} sequence length${pts.length === 1 ? '' : 's'}`,
  };
}
