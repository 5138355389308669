import { totalRatePerHour } from '../sim/causes.js';
import { intervalForPolicy } from '../sim/checkpoint.js';
import { JobEngine } from '../sim/engine.js';
import type { CapacityChange, JobModel, ReplicationResult } from '../sim/job.js';
import type { CampaignReliability } from './campaign-input.js';
import type { JobSchedule } from './job-schedule.js';

export interface TrainJobOptions {
  schedule: JobSchedule;
  reliability: CampaignReliability;
  gpusPerNode: number;
  /** Tokens per optimizer step (global batch × sequence length); constant across re-plans. */
  tokensPerStep: number;
  /** The token budget. */
  tokens: number;
  /** The horizon ends at the end of this day (exclusive: `horizonDays + 1`). */
  endDay: number;
  seed: number;
  /** Replication index: separate jobs of one campaign draw from separate streams. */
  stream: number;
}

export interface TrainedJob {
  model: JobModel;
  run: ReplicationResult;
  /** Compute seconds between checkpoints actually used. */
  checkpointIntervalS: number;
  /** Day (from day 0, fractional) the token budget was reached; null if not within the horizon. */
  doneDay: number | null;
  tokens: number;
  ettr: number;
  /** Tokens trained by the end of each day from the start day on: `[startDay + i + 1] → tokens`. */
  tokensByDay: number[];
}

/**
 * Runs the failure/checkpoint/restart simulator (`src/sim`, one seeded replication) over the job's
 * plan segments: the job starts at its first plan and every later segment is a planned capacity
 * change (a blocking checkpoint, a restart and a restore). The checkpoint interval is chosen for the
 * largest job of the campaign (the most failure-prone), unless the scenario fixes it. Pure.
 */
export function trainJob(o: TrainJobOptions): TrainedJob | undefined {
  const { schedule, reliability: r } = o;
  const first = schedule.segments[0];
  if (schedule.startDay === null || !first) return undefined;
  const startDay = schedule.startDay;
  const nodesOf = (gpus: number): number => Math.max(1, Math.ceil(gpus / o.gpusPerNode));
  const maxNodes = Math.max(...schedule.segments.map((s) => nodesOf(s.gpusUsed)));
  const mtbfS = 3600 / totalRatePerHour(r.causes, maxNodes, o.gpusPerNode, r.nodesPerSwitch);
  const horizonDays = o.endDay - startDay;
  let intervalS =
    r.intervalPolicy === 'fixed'
      ? (r.intervalS ?? horizonDays * 86400)
      : Number.isFinite(mtbfS)
        ? intervalForPolicy(r.intervalPolicy, r.blockS, mtbfS, r.restoreS)
        : horizonDays * 86400;
  if (r.asyncCheckpoint) intervalS = Math.max(intervalS, r.writeS - r.blockS);
  const capacity: CapacityChange[] = schedule.segments.slice(1).map((s) => ({
    atS: (s.day - startDay) * 86400,
    jobNodes: nodesOf(s.gpusUsed),
    stepTimeS: s.stepTimeS,
  }));
  const model: JobModel = {
    gpusPerNode: o.gpusPerNode,
    jobNodes: nodesOf(first.gpusUsed),
    replicaNodes: 1,
    stepTimeS: first.stepTimeS,
    horizonS: horizonDays * 86400,
    targetSteps: o.tokens / o.tokensPerStep,
    causes: r.causes,
    restartS: r.restartS,
    checkpoint: { intervalS, writeS: r.writeS, blockS: r.blockS, restoreS: r.restoreS },
    spareNodes: r.spareNodes,
    elastic: false,
    minReplicas: 1,
    nodesPerSwitch: r.nodesPerSwitch,
    progressSamples: Math.max(1, horizonDays),
    capacity,
  };
  if (r.burnIn && r.burnIn.days > 0) model.burnIn = { untilS: r.burnIn.days * 86400, rateMultiplier: r.burnIn.rateMultiplier };
  const run = new JobEngine(model).run(o.seed, o.stream);
  const done = run.steps >= (model.targetSteps ?? Infinity) * (1 - 1e-9);
  return {
    model,
    run,
    checkpointIntervalS: intervalS,
    doneDay: done ? startDay + run.wallS / 86400 : null,
    tokens: Math.min(o.tokens, run.steps * o.tokensPerStep),
    ettr: run.gpuS.total > 0 ? run.gpuS.productive / run.gpuS.total : 0,
    tokensByDay: run.progressSteps.map((steps) => Math.min(o.tokens, steps * o.tokensPerStep)),
  };
}
