import { maxOf, type PipelineSchedule, type PipelineTimes } from './schedule.js';

/**
 * DualPipe (DeepSeek-V3 technical report, arXiv 2412.19437, §3.2.1; deepseek-ai/DualPipe):
 * micro-batches enter from both ends; device d holds stage d of one direction and stage
 * pp−1−d of the other (two copies of the parameters in all), and in the steady phase runs a
 * forward of one direction overlapped with a backward of the other (F&B), so that each one's
 * EP all-to-all and send/recv hide under the other's compute. Needs pp even and m even with
 * m ≥ 2·pp. Each device holds pp + 1 micro-batch-stages of activations (the report's Table 2).
 *
 * Closed form (for equal devices; max over devices otherwise): the step is the longest of a
 * few critical paths of the eight-phase order, each a·F + b·B + c·W + (m − k)·F&B with
 * h = pp/2 (found by differentiating the event reference over random times, then checked
 * by the contract test). The report's own figure, bubble (pp/2 − 1)(F&B + B − 3W), assumes
 * sends batched with the next op; the reference sends at the end of each op, which these
 * paths follow. Floored by the busiest device's own work.
 */
const PATHS: readonly ((h: number) => readonly [number, number, number, number])[] = [
  (h) => [3 * h, h + 2, h + 2, h + 2],
  (h) => [2 * h, 3 * h, 3, h + 2],
  (h) => [3 * h, 2 * h + 1, 3, h + 2],
  (h) => [2 * h, 2 * h + 1, h + 2, h + 2],
  (h) => [3 * h, 3 * h, 3 * h, 3 * h],
  (h) => [3 * h - 1, 4 * h - 2, 4 * h - 2, 4 * h - 2],
  (h) => [2 * h, 5 * h - 2, 2 * h + 1, 3 * h],
  (h) => [3 * h, 4 * h - 1, 2 * h + 1, 3 * h],
];

/** Overlapped F&B pairs device r runs (steps 4 and 5 of the order). */
export function dualPipePairs(pp: number, m: number, r: number): number {
  const half = pp / 2;
  const hr = Math.min(r, pp - 1 - r);
  const main = m / 2 - pp + hr + 1;
  return 2 * main - (hr === half - 1 ? 1 : 0) + (half - hr - 1);
}

export const dualPipe: PipelineSchedule = {
  id: 'dualpipe',
  frameworks: 'DeepSeek DualPipe (deepseek-ai/DualPipe)',
  invalid(pp, vpp, m) {
    if (pp < 2 || pp % 2 !== 0) return 'needs an even pp ≥ 2';
    if (vpp !== 1) return 'holds two stages per device by itself (vpp 1)';
    if (m % 2 !== 0 || m < 2 * pp) return `needs an even number of micro-batches per pipeline ≥ 2·pp (${2 * pp}), not ${m}`;
    return undefined;
  },
  pipelineS(pp, _vpp, m, t: PipelineTimes) {
    const h = pp / 2;
    const f = maxOf(pp, t.fS);
    const b = maxOf(pp, t.bS);
    const w = maxOf(pp, t.wS);
    const fb = maxOf(pp, t.fbS);
    let T = 0;
    for (const path of PATHS) {
      const [a, bb, c, k] = path(h);
      const v = a * f + bb * b + c * w + (m - k) * fb;
      if (v > T) T = v;
    }
    for (let d = 0; d < pp; d++) {
      const pairs = dualPipePairs(pp, m, d);
      const busy = pairs * (t.fbS[d] as number) + (m - pairs) * ((t.fS[d] as number) + (t.bS[d] as number) + (t.wS[d] as number));
      if (busy > T) T = busy;
    }
    return T;
  },
  peakChunks(pp) {
    return pp + 1;
  },
  chunksPerStage() {
    return 2;
  },
  lowerBoundS(pp, _vpp, m, _layersS, layersComputeS) {
    // Each device runs m micro-batches through one of its two stages; the compute of an
    // overlapped pair is not hidden.
    return (m * layersComputeS) / pp;
  },
};
