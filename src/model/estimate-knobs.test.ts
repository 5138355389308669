import { describe, expect, it } from 'vitest';
import { parseSpecValue, type Spec } from '../spec/index.js';
import { estimate, knobCandidates, schedulesFor, vppCandidates, withPlan } from './estimate.js';
import { evaluate } from './evaluate.js';

function spec(parallel: Record<string, unknown>, training: Record<string, unknown> = {}, model = 'llama3-8b', gpus = 64): Spec {
  const r = parseSpecValue({ model, system: { gpu: 'h100-sxm', gpus }, training: { seqLen: 4096, globalBatch: 64, ...training }, parallel });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.spec;
}

describe('vppCandidates', () => {
  it('divisors of the busiest device\'s layers, each virtual stage at least one layer', () => {
    expect(vppCandidates(126, 16)).toEqual([1, 2, 4]); // ⌈126/16⌉ = 8, but 16·8 = 128 > 126
    expect(vppCandidates(128, 16)).toEqual([1, 2, 4, 8]);
    expect(vppCandidates(96, 8)).toEqual([1, 2, 3, 4, 6, 12]);
    expect(vppCandidates(32, 4, 4)).toEqual([1, 2, 4]);
    expect(vppCandidates(7, 8)).toEqual([1]); // more stages than layers: only vpp 1 is offered
    expect(vppCandidates(80, 1)).toEqual([1]);
    expect(vppCandidates(160, 5)).toEqual([1, 2, 4, 8, 16]);
  });
});

describe('schedulesFor', () => {
  it('interleaving needs vpp > 1; the others run vpp 1', () => {
    const all = ['1f1b', 'interleaved', 'zero-bubble', 'dualpipe'] as const;
    expect(schedulesFor(all, 1)).toEqual(['1f1b', 'zero-bubble', 'dualpipe']);
    expect(schedulesFor(all, 2)).toEqual(['interleaved']);
    expect(schedulesFor(['1f1b'], 4)).toEqual([]);
  });
});

describe('knobCandidates', () => {
  it('micro-batches: the sizes that divide each replica\'s batch, or the one the spec fixes', () => {
    const mbs = (s: Spec) => [...new Set(knobCandidates(s).map((p) => p.microBatch))];
    expect(mbs(spec({ tp: 8, pp: 1, dp: 8 }, { globalBatch: 24 }))).toEqual([1]); // 3 per replica
    expect(mbs(spec({ tp: 8, pp: 1, dp: 8 }, { globalBatch: 32 }))).toEqual([1, 2, 4]);
    expect(mbs(spec({ tp: 8, pp: 1, dp: 8 }, { globalBatch: 256 }))).toEqual([1, 2, 4, 8, 16]);
    expect(mbs(spec({ tp: 8, pp: 1, dp: 8, microBatch: 2 }, { globalBatch: 256 }))).toEqual([2]);
  });

  it('sequence parallelism on with TP when the stack runs it, off without TP', () => {
    expect(new Set(knobCandidates(spec({ tp: 8, pp: 1, dp: 8 })).map((p) => p.sequenceParallel))).toEqual(new Set([true]));
    expect(new Set(knobCandidates(spec({ tp: 1, pp: 1, dp: 64 })).map((p) => p.sequenceParallel))).toEqual(new Set([false]));
    expect(new Set(knobCandidates(spec({ tp: 8, pp: 1, dp: 8, sequenceParallel: false })).map((p) => p.sequenceParallel))).toEqual(new Set([false]));
  });

  it('ZeRO-1 with the distributed optimizer by default; ZeRO-0 without it', () => {
    const one = knobCandidates(spec({ tp: 8, pp: 1, dp: 8 }));
    expect(one.every((p) => p.zeroStage === 1 && p.distributedOptimizer)).toBe(true);
    const off = knobCandidates(spec({ tp: 8, pp: 1, dp: 8, distributedOptimizer: false }));
    expect(off.every((p) => p.zeroStage === 0 && !p.distributedOptimizer)).toBe(true);
    const z0 = knobCandidates(spec({ tp: 8, pp: 1, dp: 8, zeroStage: 0 }));
    expect(z0.every((p) => p.zeroStage === 0 && !p.distributedOptimizer)).toBe(true);
    const z2 = knobCandidates(spec({ tp: 8, pp: 1, dp: 8, zeroStage: 2 }));
    expect(z2.every((p) => p.zeroStage === 2 && p.distributedOptimizer)).toBe(true);
  });

  it('every recompute choice unless fixed; pp 1 runs 1f1b; pp > 1 only plans a schedule can run', () => {
    expect(new Set(knobCandidates(spec({ tp: 8, pp: 1, dp: 8 })).map((p) => p.recompute))).toEqual(new Set(['none', 'selective', 'full']));
    expect(new Set(knobCandidates(spec({ tp: 8, pp: 1, dp: 8, recompute: 'full' })).map((p) => p.recompute))).toEqual(new Set(['full']));
    expect(new Set(knobCandidates(spec({ tp: 8, pp: 1, dp: 8 })).map((p) => p.schedule))).toEqual(new Set(['1f1b']));
    const piped = knobCandidates(spec({ tp: 8, pp: 4, dp: 2 }, { globalBatch: 8 }));
    // 4 micro-batches per replica at mb 1: interleaved needs a multiple of pp (4 is), at mb 2 it is 2 (not).
    expect(piped.some((p) => p.schedule === 'interleaved' && p.microBatch === 1)).toBe(true);
    expect(piped.some((p) => p.schedule === 'interleaved' && p.microBatch === 2)).toBe(false);
    expect(piped.some((p) => p.schedule === '1f1b' && p.microBatch === 2)).toBe(true);
    for (const p of piped) expect(p.schedule === 'interleaved' ? p.vpp > 1 : p.vpp === 1).toBe(true);
  });
});

describe('estimate chooses among the candidates', () => {
  it('the fastest plan that fits', () => {
    const s = spec({ tp: 8, pp: 1, dp: 8 }, { globalBatch: 64 });
    const e = estimate(s);
    const all = knobCandidates(s).map((p) => evaluate(withPlan(s, p)));
    const fits = all.filter((x) => x.fits);
    expect(fits.length).toBeGreaterThan(1);
    expect(e.stepTimeS).toBeCloseTo(Math.min(...fits.map((x) => x.stepTimeS)), 12);
    expect(e.fits).toBe(true);
  });
  it('when none fits, the plan that needs the least memory, reported as not fitting', () => {
    const s = spec({ tp: 1, pp: 1, dp: 8 }, { globalBatch: 64 }, 'llama3-405b', 8);
    const e = estimate(s);
    expect(e.fits).toBe(false);
    const all = knobCandidates(s).map((p) => evaluate(withPlan(s, p)));
    expect(all.every((x) => !x.fits)).toBe(true);
    expect(e.memory.totalGiB).toBeCloseTo(Math.min(...all.map((x) => x.memory.totalGiB)), 9);
    expect(e.parallel.recompute).toBe('full');
  });
});
