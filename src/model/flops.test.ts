import { describe, expect, it } from 'vitest';
import { findModel } from '../catalog/index.js';
import type { ModelConfig } from '../spec/types.js';
import { attentionParams, modelFlopsPerToken, paramCounts } from './flops.js';

const gpt = (layers: number, hidden: number, heads: number, vocab: number): ModelConfig => ({
  name: 'gpt', layers, hidden, heads, kvHeads: heads, headDim: hidden / heads, ffnHidden: 4 * hidden, gatedMlp: false, vocab,
});

describe('FLOP counts', () => {
  it('match Megatron\'s formula 72·B·s·l·h²·(1 + s/(6h) + V/(12·l·h)) per iteration for GPT models', () => {
    // Narayanan et al. 2021, Eq. 2 without recomputation: F = 72·B·s·l·h²·(1 + s/(6h) + V/(12lh)).
    for (const [l, h, a, s, V] of [
      [96, 12288, 96, 2048, 51200],
      [24, 2304, 24, 2048, 51200],
      [128, 25600, 160, 2048, 51200],
    ] as const) {
      const perToken = modelFlopsPerToken(gpt(l, h, a, V), s);
      const megatron = (72 * s * l * h * h * (1 + s / (6 * h) + V / (12 * l * h))) / s;
      expect(perToken / megatron).toBeCloseTo(1, 6);
    }
  });

  it('approach 6·N per token for large models at short sequences', () => {
    const m = findModel('llama3-405b')!;
    const n = paramCounts(m).total;
    expect(n / 1e9).toBeGreaterThan(400);
    expect(n / 1e9).toBeLessThan(410);
    const ratio = modelFlopsPerToken(m, 128) / (6 * n);
    expect(ratio).toBeGreaterThan(0.99);
    expect(ratio).toBeLessThan(1.01);
  });

  it('count GQA projections with the KV heads, not the query heads', () => {
    const mha = { ...findModel('llama3-70b')!, kvHeads: 64 };
    const gqa = findModel('llama3-70b')!;
    const diff = paramCounts(mha).total - paramCounts(gqa).total;
    // 80 layers × 2 (K and V) × hidden × (64 − 8) heads × 128.
    expect(diff).toBe(80 * 2 * 8192 * 56 * 128);
  });

  it('count MoE parameters: all experts in the total, top-k plus shared in the active', () => {
    const ds = findModel('deepseek-v3')!;
    const c = paramCounts(ds);
    // DeepSeek-V3: 671B total and 37B active (report, MTP module excluded).
    expect(c.total / 671e9).toBeGreaterThan(0.995);
    expect(c.total / 671e9).toBeLessThan(1.005);
    expect(c.activeMatmul / 37e9).toBeGreaterThan(0.98);
    expect(c.activeMatmul / 37e9).toBeLessThan(1.01);
    // MLA per layer: q down 7168×1536, q up 1536×128·192, kv down 7168×(512+64), kv up 512×128·(128+128), out 128·128×7168.
    const attn = 61 * (7168 * 1536 + 1536 * 128 * 192 + 7168 * 576 + 512 * 128 * 256 + 128 * 128 * 7168);
    expect(attentionParams(ds) * 61).toBe(attn);
    // Routed + shared experts per token: 58 MoE layers × 9 experts × 3 × 7168 × 2048.
    const dense = 3 * 7168 * 18432 * 3;
    expect(c.activeMatmul - attn - dense - 129280 * 7168).toBe(58 * (9 * 3 * 7168 * 2048 + 7168 * 256));
    const grok = paramCounts(findModel('grok-1')!);
    expect(grok.total / 314e9).toBeGreaterThan(0.98);
    expect(grok.total / 314e9).toBeLessThan(1.03);
    const mixtral = paramCounts(findModel('mixtral-8x7b')!);
    expect(mixtral.total / 46.7e9).toBeGreaterThan(0.98);
    expect(mixtral.total / 46.7e9).toBeLessThan(1.02);
    // Mixtral: 12.9B active per token (Jiang et al. 2024), of which 0.13B is the embedding.
    expect(mixtral.activeMatmul / 12.8e9).toBeGreaterThan(0.98);
    expect(mixtral.activeMatmul / 12.8e9).toBeLessThan(1.02);
  });
});

describe('multi-head latent attention (MLA)', () => {
  it('counts scores with the query/key head size and values with the value head size', () => {
    const ds = findModel('deepseek-v3')!;
    const s = 4096;
    // 6·active + 6·layers·s·heads·(192 + 128): scores over 192 dims, values over 128.
    expect(modelFlopsPerToken(ds, s)).toBe(6 * paramCounts(ds).activeMatmul + 6 * 61 * s * 128 * (192 + 128));
    // Without MLA the same heads of one size reduce to the usual 12·layers·s·heads·headDim.
    const { mla: _mla, ...mha } = ds;
    expect(modelFlopsPerToken(mha, s)).toBe(6 * paramCounts(mha).activeMatmul + 12 * 61 * s * 128 * 192);
  });

  it('projects queries straight from the hidden state when qLoraRank is 0', () => {
    const ds = findModel('deepseek-v3')!;
    const direct = { ...ds, mla: { ...ds.mla!, qLoraRank: 0 } };
    expect(attentionParams(direct) - attentionParams(ds)).toBe(7168 * 128 * 192 - (7168 * 1536 + 1536 * 128 * 192));
  });
});
