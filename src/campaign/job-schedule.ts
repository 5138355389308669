import type { ParallelPlan } from '../spec/types.js';
import type { Planner } from './planner.js';

/** Usable capacity of a job on one day, and the GPU type its plan is made for. */
export interface CapacityDay {
  day: number;
  gpus: number;
  /** Undefined while no GPU of the job's types is online; types joined by `+` for a mixed plan. */
  gpu: string | undefined;
  /** Usable GPUs per type, for a mixed plan. */
  byType?: Readonly<Record<string, number>>;
}

/** One plan of the job, in force from `day` until the next segment (or the end). */
export interface PlanSegment {
  day: number;
  gpu: string;
  /** Usable GPUs the plan was made for (online minus spares). */
  capacityGpus: number;
  gpusUsed: number;
  parallel: ParallelPlan;
  stepTimeS: number;
  tokensPerSec: number;
  tokensPerSecPerGpu: number;
  mfu: number;
  memoryGiB: number;
}

export interface JobSchedule {
  /** First day with a plan; null if the job never starts within the horizon. */
  startDay: number | null;
  segments: PlanSegment[];
  /** Times the planner was asked (cache misses and hits alike). */
  plannerCalls: number;
  /** The model's size and FLOPs per token, from the first plan (they do not depend on the plan). */
  model: { paramsTotal: number; paramsActive: number; flopsPerToken: number } | null;
}

export interface ScheduleOptions {
  /** Training starts on the first day with at least this many usable GPUs and a plan that fits. */
  startGpus: number;
  /** Re-plan when usable capacity has grown by this fraction since the last plan. */
  replanGrowth: number;
  planner: Planner;
}

/**
 * When the job starts, and when it re-plans. It starts on the first day the usable capacity
 * reaches `startGpus` and a plan fits. Afterwards it asks the planner again whenever capacity has
 * grown by `replanGrowth` since it last asked, or has just stopped growing (the first day of a
 * plateau) above what it last asked for and what the job uses; it adopts the new plan (a
 * reconfiguration: a checkpoint and a restart) only if it trains faster. It must re-plan when
 * capacity falls below the GPUs in use or the GPU type to plan for changes. Pure.
 */
export function scheduleJob(days: readonly CapacityDay[], options: ScheduleOptions): JobSchedule {
  const segments: PlanSegment[] = [];
  let plannerCalls = 0;
  let askedAt = 0;
  let current: PlanSegment | undefined;
  let model: JobSchedule['model'] = null;
  const plan = (d: CapacityDay & { gpu: string }): PlanSegment | undefined => {
    plannerCalls++;
    askedAt = d.gpus;
    const p = options.planner(d.gpus, d.gpu, d.byType);
    if (!p) return undefined;
    model ??= { paramsTotal: p.estimate.paramsTotal, paramsActive: p.estimate.paramsActive, flopsPerToken: p.estimate.modelFlopsPerToken };
    return {
      day: d.day,
      gpu: d.gpu,
      capacityGpus: d.gpus,
      gpusUsed: p.gpusUsed,
      parallel: p.parallel,
      stepTimeS: p.estimate.stepTimeS,
      tokensPerSec: p.estimate.tokensPerSec,
      tokensPerSecPerGpu: p.estimate.tokensPerSecPerGpu,
      mfu: p.estimate.mfu,
      memoryGiB: p.estimate.memory.totalGiB,
    };
  };
  let previousGpus = NaN;
  let stableDays = 0;
  for (const d of days) {
    stableDays = d.gpus === previousGpus ? stableDays + 1 : 0;
    previousGpus = d.gpus;
    const gpu = d.gpu;
    if (gpu === undefined || d.gpus <= 0) continue;
    if (!current) {
      if (d.gpus < options.startGpus) continue;
      if (askedAt > 0 && d.gpus < askedAt * (1 + options.replanGrowth)) continue; // nothing fitted; wait for growth
      const first = plan({ ...d, gpu });
      if (first) {
        current = first;
        segments.push(first);
      }
      continue;
    }
    const forced = gpu !== current.gpu || d.gpus < current.gpusUsed;
    const grown = d.gpus >= askedAt * (1 + options.replanGrowth);
    const plateau = stableDays === 1 && d.gpus > askedAt && d.gpus > current.gpusUsed;
    if (!forced && !grown && !plateau) continue;
    const next = plan({ ...d, gpu });
    if (next && (forced || next.tokensPerSec > current.tokensPerSec * 1.001)) {
      current = next;
      segments.push(next);
    }
  }
  return { startDay: segments[0]?.day ?? null, segments, plannerCalls, model };
}
