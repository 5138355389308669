/**
 * segmentCosts and trainJob, field by field, against values worked out here from their definitions:
 * the interruption rate of the job's GPUs, the checkpoint's bytes (14 B per parameter) over the
 * write time, the interval the scenario's policy gives at this size, the spares a plan leaves idle,
 * the nodes of one data-parallel replica, the restart built from the job's ranks. Every fixture is
 * made inside its test (mutation testing activates a mutant after the describe bodies run).
 */
import { describe, expect, it } from 'vitest';
import { findFabric } from '../catalog/fabrics.js';
import type { FailureCause } from '../sim/causes.js';
import { inventorySpec } from '../sim/inventory.js';
import { RESTART_DEFAULTS } from '../sim/restart.js';
import type { ParallelPlan } from '../spec/types.js';
import type { CampaignReliability } from './campaign-input.js';
import type { JobSchedule, PlanSegment } from './job-schedule.js';
import { segmentCosts, trainJob } from './train-job.js';

/** 1e-5 interruptions per GPU-hour: 1,024 GPUs fail every 3600 / 0.01024 = 351,562.5 s. */
const gpuFault: FailureCause = { name: 'gpu', ratePerUnitHour: 1e-5, unit: 'gpu', scope: 'node', detectS: 30, repairHours: 24, silent: false, source: 'test' };
const GPUS_PER_NODE = 8;
const PARAMS = 1e9; // 14 GB a checkpoint
const HORIZON_S = 100 * 86400;

const reliability = (o: Partial<CampaignReliability> = {}): CampaignReliability => ({
  causes: [gpuFault],
  restartS: 100,
  intervalPolicy: 'fixed',
  intervalS: 3600,
  writeS: 40,
  blockS: 10,
  restoreS: 60,
  asyncCheckpoint: false,
  spareNodes: 2,
  nodesPerSwitch: 16,
  ...o,
});

/** tp·pp·cp·ep = 8·4·2·2 = 128 GPUs: a replica is 16 nodes. */
const plan = { tp: 8, pp: 4, cp: 2, ep: 2, dp: 8 } as ParallelPlan;

const segment = (o: Partial<PlanSegment> = {}): PlanSegment => ({
  day: 10,
  gpu: 'h100-sxm',
  capacityGpus: 1100,
  gpusUsed: 1024,
  parallel: plan,
  stepTimeS: 5,
  tokensPerSec: 0,
  tokensPerSecPerGpu: 0,
  mfu: 0.4,
  memoryGiB: 50,
  ...o,
});

describe('segmentCosts: one plan segment\'s checkpoint, restart and spares', () => {
  it('fixed write times, synchronous: 14 B per parameter drained over the whole write', () => {
    const c = segmentCosts(reliability(), segment(), GPUS_PER_NODE, PARAMS, HORIZON_S);
    expect(c.mtbfS).toBeCloseTo(3600 / (1e-5 * 1024), 6);
    expect(c.checkpoint.bytes).toBe(1.4e10);
    expect(c.checkpoint.storage).toBe('fixed');
    expect(c.checkpoint.storageGBps).toBeCloseTo(1.4e10 / 40 / 1e9, 12); // 0.35 GB/s
    expect(c.checkpoint.intervalS).toBe(3600); // the scenario's, not the horizon
    expect(c.checkpoint.writeGBps).toBeCloseTo(1.4e10 / 3600 / 1e9, 12); // below the storage's: the average rate
    expect(c.checkpoint).toMatchObject({ blockingS: 10, writeS: 40, restoreS: 60 });
    expect(c.restartS).toBe(100);
    expect(c.restart).toBeUndefined();
    expect(c.partialRecovery).toBeUndefined();
    // 2 reserved + the 76 GPUs the plan leaves idle: 9 whole nodes.
    expect(c.spareNodes).toBe(2 + 9);
    expect(c.replicaNodes).toBe(16);
    expect(c.causes).toEqual([gpuFault]);
    expect('inventory' in c).toBe(false);
  });

  it('asynchronous: only the part after the snapshot drains to storage', () => {
    const c = segmentCosts(reliability({ asyncCheckpoint: true }), segment(), GPUS_PER_NODE, PARAMS, HORIZON_S);
    expect(c.checkpoint.storageGBps).toBeCloseTo(1.4e10 / (40 - 10) / 1e9, 12);
  });

  it('no write time: the storage is unbounded (Infinity, not a division by zero\'s NaN)', () => {
    const c = segmentCosts(reliability({ writeS: 0, blockS: 0 }), segment(), GPUS_PER_NODE, 0, HORIZON_S);
    expect(c.checkpoint.storageGBps).toBe(Infinity);
    expect(c.checkpoint.intervalS).toBe(3600);
  });

  it('the interval is never shorter than the storage needs to write one checkpoint', () => {
    const c = segmentCosts(reliability({ intervalS: 5, writeS: 40 }), segment(), GPUS_PER_NODE, PARAMS, HORIZON_S);
    expect(c.checkpoint.intervalS).toBe(40);
    // The average write rate then equals the storage's.
    expect(c.checkpoint.writeGBps).toBeCloseTo(c.checkpoint.storageGBps, 12);
  });

  it('a fixed policy without an interval checkpoints once over the horizon', () => {
    const r = reliability();
    delete r.intervalS;
    expect(segmentCosts(r, segment(), GPUS_PER_NODE, PARAMS, HORIZON_S).checkpoint.intervalS).toBe(HORIZON_S);
  });

  it('Young\'s interval √(2δM) at this job\'s size and blocking cost', () => {
    const c = segmentCosts(reliability({ intervalPolicy: 'young' }), segment(), GPUS_PER_NODE, PARAMS, HORIZON_S);
    const mtbfS = 3600 / (1e-5 * 1024);
    expect(c.checkpoint.intervalS).toBeCloseTo(Math.sqrt(2 * 10 * mtbfS), 6);
  });

  it('no causes: nothing fails, so a policy checkpoints once over the horizon', () => {
    const c = segmentCosts(reliability({ intervalPolicy: 'daly', causes: [] }), segment(), GPUS_PER_NODE, PARAMS, HORIZON_S);
    expect(c.mtbfS).toBe(Infinity);
    expect(c.checkpoint.intervalS).toBe(HORIZON_S);
  });

  it('a storage system decides bytes, write and restore (shared store: min of its bandwidth and the nodes\' NICs)', () => {
    const storage = { name: 'test-fs', tier: 'storage' as const, writeGBps: 100, readGBps: 200, nodeGBps: 50, capacityTB: 1000, source: 'test' };
    const r = reliability({ checkpointSpec: { storage, bytesPerParam: 14, async: false, keep: 2 } });
    const c = segmentCosts(r, segment(), GPUS_PER_NODE, 1e11, HORIZON_S);
    // 1.4 TB at min(100, 128 nodes × 50) = 100 GB/s: 14 s to write, blocking (sync); read at 200 GB/s: 7 s.
    expect(c.checkpoint).toMatchObject({ bytes: 1.4e12, storage: 'test-fs', storageGBps: 100 });
    expect(c.checkpoint.writeS).toBeCloseTo(14, 9);
    expect(c.checkpoint.blockingS).toBeCloseTo(14, 9);
    expect(c.checkpoint.restoreS).toBeCloseTo(7, 9);
    expect(c.checkpoint.intervalS).toBe(3600);
  });

  it('with an inventory: the components of THIS job (1,024 GPUs on 128 nodes)', () => {
    const fabric = findFabric('colossus-spectrum-x');
    expect(fabric).toBeDefined();
    if (!fabric) return;
    const hostFault: FailureCause = { ...gpuFault, name: 'host', component: 'host', perComponentHour: 8e-5 };
    const c = segmentCosts(reliability({ causes: [hostFault], inventory: inventorySpec(fabric, GPUS_PER_NODE) }), segment(), GPUS_PER_NODE, PARAMS, HORIZON_S);
    expect(c.inventory).toMatchObject({ gpus: 1024, nodes: 128 });
    // 8e-5 per host-hour over 128 hosts: 1e-5 per GPU-hour.
    expect(c.causes[0]?.ratePerUnitHour).toBeCloseTo(1e-5, 15);
    expect(c.mtbfS).toBeCloseTo(3600 / (1e-5 * 1024), 6);
  });

  it('a replica that does not divide the job\'s nodes counts as one node', () => {
    // 1,000 GPUs: 125 nodes, not a multiple of the 16-node replica.
    expect(segmentCosts(reliability(), segment({ gpusUsed: 1000, capacityGpus: 1000 }), GPUS_PER_NODE, PARAMS, HORIZON_S).replicaNodes).toBe(1);
    // A plan without degrees (hand-made segments) also counts one.
    expect(segmentCosts(reliability(), segment({ parallel: {} as ParallelPlan }), GPUS_PER_NODE, PARAMS, HORIZON_S).replicaNodes).toBe(1);
    for (const tp of [0, Infinity]) expect(segmentCosts(reliability(), segment({ parallel: { ...plan, tp } }), GPUS_PER_NODE, PARAMS, HORIZON_S).replicaNodes).toBe(1);
  });

  it('a modelled full restart: scheduler + processes + NCCL init over the job\'s 1,024 ranks + warm-up steps', () => {
    const c = segmentCosts(reliability({ restart: { ...RESTART_DEFAULTS, policy: 'full' } }), segment(), GPUS_PER_NODE, PARAMS, HORIZON_S);
    const expected = 30 + 60 + (5 + 0.004 * 1024) + 2 * 5;
    expect(c.restartS).toBeCloseTo(expected, 9);
    expect(c.restart?.totalS).toBeCloseTo(expected, 9);
    expect(c.partialRecovery).toBeUndefined();
  });

  it('elastic: the replica (128 GPUs) rejoins from a peer; a full restart of all 1,024 ranks is the fallback', () => {
    const c = segmentCosts(reliability({ restart: { ...RESTART_DEFAULTS, policy: 'elastic' } }), segment(), GPUS_PER_NODE, PARAMS, HORIZON_S);
    expect(c.restartS).toBeCloseTo(180 + 2 * 5, 9);
    // Process start + NCCL init over 128 ranks + 14 GB over 128 × 50 GB/s.
    expect(c.partialRecovery?.rejoinS).toBeCloseTo(60 + 5 + 0.004 * 128 + 1.4e10 / (128 * 50e9), 9);
    expect(c.partialRecovery?.fullRestartS).toBeCloseTo(30 + 60 + 5 + 0.004 * 1024 + 2 * 5, 9);
  });
});

const schedule = (segments: PlanSegment[], startDay: number | null = 10): JobSchedule => ({ startDay, segments, plannerCalls: segments.length, model: null });
/** No failures, an interval longer than the run: every second trains. */
const quiet = (o: Partial<CampaignReliability> = {}): CampaignReliability => reliability({ causes: [], restartS: 0, writeS: 0, blockS: 0, restoreS: 0, intervalS: 1e9, spareNodes: 0, ...o });
const job = (o: { schedule?: JobSchedule; reliability?: CampaignReliability; tokens?: number; endDay?: number } = {}) =>
  trainJob({
    schedule: o.schedule ?? schedule([segment({ capacityGpus: 1024 })]),
    reliability: o.reliability ?? quiet(),
    gpusPerNode: GPUS_PER_NODE,
    tokensPerStep: 1000,
    tokens: o.tokens ?? 1e15,
    endDay: o.endDay ?? 30,
    seed: 1,
    stream: 0,
    paramsTotal: PARAMS,
  });

describe('trainJob: the simulator\'s job, and what it reports', () => {
  it('no start day or no plan: no job', () => {
    expect(job({ schedule: schedule([segment()], null) })).toBeUndefined();
    expect(job({ schedule: schedule([], 10) })).toBeUndefined();
  });

  it('the job model: the first plan\'s nodes, step and replica; the horizon from the start day to the end day', () => {
    const j = job({ reliability: quiet({ repairCrews: 3 }) });
    expect(j?.model).toMatchObject({ gpusPerNode: 8, jobNodes: 128, replicaNodes: 16, stepTimeS: 5, horizonS: 20 * 86400, targetSteps: 1e12, elastic: false, minReplicas: 1, nodesPerSwitch: 16, progressSamples: 20, repairCrews: 3 });
    expect(j?.model.capacity).toEqual([]);
    expect(j && 'partialRecovery' in j.model).toBe(false);
    expect(j && 'burnIn' in j.model).toBe(false);
    expect(j && 'repairCrews' in (job()?.model ?? {})).toBe(false);
  });

  it('a fixed policy without an interval: one checkpoint over the job\'s own horizon (end day − start day)', () => {
    const r = quiet();
    delete r.intervalS;
    const j = job({ reliability: r });
    expect(j?.checkpointIntervalS).toBe(20 * 86400);
    expect(j?.segments[0]?.checkpoint.intervalS).toBe(20 * 86400);
  });

  it('burn-in: rates × m for its days from the start; none when it lasts 0 days', () => {
    expect(job({ reliability: quiet({ burnIn: { days: 5, rateMultiplier: 3 } }) })?.model.burnIn).toEqual({ untilS: 5 * 86400, rateMultiplier: 3 });
    const j = job({ reliability: quiet({ burnIn: { days: 0, rateMultiplier: 3 } }) });
    expect(j && 'burnIn' in j.model).toBe(false);
  });

  it('elastic restarts: the first plan\'s partial recovery goes to the simulator', () => {
    const j = job({ reliability: quiet({ restart: { ...RESTART_DEFAULTS, policy: 'elastic' } }) });
    expect(j?.model.partialRecovery).toEqual(j?.segments[0]?.partialRecovery);
    expect(j?.model.partialRecovery?.rejoinS).toBeGreaterThan(60);
  });

  it('done within the horizon: tokens are the budget, ETTR 1, done on the day the steps add up', () => {
    // 1,000 tokens a 5 s step: 1.728e7 tokens a day; a budget of 10 days' worth is done on day 20.
    const j = job({ tokens: 1.728e8 });
    expect(j?.tokens).toBe(1.728e8);
    expect(j?.doneDay).toBeCloseTo(20, 6);
    expect(j?.ettr).toBeCloseTo(1, 9);
    expect(j?.tokensByDay[0]).toBeCloseTo(1.728e7, 3);
    expect(Math.max(...(j?.tokensByDay ?? []))).toBe(1.728e8);
  });

  it('not done: doneDay null and the tokens actually trained (20 days of 1.728e7), never the budget', () => {
    const j = job({ tokens: 1e15 });
    expect(j?.doneDay).toBeNull();
    expect(j?.tokens).toBeCloseTo(20 * 1.728e7, 3);
    expect(j?.tokens).toBeCloseTo((j?.run.steps ?? NaN) * 1000, 6);
  });

  it('failures: ETTR is productive over total GPU time, below 1', () => {
    // About five interruptions in 20 days (MTBF 98 h), each costing detection, restart, restore and lost work.
    const j = job({ reliability: reliability() });
    const g = j?.run.gpuS;
    expect(g && g.total).toBeGreaterThan(0);
    expect(j?.ettr).toBeCloseTo((g?.productive ?? NaN) / (g?.total ?? NaN), 12);
    expect(j?.ettr).toBeLessThan(1);
    expect(j?.ettr).toBeGreaterThan(0.8);
    expect(j?.run.interruptions).toBeGreaterThan(0);
  });

  it('a horizon of no time: ETTR 0, not NaN', () => {
    const j = job({ endDay: 10 });
    expect(j?.ettr).toBe(0);
    expect(j?.doneDay).toBeNull();
  });

  it('a later segment is a capacity change with its own checkpoint, restart, spares and replica', () => {
    const later = segment({ day: 15, gpusUsed: 2048, capacityGpus: 2100, stepTimeS: 3 });
    const r = quiet({ restart: { ...RESTART_DEFAULTS, policy: 'elastic' }, spareNodes: 1 });
    const j = job({ schedule: schedule([segment({ capacityGpus: 1024 }), later]), reliability: r });
    const c = j?.segments[1];
    expect(c?.spareNodes).toBe(1 + 6); // 52 idle GPUs: 6 whole nodes
    expect(j?.model.capacity).toEqual([
      {
        atS: 5 * 86400,
        jobNodes: 256,
        stepTimeS: 3,
        checkpoint: { intervalS: c?.checkpoint.intervalS, writeS: c?.checkpoint.writeS, blockS: c?.checkpoint.blockingS, restoreS: c?.checkpoint.restoreS },
        restartS: c?.restartS,
        spareNodes: 7,
        causes: [],
        replicaNodes: 16,
        partialRecovery: c?.partialRecovery,
      },
    ]);
    expect(c?.partialRecovery?.fullRestartS).toBeCloseTo(30 + 60 + 5 + 0.004 * 2048 + 2 * 3, 9);
  });
});
