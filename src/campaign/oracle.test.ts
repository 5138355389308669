/**
 * The campaign's figures checked against what they mean, computed here independently:
 * - energy and cost are charged to the day the model is done, not the horizon (a longer horizon
 *   changes neither);
 * - MFU is the GPU-day weighted mean over the plan segments in force until the model is done;
 * - each plan starts on the day its capacity is online, and the simulator applies it on that day
 *   (a direct trainJob run with no failures, whose tokens per day are exact).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Planner } from './planner.js';
import { describe, expect, it } from 'vitest';
import { parseDocumentText } from '../core/index.js';
import { parseCampaignScenarioOrThrow } from '../scenario/index.js';
import type { ParallelPlan } from '../spec/types.js';
import type { FailureCause } from '../sim/causes.js';
import { RESTART_DEFAULTS } from '../sim/restart.js';
import type { CampaignReliability } from './campaign-input.js';
import { fixedDegreePlanner } from './fixed-degree-planner.js';
import type { JobSchedule, PlanSegment } from './job-schedule.js';
import { runCampaign } from './run-campaign.js';
import { trainJob } from './train-job.js';

const root = join(import.meta.dirname, '..', '..');
const file = join(root, 'scenarios', 'colossus.yaml');
const load = () => parseCampaignScenarioOrThrow(parseDocumentText(readFileSync(file, 'utf8'), file));

describe('campaign figures against their definitions (bundled scenario, fixed degrees)', () => {
  const input = load();
  const degrees = { tp: 8, pp: 32, cp: 4, ep: 8 }; // m ≥ pp at every capacity (a pipeline that fills)
  input.training.degrees = degrees;
  // Room after the model is done, so charging the horizon would show (the power record ends the run late).
  input.buildout.horizonDays += 100;
  // Made at each call: mutation testing activates its mutant after describe bodies run.
  const planner: Planner = (cap, gpu, byType) => fixedDegreePlanner(input.training, degrees)(cap, gpu, byType);
  // Run inside each test, not shared: mutation testing activates its mutant after describe bodies
  // run, and its per-test coverage would credit a shared run to the first test only (so the MFU and
  // capacity checks below were never run against the mutants they kill). Under a second a run.
  const run = () => {
    const r = runCampaign(input, { planner });
    return { r, done: r.training.timeToModelDays };
  };

  it('the model is done well before the horizon (so charging the horizon would show)', () => {
    const { r, done } = run();
    expect(done).not.toBeNull();
    expect(r.endDay).toBe(Math.ceil(done ?? NaN));
    expect(input.buildout.horizonDays + 1 - r.endDay).toBeGreaterThan(30);
  });

  it('energy and cost stop at the day the model is done: 200 more days of horizon change neither', () => {
    const { r, done } = run();
    const longer = load();
    longer.training.degrees = degrees;
    longer.buildout = { ...longer.buildout, horizonDays: longer.buildout.horizonDays + 200 };
    const l = runCampaign(longer, { planner });
    expect(l.training.timeToModelDays).toBe(done);
    expect(l.endDay).toBe(r.endDay);
    expect(l.energy.mwh).toBe(r.energy.mwh);
    expect(l.cost).toEqual(r.cost);
    // The series covers day 0 to the end day, and its integral is the energy.
    const series = r.energy.series;
    expect(series[0]?.fromDay).toBe(0);
    expect(series[series.length - 1]?.toDay).toBe(r.endDay);
    const mwh = series.reduce((a, s) => a + s.powerMw * (s.toDay - s.fromDay) * 24, 0);
    expect(mwh).toBeCloseTo(r.energy.mwh, 3);
  });

  it('MFU is weighted by GPU-days over the segments until the model is done', () => {
    const { r, done } = run();
    const segs = r.jobs[0]?.segments ?? [];
    expect(segs.length).toBeGreaterThan(2);
    const stop = done ?? NaN;
    let w = 0;
    let wm = 0;
    segs.forEach((s, i) => {
      const until = Math.min(stop, segs[i + 1]?.day ?? stop);
      w += s.gpusUsed * (until - s.day);
      wm += s.gpusUsed * (until - s.day) * s.mfu;
    });
    expect(r.training.mfu).toBeCloseTo(wm / w, 12);
    // The weighting matters here: the plain mean and the day-weighted mean are both clearly different.
    const plain = segs.reduce((a, s) => a + s.mfu, 0) / segs.length;
    let d = 0;
    let dm = 0;
    segs.forEach((s, i) => {
      const until = Math.min(stop, segs[i + 1]?.day ?? stop);
      d += until - s.day;
      dm += (until - s.day) * s.mfu;
    });
    expect(Math.abs(plain - wm / w)).toBeGreaterThan(1e-4);
    expect(Math.abs(dm / d - wm / w)).toBeGreaterThan(1e-5);
  });

  it('each plan is made on a day for the capacity online that day (minus spares)', () => {
    const { r } = run();
    const spareGpus = input.reliability.spareNodes * input.buildout.gpusPerServer;
    const onlineOn = (day: number) => {
      let at = 0;
      for (const p of r.timeline) if (p.day <= day) at = Object.values(p.gpusOnline).reduce((a, b) => a + b, 0);
      return at;
    };
    const segs = r.jobs[0]?.segments ?? [];
    for (const s of segs) {
      expect(s.capacityGpus, `segment of day ${s.day}`).toBe(onlineOn(s.day) - spareGpus);
      expect(s.gpusUsed).toBeLessThanOrEqual(s.capacityGpus);
    }
    // Training starts on the first day startFraction of the delivered GPUs (less spares) is online.
    const delivered = input.buildout.deliveries.reduce((a, x) => a + x.gpus, 0);
    const startGpus = Math.ceil(input.training.startFraction * delivered) - spareGpus;
    const first = r.training.startDay ?? NaN;
    expect(onlineOn(first) - spareGpus).toBeGreaterThanOrEqual(startGpus);
    expect(onlineOn(first - 1) - spareGpus).toBeLessThan(startGpus);
  });
});

describe('trainJob applies each capacity change on its day (no failures: exact tokens per day)', () => {
  const seg = (day: number, gpus: number, stepTimeS: number): PlanSegment => ({
    day,
    gpu: 'h100-sxm',
    capacityGpus: gpus,
    gpusUsed: gpus,
    parallel: {} as ParallelPlan,
    stepTimeS,
    tokensPerSec: 0,
    tokensPerSecPerGpu: 0,
    mfu: 0.4,
    memoryGiB: 50,
  });
  const reliability: CampaignReliability = {
    causes: [],
    restartS: 0,
    intervalPolicy: 'fixed',
    intervalS: 1e9,
    writeS: 0,
    blockS: 0,
    restoreS: 0,
    asyncCheckpoint: false,
    spareNodes: 0,
    nodesPerSwitch: 16,
  };

  it('10 s steps from day 10, 5 s steps from day 15: 5 × 8,640 steps by day 15, 17,280 more by day 16', () => {
    const schedule: JobSchedule = { startDay: 10, segments: [seg(10, 1024, 10), seg(15, 2048, 5)], plannerCalls: 2, model: null };
    const tokensPerStep = 1000;
    const job = trainJob({ schedule, reliability, gpusPerNode: 8, tokensPerStep, tokens: 1e15, endDay: 30, seed: 1, stream: 0, paramsTotal: 1e9 });
    const byDay = job?.tokensByDay ?? [];
    // tokensByDay[i] is the progress at day startDay + i + 1: i = 4 is day 15, when the change happens.
    expect(byDay[3]).toBeCloseTo(4 * 8640 * tokensPerStep, 3);
    expect(byDay[4]).toBeCloseTo(5 * 8640 * tokensPerStep, 3);
    expect(byDay[5]).toBeCloseTo((5 * 8640 + 17_280) * tokensPerStep, 3);
    expect(job?.model.capacity).toMatchObject([{ atS: 5 * 86400, jobNodes: 256, stepTimeS: 5 }]);
  });
});

describe('trainJob with restart.policy elastic: partial recovery on the plan\'s replicas', () => {
  const plan = { tp: 8, pp: 2, cp: 1, ep: 1 } as ParallelPlan;
  const seg = (day: number, gpus: number): PlanSegment => ({ day, gpu: 'h100-sxm', capacityGpus: gpus, gpusUsed: gpus, parallel: plan, stepTimeS: 10, tokensPerSec: 0, tokensPerSecPerGpu: 0, mfu: 0.4, memoryGiB: 50 });
  const nodeFault: FailureCause = { name: 'gpu', ratePerUnitHour: 2e-5, unit: 'gpu', scope: 'node', detectS: 30, repairHours: 24, silent: false, source: 'test' };
  const reliability = (policy: 'full' | 'elastic'): CampaignReliability => ({
    causes: [nodeFault],
    restartS: 0,
    restart: { ...RESTART_DEFAULTS, policy },
    intervalPolicy: 'fixed',
    intervalS: 1800,
    writeS: 10,
    blockS: 10,
    restoreS: 60,
    asyncCheckpoint: false,
    spareNodes: 0,
    nodesPerSwitch: 16,
  });
  const schedule: JobSchedule = { startDay: 0, segments: [seg(0, 8192), seg(10, 16384)], plannerCalls: 2, model: null };
  const run = (policy: 'full' | 'elastic') =>
    trainJob({ schedule, reliability: reliability(policy), gpusPerNode: 8, tokensPerStep: 1000, tokens: 1e15, endDay: 20, seed: 1, stream: 0, paramsTotal: 1e9 });

  it('drops the failed replica (2 nodes: tp8 × pp2) and continues without a rollback; a full restart rolls back and waits', () => {
    const e = run('elastic');
    const f = run('full');
    expect(e?.model.replicaNodes).toBe(2);
    expect(e?.model.partialRecovery).toBeDefined();
    expect(e?.model.capacity?.[0]?.partialRecovery?.fullRestartS).toBeGreaterThan(e?.model.partialRecovery?.fullRestartS ?? Infinity);
    expect(f?.model.partialRecovery).toBeUndefined();
    expect(e?.run.gpuS.lostWork).toBe(0);
    expect(e?.run.gpuS.waiting).toBe(0);
    expect(e?.run.gpuS.degraded).toBeGreaterThan(0);
    expect(f?.run.gpuS.lostWork).toBeGreaterThan(0);
    expect(e?.ettr).toBeGreaterThan(f?.ettr ?? 1);
  });
});

