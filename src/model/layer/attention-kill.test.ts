import { describe, expect, it } from 'vitest';
import type { ModelConfig } from '../../spec/types.js';
import { baseEff, MLA, plan } from './_test-layer-ctx.js';
import { attentionCost } from './attention.js';
import { GemmClock } from './gemm-clock.js';

// The attention core on hand-worked shapes. Unfused: batched GEMMs on a linear clock (a GEMM takes
// its FLOPs ÷ peak, peak 1) and the softmax's bytes. Flash: FLOPs ÷ (BF16 peak × efficiency).
describe('attentionCost: unfused', () => {
  // MLA toy: 2 heads, qk 4, v 2; micro-batch 2, s 8, cp 2, tp 2
  const p = plan({ tp: 2, cp: 2, microBatch: 2 });
  const s = 8;
  it('batched Q·Kᵀ and P·V GEMMs and the softmax passes', () => {
    const clock = new GemmClock(1, 1, 0, 1, 0);
    clock.fwdBwd(100, 100, 100, 1); // left over from another user: attentionCost resets it
    const r = attentionCost(MLA, p, s, null, baseEff, clock, 2, 1e15);
    const scores = (2 * s * s * 2) / (2 * 2); // 64 score elements per GPU
    expect(r.fwdFlops).toBe(2 * scores * (4 + 2)); // 768
    // batched = 2·2/2 = 2 GEMMs of each: Q·Kᵀ 2·(8/2)·8·4·2 = 512, P·V 2·(8/2)·2·8·2 = 256
    const gemm = 512 + 256;
    const softmax = (6 * scores) / 2; // 192 s at 2 B/s
    expect(r.fwdS).toBe(gemm + softmax);
    expect(r.bwdS).toBe(2 * gemm + 2 * softmax);
  });
});

describe('attentionCost: flash', () => {
  const kernel = { fwd: 0.8, bwdRatio: 1.2, smallHead: 0.5 };
  const eff = { ...baseEff, attentionFwd: 0.5, attentionBwdRatio: 2, attentionHalfSeq: 8 };
  const m = (headDim: number): ModelConfig => ({ name: 'toy', layers: 1, hidden: 2 * headDim, heads: 2, kvHeads: 2, headDim, ffnHidden: 8, gatedMlp: true, vocab: 8 });
  const p = plan({ tp: 1, cp: 1, microBatch: 1 });
  const clock = new GemmClock(1, 1, 0, 1, 0);
  it('head size 64 runs at the small-head efficiency', () => {
    const r = attentionCost(m(64), p, 8, kernel, eff, clock, 1, 1000);
    const flops = 2 * (8 * 8 * 2) * (64 + 64) * 0.5; // half the s×s blocks (causal)
    expect(r.fwdFlops).toBe(flops);
    const attnEff = 0.5 * 0.8 * 0.5 * (8 / (8 + 8));
    expect(r.fwdS).toBeCloseTo(flops / (1000 * attnEff), 9);
    expect(r.bwdS).toBeCloseTo((flops / (1000 * attnEff)) * 2 * 1.2, 9);
    expect(clock.flops).toBe(0); // no GEMM on the clock
  });
  it('larger heads do not', () => {
    const r = attentionCost(m(96), p, 8, kernel, eff, clock, 1, 1000);
    const flops = 2 * (8 * 8 * 2) * (96 + 96) * 0.5;
    const attnEff = 0.5 * 0.8 * (8 / (8 + 8));
    expect(r.fwdS).toBeCloseTo(flops / (1000 * attnEff), 9);
    expect(r.bwdS).toBeCloseTo((flops / (1000 * attnEff)) * 2 * 1.2, 9);
  });
});
