import { FRAGMENTATION, GIB, WORKSPACE_GIB } from '../constants.js';
import type { LayerPhase } from '../layer/layer-phase.js';
import { stateBytesPerParam } from '../memory.js';
import type { StageLoad } from './stages.js';

/** Memory on the heaviest device, bytes. */
export interface StepMemory {
  weightsBytes: number;
  gradBytes: number;
  optimBytes: number;
  activationBytes: number;
  workspaceBytes: number;
  totalBytes: number;
  /** Layers (and MoE layers) of the stage whose activations are counted. */
  critLayers: number;
}

/**
 * Weights, gradients and optimizer state (ZeRO-sharded), activations of `inFlight`
 * micro-batches and workspace on the heaviest device.
 */
export function stepMemory(L: LayerPhase, st: StageLoad, dp: number, zeroStage: number, gradKeptBytes: number, inFlight: number, out: StepMemory): StepMemory {
  const m = L.spec.model;
  const { tp, cp, ep } = L.lp;
  const pp = st.pp;
  const { heavyDense, heavyExpert } = st;
  const stateParams = heavyDense + heavyExpert;
  const denseShards = dp * cp;
  const expertShards = Math.max(1, (dp * cp * tp) / ep);
  const s = stateBytesPerParam(zeroStage, denseShards, gradKeptBytes);
  const sE = stateBytesPerParam(zeroStage, expertShards, gradKeptBytes);
  const weightsBytes = heavyDense * s.weights + heavyExpert * sE.weights + (L.fp8 ? stateParams : 0); // + FP8 weight copies
  const gradBytes = heavyDense * s.gradients + heavyExpert * sE.gradients;
  const optimBytes = heavyDense * s.optimizer + heavyExpert * sE.optimizer;
  const critLayers = pp === 1 ? m.layers : st.layersPerStage;
  const stageMoe = Math.max(0, critLayers - Math.min(L.nDense, critLayers));
  const perMbAct = (critLayers - stageMoe) * L.actDense + stageMoe * L.actMoe + (2 * L.tokens * m.hidden) / L.spDiv;
  const activationBytes = perMbAct * inFlight + L.actRecomputeLayer;
  const logitsBytes = pp === 1 ? ((L.tokens * m.vocab) / tp) * 6 : 0;
  const zero3GatherBytes = zeroStage >= 3 ? (4 * stateParams) / Math.max(1, m.layers / pp) : 0; // two layers gathered
  const workspaceBytes = WORKSPACE_GIB * GIB + FRAGMENTATION * activationBytes + logitsBytes + zero3GatherBytes;
  out.weightsBytes = weightsBytes;
  out.gradBytes = gradBytes;
  out.optimBytes = optimBytes;
  out.activationBytes = activationBytes;
  out.workspaceBytes = workspaceBytes;
  out.totalBytes = weightsBytes + gradBytes + optimBytes + activationBytes + workspaceBytes;
  out.critLayers = critLayers;
  return out;
}
