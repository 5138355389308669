import { FRAGMENTATION, GIB, WORKSPACE_GIB } from '../constants.js';
import type { LayerPhase } from '../layer/layer-phase.js';
import type { ScheduleOut } from '../schedule/schedule.js';
import type { StageLoad } from './stages.js';

/** Memory on the device that needs the most, bytes. */
export interface StepMemory {
  weightsBytes: number;
  gradBytes: number;
  optimBytes: number;
  activationBytes: number;
  workspaceBytes: number;
  totalBytes: number;
  /** That device, its layers (both stages' under DualPipe) and the micro-batches it holds. */
  heavyDevice: number;
  memLayers: number;
  inFlight: number;
}

/**
 * Per device: its own weights, gradients and optimizer state (ZeRO-sharded; under DualPipe
 * both of its stages), the activations of the micro-batches its schedule keeps in flight, the
 * last stage's FP32 logits of one micro-batch, and workspace; the step needs the largest.
 */
export function stepMemory(L: LayerPhase, st: StageLoad, dp: number, zeroStage: number, gradKeptBytes: number, sched: ScheduleOut, out: StepMemory): StepMemory {
  const m = L.spec.model;
  const { tp, cp, ep } = L.lp;
  const pp = st.pp;
  const denseShards = dp * cp;
  const expertShards = Math.max(1, (dp * cp * tp) / ep);
  // Bytes per parameter (stateBytesPerParam's rule, inline: this runs for every device of every plan).
  const ds = Math.max(1, denseShards);
  const es = Math.max(1, expertShards);
  const ob = L.stack.optimizerBytes; // FP32 master weights + Adam's moments (12 B, or 8 B with BF16 moments)
  const s = { weights: zeroStage >= 3 ? 2 / ds : 2, gradients: zeroStage >= 2 ? gradKeptBytes / ds : gradKeptBytes, optimizer: zeroStage >= 1 ? ob / ds : ob };
  const sE = { weights: zeroStage >= 3 ? 2 / es : 2, gradients: zeroStage >= 2 ? gradKeptBytes / es : gradKeptBytes, optimizer: zeroStage >= 1 ? ob / es : ob };
  const logitsBytes = ((L.tokens * m.vocab) / tp) * 6;
  const inputBytes = (2 * L.tokens * m.hidden) / L.spDiv; // the stage's received input, kept for its backward
  let best = -1;
  for (let d = 0; d < pp; d++) {
    const dense = st.denseParams[d] as number;
    const expert = st.expertParams[d] as number;
    const stateParams = dense + expert;
    const n = st.layers[d] as number;
    const dn = st.denseLayers[d] as number;
    // torchtitan keeps a stage's weights gathered under pipeline parallelism (no resharding).
    const keptGathered = zeroStage >= 3 && pp > 1 && L.stack.sharded.keepGatheredWithPipeline ? dense * (2 - s.weights) + expert * (2 - sE.weights) : 0;
    // FP8 weight copies: one byte per weight held, so sharded like the BF16 weights under ZeRO-3.
    const fp8Copies = L.fp8 ? (dense * s.weights + expert * sE.weights) / 2 : 0;
    const weightsBytes = dense * s.weights + expert * sE.weights + keptGathered + fp8Copies;
    const gradBytes = dense * s.gradients + expert * sE.gradients;
    const optimBytes = dense * s.optimizer + expert * sE.optimizer;
    const stages = st.twoStages ? 2 : 1;
    const perMbAct = (dn * L.actDense + (n - dn) * L.actMoe) / stages + inputBytes;
    const activationBytes = perMbAct * stages * (sched.inFlight[d] as number) + L.actRecomputeLayer;
    const holdsHead = d === pp - 1 || (st.twoStages && d === 0);
    const zero3GatherBytes = zeroStage >= 3 ? (4 * stateParams) / Math.max(1, n) : 0; // two layers gathered
    const workspaceBytes = WORKSPACE_GIB * GIB + FRAGMENTATION * activationBytes + (holdsHead ? logitsBytes : 0) + zero3GatherBytes;
    const totalBytes = weightsBytes + gradBytes + optimBytes + activationBytes + workspaceBytes;
    if (best >= 0 && totalBytes <= out.totalBytes) continue;
    best = d;
    out.weightsBytes = weightsBytes;
    out.gradBytes = gradBytes;
    out.optimBytes = optimBytes;
    out.activationBytes = activationBytes;
    out.workspaceBytes = workspaceBytes;
    out.totalBytes = totalBytes;
    out.heavyDevice = d;
    out.memLayers = n;
    out.inFlight = sched.inFlight[d] as number;
  }
  return out;
}
