import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../model/index.js';
import { parseSpecValue, type Spec } from '../spec/index.js';
import { bruteForceBest } from './brute-force.js';
import { search } from './search.js';
import type { Objective } from './types.js';
import { propertyRuns } from '../../test/property-runs.js';

function spec(value: unknown): Spec {
  const r = parseSpecValue(value, undefined, [], { planOptional: true });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.spec;
}

const small = (model: unknown, gpus: number, gpu = 'h100-sxm', extra: Record<string, unknown> = {}) =>
  spec({ model, system: { gpu, gpus }, training: { seqLen: 4096, globalBatch: 64, precision: 'bf16' }, ...extra });

describe('plan search', () => {
  it('finds a fitting plan and reports counts and time', () => {
    const r = search(small('llama3-70b', 64), { top: 3 });
    expect(r.plans.length).toBe(3);
    for (const p of r.plans) {
      expect(p.estimate.fits).toBe(true);
      expect(p.gpusUsed).toBeLessThanOrEqual(64);
      expect(p.spareGpus).toBe(64 - p.gpusUsed);
      expect(p.parallel.tp * p.parallel.pp * p.parallel.cp * p.parallel.dp).toBe(p.gpusUsed);
    }
    expect(r.plans[0]!.score).toBeGreaterThanOrEqual(r.plans[1]!.score);
    expect(r.evaluated + r.pruned).toBeLessThanOrEqual(r.considered + r.pruned);
    expect(r.explanation[0]).toContain('beats');
  });

  it('agrees with the plain estimator on the plans it returns', () => {
    const s = small('mixtral-8x7b', 32);
    const r = search(s, { top: 2 });
    for (const p of r.plans) {
      const e = evaluate({ model: s.model, system: s.system, training: s.training, parallel: p.parallel });
      expect(e.stepTimeS).toBeCloseTo(p.estimate.stepTimeS, 12);
    }
  });

  it('respects fixed fields', () => {
    const r = search(small('llama3-70b', 64, 'h100-sxm', { parallel: { tp: 4, recompute: 'full' } }));
    for (const p of r.plans) {
      expect(p.parallel.tp).toBe(4);
      expect(p.parallel.recompute).toBe('full');
    }
  });

  it('reports no plan when nothing fits', () => {
    const r = search(small('llama3-405b', 8));
    expect(r.plans).toHaveLength(0);
    expect(r.explanation[0]).toContain('no plan fits');
  });

  it('never changes the answer by pruning: same best plan as brute force, for every schedule (property)', () => {
    const models = ['llama2-7b', 'llama3-8b', 'mixtral-8x7b', 'llama3-70b', 'qwen3-30b-a3b', 'gpt3-175b'];
    const objectives: Objective[] = ['tokens-per-sec', 'tokens-per-dollar', 'tokens-per-joule'];
    fc.assert(
      fc.property(
        fc.constantFrom(...models),
        fc.constantFrom(8, 16, 24, 32, 64),
        fc.constantFrom('h100-sxm', 'a100-sxm-80gb', 'gb200'),
        fc.constantFrom(16, 32, 96),
        fc.constantFrom(...objectives),
        fc.constantFrom(undefined, ['1f1b', 'interleaved', 'zero-bubble', 'dualpipe'], ['zero-bubble'], ['dualpipe'], ['1f1b', 'dualpipe']),
        (model, gpus, gpu, globalBatch, objective, schedule) => {
          const s = spec({ model, system: { gpu, gpus }, training: { seqLen: 2048, globalBatch }, parallel: { microBatch: 1, ...(schedule ? { schedule } : {}) } });
          const fast = search(s, { top: 1, objective });
          const slow = bruteForceBest(s, { objective });
          if (!slow) {
            expect(fast.plans).toHaveLength(0);
            return;
          }
          expect(fast.plans[0]?.score).toBeCloseTo(slow.score, 9);
          expect(fast.plans[0]!.score / slow.score).toBeCloseTo(1, 12);
        },
      ),
      { numRuns: propertyRuns(40) },
    );
    // The brute force is slow by design (MoE specs also try every EP dispatcher/overlap pair).
  }, 120_000);

  it('ranks a given plan: the count of better plans matches an unpruned search', () => {
    const s = small('llama3-70b', 64);
    const mine = evaluate({ model: s.model, system: s.system, training: s.training, parallel: { tp: 8, pp: 8, dp: 1, cp: 1, ep: 1, vpp: 1, microBatch: 1, sequenceParallel: true, recompute: 'full', distributedOptimizer: true, zeroStage: 1, tpCommOverlap: true } });
    const pruned = search(s, { top: 3, rankScore: mine.tokensPerSec });
    const all = search(s, { top: 3, rankScore: mine.tokensPerSec, noPruning: true });
    expect(pruned.plansAbove).toBe(all.plansAbove);
    expect(pruned.plansAbove).toBeGreaterThan(0);
    expect(pruned.pruned).toBeGreaterThan(0);
  });

  it('is deterministic', () => {
    const s = small('grok-1', 64);
    const a = search(s, { top: 4 });
    const b = search(s, { top: 4 });
    expect(a.plans.map((p) => p.parallel)).toEqual(b.plans.map((p) => p.parallel));
  });
});
