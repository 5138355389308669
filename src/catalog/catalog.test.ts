import { describe, expect, it } from 'vitest';
import { GPU_NUMERIC_FIELDS } from './gpu.js';
import { GPUS, findGpu } from './gpus.js';
import { MODELS, findModel } from './models.js';

describe('catalog', () => {
  it('has every GPU the contract names', () => {
    for (const id of ['a100-sxm-80gb', 'h100-sxm', 'h200-sxm', 'h800-sxm', 'b200', 'gb200', 'gb300', 'mi300x']) expect(findGpu(id), id).toBeDefined();
  });

  it('gives every GPU number a source', () => {
    for (const g of GPUS) {
      for (const field of GPU_NUMERIC_FIELDS) {
        if (g[field] === undefined) continue;
        expect(typeof g[field], `${g.id}.${field}`).toBe('number');
        expect(g.sources[field], `${g.id}.${field} has no source`).toMatch(/\S{8,}/);
      }
    }
  });

  it('keeps GPU numbers physically sane', () => {
    for (const g of GPUS) {
      expect(g.bf16Tflops).toBeGreaterThan(100);
      if (g.fp8Tflops !== undefined) expect(g.fp8Tflops).toBeCloseTo(2 * g.bf16Tflops, -2);
      if (g.achievableBf16Tflops !== undefined) expect(g.achievableBf16Tflops).toBeLessThan(g.bf16Tflops);
      expect(g.nvlinkDomain % g.gpusPerNode === 0 || g.gpusPerNode % g.nvlinkDomain === 0).toBe(true);
    }
  });

  it('has every model the issue names, each with its source and a consistent shape', () => {
    for (const id of ['gpt3-175b', 'llama2-7b', 'llama2-70b', 'llama3-8b', 'llama3-70b', 'llama3-405b', 'mixtral-8x7b', 'mixtral-8x22b', 'grok-1', 'deepseek-v3', 'nemotron-4-340b', 'qwen3-235b-a22b']) {
      expect(findModel(id), id).toBeDefined();
    }
    for (const [id, m] of Object.entries(MODELS)) {
      expect(m.source, id).toMatch(/\S{8,}/);
      expect(m.heads % m.kvHeads, id).toBe(0);
      if (m.moe) expect(m.moe.topK, id).toBeLessThanOrEqual(m.moe.experts);
    }
  });
});
