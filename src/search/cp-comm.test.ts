import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cpCommProblem } from '../model/layer/cp-comm.js';
import { estimate } from '../model/estimate.js';
import { resolveStack } from '../model/stack/resolve.js';
import { parseSpecValue } from '../spec/index.js';
import type { Spec } from '../spec/types.js';
import { bruteForceBest } from './brute-force.js';
import { search } from './search.js';
import { searchSpace } from './space.js';

function spec(o: { model?: string; gpus?: number; stack?: string; seqLen?: number; parallel?: Record<string, unknown> } = {}): Spec {
  const r = parseSpecValue(
    {
      model: o.model ?? 'llama3-8b',
      system: { gpu: 'h100-sxm', gpus: o.gpus ?? 16 },
      training: { seqLen: o.seqLen ?? 65536, globalBatch: 8, stack: o.stack ?? 'megatron-core' },
      parallel: { pp: 1, microBatch: 1, recompute: 'selective', zeroStage: 1, ...o.parallel },
    },
    undefined,
    [],
    { planOptional: true },
  );
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.spec;
}

describe('the search over context-parallel exchanges', () => {
  it("offers only the stack's exchanges, only with CP, and only those that split the heads (property)", () => {
    fc.assert(
      fc.property(
        fc.constantFrom('megatron-core', 'torchtitan', 'deepspeed', 'composer', 'megatron-core@2021'),
        fc.constantFrom('llama3-8b', 'llama3-70b', 'llama3-405b', 'deepseek-v3', 'mixtral-8x7b'),
        fc.constantFrom(1, 2, 4, 8),
        fc.constantFrom(1, 2, 4, 8, 16, 32),
        (stack, model, tp, cp) => {
          const s = spec({ model, stack });
          const st = resolveStack(s.training, s.system.gpu);
          const offered = searchSpace(s).cpCommsFor(tp, cp);
          if (cp === 1) expect(offered).toEqual([undefined]);
          // The stack's default first, unnamed, where it can run.
          const dflt = cpCommProblem(s.model, tp, cp, st.cpExchange, s.system.nvlinkDomain) === undefined;
          if (dflt) expect(offered[0]).toBeUndefined();
          for (const c of offered.slice(dflt ? 1 : 0)) {
            expect(st.cpComms).toContain(c);
            expect(c).not.toBe(st.cpExchange);
            expect(cpCommProblem(s.model, tp, cp, c as NonNullable<typeof c>, s.system.nvlinkDomain)).toBeUndefined();
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('never picks a2a when the heads do not divide: Llama 3 8B has 8 KV heads, so not at cp 16', () => {
    const s = spec();
    expect(searchSpace(s).cpCommsFor(1, 16)).toEqual([undefined, 'a2a+p2p']);
    expect(searchSpace(s).cpCommsFor(1, 8)).toEqual([undefined, 'a2a']); // a2a+p2p at cp 8 on one node is a2a
    expect(searchSpace(s).cpCommsFor(8, 2)).toEqual([undefined]); // one KV head per TP rank; the all-gather never beats the ring
    expect(searchSpace(spec({ stack: 'torchtitan' })).cpCommsFor(1, 8)).toEqual([undefined, 'ring']);
    expect(searchSpace(spec({ stack: 'deepspeed' })).cpCommsFor(1, 16)).toEqual([]);
    expect(searchSpace(spec({ stack: 'deepspeed' })).cpCommsFor(1, 8)).toEqual([undefined]); // Ulysses only, and it cannot split 8 KV heads 16 ways
    const fixed = spec({ parallel: { cpComm: 'a2a' } });
    expect(searchSpace(fixed).cpCommsFor(1, 16)).toEqual([]);
    for (const p of search(fixed, { top: 5 }).plans) {
      expect(p.parallel.cpComm).toBe('a2a');
      expect(8 % p.parallel.tp === 0 && (8 / p.parallel.tp) % p.parallel.cp).toBe(0);
    }
  });

  it('keeps the fastest exchange of a layer plan: the same best as the brute force, and no fixed exchange beats it', () => {
    for (const stack of ['megatron-core', 'torchtitan']) {
      const s = spec({ stack });
      const fast = search(s, { top: 1 });
      const slow = bruteForceBest(s);
      expect(slow).toBeDefined();
      expect(fast.plans[0]!.score / slow!.score).toBeCloseTo(1, 12);
      const best = fast.plans[0]!;
      // The winning plan with every other exchange its stack runs is no faster.
      for (const c of resolveStack(s.training, s.system.gpu).cpComms) {
        if (cpCommProblem(s.model, best.parallel.tp, best.parallel.cp, c, s.system.nvlinkDomain)) continue;
        const other = estimate({ ...s, parallel: { ...best.parallel, cpComm: c } });
        expect(other.stepTimeS).toBeGreaterThanOrEqual(best.estimate.stepTimeS * (1 - 1e-12));
      }
    }
  }, 120_000);
});
