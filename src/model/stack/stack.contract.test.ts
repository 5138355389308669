import { describe, expect, it } from 'vitest';
import { parseSpecValue } from '../../spec/index.js';
import { CP_COMMS } from '../../spec/plan-codec.js';
import type { CpComm, Spec } from '../../spec/types.js';
import { estimate, withPlan } from '../estimate.js';
import { evaluate } from '../evaluate.js';
import { FP8_RECIPE_FACTS } from './fp8-recipes.js';
import { STACKS, stackRefs, stackVersion } from './registry.js';
import { FP8_RECIPES, STACK_IDS } from './stack.js';

function spec(training: Record<string, unknown>, parallel: Record<string, unknown> = {}, gpus = 64): Spec {
  const r = parseSpecValue({
    model: 'llama3-8b',
    system: { gpu: 'h100-sxm', gpus },
    training: { seqLen: 8192, globalBatch: 256, precision: 'bf16', ...training },
    parallel: { tp: 1, pp: 1, dp: gpus, cp: 1, ep: 1, microBatch: 1, recompute: 'selective', zeroStage: 3, ...parallel },
  });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.spec;
}

/** Every stack version, behind the one interface, honours the same contract. */
describe.each(stackRefs())('software stack %s', (ref) => {
  const v = stackVersion(ref);
  if (!v) throw new Error(ref);

  it('documents its facts with sources and sane values', () => {
    expect(v.sources.length).toBeGreaterThan(0);
    expect(v.summary.length).toBeGreaterThan(10);
    expect(v.hostPerKernelS).toBeGreaterThan(0);
    expect(v.hostPerKernelS).toBeLessThan(1e-3);
    for (const r of v.fp8.recipes) expect(FP8_RECIPES).toContain(r);
  });

  it('changes how fast a plan runs, never what it computes', () => {
    const base = estimate(spec({}));
    const e = estimate(spec({ stack: ref }));
    expect(Number.isFinite(e.stepTimeS) && e.stepTimeS > 0).toBe(true);
    expect(e.modelFlopsPerToken).toBe(base.modelFlopsPerToken);
    expect(e.paramsTotal).toBe(base.paramsTotal);
    expect(e.hfu).toBeLessThan(1);
    expect(e.memory.totalGiB).toBeGreaterThan(0);
  });

  it('issues the sharded data-parallel collectives its facts say, when they say', () => {
    const s = spec({ stack: ref }, { microBatch: 1 });
    const one = evaluate(withPlan(s, { ...estimate(s).parallel }));
    const mb = one.microBatchesPerStep;
    expect(mb).toBe(4);
    const perMb = (one.breakdown.exposedCommS.zero + one.overlappedCommS.zero) / mb;
    // With pipeline parallelism a stack that keeps weights gathered moves nothing per micro-batch.
    const pp = spec({ stack: ref }, { pp: 2, dp: 32, microBatch: 1 });
    const ppEst = evaluate(withPlan(pp, { ...estimate(pp).parallel }));
    if (v.sharded.keepGatheredWithPipeline) expect(ppEst.breakdown.exposedCommS.zero + ppEst.overlappedCommS.zero).toBe(0);
    else expect(ppEst.breakdown.exposedCommS.zero + ppEst.overlappedCommS.zero).toBeGreaterThan(0);
    // A stack that reshards after forward gathers twice per micro-batch: more traffic than the
    // same plan's ZeRO-2 (one reduce-scatter per micro-batch).
    const z2 = evaluate(withPlan(s, { ...estimate(s).parallel, zeroStage: 2 }));
    const z2PerMb = (z2.breakdown.exposedCommS.zero + z2.overlappedCommS.zero) / mb;
    expect(perMb).toBeGreaterThan(z2PerMb * (v.sharded.reshardAfterForward ? 2 : 1));
  });

  it('torch.compile, where it runs, never slows a plan', () => {
    if (!v.compile.supported) return;
    const eager = estimate(spec({ stack: ref, compile: false }));
    const compiled = estimate(spec({ stack: ref, compile: true }));
    expect(compiled.stepTimeS).toBeLessThanOrEqual(eager.stepTimeS);
  });

  it('CUDA graphs never slow a plan, and speed up one the host paces', () => {
    const off = estimate(spec({ stack: ref }));
    const on = estimate(spec({ stack: ref, cudaGraphs: true }));
    expect(on.stepTimeS).toBeLessThanOrEqual(off.stepTimeS);
    // A small model on a tiny micro-batch launches kernels faster than the GPU runs them only
    // without the host in the loop.
    const tiny = (g: boolean) => {
      const r = parseSpecValue({
        model: { name: 'tiny', layers: 4, hidden: 256, heads: 4, ffnHidden: 1024, vocab: 1024 },
        system: { gpu: 'h100-sxm', gpus: 8 },
        training: { seqLen: 128, globalBatch: 8, precision: 'bf16', stack: ref, cudaGraphs: g },
        parallel: { tp: 1, pp: 1, dp: 8, cp: 1, ep: 1, microBatch: 1, recompute: 'none', zeroStage: 1 },
      });
      if (!r.ok) throw new Error(JSON.stringify(r.issues));
      return estimate(r.spec);
    };
    expect(tiny(true).stepTimeS).toBeLessThan(tiny(false).stepTimeS);
  });

  it('runs each FP8 recipe it lists on the GPUs that support it, and refuses the others', () => {
    for (const r of v.fp8.recipes) {
      const ok = FP8_RECIPE_FACTS[r].archs.includes('hopper');
      const parsed = parseSpecValue({
        model: 'llama3-8b', system: { gpu: 'h100-sxm', gpus: 8 },
        training: { seqLen: 8192, globalBatch: 8, precision: 'fp8', stack: ref, fp8Recipe: r },
        parallel: { tp: 1, pp: 1, dp: 8, cp: 1, ep: 1 },
      });
      expect(parsed.ok, `${ref} ${r}`).toBe(ok);
    }
    const other = FP8_RECIPES.find((r) => !v.fp8.recipes.includes(r));
    if (other) {
      const parsed = parseSpecValue({ model: 'llama3-8b', system: { gpu: 'b200', gpus: 8 }, training: { seqLen: 8192, globalBatch: 8, precision: 'fp8', stack: ref, fp8Recipe: other }, parallel: { tp: 1, pp: 1, dp: 8, cp: 1, ep: 1 } });
      expect(parsed.ok).toBe(false);
    }
  });
});

describe.each(stackRefs())('software stack %s: context parallelism', (ref) => {
  const v = stackVersion(ref);
  if (!v) throw new Error(ref);

  it('runs each CP exchange it lists (its default among them), the same memory and compute, and refuses the others on parallel.cpComm', () => {
    expect(v.cpComms).toContain(v.cpExchange);
    for (const c of v.cpComms) expect(CP_COMMS).toContain(c);
    const cpSpec = (cpComm?: CpComm) =>
      parseSpecValue({
        model: 'llama3-8b', system: { gpu: 'h100-sxm', gpus: 16 },
        training: { seqLen: 32768, globalBatch: 8, precision: 'bf16', stack: ref },
        parallel: { tp: 1, pp: 1, dp: 2, cp: 8, ep: 1, microBatch: 1, recompute: 'selective', zeroStage: 1, ...(cpComm ? { cpComm } : {}) },
      });
    const d = cpSpec();
    if (!d.ok) throw new Error(JSON.stringify(d.issues));
    const base = estimate(d.spec);
    for (const c of CP_COMMS) {
      const r = cpSpec(c);
      if (!v.cpComms.includes(c)) {
        expect(r.ok ? [] : r.issues.map((i) => i.path), `${ref} ${c}`).toEqual(['parallel.cpComm']);
        continue;
      }
      if (!r.ok) throw new Error(JSON.stringify(r.issues));
      const e = estimate(r.spec);
      expect(e.memory.totalGiB).toBe(base.memory.totalGiB);
      expect(e.breakdown.computeS).toBeCloseTo(base.breakdown.computeS, 9);
      expect(e.breakdown.exposedCommS.cp + e.overlappedCommS.cp).toBeGreaterThan(0);
      if (c === v.cpExchange) expect(e.stepTimeS).toBe(base.stepTimeS);
    }
  });
});

describe('stack registry', () => {
  it('has every stack the issue names, each with a default (newest) version', () => {
    expect([...STACK_IDS].sort()).toEqual(['composer', 'deepspeed', 'hai-llm', 'megatron-core', 'nemo', 'torchtitan']);
    for (const id of STACK_IDS) {
      expect(STACKS[id].versions.length).toBeGreaterThan(0);
      expect(stackVersion(id)).toBe(STACKS[id].versions[0]);
      expect(new Set(STACKS[id].versions.map((x) => x.version)).size).toBe(STACKS[id].versions.length);
    }
  });

  it('refuses an unknown stack with the field and a suggestion', () => {
    const r = parseSpecValue({ model: 'llama3-8b', system: { gpu: 'h100-sxm', gpus: 8 }, training: { seqLen: 8192, globalBatch: 8, stack: 'torchtitn' }, parallel: { tp: 1, pp: 1, dp: 8, cp: 1, ep: 1 } });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues[0]?.message).toMatch(/did you mean "torchtitan/);
  });

  it('takes TP overlap and the attention kernel from the stack unless the spec says otherwise', () => {
    const legacy = spec({ stack: 'megatron-core@2021' }, { tp: 8, dp: 8, zeroStage: 1 });
    expect(legacy.training.attention).toBe('unfused');
    expect(estimate(legacy).parallel.tpCommOverlap).toBe(false);
    expect(estimate(spec({ stack: 'megatron-core' }, { tp: 8, dp: 8, zeroStage: 1 })).parallel.tpCommOverlap).toBe(true);
    expect(estimate(spec({ stack: 'torchtitan' }, { tp: 8, dp: 8, zeroStage: 1 })).parallel.tpCommOverlap).toBe(false);
    expect(spec({ stack: 'megatron-core@2021', attention: 'flash' }).training.attention).toBe('flash');
  });
});
