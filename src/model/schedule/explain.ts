import type { ResolvedSpec } from '../../spec/types.js';
import type { EfficiencyModel } from '../efficiency.js';
import { defaultEfficiency, layerPhase } from '../layer/layer-phase.js';
import type { PipelineSummary } from '../result.js';
import { defaultSchedule, newStepParts, stepPhase } from '../step/step-phase.js';
import { simulatePipeline } from './reference-sim.js';

/** Most ops the explained timeline plays (beyond it, the explanation is refused as too long). */
export const MAX_TIMELINE_OPS = 200_000;

/**
 * The event timeline of one step of a resolved plan: the reference simulator played on the
 * plan's own per-device times (what `estimate --explain-pipeline` shows), with its step time
 * next to the closed form's.
 */
export function explainPipeline(spec: ResolvedSpec, eff?: EfficiencyModel): { referenceS: number; closedFormS: number; timeline: NonNullable<PipelineSummary['timeline']> } {
  const p = spec.parallel;
  const L = layerPhase(spec, p, eff ?? defaultEfficiency(spec.system.gpu));
  const m = spec.training.globalBatch / (p.dp * p.microBatch);
  const schedule = p.pp === 1 ? '1f1b' : (p.schedule ?? defaultSchedule(p.vpp));
  const st = stepPhase(L, p.pp, p.vpp, p.dp, p.zeroStage, m, newStepParts(), schedule);
  const ops = m * p.pp * p.vpp * 3;
  if (ops > MAX_TIMELINE_OPS) throw new Error(`the pipeline timeline would have ${ops.toLocaleString('en-US')} ops (limit ${MAX_TIMELINE_OPS.toLocaleString('en-US')}): explain a plan with fewer micro-batches`);
  const g = st.stage;
  const arr = (a: Float64Array) => Array.from(a.subarray(0, p.pp));
  const r = simulatePipeline({ schedule, pp: p.pp, vpp: p.vpp, microBatches: m, stages: { fwdS: arr(g.fS), bwdS: arr(g.bS), wS: arr(g.wS), fbS: arr(g.fbS) } });
  return {
    referenceS: r.stepS,
    closedFormS: st.pipelineS,
    timeline: r.timeline.map((o) => ({ device: o.device, op: o.kind, microBatch: o.mb, stage: o.stage, startS: o.startS, endS: o.endS })),
  };
}
