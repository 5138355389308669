import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { findModel } from '../catalog/index.js';
import { parseSpecValue, type Spec } from '../spec/index.js';
import type { ParallelPlan } from '../spec/types.js';
import { estimate } from './estimate.js';
import { layerActivationBytes, stateBytesPerParam } from './memory.js';

// DeepSeek-V3's memory saving (arXiv 2412.19437 §3.2.3, §3.3.3) as stack facts (`hai-llm`) and
// the `training.optimizerMoments` knob, checked tensor by tensor and on the report's own plan.

const EXAMPLE = new URL('../../examples/deepseek-v3-h800.yaml', import.meta.url);

function specOf(value: unknown, planOptional = false): Spec {
  const r = parseSpecValue(value, undefined, [], { planOptional });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.spec;
}

const published = (): Record<string, unknown> => parse(readFileSync(EXAMPLE, 'utf8')) as Record<string, unknown>;
const with_ = (over: { training?: Record<string, unknown>; parallel?: Record<string, unknown> }) => {
  const doc = published();
  return { ...doc, training: { ...(doc['training'] as object), ...over.training }, parallel: { ...(doc['parallel'] as object), ...over.parallel } };
};

describe('fine-grained FP8 activation caching (DeepSeek-V3 §3.3.3)', () => {
  const m = findModel('deepseek-v3');
  if (!m || !m.moe) throw new Error('deepseek-v3 is in the catalog');
  const moe = m.moe;
  const p: ParallelPlan = { tp: 1, pp: 16, dp: 128, cp: 1, ep: 64, vpp: 1, microBatch: 1, sequenceParallel: false, recompute: 'selective', distributedOptimizer: true, zeroStage: 1, tpCommOverlap: true };
  const s = 4096;

  it('keeps the attention output once in E5M6 (1.5 B, not BF16 + an FP8 copy) and the experts\' SwiGLU input in FP8', () => {
    const te = layerActivationBytes(m, p, s, true, { fp8: true });
    const fine = layerActivationBytes(m, p, s, true, { fp8: true, fineGrainedFp8: true });
    const attnOut = s * m.heads * (m.mla?.vHeadDim ?? m.headDim) * (3 - 1.5);
    // Routed copies (top-k per token) and the shared experts: the SwiGLU input 2·f wide, 2 B → 1 B.
    const swiglu = (s * moe.topK + s * moe.sharedExperts) * 2 * moe.ffnHidden * (2 - 1);
    expect(te - fine).toBeCloseTo(attnOut + swiglu, 0);
    // A dense layer saves only the attention output (the report names the SwiGLU of the MoE).
    const teDense = layerActivationBytes(m, p, s, false, { fp8: true });
    expect(teDense - layerActivationBytes(m, p, s, false, { fp8: true, fineGrainedFp8: true })).toBeCloseTo(attnOut, 0);
  });

  it('does nothing without FP8 or under full recomputation', () => {
    expect(layerActivationBytes(m, p, s, true, { fineGrainedFp8: true })).toBe(layerActivationBytes(m, p, s, true));
    const full = { ...p, recompute: 'full' as const };
    expect(layerActivationBytes(m, full, s, true, { fp8: true, fineGrainedFp8: true })).toBe(layerActivationBytes(m, full, s, true, { fp8: true }));
  });

  it('without recomputation, the experts still drop the SwiGLU output (recomputed from its cached input)', () => {
    const none = { ...p, recompute: 'none' as const };
    const te = layerActivationBytes(m, none, s, true, { fp8: true });
    const fine = layerActivationBytes(m, none, s, true, { fp8: true, fineGrainedFp8: true });
    const copies = s * moe.topK + s * moe.sharedExperts;
    const attnOut = s * m.heads * (m.mla?.vHeadDim ?? m.headDim) * 1.5;
    expect(te - fine).toBeCloseTo(attnOut + copies * moe.ffnHidden * (2 * 2 - 2 * 1 + 1), 0);
  });
});

describe('BF16 Adam moments', () => {
  it('8 B of optimizer state per parameter instead of 12, sharded alike', () => {
    expect(stateBytesPerParam(1, 4, 4, 8).optimizer).toBe(2);
    expect(stateBytesPerParam(0, 4, 4, 8).optimizer).toBe(8);
    expect(stateBytesPerParam(1, 4).optimizer).toBe(3);
  });

  it('training.optimizerMoments overrides the stack (Megatron-Core\'s precision-aware optimizer)', () => {
    const mcore = with_({ training: { stack: 'megatron-core', fp8Recipe: 'blockwise' }, parallel: { recompute: 'full' } });
    const fp32 = estimate(specOf(mcore)).memory;
    const bf16 = estimate(specOf({ ...mcore, training: { ...mcore.training, optimizerMoments: 'bf16' } })).memory;
    expect(bf16.optimizerGiB / fp32.optimizerGiB).toBeCloseTo(8 / 12, 6);
    expect(bf16.weightsGiB).toBe(fp32.weightsGiB);
    expect(bf16.gradientsGiB).toBe(fp32.gradientsGiB);
    // And back: hai-llm's BF16 default turned off.
    const hai = estimate(specOf(with_({}))).memory;
    const haiFp32 = estimate(specOf(with_({ training: { optimizerMoments: 'fp32' } }))).memory;
    expect(haiFp32.optimizerGiB / hai.optimizerGiB).toBeCloseTo(12 / 8, 6);
  });

  it('refuses an unknown moment precision with the field named', () => {
    const r = parseSpecValue(with_({ training: { optimizerMoments: 'fp16' } }));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues[0]?.path).toBe('training.optimizerMoments');
  });
});

describe("DeepSeek-V3's published plan (TP1 PP16 EP64 DualPipe, ZeRO-1) on 2,048 H800", () => {
  it('fits with selective recomputation in HAI-LLM; Megatron-Core\'s storage of the same plan does not', () => {
    const e = estimate(specOf(with_({ parallel: { recompute: 'selective', microBatch: 1 } })));
    expect(e.memory.totalGiB).toBeLessThan(e.memory.usableGiB);
    expect(e.parallel.schedule).toBe('dualpipe');
    const mcore = estimate(specOf(with_({ training: { stack: 'megatron-core', fp8Recipe: 'blockwise' }, parallel: { recompute: 'selective', microBatch: 1, schedule: 'dualpipe' } })));
    expect(mcore.memory.totalGiB).toBeGreaterThan(mcore.memory.usableGiB);
    // The free knobs resolve to that plan: selective recomputation, micro-batch 1.
    const free = estimate(specOf(published()));
    expect(free.parallel.recompute).toBe('selective');
    expect(free.parallel.microBatch).toBe(1);
  });
});
