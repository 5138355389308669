import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findGpu } from '../catalog/index.js';
import { evaluate } from '../model/index.js';
import { parseSpecValue, type ParallelPlan, type Spec } from '../spec/index.js';
import { evaluatePipeline } from './pipeline.js';
import { evaluateReplicas, solveReplicas } from './replicas.js';
import { searchMixed } from './search-mixed.js';

function spec(value: unknown): Spec {
  const r = parseSpecValue(value, undefined, [], { planOptional: true });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.spec;
}

const plan = (over: Partial<ParallelPlan>): ParallelPlan => ({
  tp: 8, pp: 4, dp: 4, cp: 1, ep: 1, vpp: 1, microBatch: 1, sequenceParallel: true, recompute: 'selective', distributedOptimizer: true, zeroStage: 1, tpCommOverlap: true, ...over,
});

describe('mixed fleets', () => {
  it('one pool gives exactly the standard estimate', () => {
    for (const [model, gpu, p] of [
      ['llama3-70b', 'h100-sxm', plan({})],
      ['mixtral-8x7b', 'h200-sxm', plan({ tp: 2, pp: 2, dp: 32, ep: 8, vpp: 2, microBatch: 2, recompute: 'full' })],
      ['gpt3-175b', 'a100-sxm-80gb', plan({ tp: 8, pp: 8, dp: 2, zeroStage: 2 })],
    ] as const) {
      const gpus = p.tp * p.pp * p.cp * p.dp;
      const s = spec({ model, system: { pools: [{ gpu, gpus }] }, training: { seqLen: 4096, globalBatch: 64 } });
      const mixed = evaluateReplicas(s, p);
      const plain = evaluate({ model: s.model, system: s.system, training: s.training, parallel: p });
      expect(mixed).toBeDefined();
      expect(mixed!.stepTimeS).toBe(plain.stepTimeS);
      expect(mixed!.tokensPerSec).toBe(plain.tokensPerSec);
      expect(mixed!.pools[0]!.memoryGiB).toBeCloseTo(plain.memory.totalGiB, 9);
      expect(mixed!.fits).toBe(plain.fits);
    }
  });

  it('never beats the same number of the faster GPU under the same plan (property)', () => {
    const h200 = findGpu('h200-sxm')!;
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 24 }),
        fc.integer({ min: 1, max: 24 }),
        fc.constantFrom(1, 2, 4),
        fc.constantFrom(2, 4),
        fc.constantFrom<ParallelPlan['recompute']>('none', 'selective', 'full'),
        fc.constantFrom(64, 96, 256),
        fc.integer({ min: 1, max: 3 }),
        (n100, n200, tp, pp, recompute, globalBatch, firstLayers) => {
          const unit = tp * pp;
          const mixed = spec({ model: 'llama3-8b', system: { pools: [{ gpu: 'h100-sxm', gpus: n100 * unit }, { gpu: 'h200-sxm', gpus: n200 * unit }] }, training: { seqLen: 4096, globalBatch } });
          const fast: Spec = { ...mixed, system: { ...mixed.system, gpu: h200, pools: mixed.system.pools!.map((q) => ({ ...q, gpu: h200 })) } };
          const p = plan({ tp, pp, dp: 1, recompute });
          const a = evaluateReplicas(mixed, p);
          const b = evaluateReplicas(fast, p);
          if (a && a.fits) {
            expect(b).toBeDefined();
            expect(b!.tokensPerSec).toBeGreaterThanOrEqual(a.tokensPerSec * (1 - 1e-12));
          }
          const split = { firstPool: 1 as const, firstStages: 1, firstLayersPerStage: 8 * firstLayers, firstRecompute: recompute };
          const c = evaluatePipeline(mixed, p, split);
          const d = evaluatePipeline(fast, p, split);
          if (c && c.fits) {
            expect(d).toBeDefined();
            expect(d!.tokensPerSec).toBeGreaterThanOrEqual(c.tokensPerSec * (1 - 1e-12));
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('solves the replica counts exactly', () => {
    expect(solveReplicas(100, 3, 2, 30, 30, 1)).toEqual([30, 5]);
    expect(solveReplicas(100, 3, 2, 10, 30, 1)).toBeUndefined();
    expect(solveReplicas(64, 2, 0, 40, 10, 1)).toEqual([32, 0]);
    expect(solveReplicas(64, 0, 4, 40, 16, 1)).toEqual([0, 16]);
    expect(solveReplicas(64, 2, 2, 40, 40, 4)).toEqual([28, 4]);
  });

  it('gives faster replicas more micro-batches, so every pool finishes together', () => {
    const s = spec({ model: 'llama3-405b', system: { pools: [{ gpu: 'h100-sxm', gpus: 15000 }, { gpu: 'h200-sxm', gpus: 5000 }] }, training: { seqLen: 8192, globalBatch: 2048 } });
    const r = searchMixed(s);
    const rep = r.best.replicas;
    expect(rep).toBeDefined();
    const [a, b] = rep!.pools;
    expect(b!.microBatchesPerReplica!).toBeGreaterThanOrEqual(a!.microBatchesPerReplica!);
    expect(rep!.idleFraction).toBeLessThan(0.1);
    // All four ways are compared, and the winner is reported against two of them.
    expect(r.ranking).toEqual(expect.arrayContaining(['replicas', 'separate', 'as-slowest']));
    expect(r.gainOverAsSlowest).not.toBeNull();
    expect(r.best[r.ranking[0]!]!.tokensPerSec).toBeGreaterThanOrEqual(r.best['as-slowest']!.tokensPerSec);
  });
});
