import { describe, expect, it } from 'vitest';
import { parseSpecValue, type Spec } from '../spec/index.js';
import { search } from './search.js';
import { searchSpace } from './space.js';

function spec(parallel?: Record<string, unknown>): Spec {
  const r = parseSpecValue(
    { model: 'deepseek-v3', system: { gpu: 'h800-sxm', gpus: 2048 }, training: { seqLen: 4096, globalBatch: 15360, precision: 'fp8' }, ...(parallel ? { parallel } : {}) },
    undefined,
    [],
    { planOptional: true },
  );
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.spec;
}

describe('search over the EP software choices (dispatcher, all-to-all overlap)', () => {
  it('DeepSeek-V3 on 2,048 H800: the default search is at least as fast as the best plan with each choice fixed', () => {
    const free = search(spec(), { top: 1 }).plans[0];
    expect(free).toBeDefined();
    for (const fixed of [{ epDispatch: 'deepep' }, { epDispatch: 'alltoall' }, { epDispatch: 'deepep', epCommOverlap: true }, { epCommOverlap: false }]) {
      const best = search(spec(fixed), { top: 1 }).plans[0];
      expect(free!.estimate.stepTimeS, JSON.stringify(fixed)).toBeLessThanOrEqual((best?.estimate.stepTimeS ?? Infinity) * (1 + 1e-9));
    }
    // The winner says which dispatcher it uses.
    expect(free!.parallel.ep).toBeGreaterThan(1);
    expect(free!.parallel.epDispatch).toBe('deepep');
  });

  it('searches both values of a free fact at ep > 1 only, defaults first; a fixed fact is kept', () => {
    const s = searchSpace(spec());
    expect(s.epFactsFor(1)).toEqual([{}]);
    expect(s.epFactsFor(8)).toEqual([{}, { epCommOverlap: true }, { epDispatch: 'deepep' }, { epDispatch: 'deepep', epCommOverlap: true }]);
    expect(searchSpace(spec({ epDispatch: 'alltoall' })).epFactsFor(8)).toEqual([{ epDispatch: 'alltoall' }, { epDispatch: 'alltoall', epCommOverlap: true }]);
    const dense = parseSpecValue({ model: 'llama3-8b', system: { gpu: 'h100-sxm', gpus: 8 }, training: { seqLen: 4096, globalBatch: 8 } }, undefined, [], { planOptional: true });
    if (!dense.ok) throw new Error('dense spec');
    expect(searchSpace(dense.spec).epFactsFor(1)).toEqual([{}]);
  });
});
