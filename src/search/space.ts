import { resolveStack } from '../model/stack/resolve.js';
import { epFactsOf, type EpFacts } from '../spec/ep-facts.js';
import { schedulesFor, vppCandidates } from '../model/estimate.js';
import { cpA2aSize, cpCommProblem } from '../model/layer/cp-comm.js';
import type { CpComm, Spec, Precision, Recompute, ScheduleId } from '../spec/types.js';

/** Candidate values per dimension of the plan space, after the spec's fixed fields. */
export interface Space {
  precisions: readonly Precision[];
  tps: number[];
  cps: number[];
  eps: number[];
  microBatches: number[];
  sequenceParallel: boolean[];
  recomputes: Recompute[];
  zeroStages: (0 | 1 | 2 | 3)[];
  tpCommOverlap: boolean;
  /** Expert-parallel software facts the spec fixed (dispatcher, a2a overlap). */
  epFacts: EpFacts;
  /**
   * The EP software choices searched at an expert-parallel degree: the spec's fixed facts, and for
   * the free ones both values (NCCL all-to-all / DeepEP; a2a overlapped or not), defaults first.
   */
  epFactsFor(ep: number): EpFacts[];
  /**
   * The context-parallel exchanges searched at (tp, cp), each only where it splits the heads: the
   * spec's fixed one, else the stack's default (undefined) and every other exchange the stack implements that can split the heads;
   * `[undefined]` without CP. Left out as dominated: a2a+p2p where its inner group is all of cp
   * (it is a2a), the all-gather where the stack also runs the ring (same bytes, none hidden).
   */
  cpCommsFor(tp: number, cp: number): (CpComm | undefined)[];
  pps: number[];
  /** Schedules the spec allows (`parallel.schedule`; default Megatron-LM's 1f1b and interleaved). */
  schedules: readonly ScheduleId[];
  /** Virtual stages for a pipeline degree. */
  vppsFor(pp: number): number[];
  /** The allowed schedules that run pp with vpp (pp 1: 1f1b, no pipeline). */
  schedulesFor(pp: number, vpp: number): ScheduleId[];
  /** Data-parallel degrees for a model-parallel size (tp·pp·cp), within the GPU budget. */
  dpsFor(modelParallel: number): number[];
}

const MICRO_BATCHES = [1, 2, 4, 8, 16];
const CP_DEGREES = [1, 2, 4, 8, 16, 32];
const MIN_TOKENS_PER_CP_RANK = 512;
const MAX_VPP = 16;
const MAX_PP = 128;

function divisors(n: number, max = n): number[] {
  const out: number[] = [];
  for (let d = 1; d <= Math.min(n, max); d++) if (n % d === 0) out.push(d);
  return out;
}

/** The plan space for a spec: free degrees take every meaningful value, fixed ones their value. */
export function searchSpace(spec: Spec, precisions?: readonly Precision[]): Space {
  const { model: m, system, training, parallel: fixed } = spec;
  const G = system.gpus;
  const B = training.globalBatch;
  const tps = fixed.tp
    ? [fixed.tp]
    : divisors(m.heads, Math.min(system.nvlinkDomain, 64)).filter((t) => m.kvHeads % t === 0 || t % m.kvHeads === 0);
  const cps = fixed.cp ? [fixed.cp] : CP_DEGREES.filter((c) => training.seqLen % c === 0 && (c === 1 || training.seqLen / c >= MIN_TOKENS_PER_CP_RANK));
  const eps = fixed.ep ? [fixed.ep] : m.moe ? divisors(m.moe.experts, 512) : [1];
  // Pipeline degrees: divisors of the layers (even stages, interleaving possible) and powers of
  // two (uneven stages: the last one lighter).
  const ppSet = new Set<number>();
  if (fixed.pp) ppSet.add(fixed.pp);
  else {
    for (const d of divisors(m.layers, MAX_PP)) ppSet.add(d);
    for (let p = 2; p <= Math.min(m.layers, MAX_PP); p *= 2) ppSet.add(p);
  }
  const pps = [...ppSet].sort((a, b) => a - b);
  const stack = resolveStack(training, system.gpu);
  const schedules = fixed.schedules ?? stack.schedules;
  const cpCache = new Map<number, (CpComm | undefined)[]>();
  const batchDivisors = divisors(B);
  return {
    precisions: precisions ?? [training.precision],
    tps,
    cps,
    eps,
    microBatches: fixed.microBatch !== undefined ? [fixed.microBatch] : MICRO_BATCHES.filter((b) => B % b === 0),
    sequenceParallel: fixed.sequenceParallel !== undefined ? [fixed.sequenceParallel] : [true, false],
    recomputes: fixed.recompute !== undefined ? [fixed.recompute] : ['none', 'selective', 'full'],
    // ZeRO-0 (no distributed optimizer) moves the same bytes as ZeRO-1 and needs more memory: it
    // is dominated, so it is only searched when asked for.
    zeroStages: fixed.zeroStage !== undefined ? [fixed.zeroStage] : fixed.distributedOptimizer === false ? [0] : [1, 2, 3],
    tpCommOverlap: fixed.tpCommOverlap ?? resolveStack(training, system.gpu).tpOverlapDefault,
    epFacts: epFactsOf(fixed),
    epFactsFor(ep) {
      const facts = epFactsOf(fixed);
      if (ep <= 1 || !m.moe) return [facts];
      const dispatch: (EpFacts['epDispatch'] | undefined)[] = fixed.epDispatch !== undefined ? [fixed.epDispatch] : [undefined, 'deepep'];
      const overlap: (boolean | undefined)[] = fixed.epCommOverlap !== undefined ? [fixed.epCommOverlap] : [undefined, true];
      return dispatch.flatMap((d) =>
        overlap.map((o) => {
          const f: EpFacts = {};
          if (d !== undefined) f.epDispatch = d;
          if (o !== undefined) f.epCommOverlap = o;
          return f;
        }),
      );
    },
    cpCommsFor(tp, cp) {
      if (fixed.cpComm !== undefined) return cpCommProblem(m, tp, cp, fixed.cpComm, system.nvlinkDomain) === undefined ? [fixed.cpComm] : [];
      if (cp <= 1) return [undefined];
      const key = tp * 1024 + cp;
      let v = cpCache.get(key);
      if (!v) {
        // The stack's default only where it can run (DeepSpeed's Ulysses cannot split 8 KV heads 16 ways).
        v = cpCommProblem(m, tp, cp, stack.cpExchange, system.nvlinkDomain) === undefined ? [undefined] : [];
        for (const c of stack.cpComms) {
          if (c === stack.cpExchange || cpCommProblem(m, tp, cp, c, system.nvlinkDomain) !== undefined) continue;
          if (c === 'a2a+p2p' && cpA2aSize(m, tp, cp, c, system.nvlinkDomain) === cp) continue;
          // The all-gather moves the ring's bytes and hides none of them: never faster than a ring.
          if (c === 'allgather' && stack.cpComms.includes('ring')) continue;
          v.push(c);
        }
        cpCache.set(key, v);
      }
      return v;
    },
    pps,
    schedules,
    vppsFor(pp) {
      if (fixed.vpp !== undefined) return [fixed.vpp];
      // Interleaving splits the busiest device's ceil(L/pp) layers into vpp chunks (uneven
      // stages, as in Llama 3's schedule, have lighter first and last chunks), at least one
      // layer per virtual stage.
      return vppCandidates(m.layers, pp, MAX_VPP);
    },
    schedulesFor(pp, vpp) {
      if (pp === 1) return vpp === 1 && schedules.includes('1f1b') ? ['1f1b'] : [];
      return schedulesFor(schedules, vpp);
    },
    dpsFor(modelParallel) {
      if (fixed.dp) return fixed.dp * modelParallel <= G ? [fixed.dp] : [];
      const max = Math.floor(G / modelParallel);
      return batchDivisors.filter((d) => d <= max);
    },
  };
}
