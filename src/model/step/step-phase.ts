import { p2pS } from '../collectives.js';
import { COMM_SMS, DEFAULT_SM_COUNT } from '../constants.js';
import { bucketedExposedS } from '../network/overlap.js';
import { stragglerFraction } from '../variability/stragglers.js';
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
  /** Data-parallel traffic hidden behind compute (its SM contention is inside dpExposedS). */
  dpHiddenS: number;
  /** Waiting for the slowest of the job's GPUs (variability/stragglers). */
  stragglerS: number;
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
    schedule: '1f1b', microBatches: 0, criticalS: 0, ppPerMbS: 0, pipelineS: 0, bubbleS: 0, scheduleHiddenS: 0, dpCommS: 0, dpExposedS: 0, dpHiddenS: 0, stragglerS: 0,
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
  // sent and re-gathered on NVLink (Megatron's scatter-gather optimisation). Neighbouring
  // stages are tp·cp·dp ranks apart: the slowest hand-off (the one crossing the highest,
  // most oversubscribed tier) paces the pipeline.
  const ppStride = tp * cp * dp;
  const ppPerMbS = pp > 1 ? 2 * vpp * p2pS(net, (L.tokens * m.hidden * 2) / tp, ppStride, ppStride * pp) : 0;
  const st = stageLoad(L, pp, ppPerMbS, dual, out.stage);
  const criticalS = st.criticalS - ppPerMbS;
  const { heavyDense, heavyExpert } = st;

  const dpc = dataParallelCost(net, eff, training, tp, ep, dp, cp, zeroStage, heavyDense, heavyExpert, criticalS, vpp, out.dpc, L.stack.sharded, pp, st.layersPerStage, L.commSmShare, L.stack.gradSync.fp32Wire, L.stack.gradPrecision);
  const denseShards = dp * cp;
  const expertShards = Math.max(1, (dp * cp * tp) / ep);
  const optS = optimizerS(heavyDense, heavyExpert, zeroStage, denseShards, expertShards, L.hbmBps, eff.kernelS);

  const sc = runSchedule(sched, pp, vpp, microBatches, st, out.sched);
  // Steady pace: one micro-batch on the busiest device (DualPipe: an overlapped pair).
  const paceS = dual ? Math.min(st.criticalS, maxOf(pp, st.fbS)) : st.criticalS;
  const bubbleS = Math.max(0, sc.pipelineS - microBatches * paceS);
  const scheduleHiddenS = microBatches * st.criticalS + bubbleS - sc.pipelineS;
  // Data-parallel overlap as Megatron-Core does it: gradient buckets reduce as the last
  // micro-batch's backward (every model chunk) and the pipeline's cool-down produce them;
  // parameter buckets gather as the next step's first forward and warm-up consume them. The
  // hidden part still costs the compute it runs beside the SMs its kernels occupy.
  // A stack that reduces after the pipeline flush (DeepSpeed's pipeline engine) hides none.
  const halfBubbleS = bubbleS / 2;
  const dpOverlap = L.stack.gradSync.when === 'after-flush' ? 0 : eff.dpOverlap;
  const gradExposedS = bucketedExposedS(dpc.gradSyncS, dpOverlap * ((criticalS * 2) / 3 + halfBubbleS), dpc.buckets);
  const gatherExposedS = bucketedExposedS(dpc.paramGatherS, dpOverlap * (criticalS / 3 + halfBubbleS), dpc.buckets);
  const smShare = COMM_SMS / (L.spec.system.gpu.smCount ?? DEFAULT_SM_COUNT);
  const dpHiddenS = dpc.dpCommS - gradExposedS - gatherExposedS;
  const dpExposedS = gradExposedS + gatherExposedS + dpHiddenS * smShare;
  // A synchronous step waits for its slowest GPU: its stage's compute, every micro-batch.
  const stragglerS = stragglerFraction(tp * cp * pp * dp) * (microBatches * criticalS + bubbleS);
  const stepTimeS = sc.pipelineS + microBatches * dpc.zeroPerMbS + dpExposedS + optS + stragglerS;

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
  out.dpHiddenS = dpHiddenS;
  out.stragglerS = stragglerS;
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
