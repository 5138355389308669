import { describe, expect, it } from 'vitest';
import { parseSpecValue } from './parse.js';
import { PARALLEL_KEYS } from './plan-codec.js';
import { ParallelSchema, SPEC_KEYS } from './spec-schema.js';

const valid = {
  model: 'llama3-8b',
  system: { gpu: 'h100-sxm', gpus: 8 },
  training: { seqLen: 8192, globalBatch: 128 },
  parallel: { tp: 1, pp: 1, dp: 8 },
};

describe('the spec schema (spec-schema.ts)', () => {
  it("holds exactly the plan fields of plan-codec.ts in `parallel`, in their order, and the spec's sections", () => {
    expect(Object.keys(ParallelSchema.entries)).toEqual([...PARALLEL_KEYS]);
    expect(SPEC_KEYS).toEqual(['model', 'system', 'training', 'parallel', 'name', 'notes']);
  });

  it('reads null as absent, accepts a top-level $schema and names every issue of a section', () => {
    const r = parseSpecValue({ $schema: '../schemas/spec.schema.json', ...valid, training: { ...valid.training, tokens: null, precision: null } });
    expect(r.ok && r.spec.training.precision).toBe('bf16');
    const bad = parseSpecValue({ ...valid, parallel: { tp: 0, pp: 'x', dp: 8, schedule: [] }, training: { seqLen: 8192 } });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.issues.map((i) => `${i.path}: ${i.message}`)).toEqual(['training.globalBatch: is required', 'parallel.tp: is out of range', 'parallel.pp: has the wrong type', 'parallel.schedule: is an empty list']);
  });

  it('keeps the rules between fields in code: a catalog typo gets a guess, a plan that does not fit the GPUs is refused', () => {
    const typo = parseSpecValue({ ...valid, model: 'llama3-8', system: { gpu: 'h100-smx', gpus: 8 } });
    expect(typo.ok ? [] : typo.issues.map((i) => i.message)).toEqual(['is not a model in the catalog (did you mean "llama3-8b"?)', 'is not a GPU in the catalog (did you mean "h100-sxm"?)']);
    const misfit = parseSpecValue({ ...valid, parallel: { tp: 2, pp: 1, dp: 8, schedule: ['1f1b', '1f1b'] } });
    expect(misfit.ok ? [] : misfit.issues.map((i) => i.path)).toEqual(['parallel']);
  });
});
