import { estimate, estimateIssues, type Estimate } from '../model/index.js';
import { costPerToken, ratesFor, search, type Rates } from '../search/index.js';
import { parseSpecValue, type ParallelPlan, type Precision } from '../spec/index.js';
import { pointAxes, pointId, pointSpecValue } from './expand.js';
import { hasPlan } from './parse-sweep.js';
import type { RowIssue, SweepRow } from './row.js';
import type { Sweep } from './types.js';

/**
 * Answer one point of a sweep: with a `parallel` plan, its estimate; without, the best plan the
 * search finds under the sweep's objective. Pure and deterministic: the row depends only on the
 * sweep and the point (nothing about time, threads or files), so any process can compute any point.
 */
export function runPoint(sweep: Sweep, point: number): SweepRow {
  const axes = pointAxes(sweep.axes, point);
  const { value } = pointSpecValue(sweep.base, sweep.axes, point);
  const withPlan = hasPlan(value);
  const head = { sweep: sweep.fingerprint, point, points: sweep.points, id: pointId(axes), axes, mode: withPlan ? ('estimate' as const) : ('search' as const) };
  const parsed = parseSpecValue(value, undefined, [], withPlan ? {} : { planOptional: true });
  if (!parsed.ok) {
    const issues: RowIssue[] = parsed.issues.map((i) => {
      const out: RowIssue = { path: i.path, message: i.message };
      if (i.expected !== undefined) out.expected = i.expected;
      if (i.received !== undefined) out.received = i.received;
      return out;
    });
    return { ...head, ok: false, error: 'the point is not a valid spec', issues };
  }
  const spec = parsed.spec;
  if (withPlan) {
    const e = estimate(spec);
    const broken = estimateIssues(e);
    if (broken.length > 0) return { ...head, ok: false, error: 'the point gives a result that is not physical', issues: broken };
    return answered(head, e, { gpusUsed: e.gpusUsed, spareGpus: spec.system.gpus - e.gpusUsed, precision: spec.training.precision, parallel: e.parallel }, ratesFor(spec.system.gpu, {}), null);
  }
  const opts = sweep.search.precisions
    ? { top: 1, objective: sweep.search.objective, memoryMargin: sweep.search.memoryMargin, precisions: sweep.search.precisions }
    : { top: 1, objective: sweep.search.objective, memoryMargin: sweep.search.memoryMargin };
  const r = search(spec, opts);
  const best = r.plans[0];
  if (!best) {
    return {
      ...head,
      ok: false,
      error: `no plan fits in memory (${r.considered} plans considered, memory margin ${sweep.search.memoryMargin})`,
      issues: [],
    };
  }
  return answered(head, best.estimate, best, ratesFor(spec.system.gpu, {}), r.evaluated);
}

/** The row of a point that has an answer: the estimate of its plan (given or found). */
function answered(
  head: Pick<SweepRow, 'sweep' | 'point' | 'points' | 'id' | 'axes' | 'mode'>,
  e: Estimate,
  plan: { gpusUsed: number; spareGpus: number; precision: Precision; parallel: ParallelPlan },
  rates: Rates,
  plansEvaluated: number | null,
): SweepRow {
  return {
    ...head,
    ok: true,
    tokensPerSec: e.tokensPerSec,
    tokensPerSecPerGpu: e.tokensPerSecPerGpu,
    modelTflopsPerGpu: e.modelTflopsPerGpu,
    mfu: e.mfu,
    stepTimeS: e.stepTimeS,
    memoryGiB: e.memory.totalGiB,
    fits: e.fits,
    gpusUsed: plan.gpusUsed,
    spareGpus: plan.spareGpus,
    precision: plan.precision,
    parallel: plan.parallel,
    ...costPerToken(e.tokensPerSec, plan.gpusUsed, rates),
    timeToTrainDays: e.timeToTrainDays ?? null,
    plansEvaluated,
  };
}
