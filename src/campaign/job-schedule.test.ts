import { describe, expect, it } from 'vitest';
import type { Estimate } from '../model/result.js';
import type { ParallelPlan } from '../spec/types.js';
import { scheduleJob, type CapacityDay } from './job-schedule.js';
import type { Planner } from './planner.js';

const plan: ParallelPlan = { tp: 8, pp: 1, dp: 1, cp: 1, ep: 1, vpp: 1, microBatch: 1, sequenceParallel: true, recompute: 'none', distributedOptimizer: true, zeroStage: 1, tpCommOverlap: true };

/** Uses GPUs in whole blocks of 1,000; throughput proportional to GPUs used. */
function blockPlanner(calls: number[]): Planner {
  return (gpus) => {
    calls.push(gpus);
    const used = Math.floor(gpus / 1000) * 1000;
    if (used === 0) return undefined;
    const estimate = { stepTimeS: 1, tokensPerSec: used, tokensPerSecPerGpu: 1, mfu: 0.4, memory: { totalGiB: 50 }, paramsTotal: 1, paramsActive: 1, modelFlopsPerToken: 6 } as unknown as Estimate;
    return { parallel: plan, gpusUsed: used, estimate };
  };
}

const ramp = (values: number[]): CapacityDay[] => values.map((gpus, day) => ({ day, gpus, gpu: gpus > 0 ? 'h100-sxm' : undefined }));

describe('scheduleJob', () => {
  it('starts at the threshold, re-plans on growth and when capacity levels off, and only adopts faster plans', () => {
    const calls: number[] = [];
    const s = scheduleJob(ramp([0, 500, 2000, 2100, 2600, 3400, 3900, 3900, 3900, 9000]), { startGpus: 1500, replanGrowth: 0.25, planner: blockPlanner(calls) });
    expect(s.startDay).toBe(2);
    // 2000 (start), 2600 (+30%), 3400 (+31%), 3900 (plateau), 9000 (+131%); 2100 and the repeated 3900 are not asked.
    expect(calls).toEqual([2000, 2600, 3400, 3900, 9000]);
    // 3900 gives the same 3,000 GPUs as 3400: not adopted (a restart for nothing).
    expect(s.segments.map((x) => [x.day, x.gpusUsed])).toEqual([
      [2, 2000],
      [5, 3000],
      [9, 9000],
    ]);
    expect(s.model?.flopsPerToken).toBe(6);
  });

  it('never starts when no plan fits, and re-plans at once when capacity falls below the job', () => {
    expect(scheduleJob(ramp([100, 200, 300]), { startGpus: 1, replanGrowth: 0.1, planner: blockPlanner([]) }).startDay).toBeNull();
    const s = scheduleJob(ramp([5000, 5000, 3000]), { startGpus: 1, replanGrowth: 0.1, planner: blockPlanner([]) });
    expect(s.segments.map((x) => x.gpusUsed)).toEqual([5000, 3000]);
  });
});
