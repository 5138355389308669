import { describe, expect, it } from 'vitest';
import { parseDocumentText } from '../core/index.js';
import { optimizeCheckpoint } from './optimize.js';
import { inProcessRunner, runReplications, type ReplicationRunner } from './replicate.js';
import { parseScenarioOrThrow } from './scenario.js';
import type { ReplicationResult } from './job.js';
import { sig, summarizeReplications } from './summary.js';

const text = (seed: number, interval = 'auto') => `job: { gpus: 16384, days: 20, stepTimeS: 10 }
reliability:
  preset: llama3
  restartS: 300
  checkpoint: { intervalS: ${interval}, writeS: 30, restoreS: 60 }
  spareNodes: 64
seed: ${seed}
replications: 8
`;

function resultJson(seed: number): string {
  const sc = parseScenarioOrThrow(parseDocumentText(text(seed), 's.yaml'));
  return JSON.stringify(summarizeReplications(sc, runReplications(sc.job, sc.seed, 0, sc.replications)), null, 2);
}

describe('summarizeReplications', () => {
  it('same seed → byte-identical JSON; different seed → different', () => {
    const a = resultJson(7);
    expect(resultJson(7)).toBe(a);
    expect(resultJson(8)).not.toBe(a);
  });

  it('has the contract fields, with means and percentiles that are consistent', () => {
    const r = JSON.parse(resultJson(7)) as Record<string, unknown> & {
      ettr: number;
      interruptions: { total: number; byCause: Record<string, number> };
      percentiles: { ettr: { p10: number; p50: number; p90: number } };
      checkpoint: { intervalS: number; dalyS: number };
      progress: { day: number; steps: number }[];
    };
    for (const k of ['ettr', 'interruptions', 'wallDays', 'productiveDays', 'lostWorkHours', 'checkpoint', 'percentiles', 'downtimeHours'])
      expect(r).toHaveProperty(k);
    expect(r.ettr).toBeGreaterThan(0.7);
    expect(r.ettr).toBeLessThan(1);
    expect(r.percentiles.ettr.p10).toBeLessThanOrEqual(r.percentiles.ettr.p50);
    expect(r.percentiles.ettr.p50).toBeLessThanOrEqual(r.percentiles.ettr.p90);
    const sum = Object.values(r.interruptions.byCause).reduce((a, b) => a + b, 0);
    expect(sum).toBeCloseTo(r.interruptions.total, 3);
    expect(r.checkpoint.intervalS).toBe(r.checkpoint.dalyS);
    expect(r.progress).toHaveLength(20);
    expect(r.progress[19]?.day).toBe(20);
  });
});

describe('optimizeCheckpoint', () => {
  it('finds an interval at least as good as Daly, and Daly is within a point of the best', async () => {
    const sc = parseScenarioOrThrow(parseDocumentText(text(3), 's.yaml'));
    const opt = await optimizeCheckpoint(sc, inProcessRunner, 11);
    expect(opt.sweep.length).toBeGreaterThanOrEqual(10);
    expect(opt.best.ettr).toBeGreaterThanOrEqual(opt.daly.ettr);
    expect(opt.gainOverDalyPoints).toBeLessThan(1);
    expect(opt.best.intervalS).toBeGreaterThan(opt.daly.intervalS / 3);
    expect(opt.best.intervalS).toBeLessThan(opt.daly.intervalS * 3);
    // Far-off intervals are clearly worse: the sweep has a maximum inside.
    expect((opt.sweep[0] as { ettr: number }).ettr).toBeLessThan(opt.best.ettr);
    expect((opt.sweep[opt.sweep.length - 1] as { ettr: number }).ettr).toBeLessThan(opt.best.ettr);
  });
});

// A scenario with a token target, a storage-sized checkpoint and partial recovery, summarized from
// hand-made replications (so every figure below is worked by hand).
const TARGET = `job: { gpus: 512, days: 2, stepTimeS: 10, tokens: 1.0e10, tokensPerStep: 1.0e6, replicaNodes: 2 }
reliability:
  causes: [{ name: node, perNodeHour: 0.001, repairHours: 10 }]
  spareNodes: 4
  restart: { policy: elastic, processStartS: 20, ncclPerRankS: 0.01 }
  checkpoint: { storage: tectonic-llama3, bytes: 1.6e12, intervalS: 1600 }
replications: 4
`;

function rep(wallDays: number, steps: number): ReplicationResult {
  const wallS = wallDays * 86400;
  const total = wallS * 512;
  return {
    wallS,
    steps,
    gpuS: { total, productive: total, lostWork: 0, checkpoint: 0, detection: 0, restart: 0, waiting: 0, degraded: 0 },
    interruptions: 0,
    byCause: [0],
    checkpoints: 0,
    spareShortfalls: 0,
    maxRepairQueueS: 0,
    peakNodesInRepair: 0,
    reconfigurations: 0,
    progressSteps: [steps / 2, steps],
  };
}

describe('summarizeReplications: target, storage and partial recovery', () => {
  const sc = parseScenarioOrThrow(parseDocumentText(TARGET, 't.yaml'));
  // 1e10 tokens / 1e6 per step = 10,000 steps; one replication stops a hair short (within 1e-9), one at half.
  const results = [rep(1.2, 10_000), rep(1.3, 10_000 * (1 - 1e-9)), rep(1.5, 10_000), rep(2, 5_000)];
  const r = summarizeReplications(sc, results);

  it('counts the replications that reached the target (to 1e-9) and the days they took', () => {
    expect(r.target).toEqual({
      steps: 10_000,
      tokens: 1e10,
      reached: 0.75,
      horizonDays: 2,
      // 1.2, 1.3, 1.5, 2: p10 = 1.2 + 0.3 × 0.1, p50 = 1.4, p90 = 1.5 + 0.7 × 0.5.
      days: { mean: 1.5, p10: 1.23, p50: 1.4, p90: 1.85, min: 1.2, max: 2 },
      // 10,000 steps × 10 s.
      idealDays: sig(100_000 / 86400),
    });
    expect(r.warnings).toEqual(['25% of replications did not reach the target within the 2-day horizon (their days count as the horizon)']);
    // Every replication reached it: no warning.
    expect(summarizeReplications(sc, results.slice(0, 3)).warnings).toEqual([]);
  });

  it('echoes the storage plan: 1.6 TB over 512 GPUs, 2,000 GB/s, written at 1.6 TB / 1,600 s = 1 GB/s', () => {
    expect(r.checkpoint.storage).toEqual({
      name: 'tectonic-llama3',
      source: sc.checkpointSpec?.storage.source,
      bytes: 1.6e12,
      bytesPerGpu: 1.6e12 / 512,
      storageGBps: 2000,
      writeGBps: 1,
      drainS: 0.8,
    });
    expect(r.checkpoint.intervalS).toBe(1600);
  });

  it('echoes the partial recovery: rejoin = process start + NCCL over the 16-GPU replica + 1.6 TB over 16 NICs', () => {
    // 20 + (5 + 0.01 × 16) + 1.6e12 / (16 × 50e9) = 27.16 s; a full restart: 30 + 20 + (5 + 0.01 × 512) + 2 × 10 = 80.12 s.
    expect(r.scenario.partialRecovery).toEqual({ rejoinS: 27.16, fullRestartS: 80.12 });
    expect(r.scenario.elastic).toBe(true);
    // The elastic restart: FT-HSDP's stall (180 s) + 2 warm-up steps of 10 s.
    expect(r.restart).toEqual(sc.restartBreakdown);
    expect(r.restart?.totalS).toBe(200);
    expect(r.scenario.restartS).toBe(200);
  });
});

describe('optimizeCheckpoint on a runner of known ETTR', () => {
  // ETTR peaks at 2 × Daly's interval and falls 0.1 per factor e either side; replications ± 0.01.
  const sc = parseScenarioOrThrow(parseDocumentText(text(3), 's.yaml'));
  const daly = sc.job.checkpoint.intervalS;
  const ettrAt = (intervalS: number) => 0.9 - 0.1 * Math.abs(Math.log(intervalS / (2 * daly)));
  const calls: number[] = [];
  const known: ReplicationRunner = (job, _seed, count) => {
    calls.push(job.checkpoint.intervalS);
    return Promise.resolve(
      Array.from({ length: count }, (_, r) => {
        const total = r === count - 1 ? 0 : 1e6; // the last replication held no GPU-time: ETTR 0
        const ettr = ettrAt(job.checkpoint.intervalS) + (r % 2 ? 0.01 : -0.01);
        return { gpuS: { total, productive: ettr * total } } as ReplicationResult;
      }),
    );
  };

  it('sweeps a log grid from Daly / 5 to Daly × 5, then Young, Daly and the availability optimum; the best is the highest ETTR', async () => {
    const opt = await optimizeCheckpoint(sc, known, 5);
    // 5 points: Daly × 5^(2i/4 − 1) = ×1/5, ×1/√5, ×1, ×√5, ×5.
    expect(opt.sweep.map((p) => p.intervalS)).toEqual([1 / 5, 1 / Math.sqrt(5), 1, Math.sqrt(5), 5].map((f) => sig(daly * f)));
    expect(calls).toHaveLength(8);
    expect(opt.daly.intervalS).toBe(sig(daly));
    // 8 replications: 7 at the curve ± 0.01 (four −, three +) and one at 0 → mean = (7 × ettr − 0.01) / 8.
    const mean = (s: number) => (7 * ettrAt(s) - 0.01) / 8;
    expect(opt.daly.ettr).toBeCloseTo(mean(daly), 5);
    // The peak (2 × Daly) is nearest √5 × Daly on the grid.
    expect(opt.best.intervalS).toBe(sig(daly * Math.sqrt(5)));
    expect(opt.best.ettr).toBeCloseTo(mean(daly * Math.sqrt(5)), 5);
    expect(opt.gainOverDalyPoints).toBeCloseTo((opt.best.ettr - opt.daly.ettr) * 100, 3);
    expect(opt.gainOverDalyPoints).toBeGreaterThan(3);
    expect(opt.young.intervalS).toBeGreaterThan(opt.daly.intervalS);
  });

  it('Daly stays the best when nothing beats it (ties keep Daly)', async () => {
    const flat: ReplicationRunner = (_job, _seed, count) => Promise.resolve(Array.from({ length: count }, () => ({ gpuS: { total: 1, productive: 0.5 } }) as ReplicationResult));
    const opt = await optimizeCheckpoint(sc, flat, 3);
    expect(opt.best).toBe(opt.daly);
    expect(opt.gainOverDalyPoints).toBe(0);
    expect(opt.sweep.map((p) => p.intervalS)).toEqual([sig(daly / 5), sig(daly), sig(daly * 5)]);
  });

  it('an asynchronous write bounds the interval below by writeS − blockS, and the grid drops repeats', async () => {
    const asyncText = text(3).replace('{ intervalS: auto, writeS: 30, restoreS: 60 }', '{ intervalS: auto, async: true, writeS: 3000, blockS: 1, restoreS: 60 }');
    const a = parseScenarioOrThrow(parseDocumentText(asyncText, 'a.yaml'));
    const opt = await optimizeCheckpoint(a, known, 5);
    const xs = opt.sweep.map((p) => p.intervalS);
    expect(xs[0]).toBe(2999);
    expect([...xs].sort((p, q) => p - q)).toEqual(xs);
    expect(new Set(xs).size).toBe(xs.length);
    expect(xs.length).toBeLessThan(5);
  });
});
