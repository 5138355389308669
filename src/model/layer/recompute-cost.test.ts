import { describe, expect, it } from 'vitest';
import { parseSpecValue, type Spec } from '../../spec/index.js';
import type { ParallelPlan } from '../../spec/types.js';
import { knobCandidates } from '../estimate.js';
import { defaultEfficiency, layerPhase } from './layer-phase.js';

// What each recomputation policy adds to one layer's backward, read off the same layer without it:
// full recomputation replays the whole forward (its time and its FLOPs); Megatron-Core's selective
// recomputation (flash attention) replays only memory-bound kernels, no GEMM FLOPs.
function spec(model: string, training: Record<string, unknown> = {}): Spec {
  const r = parseSpecValue({ model, system: { gpu: 'h100-sxm', gpus: 64 }, training: { seqLen: 4096, globalBatch: 64, ...training }, parallel: { tp: 8, pp: 1, dp: 8, microBatch: 1 } });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.spec;
}
function layer(s: Spec, recompute: 'none' | 'selective' | 'full') {
  const plan = knobCandidates(s).find((p) => p.recompute === recompute) as ParallelPlan;
  return layerPhase({ model: s.model, system: s.system, training: s.training }, plan, defaultEfficiency(s.system.gpu));
}

describe('recomputation in one layer\'s cost', () => {
  for (const model of ['llama3-8b', 'mixtral-8x7b']) {
    it(`${model}: full replays the forward in the backward, time and FLOPs`, () => {
      const s = spec(model);
      const none = layer(s, 'none');
      const full = layer(s, 'full');
      for (const k of ['dense', 'moe'] as const) {
        expect(full[k].fwdS).toBeCloseTo(none[k].fwdS, 12);
        expect(full[k].bwdS).toBeCloseTo(none[k].bwdS + none[k].fwdS, 12);
        expect(full[k].bwdWeightS).toBeCloseTo(none[k].bwdWeightS, 12);
        // Forward FLOPs are a third of fwd+bwd: full adds one more forward.
        expect(full[k].hwFlops / none[k].hwFlops).toBeGreaterThan(1.2);
        expect(full[k].hwFlops / none[k].hwFlops).toBeLessThan(1.34);
      }
    });
    it(`${model}: selective (flash attention) adds memory-bound time to the backward and no FLOPs`, () => {
      const s = spec(model);
      const none = layer(s, 'none');
      const sel = layer(s, 'selective');
      const full = layer(s, 'full');
      for (const k of ['dense', 'moe'] as const) {
        expect(sel[k].fwdS).toBeCloseTo(none[k].fwdS, 12);
        expect(sel[k].bwdS).toBeGreaterThan(none[k].bwdS);
        expect(sel[k].bwdS).toBeLessThan(full[k].bwdS);
        expect(sel[k].hwFlops).toBeCloseTo(none[k].hwFlops, 0);
      }
    });
  }
});
