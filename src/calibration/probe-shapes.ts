/**
 * The shapes `calibration/probe.py` measures, mirrored here so that synthetic profiles (tests,
 * the fixture) have the same tables as a real one. Keep in step with the probe's constants.
 */
export interface ProbeShapes {
  gemm: readonly (readonly [m: number, n: number, k: number])[];
  attentionSeqLens: readonly number[];
  attentionHeads: number;
  attentionHeadDim: number;
  /** batch × seqLen per attention measurement. */
  attentionTokens: number;
}

const SQUARE = [1024, 2048, 4096, 8192, 16384];
const HIDDEN = [4096, 8192, 16384];
const TP = [1, 2, 4, 8];
const TOKENS = [512, 2048, 8192, 16384];

/** Square GEMMs, then for each hidden size, TP degree and token count a column-parallel (M, 4h/tp, h) and a row-parallel (M, h, 4h/tp) GEMM. */
export function probeShapes(quick = false): ProbeShapes {
  const square = quick ? [2048, 8192] : SQUARE;
  const hidden = quick ? [8192] : HIDDEN;
  const tps = quick ? [1, 8] : TP;
  const tokens = quick ? [2048, 8192] : TOKENS;
  const shapes: [number, number, number][] = square.map((s) => [s, s, s]);
  for (const h of hidden)
    for (const tp of tps)
      for (const m of tokens) {
        shapes.push([m, (4 * h) / tp, h]);
        shapes.push([m, h, (4 * h) / tp]);
      }
  const seen = new Set<string>();
  const gemm = shapes.filter((s) => {
    const key = s.join('x');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return {
    gemm,
    attentionSeqLens: quick ? [2048, 8192] : [1024, 2048, 4096, 8192, 16384],
    attentionHeads: 16,
    attentionHeadDim: 128,
    attentionTokens: 32768,
  };
}
