import { epFactsOf } from '../spec/ep-facts.js';
import type { ParallelPlan, Precision } from '../spec/types.js';

/** How a point was answered: the best plan found by search, or the estimate of the plan it gives. */
export type SweepMode = 'search' | 'estimate';

/** A field-level problem of one point, as in the spec parser's issues (no file: rows are the same wherever they run). */
export interface RowIssue {
  path: string;
  message: string;
  expected?: string;
  received?: string;
}

interface RowHead {
  /** Fingerprint of the sweep; every row of every shard of one sweep carries the same. */
  sweep: string;
  /** Position of the point in the grid (0-based, first axis slowest). */
  point: number;
  /** Points in the whole sweep (all shards). */
  points: number;
  /** Hash of the axis values: names the combination wherever it sits in the grid. */
  id: string;
  /** The point's axis values by path, in grid order. */
  axes: Record<string, unknown>;
  mode: SweepMode;
}

/** A point answered: the best plan (search) or the given plan (estimate), with its headline numbers. */
export interface SweepRowOk extends RowHead {
  ok: true;
  tokensPerSec: number;
  tokensPerSecPerGpu: number;
  modelTflopsPerGpu: number;
  mfu: number;
  stepTimeS: number;
  /** Memory per GPU on the most loaded stage, GiB. */
  memoryGiB: number;
  fits: boolean;
  gpusUsed: number;
  spareGpus: number;
  precision: Precision;
  parallel: ParallelPlan;
  usdPerMillionTokens: number;
  tokensPerJoule: number;
  /** Days to train `training.tokens` (null when the spec gives none). */
  timeToTrainDays: number | null;
  /** Plans the search evaluated (null for estimates). */
  plansEvaluated: number | null;
}

/** A point that could not be answered: an inconsistent spec, or no plan that fits. */
export interface SweepRowError extends RowHead {
  ok: false;
  error: string;
  issues: RowIssue[];
}

export type SweepRow = SweepRowOk | SweepRowError;

/**
 * One row as one line of JSON, with a fixed key order (the order of the interfaces above), so
 * that the same point gives the same bytes in any thread, process or machine.
 */
export function serializeRow(row: SweepRow): string {
  const head = { sweep: row.sweep, point: row.point, points: row.points, id: row.id, axes: row.axes, mode: row.mode };
  if (!row.ok) {
    const issues = row.issues.map((i) => {
      const out: RowIssue = { path: i.path, message: i.message };
      if (i.expected !== undefined) out.expected = i.expected;
      if (i.received !== undefined) out.received = i.received;
      return out;
    });
    return JSON.stringify({ ...head, ok: false, error: row.error, issues });
  }
  const p = row.parallel;
  return JSON.stringify({
    ...head,
    ok: true,
    tokensPerSec: row.tokensPerSec,
    tokensPerSecPerGpu: row.tokensPerSecPerGpu,
    modelTflopsPerGpu: row.modelTflopsPerGpu,
    mfu: row.mfu,
    stepTimeS: row.stepTimeS,
    memoryGiB: row.memoryGiB,
    fits: row.fits,
    gpusUsed: row.gpusUsed,
    spareGpus: row.spareGpus,
    precision: row.precision,
    parallel: {
      tp: p.tp, pp: p.pp, dp: p.dp, cp: p.cp, ep: p.ep, vpp: p.vpp, microBatch: p.microBatch, sequenceParallel: p.sequenceParallel,
      recompute: p.recompute, distributedOptimizer: p.distributedOptimizer, zeroStage: p.zeroStage, tpCommOverlap: p.tpCommOverlap,
      ...epFactsOf(p),
    },
    usdPerMillionTokens: row.usdPerMillionTokens,
    tokensPerJoule: row.tokensPerJoule,
    timeToTrainDays: row.timeToTrainDays,
    plansEvaluated: row.plansEvaluated,
  });
}
