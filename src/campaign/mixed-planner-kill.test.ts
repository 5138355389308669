import { describe, expect, it } from 'vitest';
import { findGpu, findModel } from '../catalog/index.js';
import { searchMixed, type MixedEstimate, type MixedSearchOptions } from '../fleet/index.js';
import type { Estimate } from '../model/result.js';
import type { ParallelPlan } from '../spec/types.js';
import type { CampaignTraining } from './campaign-input.js';
import { mixedPlanner } from './mixed-planner.js';
import type { Planner, PlannedJob } from './planner.js';
import { specFor } from './spec-for.js';

// Small models and fleets (a fraction of a second per mixed search). Plain data only at module
// level: everything that calls src code is built inside each `it` (mutation testing activates its
// mutant after the describe bodies run).
const small = (model: string, globalBatch: number): CampaignTraining => ({
  model: findModel(model)!,
  seqLen: 4096,
  globalBatch,
  precision: 'bf16',
  attention: 'flash',
  tokens: 1e12,
  startFraction: 0.1,
  replanGrowth: 0.25,
  fleet: 'mixed',
  primaryGpu: 'h100-sxm',
  system: {},
});

const FREE = { tp: 0, pp: 0, dp: 0, cp: 0, ep: 0 };
const CAMPAIGN_OPTS: MixedSearchOptions = { modes: ['replicas', 'as-slowest'], quick: true };

/** A hand-made plan on the slowest type, with the fields the mixed planner reads set to known values. */
function fakeJob(tokensPerSec: number): PlannedJob {
  const parallel = { tp: 2, pp: 1, dp: 4, cp: 1, ep: 1, vpp: 1, microBatch: 1 } as ParallelPlan;
  const estimate = {
    stepTimeS: 7.25,
    tokensPerSec,
    tokensPerSecPerGpu: tokensPerSec / 8,
    modelTflopsPerGpu: 111,
    hardwareTflopsPerGpu: 222,
    mfu: 0.111,
    mfuBf16: 0.333,
    mfuFullAttention: 0.444,
    hfu: 0.555,
    peakTflops: 777,
    modelFlopsPerToken: 6.5e10,
    modelFlopsPerTokenCausal: 5.5e10,
    fits: true,
    parallel,
    gpusUsed: 8,
    microBatchesPerStep: 3,
    paramsTotal: 8.03e9,
    paramsActive: 8.03e9,
  } as Estimate;
  return { parallel, gpusUsed: 8, estimate };
}

/** A planner stub that records its arguments and returns `result`. */
function stub(result: PlannedJob | undefined): { planner: Planner; calls: unknown[][] } {
  const calls: unknown[][] = [];
  const planner: Planner = (...args) => {
    calls.push(args);
    return result;
  };
  return { planner, calls };
}

/** The replicas layout the campaign's mixed search finds, computed here from its definition. */
function replicasOf(training: CampaignTraining, slowest: string, pools: readonly (readonly [string, number])[], opts: MixedSearchOptions = CAMPAIGN_OPTS): MixedEstimate | undefined {
  const gpus = pools.reduce((n, [, k]) => n + k, 0);
  const base = specFor(training, slowest, gpus, FREE);
  const system = { ...base.system, pools: pools.map(([g, k]) => ({ gpu: findGpu(g)!, gpus: k })) };
  return searchMixed({ ...base, system }, opts).best.replicas;
}

function thrown(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  return 'did not throw';
}

describe('mixedPlanner: when it defers to the single-type planner', () => {
  it('without byType it returns the single planner\'s job as is, asked with (capacity, gpuId) only', () => {
    const job = fakeJob(1);
    const s = stub(job);
    const got = mixedPlanner(small('llama3-8b', 64), s.planner)(128, 'h100-sxm+h200-sxm');
    expect(got).toBe(job);
    expect(s.calls).toStrictEqual([[128, 'h100-sxm+h200-sxm']]);
  });

  it('with byType but a single-type gpuId (no "+") it returns the single planner\'s job, even a slow one', () => {
    const job = fakeJob(1); // slower than any mixed layout: only the early return gives it back
    const s = stub(job);
    const got = mixedPlanner(small('llama3-8b', 64), s.planner)(128, 'h100-sxm', { 'h100-sxm': 96, 'h200-sxm': 32 });
    expect(got).toBe(job);
    expect(s.calls).toStrictEqual([[128, 'h100-sxm']]);
  });
});

describe('mixedPlanner: a mixed fleet', () => {
  it('returns the mixed layout when it beats the slowest type\'s plan, with the estimate rebuilt from it', () => {
    const training = small('llama3-8b', 64);
    const job = fakeJob(1);
    const s = stub(job);
    const got = mixedPlanner(training, s.planner)(128, 'h100-sxm+h200-sxm', { 'h100-sxm': 96, 'h200-sxm': 32 });
    // The slowest type (H100: same peak as H200, less HBM) is asked for the homogeneous plan.
    expect(s.calls).toStrictEqual([[128, 'h100-sxm']]);
    const m = replicasOf(training, 'h100-sxm', [['h100-sxm', 96], ['h200-sxm', 32]])!;
    expect(m).toBeDefined();
    expect(got).not.toBe(job);
    expect(got!.parallel).toStrictEqual(m.parallel);
    expect(got!.gpusUsed).toBe(m.gpusUsed);
    expect(got!.gpusUsed).toBeGreaterThan(96); // both pools are used
    const e = got!.estimate;
    expect(e.stepTimeS).toBe(m.stepTimeS);
    expect(e.tokensPerSec).toBe(m.tokensPerSec);
    expect(e.tokensPerSecPerGpu).toBe(m.tokensPerSecPerGpu);
    expect(e.tokensPerSec).toBeCloseTo(e.tokensPerSecPerGpu * e.gpusUsed, 3);
    expect(e.tokensPerSec).toBeCloseTo((64 * 4096) / e.stepTimeS, 3);
    expect(e.parallel).toStrictEqual(m.parallel);
    expect(e.gpusUsed).toBe(m.gpusUsed);
    // Model FLOP/s per GPU and MFU from the slowest plan's FLOPs per token and peak, at the mixed throughput.
    const perGpu = m.tokensPerSecPerGpu;
    expect(e.modelTflopsPerGpu).toBeCloseTo((5.5e10 * perGpu) / 1e12, 9);
    expect(e.modelTflopsPerGpu).toBeGreaterThan(1);
    expect(e.mfu).toBeCloseTo((5.5e10 * perGpu) / 777e12, 12);
    expect(e.mfu).toBeCloseTo(e.modelTflopsPerGpu / 777, 12);
    expect(e.mfu).toBeGreaterThan(0.001);
    // The slowest plan's other fields carry over.
    expect(e.hfu).toBe(0.555);
    expect(e.mfuBf16).toBe(0.333);
    expect(e.mfuFullAttention).toBe(0.444);
    expect(e.hardwareTflopsPerGpu).toBe(222);
    expect(e.peakTflops).toBe(777);
    expect(e.modelFlopsPerTokenCausal).toBe(5.5e10);
    expect(e.microBatchesPerStep).toBe(3);
    expect(e.paramsTotal).toBe(8.03e9);
    // The stub's own object is not changed.
    expect(job.estimate.tokensPerSec).toBe(1);
    expect(job.estimate.mfu).toBe(0.111);
  });

  it('returns the slowest type\'s plan (the same object) when it is faster than the mixed layout', () => {
    const job = fakeJob(1e15);
    const s = stub(job);
    const got = mixedPlanner(small('llama3-8b', 64), s.planner)(128, 'h100-sxm+h200-sxm', { 'h100-sxm': 96, 'h200-sxm': 32 });
    expect(got).toBe(job);
    expect(s.calls).toStrictEqual([[128, 'h100-sxm']]);
  });

  it('keeps the slowest type\'s plan on a tie (the mixed layout must be strictly faster)', () => {
    const training = small('llama3-8b', 64);
    const m = replicasOf(training, 'h100-sxm', [['h100-sxm', 96], ['h200-sxm', 32]])!;
    const job = fakeJob(m.tokensPerSec);
    const got = mixedPlanner(training, stub(job).planner)(128, 'h100-sxm+h200-sxm', { 'h100-sxm': 96, 'h200-sxm': 32 });
    expect(got).toBe(job);
    // Just above the tie the mixed layout wins.
    const slower = fakeJob(m.tokensPerSec * (1 - 1e-9));
    const got2 = mixedPlanner(training, stub(slower).planner)(128, 'h100-sxm+h200-sxm', { 'h100-sxm': 96, 'h200-sxm': 32 });
    expect(got2).not.toBe(slower);
    expect(got2!.estimate.tokensPerSec).toBe(m.tokensPerSec);
  });

  it('returns undefined when no plan fits on the slowest type (the single planner says undefined)', () => {
    const s = stub(undefined);
    const got = mixedPlanner(small('llama3-8b', 64), s.planner)(128, 'h100-sxm+h200-sxm', { 'h100-sxm': 96, 'h200-sxm': 32 });
    expect(got).toBeUndefined();
    expect(s.calls).toStrictEqual([[128, 'h100-sxm']]);
  });

  it('returns the slowest type\'s plan when no replicas layout fits the mixed fleet', () => {
    // Llama 3 70B, batch 256, on 64 A100 + 64 H100: the quick search finds no replicas layout.
    const training = small('llama3-70b', 256);
    expect(replicasOf(training, 'a100-sxm-80gb', [['a100-sxm-80gb', 64], ['h100-sxm', 64]])).toBeUndefined();
    const job = fakeJob(1);
    const s = stub(job);
    const got = mixedPlanner(training, s.planner)(128, 'a100-sxm-80gb+h100-sxm', { 'a100-sxm-80gb': 64, 'h100-sxm': 64 });
    expect(got).toBe(job);
    expect(s.calls).toStrictEqual([[128, 'a100-sxm-80gb']]);
  });

  it('counts only types with GPUs: a type at zero is neither the slowest nor a pool', () => {
    const training = small('llama3-8b', 64);
    const job = fakeJob(1);
    const s = stub(job);
    const byType = { 'a100-sxm-80gb': 0, 'h100-sxm': 96, 'h200-sxm': 32 };
    const got = mixedPlanner(training, s.planner)(128, 'a100-sxm-80gb+h100-sxm+h200-sxm', byType);
    // The A100 (slowest of all three) has no GPUs: the H100 is the slowest type present.
    expect(s.calls).toStrictEqual([[128, 'h100-sxm']]);
    const m = replicasOf(training, 'h100-sxm', [['h100-sxm', 96], ['h200-sxm', 32]])!;
    expect(got!.estimate.tokensPerSec).toBe(m.tokensPerSec);
    expect(got!.parallel).toStrictEqual(m.parallel);
    expect(got!.gpusUsed).toBe(m.gpusUsed);
  });

  it('plans with the campaign\'s quick search (the slowest GPU\'s candidate shapes only)', () => {
    // Llama 2 13B, batch 64, on 64 A100 + 64 H100: the full search finds a faster replicas
    // layout from the H100's candidate shapes; the campaign's re-planning uses the quick one.
    const training = small('llama2-13b', 64);
    const pools = [['a100-sxm-80gb', 64], ['h100-sxm', 64]] as const;
    const quick = replicasOf(training, 'a100-sxm-80gb', pools)!;
    const full = replicasOf(training, 'a100-sxm-80gb', pools, { modes: ['replicas', 'as-slowest'] })!;
    expect(full.tokensPerSec).toBeGreaterThan(quick.tokensPerSec * 1.01);
    const s = stub(fakeJob(1));
    const got = mixedPlanner(training, s.planner)(128, 'a100-sxm-80gb+h100-sxm', { 'a100-sxm-80gb': 64, 'h100-sxm': 64 });
    expect(s.calls).toStrictEqual([[128, 'a100-sxm-80gb']]);
    expect(got!.estimate.tokensPerSec).toBe(quick.tokensPerSec);
    expect(got!.parallel).toStrictEqual(quick.parallel);
  });
});

describe('mixedPlanner: GPU ids the catalog lacks', () => {
  it('throws the catalog error naming the unknown type', () => {
    const s = stub(fakeJob(1));
    const planner = mixedPlanner(small('llama3-8b', 64), s.planner);
    const msg = thrown(() => planner(128, 'h100-sxm+zz-unknown', { 'h100-sxm': 64, 'zz-unknown': 64 }));
    expect(msg).toBe('bug: GPU zz-unknown is not in the catalog (the scenario parser checks this)');
    // Unknown ids rank last: the known H100 is the slowest type asked for.
    expect(s.calls).toStrictEqual([[128, 'h100-sxm']]);
  });

  it('no type with a usable GPU: no plan, and the single planner is not asked', () => {
    const s = stub(fakeJob(1));
    const planner = mixedPlanner(small('llama3-8b', 64), s.planner);
    expect(planner(128, 'h100-sxm+h200-sxm', { 'h100-sxm': 0, 'h200-sxm': -8 })).toBeUndefined();
    expect(s.calls).toStrictEqual([]);
  });

  it('two types online but the spares took all of the slowest: the plan is the other type\'s alone', () => {
    const job = fakeJob(1);
    const s = stub(job);
    const planner = mixedPlanner(small('llama3-8b', 64), s.planner);
    expect(planner(128, 'h100-sxm+h200-sxm', { 'h100-sxm': 0, 'h200-sxm': 128 })).toBe(job);
    expect(s.calls).toStrictEqual([[128, 'h200-sxm']]);
  });
});
