/**
 * An independent oracle for the plan search: its own enumeration of the plan space, written here from
 * the search's documented contract (not `space.ts`, not `brute-force.ts`), every plan scored through
 * the public performance model (`evaluate`), ranked by tokens/s with the documented tie-break (equal
 * score: fewer GPUs, then the simplest plan — the lowest ZeRO stage). The search's top plans must be
 * the oracle's, in order.
 *
 * The space, as documented: tp divides the heads, at most the NVLink domain (and 64), and divides or is
 * a multiple of the KV heads; pp divides the layers or is a power of two (≤ 128, ≤ layers); vpp divides
 * ⌈layers/pp⌉ (≤ 16; 1 without a pipeline); dp divides the global batch and fits the GPUs; micro-batch
 * ∈ {1, 2, 4, 8, 16} dividing the per-replica batch; sequence parallelism on or off (off without TP);
 * recomputation none, selective or full; ZeRO 1, 2 or 3 with the distributed optimizer; TP overlap on.
 * Schedules (Megatron-LM's, the default): vpp 1 runs 1f1b; vpp > 1 runs interleaved, only with
 * pp·vpp ≤ layers and micro-batches per pipeline a multiple of pp (Megatron's rule).
 * The specs are chosen so that the optimum needs micro-batches above 2 and a ZeRO stage above 1.
 */
import { describe, expect, it } from 'vitest';
import { evaluate, usableHbmBytes } from '../model/index.js';
import type { ParallelPlan, Recompute, Spec } from '../spec/types.js';
import { parseSpecValue } from '../spec/index.js';
import { search } from './search.js';

const range = (lo: number, hi: number) => Array.from({ length: Math.max(0, hi - lo + 1) }, (_, i) => lo + i);
const divides = (d: number, n: number) => n % d === 0;
const isPow2 = (n: number) => n > 0 && (n & (n - 1)) === 0;

interface Scored {
  plan: ParallelPlan;
  tokensPerSec: number;
  gpusUsed: number;
  bytes: number;
}

/** Every plan of the documented space that fits in 95% of usable HBM, best first. */
function oracle(spec: Spec): Scored[] {
  const { model: m, system: sys, training: t, parallel: fixed } = spec;
  const pick = <T,>(given: T | undefined, all: T[]): T[] => (given !== undefined && given !== 0 ? [given] : all);
  const tps = pick(fixed.tp, range(1, Math.min(sys.nvlinkDomain, 64)).filter((x) => divides(x, m.heads) && (divides(x, m.kvHeads) || divides(m.kvHeads, x))));
  const cps = pick(fixed.cp, [1, 2, 4, 8, 16, 32].filter((c) => divides(c, t.seqLen) && (c === 1 || t.seqLen / c >= 512)));
  const pps = pick(fixed.pp, range(1, Math.min(m.layers, 128)).filter((p) => divides(p, m.layers) || isPow2(p)));
  const limit = usableHbmBytes(sys.gpu) * 0.95;
  const out: Scored[] = [];
  for (const tp of tps)
    for (const cp of cps)
      for (const pp of pps) {
        const vpps = fixed.vpp !== undefined ? [fixed.vpp] : pp === 1 ? [1] : range(1, 16).filter((v) => divides(v, Math.ceil(m.layers / pp)) && (v === 1 || pp * v <= m.layers));
        const dps = pick(fixed.dp, range(1, t.globalBatch).filter((d) => divides(d, t.globalBatch))).filter((d) => tp * cp * pp * d <= sys.gpus);
        for (const vpp of vpps)
          for (const dp of dps)
            for (const microBatch of fixed.microBatch !== undefined ? [fixed.microBatch] : [1, 2, 4, 8, 16])
              for (const sequenceParallel of tp === 1 ? [false] : [true, false])
                for (const recompute of ['none', 'selective', 'full'] as Recompute[])
                  for (const zeroStage of [1, 2, 3] as const) {
                    if (!divides(microBatch, t.globalBatch / dp)) continue;
                    if (vpp > 1 && !divides(pp, t.globalBatch / dp / microBatch)) continue;
                    const plan: ParallelPlan = {
                      tp, pp, dp, cp, ep: 1, vpp, microBatch, sequenceParallel, recompute,
                      distributedOptimizer: true, zeroStage, tpCommOverlap: true, epDispatch: 'alltoall', epCommOverlap: false,
                      schedule: vpp > 1 ? 'interleaved' : '1f1b',
                    };
                    const e = evaluate({ model: m, system: sys, training: t, parallel: plan });
                    const bytes = e.memory.totalGiB * 2 ** 30;
                    if (bytes > limit) continue;
                    out.push({ plan, tokensPerSec: e.tokensPerSec, gpusUsed: e.gpusUsed, bytes });
                  }
      }
  // Best first; equal scores: fewer GPUs, then the lower ZeRO stage (stable otherwise).
  out.sort((a, b) => b.tokensPerSec - a.tokensPerSec || a.gpusUsed - b.gpusUsed || a.plan.zeroStage - b.plan.zeroStage);
  // Plans identical in score, GPUs and memory are one answer: keep the first (the simplest).
  return out.filter((x, i) => !out.slice(0, i).some((y) => y.gpusUsed === x.gpusUsed && Math.abs(y.tokensPerSec - x.tokensPerSec) <= 1e-12 * x.tokensPerSec && Math.abs(y.bytes - x.bytes) < 1));
}

/** The searched knobs of a plan (the EP software facts are not searched, and a dense model has none). */
const knobs = ({ epDispatch: _d, epCommOverlap: _o, ...rest }: ParallelPlan) => rest;

function specOf(value: unknown): Spec {
  const r = parseSpecValue(value, undefined, [], { planOptional: true });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.spec;
}

const CASES = [
  { name: 'Llama 3 8B on 8 H100, seq 4096, batch 64 (optimum: ZeRO-2)', spec: { model: 'llama3-8b', system: { gpu: 'h100-sxm', gpus: 8 }, training: { seqLen: 4096, globalBatch: 64 }, parallel: { cp: 1 } } },
  { name: 'Llama 2 7B on 8 A100, seq 2048, batch 64 (optimum: micro-batch 8)', spec: { model: 'llama2-7b', system: { gpu: 'a100-sxm-80gb', gpus: 8 }, training: { seqLen: 2048, globalBatch: 64 }, parallel: { cp: 1 } } },
  { name: 'Llama 3 8B on 32 H100, seq 2048, batch 512 (optimum: micro-batch 8)', spec: { model: 'llama3-8b', system: { gpu: 'h100-sxm', gpus: 32 }, training: { seqLen: 2048, globalBatch: 512 }, parallel: { cp: 1 } } },
  { name: 'Llama 3 8B on 8 H100 with dp = 1 (ZeRO stages tie: the simplest wins)', spec: { model: 'llama3-8b', system: { gpu: 'h100-sxm', gpus: 8 }, training: { seqLen: 4096, globalBatch: 16 }, parallel: { cp: 1, dp: 1 } } },
];

describe('plan search against an independent enumeration of the plan space', () => {
  // Computed on first use, inside a test (mutation testing activates its mutant after describe bodies run).
  const memo = new Map<number, { want: Scored[]; got: ReturnType<typeof search>['plans'] }>();
  const resultOf = (i: number) => {
    let r = memo.get(i);
    if (!r) {
      const spec = specOf(CASES[i]?.spec);
      r = { want: oracle(spec).slice(0, 5), got: search(spec, { top: 5 }).plans };
      memo.set(i, r);
    }
    return r;
  };

  for (const [i, k] of CASES.entries()) {
    it(`top 5 equal the oracle's, in order: ${k.name}`, () => {
      const r = resultOf(i);
      expect(r.got.map((p) => knobs(p.parallel))).toEqual(r.want.map((p) => knobs(p.plan)));
      for (let i = 0; i < r.want.length; i++) expect(r.got[i]?.estimate.tokensPerSec).toBeCloseTo(r.want[i]?.tokensPerSec ?? NaN, 6);
    });
  }

  it('the cases reach the corners a cut space would lose: ZeRO-2, micro-batch ≥ 4, tied ZeRO stages', () => {
    const results = CASES.map((_, i) => resultOf(i));
    const best = results.map((r) => r.want[0]?.plan);
    expect(best[0]?.zeroStage).toBeGreaterThanOrEqual(2);
    expect(best[1]?.microBatch).toBeGreaterThanOrEqual(4);
    expect(best[2]?.microBatch).toBeGreaterThanOrEqual(4);
    // With dp = 1 ZeRO-1 and ZeRO-2 shard nothing: same score, GPUs and memory, and ZeRO-1 (simpler) is the answer.
    const dp1 = results[3];
    expect(dp1?.want[0]?.plan.zeroStage).toBe(1);
    const z2 = oracle(specOf({ ...CASES[3]?.spec, parallel: { ...dp1?.want[0]?.plan, zeroStage: 2 } }));
    expect(z2[0]?.tokensPerSec).toBe(dp1?.want[0]?.tokensPerSec);
  });
});
