import { describe, expect, it } from 'vitest';
import { findModel } from '../catalog/index.js';
import type { ModelConfig, ParallelPlan } from '../spec/types.js';
import { layerActivationBytes, stateBytesPerParam } from './memory.js';
import { dualPipe, interleaved, oneFOneB } from './schedule/index.js';

const gpt3: ModelConfig = { name: 'gpt3', layers: 96, hidden: 12288, heads: 96, kvHeads: 96, headDim: 128, ffnHidden: 49152, gatedMlp: false, vocab: 51200 };
const plan = (over: Partial<ParallelPlan>): ParallelPlan => ({
  tp: 8, pp: 1, dp: 1, cp: 1, ep: 1, vpp: 1, microBatch: 1, sequenceParallel: false, recompute: 'none', distributedOptimizer: true, zeroStage: 1, tpCommOverlap: false, ...over,
});

describe('activation memory (Korthikanti et al. 2022, §4)', () => {
  const s = 2048;
  const b = 1;
  const h = gpt3.hidden;
  const a = gpt3.heads;
  const t = 8;
  // Their per-layer formulas include two 1-byte dropout masks (2·sbh) and, with attention
  // dropout, the dropout output (2·a·s²·b) — neither exists without dropout. Their softmax
  // output (2·a·s²·b) and attention dropout mask (a·s²·b) are kept only by unfused attention.
  const noDropout = 2 * s * b * h;

  it('tensor parallel without SP: s·b·h·(10 + 24/t) with flash attention', () => {
    const korthikanti = s * b * h * (10 + 24 / t + (5 * a * s) / (h * t));
    const sTerm = (5 * a * s * s * b) / t;
    const ours = layerActivationBytes(gpt3, plan({}), s, false);
    // Ours adds the fp32 softmax statistics flash attention keeps (4·s·b·a/t).
    expect(ours).toBe(korthikanti - sTerm - noDropout + (4 * s * b * a) / t);
  });

  it('tensor + sequence parallel: s·b·h·34/t, divided exactly by t', () => {
    const korthikanti = (s * b * h * (34 + (5 * a * s) / h)) / t;
    const sTerm = (5 * a * s * s * b) / t;
    const ours = layerActivationBytes(gpt3, plan({ sequenceParallel: true }), s, false);
    expect(ours).toBe(korthikanti - sTerm - noDropout / t + (4 * s * b * a) / t);
  });

  it('unfused attention keeps the softmax output and mask (3·a·s²·b/t of the 5·a·s²·b/t term)', () => {
    const flash = layerActivationBytes(gpt3, plan({ sequenceParallel: true }), s, false);
    const unfused = layerActivationBytes(gpt3, plan({ sequenceParallel: true }), s, false, { unfusedAttention: true });
    expect(unfused - flash).toBe((2 * a * s * s * b) / t);
    // Selective recomputation drops it again (their Table 2: 34·s·b·h/t).
    const selective = layerActivationBytes(gpt3, plan({ sequenceParallel: true, recompute: 'selective' }), s, false, { unfusedAttention: true });
    expect(selective).toBe(flash);
  });

  it('full recomputation keeps only the layer input: 2·s·b·h (/t with SP)', () => {
    expect(layerActivationBytes(gpt3, plan({ recompute: 'full' }), s, false)).toBe(2 * s * b * h);
    expect(layerActivationBytes(gpt3, plan({ recompute: 'full', sequenceParallel: true }), s, false)).toBe((2 * s * b * h) / t);
  });

  it('context parallelism splits activations by cp', () => {
    const one = layerActivationBytes(gpt3, plan({ sequenceParallel: true }), s, false);
    const two = layerActivationBytes(gpt3, plan({ sequenceParallel: true, cp: 2 }), s, false);
    expect(two).toBeCloseTo(one / 2, 6);
  });

  it("MLA keeps its latents; selective recomputation replays the up-projections instead of keeping Q, K, V", () => {
    const ds = findModel('deepseek-v3');
    if (!ds) throw new Error('catalog lacks deepseek-v3');
    const { moe: _moe, ...dense } = ds; // the attention part is what differs
    const p = plan({ tp: 2, sequenceParallel: true });
    const tokens = 4096;
    const none = layerActivationBytes(dense, p, tokens, false);
    const sel = layerActivationBytes(dense, { ...p, recompute: 'selective' }, tokens, false);
    // Q and K of 128 heads × 192, V of 128 × 128, BF16, split over tp = 2 ...
    const qkv = (2 * tokens * 128 * (192 + 192 + 128)) / 2;
    // ... and, with flash attention, selective also drops the norm outputs: QKV input and FC1 input.
    const normOutputs = (2 * 2 * tokens * 7168) / 2;
    expect(none - sel).toBe(qkv + normOutputs + (2 * tokens * 18432) / 2);
    // The latents (1536 + 512) are kept either way.
    expect(sel).toBeGreaterThan(2 * tokens * (1536 + 512));
  });

  it('1F1B keeps pp micro-batches in flight on the first stage; interleaving adds (p−1)/(p·v)', () => {
    expect(oneFOneB.peakChunks(8, 1, 64, 0)).toBe(8);
    expect(oneFOneB.peakChunks(8, 1, 4, 0)).toBe(4);
    expect(oneFOneB.peakChunks(8, 1, 64, 7)).toBe(1);
    expect(interleaved.peakChunks(8, 3, 64, 0) / interleaved.chunksPerStage(3)).toBeCloseTo(8 * (1 + 7 / 24), 10);
    // DualPipe: pp + 1 stage-activations on every device (DeepSeek-V3 report, Table 2).
    expect(dualPipe.peakChunks(8, 1, 32, 3)).toBe(9);
  });
});

describe('weights, gradients and optimizer states', () => {
  it('are 18 bytes per parameter unsharded and 6 + 12/d with the distributed optimizer', () => {
    const z0 = stateBytesPerParam(0, 64);
    expect(z0.weights + z0.gradients + z0.optimizer).toBe(18);
    const z1 = stateBytesPerParam(1, 64);
    expect(z1.weights + z1.gradients + z1.optimizer).toBeCloseTo(6 + 12 / 64, 12);
    const z3 = stateBytesPerParam(3, 64);
    expect(z3.weights + z3.gradients + z3.optimizer).toBeCloseTo(18 / 64, 12);
  });
});
