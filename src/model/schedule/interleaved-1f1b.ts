import type { StageLoad } from '../step/stages.js';
import type { PipelineSchedule, ScheduleOut } from './schedule.js';

/**
 * 1F1B (vpp = 1) and Megatron's interleaved 1F1B (vpp > 1), in the steady-state form of
 * Narayanan et al. 2021 (§2.2): bubble = (pp − 1)/vpp of one micro-batch's average stage time.
 */
export const interleaved1f1b: PipelineSchedule = {
  id: 'interleaved',
  invalid() {
    return undefined;
  },
  evaluate(load: StageLoad, vpp: number, microBatches: number, commPerMbS: number, out: ScheduleOut): ScheduleOut {
    const pp = load.pp;
    out.bubbleS = pp > 1 ? ((pp - 1) / vpp) * (load.avgStageS + commPerMbS) : 0;
    out.inFlight = inFlightMicroBatches(pp, vpp, microBatches);
    return out;
  },
  lowerBoundS(pp: number, vpp: number, microBatches: number, layersTotalS: number): number {
    return ((microBatches + (pp - 1) / vpp) * layersTotalS) / pp;
  },
};

/** In-flight micro-batches whose activations the first pipeline stage holds (1F1B / interleaved). */
export function inFlightMicroBatches(pp: number, vpp: number, microBatches: number): number {
  if (pp === 1) return 1;
  const base = Math.min(pp, microBatches);
  return vpp > 1 ? base * (1 + (pp - 1) / (pp * vpp)) : base;
}
