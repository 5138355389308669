import { sendRecvS } from '../collectives.js';
import type { LayerPhase } from '../layer/layer-phase.js';
import { oneFOneB } from '../schedule/one-f-one-b.js';
import { scheduleOf } from '../schedule/registry.js';
import { maxOf, newScheduleOut, runSchedule, type ScheduleId, type ScheduleOut } from '../schedule/schedule.js';
import { dataParallelCost, newDataParallelCost, type DataParallelCost } from './data-parallel.js';
import { optimizerS } from './optimizer.js';
import { newStageLoad, stageLoad, type StageLoad } from './stages.js';
import { stepMemory, type StepMemory } from './step-memory.js';

/** Phase 2 output: the step and memory of one full plan. Reused by search (no allocation). */
export interface StepParts extends StepMemory {
  schedule: ScheduleId;
  microBatches: number;
  /** One micro-batch on the busiest device, send/recv excluded. */
  criticalS: number;
  ppPerMbS: number;
  /** First forward to last backward under the schedule. */
  pipelineS: number;
  /** pipelineS beyond m micro-batches at the steady-state pace. */
  bubbleS: number;
  /** Communication the schedule hides (DualPipe's overlapped pairs), per step. */
  scheduleHiddenS: number;
  dpCommS: number;
  dpExposedS: number;
  zeroPerMbS: number;
  zeroHiddenPerMbS: number;
  optimizerS: number;
  stepTimeS: number;
  /** Layers on the time-critical device (one stage's under DualPipe), and MoE ones among them. */
  critLayers: number;
  critMoe: number;
  heavyDense: number;
  heavyExpert: number;
  /** The stage layout, data-parallel cost and schedule output behind the figures above. */
  stage: StageLoad;
  dpc: DataParallelCost;
  sched: ScheduleOut;
}

export function newStepParts(): StepParts {
  return {
    schedule: '1f1b', microBatches: 0, criticalS: 0, ppPerMbS: 0, pipelineS: 0, bubbleS: 0, scheduleHiddenS: 0, dpCommS: 0, dpExposedS: 0,
    zeroPerMbS: 0, zeroHiddenPerMbS: 0, optimizerS: 0, stepTimeS: 0, critLayers: 0, critMoe: 0, heavyDense: 0, heavyExpert: 0, inFlight: 0, heavyDevice: 0, memLayers: 0,
    weightsBytes: 0, gradBytes: 0, optimBytes: 0, activationBytes: 0, workspaceBytes: 0, totalBytes: 0,
    stage: newStageLoad(), dpc: newDataParallelCost(), sched: newScheduleOut(),
  };
}

/** The schedule a plan runs by default: Megatron's interleaved 1F1B with vpp > 1, else 1F1B. */
export function defaultSchedule(vpp: number): ScheduleId {
  return vpp > 1 ? 'interleaved' : '1f1b';
}

/**
 * Phase 2: per-layer costs → per-device costs (stages) → schedule → step and memory for one
 * plan with `microBatches` micro-batches per pipeline per step. Writes into `out`. The shape
 * must be one the schedule runs (see `scheduleProblem`); pp 1 has no pipeline.
 */
export function stepPhase(
  L: LayerPhase, pp: number, vpp: number, dp: number, zeroStage: number, microBatches: number, out: StepParts,
  scheduleId: ScheduleId = defaultSchedule(vpp),
): StepParts {
  const { model: m, training } = L.spec;
  const { tp, cp, ep } = L.lp;
  const net = L.net;
  const eff = L.eff;
  const sched = pp === 1 ? oneFOneB : scheduleOf(scheduleId);
  const dual = sched.id === 'dualpipe';

  // Send/recv: activations forward, gradients backward, per virtual stage; with TP only 1/tp is
  // sent and re-gathered on NVLink (Megatron's scatter-gather optimisation).
  const ppPerMbS = pp > 1 ? 2 * vpp * sendRecvS(net, (L.tokens * m.hidden * 2) / tp, tp * cp * dp >= net.domain) : 0;
  const st = stageLoad(L, pp, ppPerMbS, dual, out.stage);
  const criticalS = st.criticalS - ppPerMbS;
  const { heavyDense, heavyExpert } = st;

  const dpc = dataParallelCost(net, eff, training, tp, ep, dp, cp, zeroStage, heavyDense, heavyExpert, criticalS, out.dpc, L.stack.sharded, pp, st.layersPerStage, L.commSmShare);
  // Bucketed gradient reduction overlaps the last micro-batch's backward (one model chunk).
  const dpExposedS = Math.max(0, dpc.dpCommS - (eff.dpOverlap * criticalS * 2) / 3 / vpp);
  const denseShards = dp * cp;
  const expertShards = Math.max(1, (dp * cp * tp) / ep);
  const optS = optimizerS(heavyDense, heavyExpert, zeroStage, denseShards, expertShards, L.hbmBps, eff.kernelS);

  const sc = runSchedule(sched, pp, vpp, microBatches, st, out.sched);
  // Steady pace: one micro-batch on the busiest device (DualPipe: an overlapped pair).
  const paceS = dual ? Math.min(st.criticalS, maxOf(pp, st.fbS)) : st.criticalS;
  const bubbleS = Math.max(0, sc.pipelineS - microBatches * paceS);
  const scheduleHiddenS = microBatches * st.criticalS + bubbleS - sc.pipelineS;
  const stepTimeS = sc.pipelineS + microBatches * dpc.zeroPerMbS + dpExposedS + optS;

  stepMemory(L, st, dp, zeroStage, dpc.gradKeptBytes, sc, out);

  out.schedule = sched.id;
  out.microBatches = microBatches;
  out.criticalS = criticalS;
  out.ppPerMbS = ppPerMbS;
  out.pipelineS = sc.pipelineS;
  out.bubbleS = bubbleS;
  out.scheduleHiddenS = scheduleHiddenS;
  out.dpCommS = dpc.dpCommS;
  out.dpExposedS = dpExposedS;
  out.zeroPerMbS = dpc.zeroPerMbS;
  out.zeroHiddenPerMbS = dpc.zeroHiddenPerMbS;
  out.optimizerS = optS;
  out.stepTimeS = stepTimeS;
  out.critLayers = st.critLayers;
  out.critMoe = st.critLayers - st.critDense;
  out.heavyDense = heavyDense;
  out.heavyExpert = heavyExpert;
  return out;
}
