import type { ScheduleId } from '../../spec/types.js';

export type { ScheduleId };
/** The pipeline schedules a plan can name (`parallel.schedule`). */
export const SCHEDULE_IDS: readonly ScheduleId[] = ['1f1b', 'interleaved', 'zero-bubble', 'dualpipe'];

/**
 * Per-device seconds of one micro-batch (all of the device's chunks together): forward,
 * input-gradient backward, weight-gradient backward, and DualPipe's overlapped
 * forward-and-backward pair. Send/recv is inside each. Index < pp.
 */
export interface PipelineTimes {
  fS: ArrayLike<number>;
  bS: ArrayLike<number>;
  wS: ArrayLike<number>;
  fbS: ArrayLike<number>;
}

/** What a schedule makes of m micro-batches, written by `evaluate` (no allocation). */
export interface ScheduleOut {
  /** First forward to last backward (weight gradients included), seconds. */
  pipelineS: number;
  /** Micro-batch activations (in units of one device's full stage) held at the peak, per device. */
  inFlight: Float64Array;
  /** The most of them on any device. */
  peakInFlight: number;
}

export function newScheduleOut(capacity = 128): ScheduleOut {
  return { pipelineS: 0, inFlight: new Float64Array(capacity), peakInFlight: 0 };
}

/**
 * A pipeline schedule: which (pp, vpp, m) it runs, its step in closed form, the activations it
 * keeps, and an admissible lower bound for plan search. Implementations are module-level
 * singletons, one file each, sharing one contract test against the event-level reference.
 */
export interface PipelineSchedule {
  readonly id: ScheduleId;
  /** Frameworks that run it (for messages). */
  readonly frameworks: string;
  /** Why the schedule cannot run this shape (undefined: it can). */
  invalid(pp: number, vpp: number, microBatches: number, layers: number): string | undefined;
  /** Pipelined seconds of m micro-batches over per-device times `t`. */
  pipelineS(pp: number, vpp: number, microBatches: number, t: PipelineTimes): number;
  /** Peak activation chunks device d holds (a chunk: one micro-batch on one of its `chunksPerStage` chunks). */
  peakChunks(pp: number, vpp: number, microBatches: number, device: number): number;
  /** Chunks a device's stage is cut into: activations per chunk are 1/chunksPerStage of the stage's. */
  chunksPerStage(vpp: number): number;
  /**
   * A lower bound on `pipelineS` for plan search: m micro-batches on pp devices whose layers
   * take `layersS` per micro-batch in all (`layersComputeS` without their communication).
   */
  lowerBoundS(pp: number, vpp: number, microBatches: number, layersS: number, layersComputeS: number): number;
}

/** Evaluate a schedule on a stage load into `out` (pipelined time and in-flight activations). */
export function runSchedule(s: PipelineSchedule, pp: number, vpp: number, microBatches: number, t: PipelineTimes, out: ScheduleOut): ScheduleOut {
  if (out.inFlight.length < pp) out.inFlight = new Float64Array(Math.max(pp, 2 * out.inFlight.length));
  out.pipelineS = s.pipelineS(pp, vpp, microBatches, t);
  const per = s.chunksPerStage(vpp);
  let peak = 0;
  for (let d = 0; d < pp; d++) {
    const v = s.peakChunks(pp, vpp, microBatches, d) / per;
    out.inFlight[d] = v;
    if (v > peak) peak = v;
  }
  out.peakInFlight = peak;
  return out;
}

/** max over devices of a(d) (+ b(d)) */
export function maxOf(pp: number, a: ArrayLike<number>, b?: ArrayLike<number>, c?: ArrayLike<number>): number {
  let m = -Infinity;
  for (let d = 0; d < pp; d++) {
    const v = (a[d] as number) + (b ? (b[d] as number) : 0) + (c ? (c[d] as number) : 0);
    if (v > m) m = v;
  }
  return m;
}

export function sumOf(pp: number, a: ArrayLike<number>, b?: ArrayLike<number>, c?: ArrayLike<number>): number {
  let s = 0;
  for (let d = 0; d < pp; d++) s += (a[d] as number) + (b ? (b[d] as number) : 0) + (c ? (c[d] as number) : 0);
  return s;
}

export function minOf(pp: number, a: ArrayLike<number>): number {
  let m = Infinity;
  for (let d = 0; d < pp; d++) if ((a[d] as number) < m) m = a[d] as number;
  return m;
}
