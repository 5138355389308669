import { sendRecvS } from '../collectives.js';
import type { LayerPhase } from '../layer/layer-phase.js';
import { interleaved1f1b } from '../schedule/interleaved-1f1b.js';
import { newScheduleOut, type PipelineSchedule, type ScheduleOut } from '../schedule/schedule.js';
import { dataParallelCost, newDataParallelCost, type DataParallelCost } from './data-parallel.js';
import { optimizerS } from './optimizer.js';
import { newStageLoad, stageLoad, type StageLoad } from './stages.js';
import { stepMemory, type StepMemory } from './step-memory.js';

/** Phase 2 output: the step and memory of one full plan. Reused by search (no allocation). */
export interface StepParts extends StepMemory {
  microBatches: number;
  criticalS: number;
  ppPerMbS: number;
  bubbleS: number;
  dpCommS: number;
  dpExposedS: number;
  zeroPerMbS: number;
  zeroHiddenPerMbS: number;
  optimizerS: number;
  stepTimeS: number;
  critMoe: number;
  heavyDense: number;
  heavyExpert: number;
  inFlight: number;
  /** The stage layout, data-parallel cost and schedule output behind the figures above. */
  stage: StageLoad;
  dpc: DataParallelCost;
  sched: ScheduleOut;
}

export function newStepParts(): StepParts {
  return {
    microBatches: 0, criticalS: 0, ppPerMbS: 0, bubbleS: 0, dpCommS: 0, dpExposedS: 0, zeroPerMbS: 0, zeroHiddenPerMbS: 0,
    optimizerS: 0, stepTimeS: 0, critLayers: 0, critMoe: 0, heavyDense: 0, heavyExpert: 0, inFlight: 0,
    weightsBytes: 0, gradBytes: 0, optimBytes: 0, activationBytes: 0, workspaceBytes: 0, totalBytes: 0,
    stage: newStageLoad(), dpc: newDataParallelCost(), sched: newScheduleOut(),
  };
}

/**
 * Phase 2: per-layer costs → per-stage costs → schedule → step and memory for one plan with
 * `microBatches` micro-batches per pipeline per step. Writes into `out`.
 */
export function stepPhase(L: LayerPhase, pp: number, vpp: number, dp: number, zeroStage: number, microBatches: number, out: StepParts, schedule: PipelineSchedule = interleaved1f1b): StepParts {
  const { model: m, training } = L.spec;
  const { tp, cp, ep } = L.lp;
  const net = L.net;
  const eff = L.eff;

  const st = stageLoad(L, pp, out.stage);
  const { criticalS, heavyDense, heavyExpert } = st;
  // Send/recv: activations forward, gradients backward, per virtual stage; with TP only 1/tp is
  // sent and re-gathered on NVLink (Megatron's scatter-gather optimisation).
  const ppPerMbS = pp > 1 ? 2 * vpp * sendRecvS(net, (L.tokens * m.hidden * 2) / tp, tp * cp * dp >= net.domain) : 0;

  const dpc = dataParallelCost(net, eff, training, tp, ep, dp, cp, zeroStage, heavyDense, heavyExpert, criticalS, out.dpc);
  // Bucketed gradient reduction overlaps the last micro-batch's backward (one model chunk).
  const dpExposedS = Math.max(0, dpc.dpCommS - (eff.dpOverlap * criticalS * 2) / 3 / vpp);
  const denseShards = dp * cp;
  const expertShards = Math.max(1, (dp * cp * tp) / ep);
  const optS = optimizerS(heavyDense, heavyExpert, zeroStage, denseShards, expertShards, L.hbmBps, eff.kernelS);

  const sched = schedule.evaluate(st, vpp, microBatches, ppPerMbS, out.sched);
  const stepTimeS = microBatches * (criticalS + ppPerMbS + dpc.zeroPerMbS) + sched.bubbleS + dpExposedS + optS;

  stepMemory(L, st, dp, zeroStage, dpc.gradKeptBytes, sched.inFlight, out);

  out.microBatches = microBatches;
  out.criticalS = criticalS;
  out.ppPerMbS = ppPerMbS;
  out.bubbleS = sched.bubbleS;
  out.dpCommS = dpc.dpCommS;
  out.dpExposedS = dpExposedS;
  out.zeroPerMbS = dpc.zeroPerMbS;
  out.zeroHiddenPerMbS = dpc.zeroHiddenPerMbS;
  out.optimizerS = optS;
  out.stepTimeS = stepTimeS;
  out.critMoe = Math.round(out.critLayers * (L.nMoe / m.layers));
  out.heavyDense = heavyDense;
  out.heavyExpert = heavyExpert;
  out.inFlight = sched.inFlight;
  return out;
}
