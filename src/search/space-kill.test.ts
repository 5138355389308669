/** The plan space of a spec, value by value, worked by hand from the documented rules (docs/search.md). */
import { describe, expect, it } from 'vitest';
import { resolveStack } from '../model/stack/resolve.js';
import { parseSpecValue } from '../spec/index.js';
import type { Spec } from '../spec/types.js';
import { searchSpace } from './space.js';

function spec(o: { model?: string; gpus?: number; seqLen?: number; globalBatch?: number; parallel?: Record<string, unknown> } = {}): Spec {
  const r = parseSpecValue(
    { model: o.model ?? 'mixtral-8x22b', system: { gpu: 'h100-sxm', gpus: o.gpus ?? 64 }, training: { seqLen: o.seqLen ?? 4096, globalBatch: o.globalBatch ?? 24 }, parallel: o.parallel ?? {} },
    undefined,
    [],
    { planOptional: true },
  );
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.spec;
}

describe('searchSpace (Mixtral 8x22B: 56 layers, 48 heads / 8 KV heads, 8 experts; 64 H100, NVLink 8)', () => {
  it('free degrees take every documented value', () => {
    const s = searchSpace(spec());
    expect(s.precisions).toEqual(['bf16']);
    // Divisors of 48 up to 8 that divide, or are multiples of, 8 KV heads: not 3, not 6.
    expect(s.tps).toEqual([1, 2, 4, 8]);
    // 4096 tokens: 8 ranks of 512 at most.
    expect(s.cps).toEqual([1, 2, 4, 8]);
    expect(s.eps).toEqual([1, 2, 4, 8]);
    // Divisors of 56 (1 2 4 7 8 14 28 56) and powers of two up to 56 (16, 32).
    expect(s.pps).toEqual([1, 2, 4, 7, 8, 14, 16, 28, 32, 56]);
    // 24 sequences: micro-batches 1, 2, 4, 8 (not 16).
    expect(s.microBatches).toEqual([1, 2, 4, 8]);
    expect(s.sequenceParallel).toEqual([true, false]);
    expect(s.recomputes).toEqual(['none', 'selective', 'full']);
    expect(s.zeroStages).toEqual([1, 2, 3]);
    expect(s.schedules).toEqual(['1f1b', 'interleaved']);
    expect(s.tpCommOverlap).toBe(resolveStack(spec().training, spec().system.gpu).tpOverlapDefault);
    expect(s.epFacts).toEqual({});
  });

  it('data-parallel degrees: divisors of the batch within the GPUs left', () => {
    const s = searchSpace(spec());
    expect(s.dpsFor(1)).toEqual([1, 2, 3, 4, 6, 8, 12, 24]);
    expect(s.dpsFor(8)).toEqual([1, 2, 3, 4, 6, 8]);
    expect(s.dpsFor(7)).toEqual([1, 2, 3, 4, 6, 8]); // ⌊64/7⌋ = 9
    expect(s.dpsFor(16)).toEqual([1, 2, 3, 4]);
    expect(s.dpsFor(64)).toEqual([1]);
    expect(s.dpsFor(65)).toEqual([]);
    const f = searchSpace(spec({ parallel: { dp: 4 } }));
    expect(f.dpsFor(16)).toEqual([4]);
    expect(f.dpsFor(17)).toEqual([]);
  });

  it('virtual stages and schedules per pipeline degree', () => {
    const s = searchSpace(spec());
    expect(s.vppsFor(1)).toEqual([1]);
    // pp 8: 7 layers a stage: vpp 1 or 7.
    expect(s.vppsFor(8)).toEqual([1, 7]);
    // pp 16: ⌈56/16⌉ = 4 layers: 1, 2, 4 (16 × 4 = 64 > 56 rules out 4).
    expect(s.vppsFor(16)).toEqual([1, 2]);
    expect(s.schedulesFor(1, 1)).toEqual(['1f1b']);
    expect(s.schedulesFor(1, 2)).toEqual([]);
    expect(s.schedulesFor(8, 1)).toEqual(['1f1b']);
    expect(s.schedulesFor(8, 7)).toEqual(['interleaved']);
    expect(searchSpace(spec({ parallel: { vpp: 2 } })).vppsFor(8)).toEqual([2]);
    const zb = searchSpace(spec({ parallel: { schedule: ['zero-bubble'] } }));
    expect(zb.schedules).toEqual(['zero-bubble']);
    expect(zb.schedulesFor(1, 1)).toEqual([]);
    expect(zb.schedulesFor(4, 1)).toEqual(['zero-bubble']);
  });

  it('EP software choices at ep > 1: defaults first, both values of each free one', () => {
    const s = searchSpace(spec());
    expect(s.epFactsFor(1)).toEqual([{}]);
    expect(s.epFactsFor(8)).toEqual([{}, { epCommOverlap: true }, { epDispatch: 'deepep' }, { epDispatch: 'deepep', epCommOverlap: true }]);
    const d = searchSpace(spec({ parallel: { epDispatch: 'deepep' } }));
    expect(d.epFacts).toEqual({ epDispatch: 'deepep' });
    expect(d.epFactsFor(1)).toEqual([{ epDispatch: 'deepep' }]);
    expect(d.epFactsFor(4)).toEqual([{ epDispatch: 'deepep' }, { epDispatch: 'deepep', epCommOverlap: true }]);
    const o = searchSpace(spec({ parallel: { epCommOverlap: false } }));
    expect(o.epFactsFor(2)).toEqual([{ epCommOverlap: false }, { epDispatch: 'deepep', epCommOverlap: false }]);
    // A dense model has one choice at any degree.
    expect(searchSpace(spec({ model: 'llama3-8b' })).epFactsFor(8)).toEqual([{}]);
    expect(searchSpace(spec({ model: 'llama3-8b' })).eps).toEqual([1]);
  });

  it('fixed fields take their value', () => {
    const s = searchSpace(spec({ parallel: { tp: 2, cp: 2, ep: 4, pp: 7, microBatch: 3, sequenceParallel: false, recompute: 'full', zeroStage: 2, tpCommOverlap: false } }), ['bf16', 'fp8']);
    expect(s.precisions).toEqual(['bf16', 'fp8']);
    expect([s.tps, s.cps, s.eps, s.pps, s.microBatches, s.sequenceParallel, s.recomputes, s.zeroStages]).toEqual([[2], [2], [4], [7], [3], [false], ['full'], [2]]);
    expect(s.tpCommOverlap).toBe(false);
    // Without the distributed optimizer: ZeRO-0 only.
    expect(searchSpace(spec({ parallel: { distributedOptimizer: false } })).zeroStages).toEqual([0]);
    expect(searchSpace(spec({ parallel: { distributedOptimizer: true } })).zeroStages).toEqual([1, 2, 3]);
  });

  it('CP degrees: dividing the sequence, at least 512 tokens a rank', () => {
    // 2,050 tokens: 2 ranks of 1,025; 4 would get 512.5 (does not divide).
    expect(searchSpace(spec({ seqLen: 2050 })).cps).toEqual([1, 2]);
    expect(searchSpace(spec({ seqLen: 1024 })).cps).toEqual([1, 2]);
    expect(searchSpace(spec({ seqLen: 1000 })).cps).toEqual([1]);
    expect(searchSpace(spec({ seqLen: 16384 })).cps).toEqual([1, 2, 4, 8, 16, 32]);
    // A 16-sequence batch allows micro-batch 16.
    expect(searchSpace(spec({ globalBatch: 16 })).microBatches).toEqual([1, 2, 4, 8, 16]);
  });

  it('a fixed CP exchange: itself where it splits the heads, else nothing; no CP: the default', () => {
    const s = searchSpace(spec({ model: 'llama3-8b', parallel: { cpComm: 'a2a' } }));
    expect(s.cpCommsFor(1, 8)).toEqual(['a2a']);
    expect(s.cpCommsFor(1, 16)).toEqual([]); // 8 KV heads cannot split 16 ways
    expect(searchSpace(spec({ model: 'llama3-8b' })).cpCommsFor(1, 1)).toEqual([undefined]);
    // Cached per (tp, cp): asking twice gives the same list.
    const f = searchSpace(spec({ model: 'llama3-8b' }));
    expect(f.cpCommsFor(1, 8)).toEqual(f.cpCommsFor(1, 8));
    expect(f.cpCommsFor(1, 8)).toEqual([undefined, 'a2a']);
    // tp 2: 4 KV heads a TP rank, too few for an 8-way a2a; a2a+p2p with an inner group of 4 splits them.
    expect(f.cpCommsFor(2, 8)).toEqual([undefined, 'a2a+p2p']);
    // tp 8, cp 2: one KV head a rank, nothing to split (asked after (2, 8): the cache keeps them apart).
    expect(f.cpCommsFor(8, 2)).toEqual([undefined]);
  });
});
