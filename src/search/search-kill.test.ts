/**
 * The pruned search on small, narrow spaces (Llama 3 8B: 32 layers, 32 / 8 KV heads; H100, NVLink 8):
 * counts worked by hand, the top plans against this file's own enumeration through `evaluate`, the
 * pruned answer against the unpruned one under every objective and schedule set, fixed fields, the
 * memory margin, precisions, the rank count, the CP exchange choice and what each plan reports.
 */
import { describe, expect, it } from 'vitest';
import { evaluate, usableHbmBytes } from '../model/index.js';
import { parseSpecValue } from '../spec/index.js';
import type { ParallelPlan, Spec } from '../spec/types.js';
import { explain } from './explain.js';
import { search } from './search.js';
import { searchSpace } from './space.js';
import type { Objective, SearchOptions, SearchResult } from './types.js';

function spec(gpus: number, parallel: Record<string, unknown>, training: Record<string, unknown> = {}, model = 'llama3-8b'): Spec {
  const r = parseSpecValue({ model, system: { gpu: 'h100-sxm', gpus }, training: { seqLen: 4096, globalBatch: 16, ...training }, parallel }, undefined, [], { planOptional: true });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.spec;
}

const plan = (p: Partial<ParallelPlan>): ParallelPlan => ({
  tp: 1, pp: 1, dp: 1, cp: 1, ep: 1, vpp: 1, microBatch: 1, sequenceParallel: false, recompute: 'none',
  distributedOptimizer: true, zeroStage: 1, tpCommOverlap: true, schedule: '1f1b', ...p,
});

interface Scored { plan: ParallelPlan; tokensPerSec: number; gpusUsed: number; bytes: number }

/** The given plans that fit in (1 − margin) of usable HBM, best first (equal: fewer GPUs, then as listed), ties of score, GPUs and memory kept once. */
function ranked(s: Spec, plans: ParallelPlan[], margin = 0.05): Scored[] {
  const out: Scored[] = [];
  for (const p of plans) {
    const e = evaluate({ ...s, parallel: p });
    const bytes = e.memory.totalGiB * 2 ** 30;
    if (bytes <= usableHbmBytes(s.system.gpu) * (1 - margin)) out.push({ plan: p, tokensPerSec: e.tokensPerSec, gpusUsed: e.gpusUsed, bytes });
  }
  out.sort((a, b) => b.tokensPerSec - a.tokensPerSec || a.gpusUsed - b.gpusUsed);
  return out.filter((x, i) => !out.slice(0, i).some((y) => y.gpusUsed === x.gpusUsed && Math.abs(y.tokensPerSec - x.tokensPerSec) <= 1e-12 * x.tokensPerSec && Math.abs(y.bytes - x.bytes) < 1));
}

const ZEROS = [1, 2, 3] as const;
/** Space A (cp 1, pp 1, micro-batch 1, no recomputation on 8 GPUs): tp 1–8, dp | 16 within the GPUs, SP with TP, ZeRO 1–3. */
const A = () => spec(8, { cp: 1, microBatch: 1, pp: 1, recompute: 'none' });
function spaceA(): ParallelPlan[] {
  const out: ParallelPlan[] = [];
  for (const tp of [1, 2, 4, 8]) for (const dp of [8, 4, 2, 1].filter((d) => tp * d <= 8)) for (const sp of tp === 1 ? [false] : [true, false]) for (const zeroStage of ZEROS) out.push(plan({ tp, dp, sequenceParallel: sp, zeroStage }));
  return out;
}
/** Space B (tp 1, pp 1, no recomputation on 8 GPUs): dp | 16, micro-batch | 16/dp, ZeRO 1–3. */
const B = () => spec(8, { tp: 1, cp: 1, pp: 1, recompute: 'none', sequenceParallel: false });
function spaceB(): ParallelPlan[] {
  const out: ParallelPlan[] = [];
  for (const dp of [8, 4, 2, 1]) for (const microBatch of [1, 2, 4, 8, 16]) for (const zeroStage of ZEROS) if ((16 / dp) % microBatch === 0) out.push(plan({ dp, microBatch, zeroStage }));
  return out;
}

const knobs = (r: SearchResult) => r.plans.map((p) => p.parallel);
const scores = (r: SearchResult) => r.plans.map((p) => p.score);

/** The pruned and the unpruned search return the same plans, and the counts add up. */
function agree(s: Spec, opts: SearchOptions): SearchResult {
  const fast = search(s, opts);
  const slow = search(s, { ...opts, noPruning: true });
  expect(knobs(fast)).toEqual(knobs(slow));
  expect(scores(fast)).toEqual(scores(slow));
  expect(slow.pruned).toBe(0);
  expect(slow.considered).toBe(slow.evaluated);
  expect(fast.evaluated).toBeLessThanOrEqual(fast.considered);
  expect(fast.evaluated).toBeLessThanOrEqual(slow.evaluated);
  // Plans counted as considered but not evaluated were skipped by a bound, and counted as pruned.
  expect(fast.pruned).toBeGreaterThanOrEqual(fast.considered - fast.evaluated);
  return fast;
}

describe('search on hand-counted spaces', () => {
  it('without pruning every plan is evaluated once: 48 in space A, 42 in space B, 13 with interleaving', () => {
    for (const [s, n] of [[A(), 48], [B(), 42], [spec(32, { tp: 1, cp: 1, pp: 4, microBatch: 1, recompute: 'none', sequenceParallel: false, zeroStage: 1 }), 13]] as const) {
      const r = search(s, { noPruning: true });
      expect([r.evaluated, r.considered, r.pruned]).toEqual([n, n, 0]);
    }
    // Mixtral 8x7B, ep 1/2/4/8 dividing dp 1–16 (5 + 4 + 3 + 2).
    const moe = spec(16, { tp: 1, cp: 1, pp: 1, microBatch: 1, recompute: 'full', sequenceParallel: false, epDispatch: 'alltoall', epCommOverlap: false, zeroStage: 3 }, {}, 'mixtral-8x7b');
    expect(search(moe, { noPruning: true }).evaluated).toBe(14);
  });

  it('top 5 (the default) of space A equal its enumeration, in order, with everything each plan reports', () => {
    const s = A();
    const r = search(s);
    const want = ranked(s, spaceA()).slice(0, 5);
    expect(r.objective).toBe('tokens-per-sec');
    expect(r.plans).toHaveLength(5);
    expect(knobs(r)).toEqual(want.map((w) => w.plan));
    for (const [i, p] of r.plans.entries()) {
      expect(p.score).toBeCloseTo(want[i]?.tokensPerSec ?? NaN, 6);
      expect(p.estimate.tokensPerSec).toBeCloseTo(p.score, 6);
      expect(p.precision).toBe('bf16');
      expect(p.gpusUsed).toBe(p.parallel.tp * p.parallel.dp);
      expect(p.spareGpus).toBe(8 - p.gpusUsed);
    }
    expect(r.explanation).toEqual(explain(r.plans));
    expect(r.elapsedS).toBeGreaterThanOrEqual(0);
    expect(r.elapsedS).toBeLessThan(60);
    expect('plansAbove' in r).toBe(false);
  });

  it('top: 3 plans when asked for 3, at least one when asked for none', () => {
    const s = B();
    const want = ranked(s, spaceB());
    expect(knobs(search(s, { top: 3 }))).toEqual(want.slice(0, 3).map((w) => w.plan));
    expect(knobs(search(s, { top: 0 }))).toEqual([want[0]?.plan]);
    expect(knobs(search(s, { top: 1 }))).toEqual([want[0]?.plan]);
  });

  it('the memory margin: 30% kept free moves the answer to the enumeration’s best under that limit', () => {
    const s = B();
    const loose = search(s, { top: 2 });
    const tight = search(s, { top: 2, memoryMargin: 0.3 });
    const want = ranked(s, spaceB(), 0.3).slice(0, 2);
    expect(knobs(tight)).toEqual(want.map((w) => w.plan));
    expect(knobs(tight)).not.toEqual(knobs(loose));
    for (const p of tight.plans) expect(p.estimate.memory.totalGiB * 2 ** 30).toBeLessThanOrEqual(usableHbmBytes(s.system.gpu) * 0.7);
    expect(search(s, { memoryMargin: 0.99 }).plans).toEqual([]);
  });

  it('cost and energy per token at given rates: $ per M tokens = GPUs × 1000 / tokens/s at $3.6/h; tokens/J = tokens/s / (GPUs × 1 kW)', () => {
    const r = search(B(), { top: 2, usdPerGpuHour: 3.6, wattsPerGpu: 1000 });
    for (const p of r.plans) {
      expect(p.usdPerMillionTokens).toBeCloseTo((p.gpusUsed * 1000) / p.estimate.tokensPerSec, 9);
      expect(p.tokensPerJoule).toBeCloseTo(p.estimate.tokensPerSec / (p.gpusUsed * 1000), 12);
    }
  });

  it('per-GPU objectives: the same plans as the enumeration ranked per GPU (fewer GPUs can win)', () => {
    const s = A();
    for (const objective of ['tokens-per-joule', 'tokens-per-dollar'] as Objective[]) {
      const r = agree(s, { objective, top: 3, wattsPerGpu: 1000, usdPerGpuHour: 2 });
      const all = ranked(s, spaceA()).map((x) => ({ ...x, perGpu: x.tokensPerSec / x.gpusUsed }));
      all.sort((a, b) => b.perGpu - a.perGpu || a.gpusUsed - b.gpusUsed);
      expect(r.plans[0]?.parallel).toEqual(all[0]?.plan);
      const k = objective === 'tokens-per-joule' ? 1 / 1000 : 3600 / 2;
      for (const p of r.plans) expect(p.score).toBeCloseTo((p.estimate.tokensPerSec / p.gpusUsed) * k, 6);
      expect(r.plans.some((p) => p.spareGpus > 0)).toBe(true);
    }
  });

  it('time to train ranks like tokens/s, scored in 1/days', () => {
    const tokens = 1e12;
    const s = spec(8, { cp: 1, microBatch: 1, pp: 1, recompute: 'none' }, { tokens });
    const t = search(s, { objective: 'time-to-train', top: 3 });
    const f = search(s, { top: 3 });
    expect(t.objective).toBe('time-to-train');
    expect(knobs(t)).toEqual(knobs(f));
    for (const [i, p] of t.plans.entries()) expect(p.score).toBeCloseTo(((f.plans[i]?.score ?? NaN) / tokens) * 86400, 12);
  });

  it('pruning never changes the answer: pipelines, interleaving, zero-bubble and DualPipe, job and per-GPU objectives', () => {
    const p = { cp: 1, tp: 2, microBatch: 1, recompute: 'selective', sequenceParallel: true };
    for (const schedule of [undefined, ['dualpipe'], ['1f1b', 'interleaved', 'zero-bubble']])
      for (const objective of ['tokens-per-sec', 'tokens-per-dollar'] as Objective[]) {
        const s = spec(16, { ...p, ...(schedule ? { schedule } : {}) }, { seqLen: 2048, globalBatch: 32 });
        agree(s, { objective, top: 3 });
      }
    // Per-GPU objectives on space B: the per-GPU plans are not the first ones found.
    for (const objective of ['tokens-per-dollar', 'tokens-per-joule'] as Objective[]) for (const top of [1, 2]) agree(B(), { objective, top });
    // Space A prunes at every level: a whole layer combination, a pipeline shape, a dp.
    const r = agree(A(), { top: 1 });
    expect(r.pruned).toBeGreaterThan(r.considered - r.evaluated);
    expect(r.considered).toBeGreaterThan(r.evaluated);
  });

  it('ranks a given plan: the count of fitting plans that beat it, as the enumeration counts them', () => {
    const s = A();
    // A good plan (few above it) and a slow one (most plans beat it: pruning below the best must not skip them).
    for (const mine of [plan({ tp: 2, dp: 4, sequenceParallel: true, zeroStage: 1 }), plan({ tp: 4, dp: 1, sequenceParallel: true, zeroStage: 1 })]) {
      const e = evaluate({ ...s, parallel: mine });
      let above = 0;
      for (const q of spaceA()) {
        const x = evaluate({ ...s, parallel: q });
        if (x.memory.totalGiB * 2 ** 30 <= usableHbmBytes(s.system.gpu) * 0.95 && x.tokensPerSec > e.tokensPerSec * (1 + 1e-12)) above++;
      }
      expect(above).toBeGreaterThan(0);
      for (const top of [1, 3]) {
        expect(search(s, { top, rankScore: e.tokensPerSec }).plansAbove).toBe(above);
        expect(search(s, { top, rankScore: e.tokensPerSec, noPruning: true }).plansAbove).toBe(above);
      }
    }
    // A plan better than all: none above.
    expect(search(s, { top: 1, rankScore: 1e12 }).plansAbove).toBe(0);
  });

  it('ties keep the first plan: at dp 1 ZeRO-1 and ZeRO-2 are one answer, and ZeRO-1 is shown', () => {
    const s = spec(8, { cp: 1, dp: 1, pp: 1, microBatch: 1, recompute: 'none' });
    const r = search(s, { top: 5 });
    const want = ranked(s, [8, 4, 2, 1].flatMap((tp) => (tp === 1 ? [false] : [true, false]).flatMap((sp) => ZEROS.map((zeroStage) => plan({ tp, sequenceParallel: sp, zeroStage })))));
    expect(knobs(r)).toEqual(want.slice(0, 5).map((w) => w.plan));
    expect(r.plans[0]?.parallel.zeroStage).toBe(1);
    const z2 = evaluate({ ...s, parallel: { ...(r.plans[0]?.parallel as ParallelPlan), zeroStage: 2 } });
    expect(z2.tokensPerSec).toBe(r.plans[0]?.estimate.tokensPerSec);
    for (const [i, p] of r.plans.entries()) for (const q of r.plans.slice(0, i)) expect(q.gpusUsed === p.gpusUsed && q.score === p.score && q.estimate.memory.totalGiB === p.estimate.memory.totalGiB).toBe(false);
  });

  it('fixed fields: ZeRO-0 without the distributed optimizer; a pipeline deeper than the layers, or a CP exchange that cannot split the heads, gives nothing', () => {
    const z0 = search(spec(8, { tp: 8, cp: 1, pp: 1, dp: 1, microBatch: 1, recompute: 'none', sequenceParallel: true, distributedOptimizer: false }));
    expect(knobs(z0)).toEqual([plan({ tp: 8, sequenceParallel: true, zeroStage: 0, distributedOptimizer: false })]);
    expect(z0.explanation).toEqual(['tp8 pp1 cp1 dp1 mb1 none SP Z0 is the only plan that fits']);
    const deep = search(spec(64, { pp: 64, cp: 1, microBatch: 1, recompute: 'full' }));
    expect([deep.plans.length, deep.evaluated]).toEqual([0, 0]);
    const a2a = search(spec(16, { tp: 1, cp: 16, pp: 1, microBatch: 1, recompute: 'full', cpComm: 'a2a' }, { seqLen: 16384, globalBatch: 1 }));
    expect([a2a.plans.length, a2a.considered]).toEqual([0, 0]);
    expect(a2a.explanation).toEqual(['no plan fits in memory']);
  });

  it('precisions: FP8 plans are scored and reported as FP8', () => {
    const s = B();
    const r = search(s, { top: 4, precisions: ['bf16', 'fp8'] });
    expect(new Set(r.plans.map((p) => p.precision))).toContain('fp8');
    for (const p of r.plans) {
      const e = evaluate({ ...s, training: { ...s.training, precision: p.precision }, parallel: p.parallel });
      expect(p.score).toBeCloseTo(e.tokensPerSec, 6);
      expect(p.estimate.stepTimeS).toBeCloseTo(e.stepTimeS, 12);
    }
    const fp8 = search(s, { top: 1, precisions: ['fp8'] }).plans[0];
    expect(fp8?.precision).toBe('fp8');
    expect(fp8?.score).toBeGreaterThan(search(s, { top: 1 }).plans[0]?.score ?? Infinity);
  });

  it('the CP exchange: the fastest of those offered, the default where nothing is exposed', () => {
    const cpSpec = (model: string, tp: number, cp: number, gpus: number, seqLen: number) =>
      spec(gpus, { tp, cp, pp: 1, dp: gpus / tp / cp, microBatch: 1, recompute: 'full', zeroStage: 3, sequenceParallel: tp > 1 }, { seqLen, globalBatch: 4 }, model);
    // Llama 3 8B (8 KV heads: no 16-way a2a; the all-gather never beats the ring): a2a+p2p wins over an
    // exposed ring; at 128k the ring hides behind the attention and stays. Llama 2 7B (32 KV heads) at
    // tp 2, cp 16 offers a2a and a2a+p2p: a2a is the faster (the first of the two).
    const cases = [
      ['llama3-8b', 1, 16, 32, 65536, [undefined, 'a2a+p2p'], 'a2a+p2p'],
      ['llama3-8b', 2, 16, 32, 131072, [undefined, 'a2a+p2p'], undefined],
      ['llama2-7b', 2, 16, 32, 16384, [undefined, 'a2a', 'a2a+p2p'], 'a2a'],
    ] as const;
    for (const [model, tp, cp, gpus, seqLen, want, wantComm] of cases) {
      const s = cpSpec(model, tp, cp, gpus, seqLen);
      const offered = searchSpace(s).cpCommsFor(tp, cp);
      expect(offered).toEqual(want);
      const steps = offered.map((c) => evaluate({ ...s, parallel: plan({ tp, cp, dp: gpus / tp / cp, recompute: 'full', zeroStage: 3, sequenceParallel: tp > 1, ...(c ? { cpComm: c } : {}) }) }).stepTimeS);
      const r = search(s, { top: 1 });
      expect(r.plans[0]?.parallel.cpComm).toBe(wantComm);
      expect(r.plans[0]?.estimate.stepTimeS).toBeCloseTo(Math.min(...steps), 9);
      expect(new Set(steps.map((x) => x.toFixed(4))).size).toBe(steps.length);
    }
  });
});
