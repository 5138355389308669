import { describe, expect, it } from 'vitest';
import { parseSpecValue, type Spec } from '../../spec/index.js';
import type { ModelConfig } from '../../spec/types.js';
import { defaultEfficiency, layerPhase, withCpComm } from './layer-phase.js';
import type { LayerPlan } from './layer-plan.js';

// Phase 1 of an evaluation, on catalog models with parts of them changed: which layer is the
// typical one, what the LM head runs in, what an FP8 request gets on a GPU without FP8.
function spec(model: string, gpu = 'h100-sxm', training: Record<string, unknown> = {}): Spec {
  const r = parseSpecValue({ model, system: { gpu, gpus: 64 }, training: { seqLen: 4096, globalBatch: 64, ...training }, parallel: { tp: 8, pp: 1, dp: 8, microBatch: 1 } });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.spec;
}
const lp: LayerPlan = { tp: 8, cp: 1, ep: 1, microBatch: 1, sequenceParallel: true, recompute: 'none', tpCommOverlap: false };
const phase = (s: Spec, model: ModelConfig = s.model, p: LayerPlan = lp) => layerPhase({ model, system: s.system, training: s.training }, p, defaultEfficiency(s.system.gpu));

describe('layerPhase', () => {
  it('an FP8 request on a GPU without FP8 runs in BF16', () => {
    const s = spec('llama3-8b', 'a100-sxm-80gb');
    expect(s.system.gpu.fp8Tflops).toBeUndefined();
    const L = phase({ ...s, training: { ...s.training, precision: 'fp8' } });
    expect(L.fp8).toBe(false);
    expect(phase(spec('llama3-8b', 'h100-sxm', { precision: 'fp8' })).fp8).toBe(true);
  });
  it('the LM head stays in BF16 under FP8', () => {
    const big = { ...lp, tp: 1, microBatch: 2 }; // large GEMMs: the layers are not host-bound
    const b = spec('llama3-8b', 'h100-sxm', { precision: 'bf16' });
    const f = spec('llama3-8b', 'h100-sxm', { precision: 'fp8' });
    const bf16 = phase(b, b.model, big);
    const fp8 = phase(f, f.model, big);
    expect(fp8.fp8).toBe(true);
    expect(fp8.dense.fwdS).toBeLessThan(bf16.dense.fwdS); // the layers do run in FP8
    expect(fp8.headS).toBeCloseTo(bf16.headS, 12);
    expect(fp8.headHw).toBe(bf16.headHw);
  });
  it('routing groups need both a group count and a group top-k', () => {
    const s = spec('mixtral-8x7b');
    const mo = s.model.moe!;
    expect(mo.routingGroups).toBeUndefined();
    const plain = phase(s);
    const groupsOnly = phase(s, { ...s.model, moe: { ...mo, routingGroups: 4 } });
    const both = phase(s, { ...s.model, moe: { ...mo, routingGroups: 4, groupTopK: 2 } });
    expect(groupsOnly.moe.fwdS).toBe(plain.moe.fwdS);
    // group-limited routing's extra router pass (moe-dispatch.ts)
    expect(both.moe.fwdS).toBeGreaterThan(plain.moe.fwdS);
  });
  it('the typical layer is the MoE one when MoE layers are at least as many as dense ones', () => {
    const s = spec('mixtral-8x7b');
    const mo = s.model.moe!;
    const share = (L: ReturnType<typeof phase>, x: 'dense' | 'moe') => L[x].fwdS / (L[x].fwdS + L[x].bwdS);
    const wshare = (L: ReturnType<typeof phase>, x: 'dense' | 'moe') => L[x].bwdWeightS / (L[x].fwdS + L[x].bwdS);
    const half = phase(s, { ...s.model, moe: { ...mo, denseLayers: s.model.layers / 2 } });
    expect(half.nMoe).toBe(half.nDense);
    expect(share(half, 'moe')).not.toBeCloseTo(share(half, 'dense'), 6);
    expect(half.fwdShare).toBe(share(half, 'moe'));
    expect(half.weightShare).toBe(wshare(half, 'moe'));
    const fewer = phase(s, { ...s.model, moe: { ...mo, denseLayers: s.model.layers / 2 + 1 } });
    expect(fewer.nMoe).toBeLessThan(fewer.nDense);
    expect(fewer.fwdShare).toBe(share(fewer, 'dense'));
    expect(fewer.weightShare).toBe(wshare(fewer, 'dense'));
  });
  it('MoE non-expert parameters: the router and the shared experts', () => {
    const s = spec('mixtral-8x7b');
    const m = s.model;
    const mo = m.moe!;
    const L = phase(s, { ...m, moe: { ...mo, sharedExperts: 2 } });
    const expert = 3 * m.hidden * mo.ffnHidden; // gated: three matrices
    expect(L.moeDenseParams).toBe(m.hidden * mo.experts + 2 * expert);
    expect(L.moeExpertParams).toBe(mo.experts * expert);
  });
  it('withCpComm keeps a dense model\'s MoE layer the dense one', () => {
    const L = phase(spec('llama3-8b'));
    expect(L.moe).toBe(L.dense);
    const W = withCpComm(L, 'allgather');
    expect(W.moe).toBe(W.dense);
    expect(W.lp.cpComm).toBe('allgather');
  });
});
