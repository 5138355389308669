import { describe, expect, it } from 'vitest';
import { parseDocumentText } from '../core/index.js';
import type { JobModel, ReplicationResult } from './job.js';
import type { ReplicationRunner } from './replicate.js';
import { inProcessRunner } from './replicate.js';
import { parseScenarioOrThrow } from './scenario.js';
import { expectedNodesInRepair, optimizeSpares } from './spares.js';

// 64 nodes of 8 GPUs. Hand-worked nodes in repair (Little's law, Σ rate × nodes evicted × repair):
//   node faults   0.01 /node-h × 64 nodes = 0.64 /h, 1 node each, 10 h  → 6.4
//   leaf switch   0.001 /switch-h × 64/16 switches = 0.004 /h, 16 nodes, 5 h → 0.32
//   job-scope hang: evicts nothing → 0
// total 6.72 nodes.
const scenarioText = (cluster: string, extra = '') => `${cluster}job: { gpus: 512, days: 10, stepTimeS: 1${extra} }
reliability:
  causes:
    - { name: node, perNodeHour: 0.01, repairHours: 10 }
    - { name: leaf, perSwitchHour: 0.001, repairHours: 5 }
    - { name: hang, perGpuHour: 1.0e-4, scope: job, repairHours: 3 }
  spareNodes: 5
seed: 11
replications: 4
`;

const scenario = (cluster = 'cluster: { gpus: 1024 }\n', extra = '') => parseScenarioOrThrow(parseDocumentText(scenarioText(cluster, extra), 's.yaml'));

const gpuTime = (total: number, productive: number, waiting: number) => ({
  total,
  productive,
  lostWork: 0,
  checkpoint: 0,
  detection: 0,
  restart: 0,
  waiting,
  degraded: total - productive - waiting,
});

/**
 * A runner whose results are a known function of the spare pool: ETTR 0.80 + 0.01 × spares up to
 * 0.95 (15 spares and more), ±0.02 across the 4 replications; waiting hours and shortfalls fall
 * with the pool. It records each call.
 */
function fakeRunner(calls: { job: JobModel; seed: number; count: number }[], jobGpus: number): ReplicationRunner {
  return (job, seed, count) => {
    calls.push({ job, seed, count });
    const s = job.spareNodes;
    const base = Math.min(0.95, 0.8 + 0.01 * s);
    const reps: ReplicationResult[] = [];
    for (let r = 0; r < count; r++) {
      const ettr = base + [-0.02, -0.01, 0.01, 0.02][r % 4]!;
      const total = 1e6;
      reps.push({
        wallS: 86400 * (r + 1) * (s === 0 ? 2 : 1),
        steps: 100,
        gpuS: gpuTime(total, ettr * total, (s === 0 ? 8 : 4) * 3600 * jobGpus * (r + 1)),
        interruptions: 3,
        byCause: [1, 1, 1],
        checkpoints: 1,
        spareShortfalls: s < 7 ? 7 - s + r : 0,
        maxRepairQueueS: 0,
        peakNodesInRepair: 1,
        reconfigurations: 0,
        progressSteps: [],
      });
    }
    return Promise.resolve(reps);
  };
}

describe('expectedNodesInRepair', () => {
  it('is Σ rate × nodes evicted × repair hours (hand-worked: 6.4 + 0.32 + 0)', () => {
    expect(expectedNodesInRepair(scenario().job)).toBeCloseTo(6.72, 12);
  });
});

describe('optimizeSpares', () => {
  it('sweeps a sorted grid around the expected nodes in repair, the idle nodes and the given pool, with the same seeds', async () => {
    const sc = scenario();
    const calls: { job: JobModel; seed: number; count: number }[] = [];
    const opt = await optimizeSpares(sc, fakeRunner(calls, 512));
    expect(opt.expectedNodesInRepair).toBeCloseTo(6.72, 6);
    // (1024 − 512) / 8 idle nodes.
    expect(opt.idleNodes).toBe(64);
    // 0; ⌈6.72 × {¼, ½, ¾, 1, 1¼, 1½, 2, 3}⌉ = 2, 4, 6, 7, 9, 11, 14, 21; ⌈6.72 + 3√6.72⌉ = 15; idle 64; given 5.
    const grid = [0, 2, 4, 5, 6, 7, 9, 11, 14, 15, 21, 64];
    expect(opt.points.map((p) => p.spareNodes)).toEqual(grid);
    expect(calls.map((c) => c.job.spareNodes)).toEqual(grid);
    // Same seed and replications for every size, and nothing else about the job changes.
    for (const c of calls) {
      expect(c.seed).toBe(11);
      expect(c.count).toBe(4);
      expect({ ...c.job, spareNodes: sc.job.spareNodes }).toEqual(sc.job);
    }
  });

  it('reports each pool size\'s ETTR (mean and percentiles), waiting hours and shortfalls; recommends the smallest near-best pool', async () => {
    const opt = await optimizeSpares(scenario(), fakeRunner([], 512));
    const at = (s: number) => opt.points.find((p) => p.spareNodes === s);
    // 2 spares: replications at 0.80, 0.81, 0.83, 0.84 → mean 0.82; p10 = 0.80 + 0.3 × 0.01; p90 = 0.83 + 0.7 × 0.01.
    expect(at(2)?.ettr).toBeCloseTo(0.82, 9);
    expect(at(2)?.ettrP10).toBeCloseTo(0.803, 9);
    expect(at(2)?.ettrP90).toBeCloseTo(0.837, 9);
    // Waiting: 4 h × (1 + 2 + 3 + 4) / 4 = 10 h of the full job; 8 h × 2.5 = 20 h without spares.
    expect(at(2)?.waitingHours).toBeCloseTo(10, 9);
    expect(at(0)?.waitingHours).toBeCloseTo(20, 9);
    // Shortfalls: 7 − 2 + (0 + 1 + 2 + 3) / 4 = 6.5.
    expect(at(2)?.shortfalls).toBeCloseTo(6.5, 9);
    expect(at(21)?.shortfalls).toBe(0);
    expect(at(64)?.ettr).toBeCloseTo(0.95, 9);
    // No target: no days.
    expect(at(2)).not.toHaveProperty('daysP50');
    // 15 spares is the first to reach 0.95 (best); 14 gives 0.94.
    expect(opt.recommended.spareNodes).toBe(15);
    expect(opt.recommended).toBe(at(15));
  });

  it('with a target, reports the median days; a replication that held no GPU-time counts as ETTR 0', async () => {
    const sc = scenario('cluster: { gpus: 1024 }\n', ', steps: 1000');
    const opt = await optimizeSpares(sc, fakeRunner([], 512));
    const at = (s: number) => opt.points.find((p) => p.spareNodes === s);
    // wallS = (r + 1) days (twice that without spares): median of 1, 2, 3, 4 = 2.5; 2, 4, 6, 8 → 5.
    expect(at(4)?.daysP50).toBeCloseTo(2.5, 9);
    expect(at(0)?.daysP50).toBeCloseTo(5, 9);
    const empty: ReplicationRunner = (job, _seed, count) =>
      fakeRunner([], 512)(job, 0, count).then((reps) => reps.map((r, i) => (i === 0 ? { ...r, gpuS: gpuTime(0, 0, 0) } : r)));
    const e = await optimizeSpares(sc, empty);
    // 2 spares: 0, 0.81, 0.83, 0.84 → 0.62.
    expect(e.points.find((p) => p.spareNodes === 2)?.ettr).toBeCloseTo(0.62, 9);
  });

  it('without cluster.gpus there are no idle nodes, and only the grid and the given pool are tried', async () => {
    const opt = await optimizeSpares(scenario(''), fakeRunner([], 512));
    expect(opt.idleNodes).toBeNull();
    expect(opt.points.map((p) => p.spareNodes)).toEqual([0, 2, 4, 5, 6, 7, 9, 11, 14, 15, 21]);
  });

  it('with the real engine, more spares never lower ETTR much and remove the shortfalls', async () => {
    const sc = scenario();
    const opt = await optimizeSpares({ ...sc, replications: 2 }, inProcessRunner);
    const first = opt.points[0]!;
    const last = opt.points[opt.points.length - 1]!;
    expect(first.spareNodes).toBe(0);
    expect(first.shortfalls).toBeGreaterThan(0);
    expect(first.waitingHours).toBeGreaterThan(0);
    expect(last.shortfalls).toBe(0);
    expect(last.waitingHours).toBe(0);
    expect(last.ettr).toBeGreaterThan(first.ettr);
    expect(opt.recommended.ettr).toBeGreaterThanOrEqual(Math.max(...opt.points.map((p) => p.ettr)) - 0.001);
  });
});
