import type { StageLoad } from '../step/stages.js';

/** What a pipeline schedule adds to a step, written by `evaluate` (no allocation). */
export interface ScheduleOut {
  /** Pipeline fill/drain and waiting beyond m micro-batches on the busiest stage, seconds. */
  bubbleS: number;
  /** Micro-batches whose activations the most loaded stage holds at its peak. */
  inFlight: number;
}

export function newScheduleOut(): ScheduleOut {
  return { bubbleS: 0, inFlight: 0 };
}

/**
 * A pipeline schedule: which (pp, vpp, m) it can run, what it costs, and an admissible lower
 * bound on the step for plan search. Implementations are module-level singletons.
 */
export interface PipelineSchedule {
  readonly id: string;
  /** Why the schedule cannot run this shape (undefined: it can). */
  invalid(pp: number, vpp: number, microBatches: number, layers: number): string | undefined;
  /**
   * Bubble and in-flight activations for m micro-batches over the stages of `load`; `commPerMbS`
   * is the send/recv time per micro-batch on a stage (all virtual stages together).
   */
  evaluate(load: StageLoad, vpp: number, microBatches: number, commPerMbS: number, out: ScheduleOut): ScheduleOut;
  /**
   * A lower bound on the pipelined compute of a step: m micro-batches over pp stages whose
   * layers take `layersTotalS` per micro-batch in total (no communication, head or embedding).
   */
  lowerBoundS(pp: number, vpp: number, microBatches: number, layersTotalS: number): number;
}
