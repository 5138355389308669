/**
 * `resolveStepTimeS`: a job given with a plan gets that plan's estimate; one without gets the search's
 * best plan; a plan that does not fit, a cluster where nothing fits and an invalid job are reported at
 * the job's fields, with file positions.
 */
import { describe, expect, it } from 'vitest';
import { newReadContext, parseDocumentText } from '../core/index.js';
import { estimate } from '../model/index.js';
import { parseSpecValue } from '../spec/index.js';
import { resolveStepTimeS } from './job-step-time.js';
import { search } from './search.js';

const job = (o: Record<string, unknown> = {}) => ({ model: 'llama3-8b', system: { gpu: 'h100-sxm', gpus: 8 }, training: { seqLen: 2048, globalBatch: 16 }, ...o });
const plan = { tp: 1, pp: 1, dp: 8, cp: 1, microBatch: 1, recompute: 'none', zeroStage: 1 };

describe('resolveStepTimeS', () => {
  it('a job with a plan that fits: that plan’s step time, parameters and tokens per step; no issue', () => {
    const ctx = newReadContext();
    const r = resolveStepTimeS(job({ parallel: plan }), ctx, ['job']);
    const p = parseSpecValue(job({ parallel: plan }));
    if (!p.ok) throw new Error('spec');
    const e = estimate(p.spec);
    expect(e.fits).toBe(true);
    expect(r).toEqual({ stepTimeS: e.stepTimeS, paramsTotal: e.paramsTotal, tokensPerStep: e.tokensPerStep });
    expect(r?.tokensPerStep).toBe(16 * 2048);
    expect(ctx.issues).toEqual([]);
    // Another plan, another step time: the plan given is the one used.
    const r2 = resolveStepTimeS(job({ parallel: { ...plan, tp: 2, dp: 4 } }), newReadContext(), ['job']);
    expect(r2?.stepTimeS).not.toBe(r?.stepTimeS);
  });

  it('a job without a plan: the search’s best plan', () => {
    const ctx = newReadContext();
    const r = resolveStepTimeS(job(), ctx, ['job']);
    const p = parseSpecValue(job(), undefined, [], { planOptional: true });
    if (!p.ok) throw new Error('spec');
    const best = search(p.spec, { top: 1 }).plans[0];
    expect(best).toBeDefined();
    expect(r).toEqual({ stepTimeS: best?.estimate.stepTimeS, paramsTotal: best?.estimate.paramsTotal, tokensPerStep: 16 * 2048 });
    expect(ctx.issues).toEqual([]);
  });

  it('a plan that does not fit: reported at parallel, with both sizes and a position', () => {
    const big = job({ model: 'llama3-70b', parallel: { ...plan, recompute: 'none', zeroStage: 1 } });
    const p = parseSpecValue(big);
    if (!p.ok) throw new Error('spec');
    const e = estimate(p.spec);
    expect(e.fits).toBe(false);
    const text = JSON.stringify({ job: big }, null, 2);
    const doc = parseDocumentText(text, 'scenario.json');
    const ctx = newReadContext(doc);
    expect(resolveStepTimeS(big, ctx, ['job'])).toBeUndefined();
    const line = text.split('\n').findIndex((l) => l.includes('"parallel"')) + 1;
    expect(ctx.issues).toEqual([
      {
        path: 'job.parallel',
        message: `does not fit in memory (${e.memory.totalGiB.toFixed(1)} of ${e.memory.usableGiB.toFixed(1)} GiB)`,
        expected: 'a plan that fits (or leave parallel out to search for one)',
        file: 'scenario.json',
        line,
        column: expect.any(Number),
      },
    ]);
  });

  it('no plan fits on the cluster: reported at the model', () => {
    const ctx = newReadContext();
    const huge = job({ model: 'llama3-405b', training: { seqLen: 2048, globalBatch: 8 }, system: { gpu: 'h100-sxm', gpus: 8 } });
    expect(resolveStepTimeS(huge, ctx, ['jobs', 2])).toBeUndefined();
    expect(ctx.issues).toEqual([{ path: 'jobs[2].model', message: 'has no parallel plan that fits in memory on this cluster', expected: 'more GPUs or a smaller model' }]);
  });

  it('an invalid job: the parser’s issues, at the job’s path, and no answer', () => {
    const ctx = newReadContext();
    expect(resolveStepTimeS(job({ model: 'no-such-model' }), ctx, ['job'])).toBeUndefined();
    expect(ctx.issues.length).toBeGreaterThan(0);
    expect(ctx.issues.every((i) => i.path.startsWith('job.model'))).toBe(true);
    // With a plan given, the plan is checked too (a partial plan is not a search request here).
    const ctx2 = newReadContext();
    expect(resolveStepTimeS(job({ parallel: { tp: 3 } }), ctx2, ['job'])).toBeUndefined();
    expect(ctx2.issues.some((i) => i.path.startsWith('job.parallel'))).toBe(true);
    const ctx3 = newReadContext();
    expect(resolveStepTimeS('llama3-8b', ctx3, ['job'])).toBeUndefined();
    expect(ctx3.issues.length).toBeGreaterThan(0);
  });
});
