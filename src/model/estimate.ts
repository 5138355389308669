import { InputError } from '../core/issue.js';
import { epFactsOf } from '../spec/ep-facts.js';
import type { ParallelPlan, Recompute, ResolvedSpec, ScheduleId, Spec } from '../spec/types.js';
import type { EfficiencyModel } from './efficiency.js';
import type { Estimate } from './result.js';
import { bandDrivers, bandFor } from './bands/bands.js';
import { resolveStack } from './stack/resolve.js';
import { microBatchesOf, usableHbmBytes } from './evaluate.js';
import { defaultEfficiency, layerPhase, type LayerPhase } from './layer/layer-phase.js';
import { scheduleProblem } from './schedule/registry.js';
import { assembleEstimate } from './step/assemble.js';
import { newStepParts, stepPhase } from './step/step-phase.js';

const MICRO_BATCHES = [1, 2, 4, 8, 16];
const RECOMPUTES: readonly Recompute[] = ['none', 'selective', 'full'];
const MAX_VPP = 16;
/** Schedules a plan may run when the spec names none: Megatron-LM's. */
export const DEFAULT_SCHEDULES: readonly ScheduleId[] = ['1f1b', 'interleaved'];

/** Virtual-stage candidates for pp: divisors of the busiest device's layers, at least one layer per virtual stage. */
export function vppCandidates(layers: number, pp: number, max = MAX_VPP): number[] {
  if (pp === 1) return [1];
  const out: number[] = [];
  for (let v = 1; v <= max; v++) if (Math.ceil(layers / pp) % v === 0 && (v === 1 || pp * v <= layers)) out.push(v);
  return out;
}

/** The schedules a partial plan allows, for a vpp: interleaving needs vpp > 1, the others vpp 1. */
export function schedulesFor(allowed: readonly ScheduleId[], vpp: number): ScheduleId[] {
  return allowed.filter((s) => (vpp > 1 ? s === 'interleaved' : s !== 'interleaved'));
}

/**
 * Candidate values for each knob the spec left free (published runs were tuned; so are these),
 * only plans the chosen schedule can run (Megatron's divisibility rules, DualPipe's shape).
 */
export function knobCandidates(spec: Spec): ParallelPlan[] {
  const { model: m, training, parallel: p } = spec;
  const perReplica = training.globalBatch / p.dp;
  const mbs = p.microBatch !== undefined ? [p.microBatch] : MICRO_BATCHES.filter((b) => perReplica % b === 0);
  const vpps = p.vpp !== undefined ? [p.vpp] : vppCandidates(m.layers, p.pp);
  const allowed = p.schedules ?? resolveStack(spec.training, spec.system.gpu).schedules;
  const sps = p.sequenceParallel !== undefined ? [p.sequenceParallel] : p.tp > 1 && resolveStack(training, spec.system.gpu).sequenceParallel ? [true] : [false];
  const recs = p.recompute !== undefined ? [p.recompute] : RECOMPUTES;
  const zero: 0 | 1 | 2 | 3 = p.zeroStage ?? (p.distributedOptimizer === false ? 0 : 1);
  const distOpt = p.distributedOptimizer ?? zero >= 1;
  const tpCommOverlap = p.tpCommOverlap ?? resolveStack(training, spec.system.gpu).tpOverlapDefault;
  const ep = epFactsOf(p);
  const cpComm = p.cpComm !== undefined ? { cpComm: p.cpComm } : {};
  const out: ParallelPlan[] = [];
  // vpp and schedule innermost: candidates that differ only in them share their per-layer costs.
  for (const microBatch of mbs.length ? mbs : [1])
    for (const sequenceParallel of sps)
      for (const recompute of recs)
        for (const vpp of vpps)
          for (const schedule of p.pp === 1 ? [allowed.includes('1f1b') ? '1f1b' : (allowed[0] as ScheduleId)] : schedulesFor(allowed, vpp)) {
            if (p.pp > 1 && scheduleProblem(schedule, p.pp, vpp, perReplica / microBatch, m.layers)) continue;
            out.push({ tp: p.tp, pp: p.pp, dp: p.dp, cp: p.cp, ep: p.ep, vpp, microBatch, sequenceParallel, recompute, distributedOptimizer: distOpt, zeroStage: zero, tpCommOverlap, ...ep, ...cpComm, schedule });
          }
  return out;
}

/**
 * Estimate a spec: free knobs are resolved to the fastest values that fit in memory (or, if
 * none fits, to the plan that needs the least memory, reported with `fits: false`). A plan no
 * allowed schedule can run is refused with an InputError naming the rule.
 */
export function estimate(spec: Spec, eff?: EfficiencyModel): Estimate {
  const e = eff ?? defaultEfficiency(spec.system.gpu);
  const base = { model: spec.model, system: spec.system, training: spec.training };
  const st = newStepParts();
  const limit = usableHbmBytes(spec.system.gpu);
  let best: { plan: ParallelPlan; L: LayerPhase; stepTimeS: number } | undefined;
  let smallest: { plan: ParallelPlan; L: LayerPhase; bytes: number } | undefined;
  // Candidates differing only in vpp and schedule share their layer phase.
  let L: LayerPhase | undefined;
  let layerKey = '';
  const candidates = knobCandidates(spec);
  if (candidates.length === 0) throw new InputError([unrunnable(spec)]);
  for (const plan of candidates) {
    const key = `${plan.microBatch}/${plan.sequenceParallel}/${plan.recompute}`;
    if (!L || key !== layerKey) {
      L = layerPhase(base, plan, e);
      layerKey = key;
    }
    stepPhase(L, plan.pp, plan.vpp, plan.dp, plan.zeroStage, microBatchesOf(spec.training.globalBatch, plan.dp, plan.microBatch), st, plan.schedule);
    if (st.totalBytes <= limit && (!best || st.stepTimeS < best.stepTimeS)) best = { plan, L, stepTimeS: st.stepTimeS };
    if (!smallest || st.totalBytes < smallest.bytes) smallest = { plan, L, bytes: st.totalBytes };
  }
  const chosen = best ?? smallest;
  if (!chosen) throw new Error('no candidate plan (unreachable: candidates is not empty)');
  const p = chosen.plan;
  const est = assembleEstimate(chosen.L, p, stepPhase(chosen.L, p.pp, p.vpp, p.dp, p.zeroStage, microBatchesOf(spec.training.globalBatch, p.dp, p.microBatch), newStepParts(), p.schedule));
  const band = bandFor(est.tokensPerSecPerGpu, bandDrivers(spec));
  if (band) est.tokensPerSecPerGpuBand = band;
  return est;
}

/** Why no candidate of the spec's plan can run, as an issue on `parallel.schedule`. */
function unrunnable(spec: Spec): { path: string; message: string; expected: string; received: string } {
  const p = spec.parallel;
  const allowed = p.schedules ?? resolveStack(spec.training, spec.system.gpu).schedules;
  const mb = p.microBatch ?? 1;
  const m = spec.training.globalBatch / p.dp / mb;
  const vpp = p.vpp ?? 1;
  const reasons = allowed.map((s) => `${s}: ${scheduleProblem(s, p.pp, s === 'interleaved' ? Math.max(2, vpp) : vpp, m, spec.model.layers) ?? 'needs a different vpp'}`);
  return {
    path: 'parallel.schedule',
    message: `no allowed pipeline schedule runs pp ${p.pp}${p.vpp !== undefined ? `, vpp ${p.vpp}` : ''} with ${m} micro-batches per pipeline (${reasons.join('; ')})`,
    expected: 'a plan one of the schedules can run (change dp, microBatch, vpp or parallel.schedule)',
    received: allowed.join(', '),
  };
}

export function withPlan(spec: Spec, parallel: ParallelPlan): ResolvedSpec {
  return { model: spec.model, system: spec.system, training: spec.training, parallel };
}
