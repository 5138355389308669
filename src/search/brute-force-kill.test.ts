/**
 * The reference search on narrow spaces whose plan counts are worked by hand, and whose best plan is
 * checked against this file's own enumeration through `evaluate` (Llama 3 8B: 32 heads / 8 KV heads,
 * 32 layers; seq 4096, batch 16; H100, NVLink 8).
 */
import { describe, expect, it } from 'vitest';
import { evaluate, usableHbmBytes } from '../model/index.js';
import { parseSpecValue } from '../spec/index.js';
import type { ParallelPlan, Spec } from '../spec/types.js';
import { bruteForceBest } from './brute-force.js';
import { search } from './search.js';

function spec(gpus: number, parallel: Record<string, unknown>, model = 'llama3-8b'): Spec {
  const r = parseSpecValue({ model, system: { gpu: 'h100-sxm', gpus }, training: { seqLen: 4096, globalBatch: 16 }, parallel }, undefined, [], { planOptional: true });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.spec;
}

const plan = (p: Partial<ParallelPlan>): ParallelPlan => ({
  tp: 1, pp: 1, dp: 1, cp: 1, ep: 1, vpp: 1, microBatch: 1, sequenceParallel: false, recompute: 'none',
  distributedOptimizer: true, zeroStage: 1, tpCommOverlap: true, schedule: '1f1b', ...p,
});

/** Best tokens/s among the plans given that fit in (1 − margin) of usable HBM. */
function bestOf(s: Spec, plans: ParallelPlan[], margin = 0.05): { plan: ParallelPlan; tokensPerSec: number } | undefined {
  let best: { plan: ParallelPlan; tokensPerSec: number } | undefined;
  for (const p of plans) {
    const e = evaluate({ ...s, parallel: p });
    if (e.memory.totalGiB * 2 ** 30 > usableHbmBytes(s.system.gpu) * (1 - margin)) continue;
    if (!best || e.tokensPerSec > best.tokensPerSec) best = { plan: p, tokensPerSec: e.tokensPerSec };
  }
  return best;
}

const ZEROS = [1, 2, 3] as const;
/** Space B: tp 1, pp 1, no recomputation; dp | 16 up to 8 GPUs, micro-batch | 16/dp. */
function spaceB(): ParallelPlan[] {
  const out: ParallelPlan[] = [];
  for (const dp of [1, 2, 4, 8]) for (const microBatch of [1, 2, 4, 8, 16]) for (const zeroStage of ZEROS) if ((16 / dp) % microBatch === 0) out.push(plan({ dp, microBatch, zeroStage }));
  return out;
}

describe('bruteForceBest on hand-counted spaces', () => {
  it('tp and dp free, SP only with TP: 3 ZeRO × (1·4 + 2·3 + 2·2 + 2·1) = 48 plans', () => {
    const s = spec(8, { cp: 1, microBatch: 1, pp: 1, recompute: 'none' });
    const r = bruteForceBest(s);
    expect(r?.count).toBe(48);
    const all: ParallelPlan[] = [];
    for (const tp of [1, 2, 4, 8]) for (const dp of [1, 2, 4, 8].filter((d) => tp * d <= 8)) for (const sp of tp === 1 ? [false] : [true, false]) for (const zeroStage of ZEROS) all.push(plan({ tp, dp, sequenceParallel: sp, zeroStage }));
    expect(all).toHaveLength(48);
    const want = bestOf(s, all);
    expect(r?.plan).toEqual(want?.plan);
    expect(r?.score).toBe(want?.tokensPerSec);
  });

  it('micro-batch must divide the batch per replica: 3 × (5 + 4 + 3 + 2) = 42 plans; a memory margin moves the answer', () => {
    const s = spec(8, { tp: 1, cp: 1, pp: 1, recompute: 'none', sequenceParallel: false });
    const r = bruteForceBest(s);
    expect(r?.count).toBe(42);
    const want = bestOf(s, spaceB());
    expect(r?.plan).toEqual(want?.plan);
    // Its best needs ~63 of ~80 GiB: with 30% kept free another plan wins.
    const tight = bruteForceBest(s, { memoryMargin: 0.3 });
    const wantTight = bestOf(s, spaceB(), 0.3);
    expect(wantTight?.plan).not.toEqual(want?.plan);
    expect(tight?.plan).toEqual(wantTight?.plan);
    expect(tight?.score).toBe(wantTight?.tokensPerSec);
    expect(tight?.count).toBe(42);
    // Nothing fits in 1% of the GPU: no answer.
    expect(bruteForceBest(s, { memoryMargin: 0.99 })).toBeUndefined();
  });

  it('per-GPU objectives score the same plans: tokens per joule = tokens/s ÷ (GPUs × watts)', () => {
    const s = spec(8, { tp: 1, cp: 1, pp: 1, recompute: 'none', sequenceParallel: false });
    const r = bruteForceBest(s, { objective: 'tokens-per-joule', wattsPerGpu: 1000 });
    let best = -Infinity;
    for (const p of spaceB()) {
      const e = evaluate({ ...s, parallel: p });
      if (e.memory.totalGiB * 2 ** 30 > usableHbmBytes(s.system.gpu) * 0.95) continue;
      best = Math.max(best, e.tokensPerSec / (e.gpusUsed * 1000));
    }
    expect(r?.score).toBe(best);
  });

  it('interleaving only where Megatron runs it: 4 (1f1b) + 3 vpp × 3 dp = 13 plans', () => {
    // pp 4 on 32 GPUs: dp 1, 2, 4, 8 give 16, 8, 4, 2 micro-batches; interleaved (vpp 2, 4, 8) needs a multiple of 4.
    const s = spec(32, { tp: 1, cp: 1, pp: 4, microBatch: 1, recompute: 'none', sequenceParallel: false, zeroStage: 1 });
    const r = bruteForceBest(s);
    expect(r?.count).toBe(13);
    const all = [1, 2, 4, 8].map((dp) => plan({ pp: 4, dp }));
    for (const vpp of [2, 4, 8]) for (const dp of [1, 2, 4]) all.push(plan({ pp: 4, dp, vpp, schedule: 'interleaved' }));
    expect(r?.plan).toEqual(bestOf(s, all)?.plan);
  });

  it('ep must divide tp·cp·dp: Mixtral 8x7B, ep 1/2/4/8 over dp 1–16 gives 5 + 4 + 3 + 2 = 14 plans', () => {
    const s = spec(16, { tp: 1, cp: 1, pp: 1, microBatch: 1, recompute: 'full', sequenceParallel: false, epDispatch: 'alltoall', epCommOverlap: false, zeroStage: 3 }, 'mixtral-8x7b');
    const r = bruteForceBest(s);
    expect(r?.count).toBe(14);
    const all: ParallelPlan[] = [];
    for (const ep of [1, 2, 4, 8]) for (const dp of [1, 2, 4, 8, 16]) if (dp % ep === 0) all.push(plan({ ep, dp, recompute: 'full', zeroStage: 3, epDispatch: 'alltoall', epCommOverlap: false }));
    expect(r?.plan).toEqual(bestOf(s, all)?.plan);
  });

  it('tied plans keep the first: at dp 1 the ZeRO stages shard nothing, and ZeRO-1 is the answer (21 plans)', () => {
    const s = spec(8, { cp: 1, dp: 1, pp: 1, microBatch: 1, recompute: 'none' });
    const r = bruteForceBest(s);
    expect(r?.count).toBe(21);
    expect(r?.plan.zeroStage).toBe(1);
    expect(r?.plan.distributedOptimizer).toBe(true);
    const z2 = evaluate({ ...s, parallel: { ...(r?.plan as ParallelPlan), zeroStage: 2 } });
    expect(z2.tokensPerSec).toBe(r?.score);
  });

  it('without the distributed optimizer: ZeRO-0 plans, and they say so', () => {
    // tp 8 (the full optimizer state of a replica, 18 bytes a parameter, fits only split 8 ways).
    const s = spec(8, { tp: 8, cp: 1, pp: 1, dp: 1, microBatch: 1, recompute: 'none', sequenceParallel: true, distributedOptimizer: false });
    const r = bruteForceBest(s);
    expect(r?.count).toBe(1);
    expect(r?.plan).toEqual(plan({ tp: 8, sequenceParallel: true, zeroStage: 0, distributedOptimizer: false }));
  });

  it('searches the precisions asked for, as the search does: FP8 on H100 beats BF16, and both give one answer', () => {
    const s = spec(8, { tp: 1, cp: 1, pp: 1, recompute: 'none', sequenceParallel: false });
    const bf16 = bruteForceBest(s);
    const both = bruteForceBest(s, { precisions: ['bf16', 'fp8'] });
    expect(bf16?.precision).toBe('bf16');
    expect(both?.precision).toBe('fp8');
    expect(both?.count).toBe(2 * 42);
    const e = evaluate({ ...s, training: { ...s.training, precision: 'fp8' }, parallel: both?.plan as ParallelPlan });
    expect(both?.score).toBe(e.tokensPerSec);
    expect(both?.score).toBeGreaterThan(bf16?.score ?? Infinity);
    const fast = search(s, { top: 1, precisions: ['bf16', 'fp8'] }).plans[0];
    expect(fast?.precision).toBe('fp8');
    expect(fast?.score).toBeCloseTo(both?.score ?? NaN, 6);
  });
});
