import { describe, expect, it } from 'vitest';
import { availabilityOptimalIntervalS, dalyIntervalS, youngIntervalS } from './checkpoint.js';
import type { FailureCause } from './causes.js';
import type { JobModel, ReplicationResult } from './job.js';
import { optimizeCheckpoint } from './optimize.js';
import type { ReplicationRunner } from './replicate.js';
import type { SimScenario } from './scenario.js';

/*
 * The checkpoint-interval sweep against a scripted runner: the ETTR each interval gets is a known
 * curve, so the grid, the averaging, the choice of the best and the gain over Daly are checked
 * without simulating anything.
 */

// 32 GPUs at 1/32 failure per GPU-hour: M = 3,600 s. Detection 30 s + restart 200 s + restore 70 s.
const cause: FailureCause = { name: 'c', ratePerUnitHour: 1 / 32, unit: 'gpu', scope: 'job', detectS: 30, repairHours: 0, silent: false, source: 'test' };
const M = 3600;
const R = 30 + 200 + 70;

function scenario(over: { writeS: number; blockS: number; async: boolean; replications?: number }): SimScenario {
  const job: JobModel = {
    gpusPerNode: 8, jobNodes: 4, replicaNodes: 1, stepTimeS: 10, horizonS: 86400, causes: [cause], restartS: 200,
    checkpoint: { intervalS: 1000, writeS: over.writeS, blockS: over.blockS, restoreS: 70 },
    spareNodes: 0, elastic: false, minReplicas: 1, nodesPerSwitch: 4, progressSamples: 4,
  };
  return {
    jobGpus: 32, days: 1, intervalPolicy: 'daly', asyncCheckpoint: over.async, seed: 42, replications: over.replications ?? 3,
    job, openHorizon: false, sparesFromIdle: false, warnings: [],
  };
}

/** A runner whose replications get ETTR `curve(interval)`: one with total 0 (counts as 0), one above, one below. */
function scriptedRunner(curve: (intervalS: number) => number): { run: ReplicationRunner; calls: { intervalS: number; seed: number; count: number }[] } {
  const calls: { intervalS: number; seed: number; count: number }[] = [];
  const rep = (productive: number, total: number): ReplicationResult => ({
    wallS: 1, steps: 1, interruptions: 0, byCause: [0], checkpoints: 0, spareShortfalls: 0, maxRepairQueueS: 0, peakNodesInRepair: 0, reconfigurations: 0, progressSteps: [],
    gpuS: { total, productive, lostWork: total - productive, checkpoint: 0, detection: 0, restart: 0, waiting: 0, degraded: 0 },
  });
  const run: ReplicationRunner = (job, seed, count) => {
    calls.push({ intervalS: job.checkpoint.intervalS, seed, count });
    const v = curve(job.checkpoint.intervalS);
    return Promise.resolve([rep(0, 0), rep(1000 * (v + 0.01), 1000), rep(1000 * (v - 0.01), 1000)].slice(0, count));
  };
  return { run, calls };
}

const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

describe('optimizeCheckpoint', () => {
  const daly = dalyIntervalS(30, M);
  // ETTR peaks at the sweep's 15th point (daly × 5^0.4).
  const peak = daly * Math.pow(5, 0.4);
  const curve = (s: number): number => 0.9 - 0.05 * Math.log(s / peak) ** 2;

  it('sweeps 21 points from Daly/5 to 5×Daly on a log grid, with the scenario’s seed and replications', async () => {
    const { run, calls } = scriptedRunner(curve);
    const o = await optimizeCheckpoint(scenario({ writeS: 30, blockS: 30, async: false }), run);
    expect(o.sweep).toHaveLength(21);
    o.sweep.forEach((p, i) => expect(rel(p.intervalS, daly * Math.pow(5, i / 10 - 1))).toBeLessThan(1e-5));
    expect(calls).toHaveLength(21 + 3);
    for (const c of calls) expect([c.seed, c.count]).toEqual([42, 3]);
    // Mean over the replications: (0 + (v + 0.01) + (v − 0.01)) / 3.
    const p = o.sweep[14];
    expect(p?.ettr).toBeCloseTo((2 * 0.9) / 3, 5);
    expect(rel(o.best.intervalS, peak)).toBeLessThan(1e-5);
    expect(rel(o.daly.intervalS, daly)).toBeLessThan(1e-5);
    expect(rel(o.young.intervalS, youngIntervalS(30, M))).toBeLessThan(1e-5);
    expect(rel(o.availabilityOptimal.intervalS, availabilityOptimalIntervalS(30, M, 70))).toBeLessThan(1e-5);
    expect(o.gainOverDalyPoints).toBeCloseTo((o.best.ettr - o.daly.ettr) * 100, 6);
    expect(o.gainOverDalyPoints).toBeGreaterThan(0);
    // The first-order closed form at Daly's interval: (1 − (R + τ/2)/M) / (1 + δ/τ).
    expect(o.daly.closedFormEttr).toBeCloseTo((1 - (R + daly / 2) / M) / (1 + 30 / daly), 5);
  });

  it('a peak at Young’s interval (off the grid) makes Young the best', async () => {
    const young = youngIntervalS(30, M);
    const { run } = scriptedRunner((s) => (Math.abs(s - young) < 1e-3 ? 0.95 : 0.5));
    const o = await optimizeCheckpoint(scenario({ writeS: 30, blockS: 30, async: false }), run);
    expect(rel(o.best.intervalS, young)).toBeLessThan(1e-5);
  });

  it('a flat curve keeps Daly’s interval as the best, with no gain', async () => {
    const { run } = scriptedRunner(() => 0.8);
    const o = await optimizeCheckpoint(scenario({ writeS: 30, blockS: 30, async: false }), run);
    expect(o.best.intervalS).toBe(o.daly.intervalS);
    expect(o.gainOverDalyPoints).toBe(0);
  });

  it('fewer than 3 points asked: 3 (Daly/5, Daly, 5×Daly)', async () => {
    const { run } = scriptedRunner(curve);
    const o = await optimizeCheckpoint(scenario({ writeS: 30, blockS: 30, async: false }), run, 1);
    expect(o.sweep.map((p) => p.intervalS / daly).map((x) => Number(x.toFixed(4)))).toEqual([0.2, 1, 5]);
  });

  it('async: no interval shorter than the drain (write − block = 599 s), and equal clamped points only once', async () => {
    // δ = 1 s: Daly ≈ 84 s, clamped to 599 s; the grid 599 × 5^(i/10 − 1) clamps to 599 for i ≤ 10.
    const { run } = scriptedRunner(curve);
    const o = await optimizeCheckpoint(scenario({ writeS: 600, blockS: 1, async: true }), run);
    const want = [599, ...Array.from({ length: 10 }, (_, k) => 599 * Math.pow(5, (k + 1) / 10))];
    expect(o.sweep).toHaveLength(want.length);
    o.sweep.forEach((p, i) => expect(rel(p.intervalS, want[i] as number)).toBeLessThan(1e-5));
    expect(o.daly.intervalS).toBe(599);
    expect(o.young.intervalS).toBe(599);
  });
});
