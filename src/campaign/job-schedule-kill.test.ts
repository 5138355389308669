import { describe, expect, it } from 'vitest';
import type { Estimate } from '../model/result.js';
import type { ParallelPlan } from '../spec/types.js';
import { scheduleJob, type CapacityDay } from './job-schedule.js';
import type { Planner } from './planner.js';

const parallel: ParallelPlan = { tp: 8, pp: 1, dp: 1, cp: 1, ep: 1, vpp: 1, microBatch: 1, sequenceParallel: true, recompute: 'none', distributedOptimizer: true, zeroStage: 1, tpCommOverlap: true };

/** What the stub planner answers for a capacity: the GPUs the job uses and its tokens/s, or nothing. */
type Answer = { used: number; tps: number } | undefined;

interface Call {
  gpus: number;
  gpu: string;
  byType: Readonly<Record<string, number>> | undefined;
}

/** A planner that records every call and answers with `answer` (a minimal, hand-made estimate). */
function stubPlanner(calls: Call[], answer: (gpus: number, gpu: string) => Answer): Planner {
  return (gpus, gpu, byType) => {
    calls.push({ gpus, gpu, byType });
    const a = answer(gpus, gpu);
    if (!a) return undefined;
    const estimate = {
      stepTimeS: 2,
      tokensPerSec: a.tps,
      tokensPerSecPerGpu: a.tps / a.used,
      mfu: 0.5,
      memory: { totalGiB: 40 },
      paramsTotal: 8e9,
      paramsActive: 7e9,
      modelFlopsPerToken: 5e10,
    } as unknown as Estimate;
    return { parallel, gpusUsed: a.used, estimate };
  };
}

/** Uses every GPU asked for; throughput proportional to them. */
const all = (gpus: number): Answer => ({ used: gpus, tps: gpus });

const h100 = (values: number[]): CapacityDay[] => values.map((gpus, day) => ({ day, gpus, gpu: 'h100-sxm' }));

describe('scheduleJob: planner calls and segments', () => {
  it('counts every planner call, hits that are not adopted included', () => {
    const calls: Call[] = [];
    // 1000 (start), 1250 (exactly +25%: grown), 1250 again (plateau? no: not above the 1250 asked), 2000 (grown).
    const s = scheduleJob(h100([1000, 1250, 1250, 2000]), { startGpus: 1000, replanGrowth: 0.25, planner: stubPlanner(calls, all) });
    expect(calls.map((c) => c.gpus)).toEqual([1000, 1250, 2000]);
    expect(s.plannerCalls).toBe(3);
    expect(s.segments.map((x) => [x.day, x.capacityGpus, x.gpusUsed])).toEqual([
      [0, 1000, 1000],
      [1, 1250, 1250],
      [3, 2000, 2000],
    ]);
    expect(s.startDay).toBe(0);
  });

  it('copies the plan into the segment and the model from the first plan', () => {
    const calls: Call[] = [];
    const days: CapacityDay[] = [{ day: 7, gpus: 600, gpu: 'h100-sxm+h200-sxm', byType: { 'h100-sxm': 400, 'h200-sxm': 200 } }];
    const s = scheduleJob(days, { startGpus: 500, replanGrowth: 0.1, planner: stubPlanner(calls, () => ({ used: 512, tps: 1024 })) });
    expect(calls).toEqual([{ gpus: 600, gpu: 'h100-sxm+h200-sxm', byType: { 'h100-sxm': 400, 'h200-sxm': 200 } }]);
    expect(s).toEqual({
      startDay: 7,
      plannerCalls: 1,
      model: { paramsTotal: 8e9, paramsActive: 7e9, flopsPerToken: 5e10 },
      segments: [{ day: 7, gpu: 'h100-sxm+h200-sxm', capacityGpus: 600, gpusUsed: 512, parallel, stepTimeS: 2, tokensPerSec: 1024, tokensPerSecPerGpu: 2, mfu: 0.5, memoryGiB: 40 }],
    });
  });
});

describe('scheduleJob: the start', () => {
  it('starts on a day with exactly startGpus usable GPUs', () => {
    const calls: Call[] = [];
    const s = scheduleJob(h100([999, 1000]), { startGpus: 1000, replanGrowth: 0.25, planner: stubPlanner(calls, all) });
    expect(calls.map((c) => c.gpus)).toEqual([1000]);
    expect(s.startDay).toBe(1);
  });

  it('when nothing fits, no segment is made and the planner is asked again only once capacity reaches askedAt × (1 + replanGrowth)', () => {
    const calls: Call[] = [];
    // Fits from 1300 GPUs on. First ask at 1000 fails; the threshold is then 1000 × 1.25 = 1250.
    const fitsFrom1300 = (gpus: number): Answer => (gpus >= 1300 ? all(gpus) : undefined);
    const s = scheduleJob(h100([1000, 1000, 1100, 1249, 1250, 1260, 1300]), { startGpus: 1000, replanGrowth: 0.25, planner: stubPlanner(calls, fitsFrom1300) });
    // 1000 fails; 1000 again, 1100, 1249 are below 1250: not asked; 1250 asked (exactly at the threshold) and fails;
    // the threshold becomes 1250 × 1.25 = 1562.5: 1260 and 1300 are not asked.
    expect(calls.map((c) => c.gpus)).toEqual([1000, 1250]);
    expect(s.plannerCalls).toBe(2);
    expect(s.segments).toEqual([]);
    expect(s.startDay).toBeNull();
    expect(s.model).toBeNull();
  });

  it('after a failed first ask, starts once capacity has grown past the threshold', () => {
    const calls: Call[] = [];
    const fitsFrom1300 = (gpus: number): Answer => (gpus >= 1300 ? all(gpus) : undefined);
    const s = scheduleJob(h100([1000, 1200, 1300]), { startGpus: 500, replanGrowth: 0.25, planner: stubPlanner(calls, fitsFrom1300) });
    // 1200 < 1250: waits; 1300 ≥ 1250: asked, fits.
    expect(calls.map((c) => c.gpus)).toEqual([1000, 1300]);
    expect(s.startDay).toBe(2);
    expect(s.segments.map((x) => [x.day, x.gpusUsed])).toEqual([[2, 1300]]);
  });

  it('a failed ask at the same capacity is not repeated the next day', () => {
    const calls: Call[] = [];
    const s = scheduleJob(h100([800, 800, 800]), { startGpus: 1, replanGrowth: 0.5, planner: stubPlanner(calls, () => undefined) });
    expect(calls.map((c) => c.gpus)).toEqual([800]);
    expect(s.plannerCalls).toBe(1);
    expect(s.segments).toEqual([]);
  });
});

describe('scheduleJob: days without usable GPUs', () => {
  it('skips days with 0 GPUs or no GPU type, before and after the start', () => {
    const calls: Call[] = [];
    const days: CapacityDay[] = [
      { day: 0, gpus: 0, gpu: 'h100-sxm' },
      { day: 1, gpus: 900, gpu: undefined },
      { day: 2, gpus: 1000, gpu: 'h100-sxm' },
      { day: 3, gpus: 0, gpu: 'h100-sxm' },
      { day: 4, gpus: 1100, gpu: undefined },
      { day: 5, gpus: 0, gpu: undefined },
      { day: 6, gpus: 1000, gpu: 'h100-sxm' },
    ];
    const s = scheduleJob(days, { startGpus: 1, replanGrowth: 0.5, planner: stubPlanner(calls, all) });
    // Day 6 is the same capacity as asked, not a plateau above it (the day before had 0 GPUs): not asked.
    expect(calls).toEqual([{ gpus: 1000, gpu: 'h100-sxm', byType: undefined }]);
    expect(s.plannerCalls).toBe(1);
    expect(s.segments.map((x) => x.day)).toEqual([2]);
  });

  it('a day with GPUs but no type does not start the job', () => {
    const calls: Call[] = [];
    const s = scheduleJob([{ day: 0, gpus: 2000, gpu: undefined }], { startGpus: 1, replanGrowth: 0.5, planner: stubPlanner(calls, all) });
    expect(calls).toEqual([]);
    expect(s.startDay).toBeNull();
  });
});

describe('scheduleJob: re-plans', () => {
  it('re-plans at exactly askedAt × (1 + replanGrowth), not just below it', () => {
    const calls: Call[] = [];
    // 1000 asked; 1100 and 1249 are below 1250 (and not plateaus); 1250 is grown.
    const s = scheduleJob(h100([1000, 1100, 1249, 1250]), { startGpus: 1000, replanGrowth: 0.25, planner: stubPlanner(calls, all) });
    expect(calls.map((c) => c.gpus)).toEqual([1000, 1250]);
    expect(s.segments.map((x) => [x.day, x.gpusUsed])).toEqual([
      [0, 1000],
      [3, 1250],
    ]);
  });

  it('a plateau at the capacity last asked for is not re-planned; one above it is', () => {
    const calls: Call[] = [];
    // The job uses 900 of the 1000 asked: a plateau at 1000 is not above what was asked.
    const uses90 = (gpus: number): Answer => ({ used: Math.floor(gpus * 0.9), tps: gpus });
    const s = scheduleJob(h100([1000, 1000, 1000]), { startGpus: 1, replanGrowth: 0.5, planner: stubPlanner(calls, uses90) });
    expect(calls.map((c) => c.gpus)).toEqual([1000]);
    expect(s.plannerCalls).toBe(1);

    const calls2: Call[] = [];
    // 1000 asked; 1100 (not grown, first day at that level); 1100 again: the plateau's first day, above 1000 asked.
    const s2 = scheduleJob(h100([1000, 1100, 1100, 1100]), { startGpus: 1, replanGrowth: 0.5, planner: stubPlanner(calls2, uses90) });
    expect(calls2.map((c) => c.gpus)).toEqual([1000, 1100]);
    expect(s2.segments.map((x) => [x.day, x.gpusUsed])).toEqual([
      [0, 900],
      [2, 990],
    ]);
  });

  it('a plateau at exactly the GPUs the job uses is not re-planned, even above what was last asked', () => {
    const calls: Call[] = [];
    // Fits only on 2000 or more GPUs (and uses them all). Capacity falls to 1500: a forced re-plan that finds
    // nothing (the job keeps its plan, askedAt becomes 1500); back to 2000, twice: above 1500 asked but not above
    // the 2000 in use, and below 1500 × 1.5 = 2250.
    const fitsFrom2000 = (gpus: number): Answer => (gpus >= 2000 ? all(gpus) : undefined);
    const s = scheduleJob(h100([2000, 1500, 2000, 2000]), { startGpus: 1, replanGrowth: 0.5, planner: stubPlanner(calls, fitsFrom2000) });
    expect(calls.map((c) => c.gpus)).toEqual([2000, 1500]);
    expect(s.plannerCalls).toBe(2);
    expect(s.segments.map((x) => [x.day, x.gpusUsed])).toEqual([[0, 2000]]);
  });

  it('a change of GPU type forces a re-plan, adopted even when it is not faster', () => {
    const calls: Call[] = [];
    const days: CapacityDay[] = [
      { day: 0, gpus: 1000, gpu: 'h100-sxm' },
      { day: 1, gpus: 1000, gpu: 'h200-sxm' },
    ];
    const slowerOnH200 = (gpus: number, gpu: string): Answer => ({ used: gpus, tps: gpu === 'h200-sxm' ? 500 : 1000 });
    const s = scheduleJob(days, { startGpus: 1, replanGrowth: 0.5, planner: stubPlanner(calls, slowerOnH200) });
    expect(calls.map((c) => [c.gpus, c.gpu])).toEqual([
      [1000, 'h100-sxm'],
      [1000, 'h200-sxm'],
    ]);
    expect(s.segments.map((x) => [x.day, x.gpu, x.tokensPerSec])).toEqual([
      [0, 'h100-sxm', 1000],
      [1, 'h200-sxm', 500],
    ]);
  });

  it('adopts a grown plan only if it is more than 0.1% faster', () => {
    const base = 3000;
    const cases: [number, boolean][] = [
      [base, false], // same speed
      [base * 1.0005, false], // faster by 0.05%
      [base * 1.001, false], // exactly the 1.001 factor: not more
      [base * 1.002, true], // faster by 0.2%
    ];
    for (const [nextTps, adopted] of cases) {
      const calls: Call[] = [];
      const answer = (gpus: number): Answer => ({ used: 1000, tps: gpus === 1000 ? base : nextTps });
      const s = scheduleJob(h100([1000, 2000]), { startGpus: 1, replanGrowth: 0.5, planner: stubPlanner(calls, answer) });
      expect(s.plannerCalls, `next ${nextTps}`).toBe(2);
      expect(s.segments.map((x) => [x.day, x.tokensPerSec]), `next ${nextTps}`).toEqual(adopted ? [[0, base], [1, nextTps]] : [[0, base]]);
    }
  });

  it('a forced re-plan that finds nothing keeps the current plan', () => {
    const calls: Call[] = [];
    const s = scheduleJob(h100([2000, 1000]), { startGpus: 1, replanGrowth: 0.5, planner: stubPlanner(calls, (g) => (g >= 2000 ? all(g) : undefined)) });
    expect(calls.map((c) => c.gpus)).toEqual([2000, 1000]);
    expect(s.segments.map((x) => [x.day, x.gpusUsed])).toEqual([[0, 2000]]);
  });
});
