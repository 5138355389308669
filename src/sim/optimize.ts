import { availabilityOptimalIntervalS, dalyIntervalS, youngIntervalS } from './checkpoint.js';
import { firstOrderEttr } from './closed-form.js';
import type { JobModel } from './job.js';
import type { ReplicationRunner } from './replicate.js';
import type { SimScenario } from './scenario.js';
import { jobMtbfS, restartOverheadS, sig } from './summary.js';

export interface IntervalPoint {
  intervalS: number;
  /** Mean simulated ETTR over the scenario's replications (common random numbers across points). */
  ettr: number;
  closedFormEttr: number;
}

export interface CheckpointOptimization {
  /** The swept grid, ascending. */
  sweep: IntervalPoint[];
  best: IntervalPoint;
  young: IntervalPoint;
  daly: IntervalPoint;
  availabilityOptimal: IntervalPoint;
  /** best.ettr − daly.ettr, in ETTR points (×100). */
  gainOverDalyPoints: number;
}

/**
 * Sweep the checkpoint interval on a log grid around Daly's (from 1/5× to 5×), simulate every point
 * with the same seeds (so differences are not noise between seeds), and compare the best with the
 * Young, Daly and availability-optimal intervals.
 */
export async function optimizeCheckpoint(sc: SimScenario, run: ReplicationRunner, points = 21): Promise<CheckpointOptimization> {
  const job = sc.job;
  const mtbfS = jobMtbfS(job);
  const { blockS, restoreS, writeS } = job.checkpoint;
  const cost = Math.max(blockS, 1e-3);
  const minS = sc.asyncCheckpoint ? Math.max(1, writeS - blockS) : 1;
  const clamp = (s: number): number => Math.max(minS, s);
  const daly = clamp(dalyIntervalS(cost, mtbfS));
  const young = clamp(youngIntervalS(cost, mtbfS));
  const avail = clamp(availabilityOptimalIntervalS(cost, mtbfS, restoreS));
  const overheadS = restartOverheadS(job);

  const evaluate = async (intervalS: number): Promise<IntervalPoint> => {
    const variant: JobModel = { ...job, checkpoint: { ...job.checkpoint, intervalS } };
    const reps = await run(variant, sc.seed, sc.replications);
    let sum = 0;
    for (const r of reps) sum += r.gpuS.total > 0 ? r.gpuS.productive / r.gpuS.total : 0;
    return {
      intervalS: sig(intervalS),
      ettr: sig(sum / Math.max(1, reps.length)),
      closedFormEttr: sig(firstOrderEttr({ mtbfS, restartOverheadS: overheadS, intervalS, blockS })),
    };
  };

  const sweep: IntervalPoint[] = [];
  const n = Math.max(3, points);
  for (let i = 0; i < n; i++) {
    const factor = Math.pow(5, (2 * i) / (n - 1) - 1);
    const s = clamp(daly * factor);
    if (sweep.length && s <= (sweep[sweep.length - 1] as IntervalPoint).intervalS) continue;
    sweep.push(await evaluate(s));
  }
  const youngPoint = await evaluate(young);
  const dalyPoint = await evaluate(daly);
  const availPoint = await evaluate(avail);
  let best = dalyPoint;
  for (const p of [...sweep, youngPoint, availPoint]) if (p.ettr > best.ettr) best = p;
  return {
    sweep,
    best,
    young: youngPoint,
    daly: dalyPoint,
    availabilityOptimal: availPoint,
    gainOverDalyPoints: sig((best.ettr - dalyPoint.ettr) * 100),
  };
}
