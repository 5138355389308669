/**
 * The performance model's one-way pipeline, end to end:
 *   spec → layer/ (shapes → per-layer costs for one micro-batch, `layerPhase`)
 *        → step/stages (per-stage costs) → schedule/ (bubble, in-flight micro-batches)
 *        → step/ (data parallelism, optimizer, step time and memory, `stepPhase`)
 *        → step/assemble (the `Estimate`).
 * Plan search and the knob resolver call the phases directly to reuse the layer phase.
 */
import type { GpuSpec } from '../catalog/gpu.js';
import type { ResolvedSpec } from '../spec/types.js';
import { GIB, USABLE_HBM_FRACTION } from './constants.js';
import type { EfficiencyModel } from './efficiency.js';
import { defaultEfficiency, layerPhase } from './layer/layer-phase.js';
import type { Estimate } from './result.js';
import { assembleEstimate } from './step/assemble.js';
import { defaultSchedule, newStepParts, stepPhase } from './step/step-phase.js';

/** Micro-batches per pipeline per step of a resolved plan. */
export function microBatchesOf(globalBatch: number, dp: number, microBatch: number): number {
  return globalBatch / (dp * microBatch);
}

/** Usable HBM of a GPU, bytes. */
export function usableHbmBytes(gpu: GpuSpec): number {
  return gpu.hbmGB * USABLE_HBM_FRACTION * GIB;
}

/**
 * Evaluate a fully resolved spec: step time, throughput, FLOP utilisation, memory and the
 * breakdown. Pure.
 */
export function evaluate(spec: ResolvedSpec, effIn?: EfficiencyModel): Estimate {
  const eff = effIn ?? defaultEfficiency(spec.system.gpu);
  const L = layerPhase(spec, spec.parallel, eff);
  const p = spec.parallel;
  const mb = microBatchesOf(spec.training.globalBatch, p.dp, p.microBatch);
  return assembleEstimate(L, p, stepPhase(L, p.pp, p.vpp, p.dp, p.zeroStage, mb, newStepParts(), p.schedule ?? defaultSchedule(p.vpp)));
}
