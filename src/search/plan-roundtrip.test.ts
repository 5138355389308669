/**
 * Every plan the search or the knob resolver returns is one `estimate` accepts when it is given
 * back as a spec, with the same answer; and the pipeline invariants hold on every plan returned.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { estimate, layerPhase, defaultEfficiency } from '../model/index.js';
import { parseSpecValue, type Spec } from '../spec/index.js';
import type { ParallelPlan } from '../spec/types.js';
import { search } from './search.js';
import { propertyRuns } from '../../test/property-runs.js';

const MODELS = ['llama3-8b', 'llama3-70b', 'mixtral-8x7b', 'gpt3-175b', 'qwen3-30b-a3b', 'llama3-405b', 'deepseek-v3'];
const SCHEDULES = [undefined, ['1f1b', 'interleaved', 'zero-bubble', 'dualpipe'], ['dualpipe'], ['zero-bubble']] as const;

function specOf(value: unknown, planOptional = true): Spec {
  const r = parseSpecValue(value, undefined, [], { planOptional });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.spec;
}

/** A resolved plan as a user would type it back. */
function asWritten(p: ParallelPlan): Record<string, unknown> {
  const { distributedOptimizer: _d, ...rest } = p;
  return rest;
}

const arb = fc.record({
  model: fc.constantFrom(...MODELS),
  gpus: fc.constantFrom(64, 256, 1024, 4096, 16384),
  globalBatch: fc.constantFrom(64, 256, 1024, 2048),
  seqLen: fc.constantFrom(2048, 4096, 8192),
  schedules: fc.constantFrom(...SCHEDULES),
});

describe('plans given back to estimate', () => {
  it('every plan search returns is accepted by estimate, with the same step time, and is physical (property)', () => {
    fc.assert(
      fc.property(arb, ({ model, gpus, globalBatch, seqLen, schedules }) => {
        const base = { model, system: { gpu: 'h100-sxm', gpus }, training: { seqLen, globalBatch, precision: 'bf16' } };
        const s = specOf(schedules ? { ...base, parallel: { schedule: [...schedules] } } : base);
        for (const p of search(s, { top: 3 }).plans) {
          const back = parseSpecValue({ ...base, system: { gpu: 'h100-sxm', gpus: p.gpusUsed }, parallel: asWritten(p.parallel) });
          expect(back.ok, JSON.stringify(back.ok ? '' : back.issues)).toBe(true);
          if (!back.ok) return;
          const e = estimate(back.spec);
          expect(e.parallel).toEqual(p.parallel);
          expect(e.stepTimeS / p.estimate.stepTimeS).toBeCloseTo(1, 12);
          // Pipeline floor: one micro-batch crosses every stage, and every stage runs every micro-batch.
          const q = p.parallel;
          if (q.schedule === '1f1b' || q.schedule === 'interleaved') {
            const L = layerPhase({ model: s.model, system: back.spec.system, training: s.training }, q, defaultEfficiency(s.system.gpu));
            const perStage = (L.nDense * (L.dense.fwdS + L.dense.bwdS) + L.nMoe * (L.moe.fwdS + L.moe.bwdS) + L.headS + L.embedS) / q.pp;
            expect(e.stepTimeS).toBeGreaterThanOrEqual(Math.max(q.pp, e.microBatchesPerStep) * perStage * (1 - 1e-12));
          }
          expect(e.hfu).toBeGreaterThanOrEqual(e.mfu * (1 - 1e-12));
        }
      }),
      { numRuns: propertyRuns(25) },
    );
  });

  it('every plan the knob resolver picks is accepted by estimate when given back (property)', () => {
    fc.assert(
      fc.property(arb, fc.constantFrom(1, 2, 4, 8), fc.constantFrom(1, 2, 4, 8, 16), ({ model, globalBatch, seqLen, schedules }, tp, pp) => {
        const s0 = specOf({ model, system: { gpu: 'h100-sxm', gpus: 8 }, training: { seqLen, globalBatch } });
        if (s0.model.heads % tp !== 0 || pp > s0.model.layers) return;
        const dp = Math.max(1, Math.min(globalBatch, 512 / (tp * pp)));
        if (globalBatch % dp !== 0) return;
        const base = { model, system: { gpu: 'h100-sxm', gpus: tp * pp * dp }, training: { seqLen, globalBatch } };
        const partial = parseSpecValue({ ...base, parallel: { tp, pp, dp, ...(schedules ? { schedule: [...schedules] } : {}) } });
        if (!partial.ok) return;
        let e;
        try {
          e = estimate(partial.spec);
        } catch (err) {
          // Refused with an input error that names the rule (no allowed schedule runs this shape).
          expect((err as Error).name).toBe('InputError');
          return;
        }
        const back = parseSpecValue({ ...base, parallel: asWritten(e.parallel) });
        expect(back.ok, JSON.stringify(back.ok ? '' : back.issues)).toBe(true);
        if (back.ok) expect(estimate(back.spec).stepTimeS).toBe(e.stepTimeS);
      }),
      { numRuns: propertyRuns(60) },
    );
  });
});
