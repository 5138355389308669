import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findGpu, GPU_IDS } from '../catalog/index.js';
import { parseSpecValue, type Spec } from '../spec/index.js';
import { estimate } from './estimate.js';
import { evaluate } from './evaluate.js';
import { withPlan, knobCandidates } from './estimate.js';
import { propertyRuns } from '../../test/property-runs.js';

/** Arbitrary valid specs: dense or MoE models, any catalog GPU, consistent parallel degrees. */
const specArb: fc.Arbitrary<Spec> = fc
  .record({
    gpu: fc.constantFrom(...GPU_IDS),
    headsPer8: fc.integer({ min: 1, max: 16 }),
    gqa: fc.boolean(),
    layersPerPp: fc.integer({ min: 1, max: 16 }),
    pp: fc.constantFrom(1, 2, 4, 8),
    tp: fc.constantFrom(1, 2, 4, 8),
    cp: fc.constantFrom(1, 2),
    dp: fc.integer({ min: 1, max: 64 }),
    seqK: fc.constantFrom(1, 2, 4, 8),
    batchPerDp: fc.integer({ min: 1, max: 64 }),
    ffnMult: fc.constantFrom(2, 3, 4),
    isMoe: fc.boolean(),
    experts: fc.constantFrom(8, 16, 64),
    topK: fc.constantFrom(1, 2, 4),
    epPow: fc.integer({ min: 0, max: 3 }),
    precision: fc.constantFrom('bf16' as const, 'fp8' as const),
  })
  .map((r) => {
    const heads = 8 * r.headsPer8;
    const hidden = heads * 128;
    const layers = r.layersPerPp * r.pp;
    let ep = 1;
    if (r.isMoe) {
      ep = 2 ** r.epPow;
      while (ep > 1 && (r.experts % ep !== 0 || (r.tp * r.cp * r.dp) % ep !== 0)) ep /= 2;
    }
    const value = {
      model: {
        layers, hidden, heads, kvHeads: r.gqa ? 8 : heads, ffnHidden: r.ffnMult * hidden, vocab: 32000,
        ...(r.isMoe ? { moe: { experts: r.experts, topK: r.topK, ffnHidden: hidden } } : {}),
      },
      system: { gpu: r.gpu, gpus: r.tp * r.pp * r.cp * r.dp },
      training: { seqLen: 1024 * r.seqK, globalBatch: r.dp * r.batchPerDp, precision: r.precision },
      parallel: { tp: r.tp, pp: r.pp, dp: r.dp, cp: r.cp, ep },
    };
    const parsed = parseSpecValue(value);
    if (!parsed.ok) throw new Error(`generator produced an invalid spec: ${JSON.stringify(parsed.issues)}`);
    return parsed.spec;
  });

describe('estimate: invariants', () => {
  it('gives a positive, finite step time and consistent throughput for every valid spec', () => {
    fc.assert(
      fc.property(specArb, (spec) => {
        const e = estimate(spec);
        expect(Number.isFinite(e.stepTimeS) && e.stepTimeS > 0).toBe(true);
        expect(e.tokensPerSecPerGpu * e.gpusUsed * e.stepTimeS).toBeCloseTo(spec.training.globalBatch * spec.training.seqLen, 0);
        expect(e.mfu).toBeGreaterThan(0);
        expect(e.mfu).toBeLessThan(1);
        expect(e.memory.totalGiB).toBeGreaterThan(0);
        const b = e.breakdown;
        const c = b.exposedCommS;
        const sum = b.computeS + c.tp + c.cp + c.ep + c.pp + c.dp + c.zero + b.bubbleS + b.optimizerS + b.otherS + b.moeImbalanceS + b.stragglerS;
        expect(sum / e.stepTimeS).toBeCloseTo(1, 6);
      }),
      { numRuns: propertyRuns(300) },
    );
  });

  it('never gets slower with a faster network', () => {
    fc.assert(
      fc.property(specArb, fc.double({ min: 1.01, max: 8, noNaN: true }), (spec, factor) => {
        for (const plan of knobCandidates(spec).slice(0, 4)) {
          const slow = evaluate(withPlan(spec, plan));
          const fastSystem = { ...spec.system, scaleOutGbpsPerGpu: spec.system.scaleOutGbpsPerGpu * factor, gpu: { ...spec.system.gpu, nvlinkGBps: spec.system.gpu.nvlinkGBps * factor } };
          const fast = evaluate(withPlan({ ...spec, system: fastSystem }, plan));
          expect(fast.stepTimeS).toBeLessThanOrEqual(slow.stepTimeS * (1 + 1e-12));
        }
      }),
      { numRuns: propertyRuns(200) },
    );
  });

  it('never gets slower with topology-aware dispatch or with EP overlap (MoE plans)', () => {
    fc.assert(
      fc.property(specArb, (spec) => {
        if (!spec.model.moe) return;
        for (const plan of knobCandidates(spec).slice(0, 4)) {
          const base = evaluate(withPlan(spec, plan));
          const deepep = evaluate(withPlan(spec, { ...plan, epDispatch: 'deepep' }));
          const overlap = evaluate(withPlan(spec, { ...plan, epCommOverlap: true }));
          expect(deepep.stepTimeS).toBeLessThanOrEqual(base.stepTimeS * (1 + 1e-12));
          expect(overlap.stepTimeS).toBeLessThanOrEqual(base.stepTimeS * (1 + 1e-12));
          // Memory does not depend on how tokens travel.
          expect(deepep.memory.totalGiB).toBe(base.memory.totalGiB);
        }
      }),
      { numRuns: propertyRuns(200) },
    );
  });

  it('never un-fits with more memory', () => {
    fc.assert(
      fc.property(specArb, fc.double({ min: 1, max: 4, noNaN: true }), (spec, factor) => {
        const small = estimate(spec);
        const big = estimate({ ...spec, system: { ...spec.system, gpu: { ...spec.system.gpu, hbmGB: spec.system.gpu.hbmGB * factor } } });
        if (small.fits) {
          expect(big.fits).toBe(true);
          expect(big.stepTimeS).toBeLessThanOrEqual(small.stepTimeS * (1 + 1e-12));
        }
      }),
      { numRuns: propertyRuns(200) },
    );
  });

  it('never lowers job throughput when data parallelism grows with the batch (weak scaling)', () => {
    // Once the data-parallel group already spans NVLink domains. (Growing from inside one domain
    // onto the network can slow a tiny, communication-bound job: that is physics, not a bug.)
    fc.assert(
      fc.property(specArb, (spec) => {
        fc.pre(spec.parallel.tp * spec.parallel.cp * spec.parallel.dp > spec.system.nvlinkDomain);
        const p = { ...spec.parallel, microBatch: 1, vpp: 1, recompute: 'full' as const };
        const a = estimate({ ...spec, parallel: p });
        const b = estimate({
          ...spec,
          system: { ...spec.system, gpus: spec.system.gpus * 2 },
          training: { ...spec.training, globalBatch: spec.training.globalBatch * 2 },
          parallel: { ...p, dp: p.dp * 2 },
        });
        // Growing across a fabric tier (leaf → spine → core) adds that tier's latency and
        // oversubscription to the gradient all-reduce, and a last NVLink domain only partly filled
        // (110 → 220 GB200 at tp2: domains of 36, 36, 36 and 2 ranks) makes its few GPUs carry the
        // whole inter-domain share: a tiny job may then slow, as it would growing out of one
        // domain. With whole domains and within the tier the DP traffic already reaches, it may not.
        const rankSpan = spec.parallel.tp * spec.parallel.cp * spec.parallel.dp;
        fc.pre(rankSpan % spec.system.nvlinkDomain === 0);
        fc.pre(b.network.routes.dp.tier === a.network.routes.dp.tier);
        expect(b.tokensPerSec).toBeGreaterThanOrEqual(a.tokensPerSec);
      }),
      { numRuns: propertyRuns(200) },
    );
  });
});

describe('estimate: resolution of free knobs', () => {
  it('reports the values it chose and respects the ones given', () => {
    const gpu = findGpu('h100-sxm')!;
    expect(gpu).toBeDefined();
    const spec = parseSpecValue({
      model: 'llama3-70b',
      system: { gpu: 'h100-sxm', gpus: 64 },
      training: { seqLen: 8192, globalBatch: 128, precision: 'bf16' },
      parallel: { tp: 8, pp: 4, dp: 2, microBatch: 1, recompute: 'selective' },
    });
    if (!spec.ok) throw new Error('invalid');
    const e = estimate(spec.spec);
    expect(e.parallel.microBatch).toBe(1);
    expect(e.parallel.recompute).toBe('selective');
    expect([1, 2, 4, 5, 10, 20]).toContain(e.parallel.vpp);
    expect(e.parallel.sequenceParallel).toBe(true);
  });

  it('prefers a plan that fits over a faster one that does not', () => {
    const spec = parseSpecValue({
      model: 'llama3-405b',
      system: { gpu: 'h100-sxm', gpus: 1024 },
      training: { seqLen: 8192, globalBatch: 512, precision: 'bf16' },
      parallel: { tp: 8, pp: 16, dp: 8 },
    });
    if (!spec.ok) throw new Error('invalid');
    const e = estimate(spec.spec);
    expect(e.fits).toBe(true);
    expect(e.memory.totalGiB).toBeLessThanOrEqual(e.memory.usableGiB);
  });
});
