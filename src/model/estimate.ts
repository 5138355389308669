import { epFactsOf } from '../spec/ep-facts.js';
import type { ParallelPlan, Recompute, ResolvedSpec, Spec } from '../spec/types.js';
import type { EfficiencyModel } from './efficiency.js';
import { microBatchesOf, usableHbmBytes } from './evaluate.js';
import { defaultEfficiency, layerPhase, type LayerPhase } from './layer/layer-phase.js';
import { assembleEstimate } from './step/assemble.js';
import { newStepParts, stepPhase } from './step/step-phase.js';
import type { Estimate } from './result.js';

const MICRO_BATCHES = [1, 2, 4, 8, 16];
const RECOMPUTES: readonly Recompute[] = ['none', 'selective', 'full'];
const MAX_VPP = 12;

/** Candidate values for each knob the spec left free (published runs were tuned; so are these). */
export function knobCandidates(spec: Spec): ParallelPlan[] {
  const { model: m, training, parallel: p } = spec;
  const perReplica = training.globalBatch / p.dp;
  const mbs = p.microBatch !== undefined ? [p.microBatch] : MICRO_BATCHES.filter((b) => perReplica % b === 0);
  const vpps: number[] = [];
  if (p.vpp !== undefined) vpps.push(p.vpp);
  else if (p.pp === 1) vpps.push(1);
  else for (let v = 1; v <= MAX_VPP; v++) if (Math.ceil(m.layers / p.pp) % v === 0) vpps.push(v);
  if (vpps.length === 0) vpps.push(1);
  const sps = p.sequenceParallel !== undefined ? [p.sequenceParallel] : p.tp > 1 ? [true] : [false];
  const recs = p.recompute !== undefined ? [p.recompute] : RECOMPUTES;
  const zero: 0 | 1 | 2 | 3 = p.zeroStage ?? (p.distributedOptimizer === false ? 0 : 1);
  const distOpt = p.distributedOptimizer ?? zero >= 1;
  const tpCommOverlap = p.tpCommOverlap ?? true;
  const ep = epFactsOf(p);
  const out: ParallelPlan[] = [];
  // vpp innermost: candidates that differ only in vpp share their per-layer costs.
  for (const microBatch of mbs.length ? mbs : [1])
    for (const sequenceParallel of sps)
      for (const recompute of recs)
        for (const vpp of vpps)
          out.push({ tp: p.tp, pp: p.pp, dp: p.dp, cp: p.cp, ep: p.ep, vpp, microBatch, sequenceParallel, recompute, distributedOptimizer: distOpt, zeroStage: zero, tpCommOverlap, ...ep });
  return out;
}

/**
 * Estimate a spec: free knobs are resolved to the fastest values that fit in memory (or, if
 * none fits, to the plan that needs the least memory, reported with `fits: false`).
 */
export function estimate(spec: Spec, eff?: EfficiencyModel): Estimate {
  const e = eff ?? defaultEfficiency(spec.system.gpu);
  const base = { model: spec.model, system: spec.system, training: spec.training };
  const st = newStepParts();
  const limit = usableHbmBytes(spec.system.gpu);
  let best: { plan: ParallelPlan; L: LayerPhase; stepTimeS: number } | undefined;
  let smallest: { plan: ParallelPlan; L: LayerPhase; bytes: number } | undefined;
  // Candidates differing only in vpp share their layer phase.
  let L: LayerPhase | undefined;
  let layerKey = '';
  for (const plan of knobCandidates(spec)) {
    const key = `${plan.microBatch}/${plan.sequenceParallel}/${plan.recompute}`;
    if (!L || key !== layerKey) {
      L = layerPhase(base, plan, e);
      layerKey = key;
    }
    stepPhase(L, plan.pp, plan.vpp, plan.dp, plan.zeroStage, microBatchesOf(spec.training.globalBatch, plan.dp, plan.microBatch), st);
    if (st.totalBytes <= limit && (!best || st.stepTimeS < best.stepTimeS)) best = { plan, L, stepTimeS: st.stepTimeS };
    if (!smallest || st.totalBytes < smallest.bytes) smallest = { plan, L, bytes: st.totalBytes };
  }
  const chosen = best ?? smallest;
  if (!chosen) throw new Error('no candidate plan (unreachable: knobCandidates always yields one)');
  const p = chosen.plan;
  return assembleEstimate(chosen.L, p, stepPhase(chosen.L, p.pp, p.vpp, p.dp, p.zeroStage, microBatchesOf(spec.training.globalBatch, p.dp, p.microBatch), newStepParts()));
}

export function withPlan(spec: Spec, parallel: ParallelPlan): ResolvedSpec {
  return { model: spec.model, system: spec.system, training: spec.training, parallel };
}
