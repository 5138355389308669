import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { estimate } from '../estimate.js';
import { parseSpecValue } from '../../spec/parse.js';
import type { Spec } from '../../spec/types.js';
import { propertyRuns } from '../../../test/property-runs.js';

/** DeepSeek-V3-shaped MoE on a fabric with small (64-GPU) pods, so EP can stay in or leave one. */
function spec(plan: { tp: number; pp: number; dp: number; ep: number }, over: number, extra: Record<string, unknown> = {}): Spec {
  const r = parseSpecValue({
    model: 'deepseek-v3',
    system: {
      gpu: 'h100-sxm',
      gpus: plan.tp * plan.pp * plan.dp,
      fabric: { tiers: [{ name: 'leaf', gpus: 16 }, { name: 'pod', gpus: 64 }, { name: 'core', oversubscription: over }] },
      ...extra,
    },
    training: { seqLen: 4096, globalBatch: 512, precision: 'fp8' },
    parallel: { tp: plan.tp, pp: plan.pp, dp: plan.dp, cp: 1, ep: plan.ep, vpp: 1, microBatch: 1, recompute: 'full', zeroStage: 1 },
  });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.spec;
}

describe('oversubscription applies only to traffic that crosses the oversubscribed tier', () => {
  it('a plan whose DP and EP groups stay inside one pod is unaffected by the core tier, one that spans pods is slowed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 8 }), (over) => {
        // 128 GPUs on two 64-GPU pods: DP 8 and EP 8 (8 consecutive ranks) inside one pod; 16
        // pipeline stages 8 ranks apart, so only 8 of a pod's 64 GPUs hand off across the core
        // at once, which a core up to 8:1 carries at full rate.
        const inside = { tp: 1, pp: 16, dp: 8, ep: 8 };
        expect(estimate(spec(inside, over)).stepTimeS).toBe(estimate(spec(inside, 1)).stepTimeS);
        // EP over 128 ranks spans two pods: its all-to-all crosses the core.
        const spanning = { tp: 1, pp: 2, dp: 128, ep: 128 };
        expect(estimate(spec(spanning, over)).stepTimeS).toBeGreaterThan(estimate(spec(spanning, 1)).stepTimeS * 1.01);
      }),
      { numRuns: propertyRuns(7) },
    );
  });

  it('the shorthand `oversubscription` sets the top tier of a preset, not every link', () => {
    const s = spec({ tp: 1, pp: 8, dp: 8, ep: 8 }, 1, { oversubscription: 4 });
    expect(s.system.fabric?.tiers.at(-1)?.oversubscription).toBe(4);
    expect(s.system.fabric?.tiers[0]?.oversubscription).toBe(1);
  });
});
