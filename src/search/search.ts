import { assembleEstimate, defaultEfficiency, layerPhase, withCpComm, newStepParts, scheduleOf, scheduleProblem, stepPhase, usableHbmBytes, type EfficiencyModel, type LayerPhase, type PipelineSchedule } from '../model/index.js';
import type { CpComm, ParallelPlan, Precision, Recompute, ScheduleId, Spec } from '../spec/types.js';
import { cpCommCost, type CpCommCost } from '../model/layer/cp-comm.js';
import { explain } from './explain.js';
import { compareRanked } from './rank-order.js';
import { costPerToken, isJobObjective, ratesFor, score } from './objective.js';
import { epFactsOf } from '../spec/ep-facts.js';
import { searchSpace } from './space.js';
import type { RankedPlan, SearchOptions, SearchResult } from './types.js';

/** Each schedule's own admissible bound on the pipelined compute (pp 1: m micro-batches, no pipeline). */
function lowerBoundOf(sched: PipelineSchedule, pp: number, vpp: number, microBatches: number, layersS: number, layersComputeS: number): number {
  return pp === 1 ? microBatches * layersS : sched.lowerBoundS(pp, vpp, microBatches, layersS, layersComputeS);
}

/** One kept plan: the few numbers that identify it (the full estimate is rebuilt at the end). */
interface Kept {
  score: number;
  stepTimeS: number;
  totalBytes: number;
  gpusUsed: number;
  precision: Precision;
  plan: ParallelPlan;
}

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

/**
 * Find the best plans for a spec whose `parallel` may be partial (0 = free degree). Every
 * meaningful combination of tp, pp, vpp, cp, ep, dp, micro-batch, recomputation, sequence
 * parallelism and ZeRO stage is considered; cheap lower bounds skip plans that cannot enter
 * the top K. Per-layer costs are computed once per (precision, tp, cp, ep, micro-batch, SP,
 * recomputation) and reused for every pipeline and data-parallel choice. Pure and deterministic.
 */
export function search(spec: Spec, opts: SearchOptions = {}, effFor?: (spec: Spec) => EfficiencyModel): SearchResult {
  const t0 = now();
  const top = Math.max(1, opts.top ?? 5);
  const objective = opts.objective ?? 'tokens-per-sec';
  const margin = opts.memoryMargin ?? 0.05;
  const prune = !opts.noPruning;
  const { model: m, system, training } = spec;
  const G = system.gpus;
  const B = training.globalBatch;
  const space = searchSpace(spec, opts.precisions);
  const eff = effFor?.(spec) ?? defaultEfficiency(system.gpu);
  const rates = ratesFor(system.gpu, opts);
  const jobObjective = isJobObjective(objective);
  const memLimit = usableHbmBytes(system.gpu) * (1 - margin);
  const tokensPerStep = B * training.seqLen;
  const experts = m.moe?.experts ?? 1;
  const hidesComm = space.schedules.includes('dualpipe');
  // The (vpp, schedule) pairs of each pipeline degree, built once.
  const shapes = new Map<number, { vpp: number; id: ScheduleId; sched: PipelineSchedule }[]>();
  const shapesFor = (pp: number) => {
    let v = shapes.get(pp);
    if (!v) {
      v = [];
      for (const vpp of space.vppsFor(pp)) for (const id of space.schedulesFor(pp, vpp)) v.push({ vpp, id, sched: scheduleOf(id) });
      shapes.set(pp, v);
    }
    return v;
  };

  const kept: Kept[] = [];
  let threshold = -Infinity; // score of the K-th best so far
  // Prune only below both the K-th best and the score being ranked (if any).
  const rankScore = opts.rankScore;
  let bound = -Infinity;
  let plansAbove = 0;
  let evaluated = 0;
  let pruned = 0;
  let considered = 0;
  const st = newStepParts();
  const scoreOf = (stepTimeS: number, gpusUsed: number) => score(objective, tokensPerStep / stepTimeS, gpusUsed, rates, training.tokens);

  const keep = (s: number, L: LayerPhase, precision: Precision, pp: number, vpp: number, dp: number, zero: 0 | 1 | 2 | 3, gpusUsed: number, schedule: ScheduleId): void => {
    // Ties (same score, same GPUs, same memory) keep the first, simplest plan found.
    for (const k of kept) if (k.gpusUsed === gpusUsed && Math.abs(k.score - s) <= 1e-12 * s && Math.abs(k.totalBytes - st.totalBytes) < 1) return;
    const lp = L.lp;
    kept.push({
      score: s,
      stepTimeS: st.stepTimeS,
      totalBytes: st.totalBytes,
      gpusUsed,
      precision,
      plan: {
        tp: lp.tp, pp, dp, cp: lp.cp, ep: lp.ep, vpp, microBatch: lp.microBatch, sequenceParallel: lp.sequenceParallel,
        recompute: lp.recompute, distributedOptimizer: zero >= 1, zeroStage: zero, tpCommOverlap: lp.tpCommOverlap, ...epFactsOf(lp), ...(lp.cpComm !== undefined ? { cpComm: lp.cpComm } : {}), schedule,
      },
    });
    kept.sort(compareRanked);
    if (kept.length > top) kept.pop();
    if (kept.length === top) {
      threshold = (kept[top - 1] as Kept).score;
      bound = rankScore === undefined ? threshold : Math.min(threshold, rankScore);
    }
  };

  for (const precision of space.precisions) {
    const base = { model: m, system, training: precision === training.precision ? training : { ...training, precision } };
    for (const tp of space.tps) {
      for (const cp of space.cps) {
        if (tp * cp > G) continue;
        for (const ep of space.eps) {
          const cpComms = space.cpCommsFor(tp, cp);
          if (cpComms.length === 0) continue;
          for (const epFacts of space.epFactsFor(ep)) {
            for (const microBatch of space.microBatches) {
              for (const sequenceParallel of space.sequenceParallel) {
                if (tp === 1 && sequenceParallel) continue; // SP means nothing without TP
                for (const recompute of space.recomputes as Recompute[]) {
                  const lp = { tp, cp, ep, microBatch, sequenceParallel, recompute, tpCommOverlap: space.tpCommOverlap, ...epFacts };
                  const first = cpComms[0];
                  let L = layerPhase(base, first !== undefined ? { ...lp, cpComm: first } : lp, eff);
                  let layersTotalS = L.nDense * L.denseLayerS + L.nMoe * L.moeLayerS;
                  // The CP exchange changes only the exposed CP time of every layer (not the
                  // memory, not what hides behind the compute), and the step is monotone in it:
                  // the fastest exchange dominates the others, which need no pipeline or dp loop.
                  // (Nothing beats an exchange the attention hides entirely.)
                  if (cpComms.length > 1 && L.dense.cpExposedS > 0) {
                    let bestExposedS = L.dense.cpExposedS;
                    let bestComm: CpComm | undefined;
                    let bestCost: CpCommCost | undefined;
                    for (let i = 1; i < cpComms.length; i++) {
                      const c = cpComms[i] as CpComm;
                      const cost = cpCommCost(L.net, m, lp, c, L.tokens, L.attnS);
                      if (cost.exposedS < bestExposedS) {
                        bestExposedS = cost.exposedS;
                        bestComm = c;
                        bestCost = cost;
                      }
                    }
                    if (bestComm !== undefined) {
                      L = withCpComm(L, bestComm, bestCost);
                      layersTotalS = L.nDense * L.denseLayerS + L.nMoe * L.moeLayerS;
                    }
                  }
                  const layersComputeS = L.nDense * (L.dense.fwdS + L.dense.bwdS) + L.nMoe * (L.moe.fwdS + L.moe.bwdS);
                  // Outer bound: with every GPU busy and no bubble or optimizer, the step still
                  // takes B/(mb·dp·pp) micro-batches of layersTotalS/pp each (DualPipe may hide
                  // the communication: only the compute then).
                  if (prune && kept.length === top) {
                    const stepLb = (B * (hidesComm ? layersComputeS : layersTotalS) * tp * cp) / (microBatch * G);
                    const ub = jobObjective ? scoreOf(stepLb, G) : scoreOf((B * layersTotalS) / microBatch, tp * cp);
                    if (ub <= bound) {
                      pruned++;
                      continue;
                    }
                  }
                  for (const pp of space.pps) {
                    if (pp > m.layers || tp * cp * pp > G) continue;
                    const dps = space.dpsFor(tp * cp * pp);
                    if (dps.length === 0) continue;
                    for (const shape of shapesFor(pp)) {
                      const { vpp, id: scheduleId, sched } = shape;
                      // The bound is monotone in dp: check its best end before the dp loop.
                      if (prune && kept.length === top) {
                        const dpBest = jobObjective ? (dps[dps.length - 1] as number) : (dps[0] as number);
                        const lb = lowerBoundOf(sched, pp, vpp, B / (dpBest * microBatch), layersTotalS, layersComputeS);
                        if (scoreOf(lb, tp * cp * pp * dpBest) <= bound) {
                          const n = dps.length * space.zeroStages.length;
                          considered += n;
                          pruned += n;
                          continue;
                        }
                      }
                      for (let i = dps.length - 1; i >= 0; i--) {
                        const dp = dps[i] as number;
                        if ((B / dp) % microBatch !== 0 || (tp * cp * dp) % ep !== 0 || experts % ep !== 0) continue;
                        const gpusUsed = tp * cp * pp * dp;
                        const microBatches = B / (dp * microBatch);
                        // Only plans the schedule's framework runs (Megatron's interleaving rule, DualPipe's shape).
                        if (pp > 1 && scheduleProblem(scheduleId, pp, vpp, microBatches, m.layers)) continue;
                        if (prune && kept.length === top) {
                          const stepLb = lowerBoundOf(sched, pp, vpp, microBatches, layersTotalS, layersComputeS);
                          if (scoreOf(stepLb, gpusUsed) <= bound) {
                            considered += space.zeroStages.length;
                            pruned += space.zeroStages.length;
                            continue;
                          }
                        }
                        for (const zero of space.zeroStages) {
                          considered++;
                          evaluated++;
                          stepPhase(L, pp, vpp, dp, zero, microBatches, st, scheduleId);
                          if (st.totalBytes > memLimit) continue;
                          const s = scoreOf(st.stepTimeS, gpusUsed);
                          if (rankScore !== undefined && s > rankScore * (1 + 1e-12)) plansAbove++;
                          if (kept.length < top || s > threshold) keep(s, L, precision, pp, vpp, dp, zero, gpusUsed, scheduleId);
                        }
                      }
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
  }

  const plans: RankedPlan[] = kept.map((k) => {
    const tr = k.precision === training.precision ? training : { ...training, precision: k.precision };
    const L = layerPhase({ model: m, system, training: tr }, k.plan, eff);
    const estimate = assembleEstimate(L, k.plan, stepPhase(L, k.plan.pp, k.plan.vpp, k.plan.dp, k.plan.zeroStage, B / (k.plan.dp * k.plan.microBatch), newStepParts(), k.plan.schedule));
    return {
      parallel: k.plan,
      precision: k.precision,
      gpusUsed: k.gpusUsed,
      spareGpus: G - k.gpusUsed,
      score: k.score,
      estimate,
      ...costPerToken(estimate.tokensPerSec, k.gpusUsed, rates),
    };
  });
  const result: SearchResult = { objective, plans, evaluated, pruned, considered, elapsedS: (now() - t0) / 1000, explanation: explain(plans) };
  if (rankScore !== undefined) result.plansAbove = plansAbove;
  return result;
}
