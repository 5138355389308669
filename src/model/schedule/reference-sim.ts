/**
 * Event-level pipeline reference: plays a schedule op by op — forward (F), backward (B: input
 * gradients, or the full backward when the schedule does not split it), weight-gradient (W)
 * chunks and DualPipe's overlapped forward-and-backward pairs (FB) — on every pipeline device
 * in the schedule's own per-device order. An op starts when its device is free and the ops it
 * depends on (the same micro-batch on the neighbouring stage, its own forward) have finished.
 * Point-to-point send/recv is part of each op's time (blocking, as Megatron's batched
 * isend/irecv are waited on before the next op). Returns the step's pipelined time and the
 * peak in-flight activations per device. Pure; the ground truth the closed forms are tested on.
 */
import type { ScheduleId } from './schedule.js';

/** Per-device seconds of one micro-batch over all of the device's layers (all chunks together). */
export interface StageTimes {
  /** Forward, including its send/recv. */
  fwdS: readonly number[];
  /** Backward for inputs (and weights, where the schedule does not split them), with send/recv. */
  bwdS: readonly number[];
  /** Backward for weights (part of bwdS for schedules that do not split it). */
  wS: readonly number[];
  /** DualPipe: an overlapped forward-and-backward pair (one chunk each), per device. */
  fbS?: readonly number[];
}

export interface PipelineCase {
  schedule: ScheduleId;
  pp: number;
  vpp: number;
  microBatches: number;
  stages: StageTimes;
}

export type OpKind = 'F' | 'B' | 'W' | 'FB';

/** One op on one device: micro-batch(es) and virtual stage(s) of the micro-batch's path. */
export interface Op {
  kind: OpKind;
  mb: number;
  stage: number;
  /** FB only: the backward half. */
  mb2?: number;
  stage2?: number;
  /** DualPipe B only: a full backward (its W not split off). */
  full?: boolean;
}

export interface TimedOp extends Op {
  device: number;
  startS: number;
  endS: number;
}

export interface SimResult {
  stepS: number;
  /** Peak chunk activations held per device (F done, its backward/weight-gradient not yet). */
  peakChunks: number[];
  timeline: TimedOp[];
}

/** Device that runs virtual stage `stage` of micro-batch `mb`. */
export function deviceOf(c: PipelineCase, mb: number, stage: number): number {
  if (c.schedule === 'dualpipe') return mb < c.microBatches / 2 ? stage : c.pp - 1 - stage;
  return stage % c.pp;
}

/** Virtual stages on a micro-batch's path. */
export function pathLength(c: PipelineCase): number {
  return c.schedule === 'interleaved' ? c.pp * c.vpp : c.pp;
}

/** Each device's op order for the case's schedule. */
export function opOrders(c: PipelineCase): Op[][] {
  switch (c.schedule) {
    case '1f1b':
    case 'interleaved':
      return Array.from({ length: c.pp }, (_, d) => megatronOrder(c.pp, c.schedule === 'interleaved' ? c.vpp : 1, c.microBatches, d));
    case 'zero-bubble':
      return Array.from({ length: c.pp }, (_, d) => zbH1Order(c.pp, c.microBatches, d));
    case 'dualpipe':
      return Array.from({ length: c.pp }, (_, d) => dualPipeOrder(c.pp, c.microBatches, d));
  }
}

/**
 * Megatron-LM's (interleaved) 1F1B order on device d: warm-up forwards, then one forward and
 * one backward alternately, then the remaining backwards. Virtual micro-batch k maps to chunk
 * ⌊k/pp⌋ mod vpp of micro-batch ⌊k/(pp·vpp)⌋·pp + k mod pp (backward: chunks in reverse).
 */
function megatronOrder(pp: number, vpp: number, m: number, d: number): Op[] {
  const total = m * vpp;
  const warm = Math.min(vpp === 1 ? pp - d - 1 : (pp - d - 1) * 2 + (vpp - 1) * pp, total);
  const fwd = (k: number): Op => {
    const chunk = Math.floor(k / pp) % vpp;
    return { kind: 'F', mb: Math.floor(k / (pp * vpp)) * pp + (k % pp), stage: chunk * pp + d };
  };
  const bwd = (k: number): Op => {
    const chunk = vpp - 1 - (Math.floor(k / pp) % vpp);
    return { kind: 'B', mb: Math.floor(k / (pp * vpp)) * pp + (k % pp), stage: chunk * pp + d };
  };
  const ops: Op[] = [];
  for (let k = 0; k < warm; k++) ops.push(fwd(k));
  for (let k = 0; k < total - warm; k++) ops.push(fwd(warm + k), bwd(k));
  for (let k = total - warm; k < total; k++) ops.push(bwd(k));
  return ops;
}

/**
 * ZB-H1 (Qi et al. 2024, §2.1): 1F1B with the backward split into B and W; device d delays
 * its weight-gradient passes by d micro-batches, so every device holds up to min(pp, m)
 * micro-batches (1F1B's first-stage peak) and the delayed W fill the drain.
 */
function zbH1Order(pp: number, m: number, d: number): Op[] {
  const warm = Math.min(pp - d - 1, m);
  const ops: Op[] = [];
  let w = 0;
  const weight = (b: number) => {
    if (b - d >= 0 && w <= b - d) ops.push({ kind: 'W', mb: w++, stage: d });
  };
  for (let k = 0; k < warm; k++) ops.push({ kind: 'F', mb: k, stage: d });
  for (let k = 0; k < m - warm; k++) {
    ops.push({ kind: 'F', mb: warm + k, stage: d }, { kind: 'B', mb: k, stage: d });
    weight(k);
  }
  for (let k = m - warm; k < m; k++) {
    ops.push({ kind: 'B', mb: k, stage: d });
    weight(k);
  }
  while (w < m) ops.push({ kind: 'W', mb: w++, stage: d });
  return ops;
}

/**
 * DualPipe (DeepSeek-V3 report §3.2.1; the eight steps of deepseek-ai/DualPipe's `step`):
 * half the micro-batches enter at device 0, half at device pp−1. "Phase 0" on a device is the
 * direction in which it holds a first-half stage, "phase 1" the other. Backwards marked
 * deferred leave their W for later W ops (first in, first out); the others are full backwards.
 */
function dualPipeOrder(pp: number, m: number, r: number): Op[] {
  const half = pp / 2;
  const hr = Math.min(r, pp - 1 - r);
  const hm = m / 2;
  const middle = hr === half - 1;
  // Direction of each phase on this device, and the path stage this device holds in it.
  const dirOf = (phase: 0 | 1) => (phase ^ (r >= half ? 1 : 0)) as 0 | 1;
  const stageOf = (phase: 0 | 1) => (dirOf(phase) === 0 ? r : pp - 1 - r);
  const nextF = [0, 0];
  const nextB = [0, 0];
  const mbOf = (phase: 0 | 1, k: number) => (dirOf(phase) === 0 ? k : hm + k);
  const deferred: Op[] = [];
  const ops: Op[] = [];
  const F = (ph: 0 | 1) => ops.push({ kind: 'F', mb: mbOf(ph, nextF[ph]!++), stage: stageOf(ph) });
  const B = (ph: 0 | 1, zb: boolean) => {
    const op: Op = { kind: 'B', mb: mbOf(ph, nextB[ph]!++), stage: stageOf(ph) };
    ops.push(zb ? op : { ...op, full: true });
    if (zb) deferred.push({ kind: 'W', mb: op.mb, stage: op.stage });
  };
  const W = () => {
    const w = deferred.shift();
    if (w) ops.push(w);
  };
  const FB = (fph: 0 | 1, bph: 0 | 1) =>
    ops.push({ kind: 'FB', mb: mbOf(fph, nextF[fph]!++), stage: stageOf(fph), mb2: mbOf(bph, nextB[bph]!++), stage2: stageOf(bph) });
  for (let i = 0; i < (half - hr - 1) * 2; i++) F(0); // 1: nF0
  for (let i = 0; i < hr + 1; i++) { F(0); F(1); } // 2: nF0F1
  for (let i = 0; i < half - hr - 1; i++) { B(1, true); W(); F(1); } // 3: nB1W1F1
  const main = hm - pp + hr + 1; // 4: nF0B1F1B0
  for (let i = 0; i < main; i++) {
    if (i === 0 && middle) { F(0); B(1, false); } else FB(0, 1);
    FB(1, 0);
  }
  for (let i = 0; i < half - hr - 1; i++) { B(1, false); FB(1, 0); } // 5: nB1F1B0
  let zb = false; // 6: nB1B0, the second half with deferred W
  const step6 = hr + 1;
  for (let i = 0; i < step6; i++) {
    if (i === Math.floor(step6 / 2) && hr % 2 === 1) zb = true;
    B(1, zb);
    if (i === Math.floor(step6 / 2) && hr % 2 === 0) zb = true;
    B(0, zb);
  }
  for (let i = 0; i < half - hr - 1; i++) { W(); B(0, true); } // 7: nWB0
  for (let i = 0; i < hr + 1; i++) W(); // 8: nW
  return ops;
}

/** Whether a backward op in `ops` is a full backward (its W not split off). */
function fullBackward(c: PipelineCase, op: Op): boolean {
  if (c.schedule === '1f1b' || c.schedule === 'interleaved') return true;
  if (c.schedule === 'zero-bubble') return false;
  return op.full === true;
}

/** Play the case: every op at the earliest time its device and its inputs allow. */
export function simulatePipeline(c: PipelineCase): SimResult {
  const { pp, microBatches: m } = c;
  const S = pathLength(c);
  const orders = opOrders(c);
  const chunks = c.schedule === 'interleaved' ? c.vpp : 1;
  const st = c.stages;
  const fEnd = new Float64Array(m * S).fill(NaN);
  const bEnd = new Float64Array(m * S).fill(NaN);
  const free = new Float64Array(pp);
  const ptr = new Int32Array(pp);
  const timeline: TimedOp[] = [];
  const fReady = (mb: number, s: number): number => (s === 0 ? 0 : (fEnd[mb * S + s - 1] as number));
  const bReady = (mb: number, s: number): number => {
    const own = fEnd[mb * S + s] as number;
    if (s === S - 1) return own;
    const next = bEnd[mb * S + s + 1] as number;
    return Number.isNaN(own) || Number.isNaN(next) ? NaN : Math.max(own, next);
  };
  let left = orders.reduce((n, o) => n + o.length, 0);
  while (left > 0) {
    let progress = false;
    for (let d = 0; d < pp; d++) {
      const order = orders[d] as Op[];
      for (;;) {
        const op = order[ptr[d] as number];
        if (!op) break;
        let ready: number;
        let dur: number;
        const f = (st.fwdS[d] as number) / chunks;
        const w = (st.wS[d] as number) / chunks;
        const b = (st.bwdS[d] as number) / chunks;
        if (op.kind === 'F') {
          ready = fReady(op.mb, op.stage);
          dur = f;
        } else if (op.kind === 'B') {
          ready = bReady(op.mb, op.stage);
          dur = fullBackward(c, op) ? b + w : b;
        } else if (op.kind === 'W') {
          ready = bEnd[op.mb * S + op.stage] as number;
          dur = w;
        } else {
          const r1 = fReady(op.mb, op.stage);
          const r2 = bReady(op.mb2 as number, op.stage2 as number);
          ready = Number.isNaN(r1) || Number.isNaN(r2) ? NaN : Math.max(r1, r2);
          dur = (st.fbS?.[d] ?? f + b + w) as number;
        }
        if (Number.isNaN(ready)) break;
        const startS = Math.max(ready, free[d] as number);
        const endS = startS + dur;
        free[d] = endS;
        if (op.kind === 'F' || op.kind === 'FB') fEnd[op.mb * S + op.stage] = endS;
        if (op.kind === 'B') bEnd[op.mb * S + op.stage] = endS;
        if (op.kind === 'FB') bEnd[(op.mb2 as number) * S + (op.stage2 as number)] = endS;
        timeline.push({ ...op, device: d, startS, endS });
        ptr[d]!++;
        left--;
        progress = true;
      }
    }
    if (!progress) throw new Error(`pipeline schedule ${c.schedule} deadlocks (pp ${pp}, vpp ${c.vpp}, m ${m})`);
  }
  return { stepS: Math.max(...free), peakChunks: orders.map((o) => peakChunks(c, o)), timeline };
}

/** Peak chunk activations a device holds along its op order. */
export function peakChunks(c: PipelineCase, order: readonly Op[]): number {
  let held = 0;
  let peak = 0;
  for (const op of order) {
    if (op.kind === 'F' || op.kind === 'FB') peak = Math.max(peak, ++held);
    if (op.kind === 'B' && fullBackward(c, op)) held--;
    if (op.kind === 'FB') held--; // its backward half is a full backward
    if (op.kind === 'W') held--;
  }
  return peak;
}
