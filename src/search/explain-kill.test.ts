/**
 * `explain` on hand-built plans whose step-time terms are chosen so that every rule of the text shows:
 * the labels (with " fp8" for FP8 plans), the gain, the step times and GPU counts, which terms differ
 * (above 1e-6 of the winner's step), their order (largest first), the cut at four, the sign and the
 * unit (ms below 1 s, s from 1 s), and the memory line (only for a gap above 0.5 GiB).
 */
import { describe, expect, it } from 'vitest';
import type { Estimate } from '../model/index.js';
import type { ParallelPlan } from '../spec/types.js';
import { explain } from './explain.js';
import type { RankedPlan } from './types.js';

type Terms = Partial<Record<'compute' | 'tp' | 'cp' | 'ep' | 'pp' | 'dp' | 'zero' | 'bubble' | 'imbalance' | 'stragglers' | 'optimizer' | 'other', number>>;

const plan = (p: Partial<ParallelPlan>): ParallelPlan => ({
  tp: 1, pp: 1, dp: 1, cp: 1, ep: 1, vpp: 1, microBatch: 1, sequenceParallel: false, recompute: 'none',
  distributedOptimizer: true, zeroStage: 1, tpCommOverlap: true, schedule: '1f1b', ...p,
});

/** A ranked plan carrying only what `explain` reads (the step's terms, step time, memory). */
function ranked(parallel: ParallelPlan, o: { precision?: 'bf16' | 'fp8'; score: number; gpusUsed: number; stepTimeS: number; memGiB: number; t: Terms }): RankedPlan {
  const t = o.t;
  const estimate = {
    stepTimeS: o.stepTimeS,
    breakdown: {
      computeS: t.compute ?? 0,
      exposedCommS: { tp: t.tp ?? 0, cp: t.cp ?? 0, ep: t.ep ?? 0, pp: t.pp ?? 0, dp: t.dp ?? 0, zero: t.zero ?? 0 },
      bubbleS: t.bubble ?? 0,
      moeImbalanceS: t.imbalance ?? 0,
      stragglerS: t.stragglers ?? 0,
      optimizerS: t.optimizer ?? 0,
      otherS: t.other ?? 0,
    },
    memory: { totalGiB: o.memGiB },
  } as unknown as Estimate;
  return { parallel, precision: o.precision ?? 'bf16', gpusUsed: o.gpusUsed, spareGpus: 0, score: o.score, estimate, usdPerMillionTokens: 0, tokensPerJoule: 0 };
}

const A = plan({ tp: 2, dp: 4, sequenceParallel: true });
const B = plan({ dp: 8, microBatch: 2, recompute: 'selective', zeroStage: 3 });

describe('explain (hand-built plans)', () => {
  it('no plan, and a single plan', () => {
    expect(explain([])).toEqual(['no plan fits in memory']);
    const only = ranked(A, { precision: 'fp8', score: 1, gpusUsed: 8, stepTimeS: 1, memGiB: 1, t: {} });
    expect(explain([only])).toEqual(['tp2 pp1 cp1 dp4 mb1 none SP Z1 fp8 is the only plan that fits']);
    expect(explain([ranked(B, { score: 1, gpusUsed: 8, stepTimeS: 1, memGiB: 1, t: {} })])).toEqual(['tp1 pp1 cp1 dp8 mb2 selective Z3 is the only plan that fits']);
  });

  it('five differing terms: the four largest, largest first, with sign and unit; memory gap shown', () => {
    // Differences a − b: compute −1.5 s, ZeRO +1 s (exactly 1: seconds), TP +0.3 s, DP −0.25 s,
    // bubble −2 ms (fifth: cut), optimizer 1e-6 s (below 1e-6 × 3.8 s: not a difference).
    const a = ranked(A, { precision: 'fp8', score: 1200, gpusUsed: 16384, stepTimeS: 3.8, memGiB: 60.26, t: { compute: 2, tp: 0.3, dp: 0.25, zero: 1, bubble: 0.01, optimizer: 0.000001 } });
    const b = ranked(B, { score: 1000, gpusUsed: 8192, stepTimeS: 4.3, memGiB: 40.04, t: { compute: 3.5, dp: 0.5, bubble: 0.012 } });
    expect(explain([a, b])).toEqual([
      'tp2 pp1 cp1 dp4 mb1 none SP Z1 fp8 beats tp1 pp1 cp1 dp8 mb2 selective Z3 by 20.0% (step 3.800 s vs 4.300 s on 16,384 vs 8,192 GPUs)',
      'per step: compute −1.50 s, ZeRO gathers +1.00 s, TP comm +300 ms, DP sync −250 ms',
      'memory per GPU 60.3 GiB vs 40.0 GiB',
    ]);
  });

  it('two differing terms only; a term just under the threshold is left out; a 0.5 GiB gap is not shown', () => {
    // Threshold 1e-6 × 2 s = 2e-6 s: the optimizer's 1.5e-6 s is not a difference.
    const a = ranked(B, { score: 1010, gpusUsed: 8, stepTimeS: 2, memGiB: 40.5, t: { compute: 1, ep: 0.125, optimizer: 0.0000015 } });
    const b = ranked(A, { score: 1000, gpusUsed: 8, stepTimeS: 2.1, memGiB: 40, t: { compute: 1, cp: 0.004 } });
    expect(explain([a, b])).toEqual([
      'tp1 pp1 cp1 dp8 mb2 selective Z3 beats tp2 pp1 cp1 dp4 mb1 none SP Z1 by 1.0% (step 2.000 s vs 2.100 s on 8 vs 8 GPUs)',
      'per step: EP all-to-all +125 ms, CP comm −4 ms',
    ]);
  });

  it('the other terms by name: PP send/recv, MoE imbalance, stragglers, kernel overheads', () => {
    const a = ranked(A, { score: 3, gpusUsed: 64, stepTimeS: 1, memGiB: 10, t: { pp: 0.02, stragglers: 0.04 } });
    const b = ranked(A, { score: 2, gpusUsed: 32, stepTimeS: 1, memGiB: 12, t: { imbalance: 0.03, other: 0.05 } });
    expect(explain([a, b])).toEqual([
      'tp2 pp1 cp1 dp4 mb1 none SP Z1 beats tp2 pp1 cp1 dp4 mb1 none SP Z1 by 50.0% (step 1.000 s vs 1.000 s on 64 vs 32 GPUs)',
      'per step: kernel overheads −50 ms, stragglers +40 ms, MoE imbalance −30 ms, PP send/recv +20 ms',
      'memory per GPU 10.0 GiB vs 12.0 GiB',
    ]);
  });

  it('equal terms: no per-step line; a third plan is not compared', () => {
    const t: Terms = { compute: 1, tp: 0.1, bubble: 0.2 };
    const a = ranked(A, { score: 1000, gpusUsed: 8, stepTimeS: 1.3, memGiB: 20, t });
    const b = ranked(B, { score: 1000, gpusUsed: 16, stepTimeS: 1.3, memGiB: 20.4, t });
    const c = ranked(B, { score: 1, gpusUsed: 16, stepTimeS: 9, memGiB: 70, t: { compute: 9 } });
    expect(explain([a, b, c])).toEqual(['tp2 pp1 cp1 dp4 mb1 none SP Z1 beats tp1 pp1 cp1 dp8 mb2 selective Z3 by 0.0% (step 1.300 s vs 1.300 s on 8 vs 16 GPUs)']);
  });
});
