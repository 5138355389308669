import { describe, expect, it } from 'vitest';
import { parseDocumentText } from '../core/index.js';
import { optimizeCheckpoint } from './optimize.js';
import { inProcessRunner, runReplications, type ReplicationRunner } from './replicate.js';
import { parseScenarioOrThrow } from './scenario.js';
import type { ReplicationResult } from './job.js';
import { availabilityOptimalIntervalS, dalyIntervalS, youngIntervalS } from './checkpoint.js';
import { firstOrderEttr, optimumEttr } from './closed-form.js';
import { jobMtbfS, restartOverheadS, sig, summarizeReplications } from './summary.js';

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
    // Each point carries the first-order ETTR at its interval.
    const overhead = restartOverheadS(sc.job);
    for (const p of [...opt.sweep, opt.young, opt.daly, opt.availabilityOptimal])
      expect(p.closedFormEttr).toBeCloseTo(firstOrderEttr({ mtbfS: jobMtbfS(sc.job), restartOverheadS: overhead, intervalS: p.intervalS, blockS: 30 }), 4);
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

describe('summarizeReplications: every figure from two hand-made replications', () => {
  // 2 nodes (16 GPUs) for 2 days. Causes per GPU-hour: a 0.01 / 8 = 0.00125 (node), b 0.001 (job):
  // 0.036 /h on the job → MTBF 100,000 s; 1.728 interruptions expected in 2 days.
  // Restart overhead: detection (0.00125 × 60 + 0.001 × 30) / 0.00225 = 46.667 s + 100 s + 50 s restore.
  const TWO = `job: { gpus: 16, days: 2, stepTimeS: 10 }
reliability:
  causes:
    - { name: a, perNodeHour: 0.01, detectS: 60, repairHours: 5 }
    - { name: b, perGpuHour: 0.001, scope: job, detectS: 30 }
  restartS: 100
  checkpoint: { intervalS: 1000, writeS: 20, restoreS: 50 }
  spareNodes: 2
replications: 2
`;
  const sc = parseScenarioOrThrow(parseDocumentText(TWO, 'two.yaml'));
  const H = 16 * 3600; // GPU-seconds in one hour of the whole job
  const total = 48 * H;
  // Hours of the job: A: detection 1, restart 2, waiting 3, lost 4, checkpoint 5 → productive 33;
  //                   B: detection 2, waiting 1, degraded 2, lost 2, checkpoint 5 → productive 36.
  const a: ReplicationResult = {
    wallS: 2 * 86400,
    steps: 10_000,
    gpuS: { total, productive: 33 * H, lostWork: 4 * H, checkpoint: 5 * H, detection: 1 * H, restart: 2 * H, waiting: 3 * H, degraded: 0 },
    interruptions: 3,
    byCause: [2, 1],
    checkpoints: 170,
    spareShortfalls: 1,
    maxRepairQueueS: 3600,
    peakNodesInRepair: 2,
    reconfigurations: 0,
    progressSteps: [4000, 10_000],
  };
  const b: ReplicationResult = {
    wallS: 2 * 86400,
    steps: 12_000,
    gpuS: { total, productive: 36 * H, lostWork: 2 * H, checkpoint: 5 * H, detection: 2 * H, restart: 0, waiting: 1 * H, degraded: 2 * H },
    interruptions: 5,
    byCause: [4, 1],
    checkpoints: 160,
    spareShortfalls: 2,
    maxRepairQueueS: 0,
    peakNodesInRepair: 1,
    reconfigurations: 1,
    progressSteps: [6000, 12_000],
  };
  const r = summarizeReplications(sc, [a, b]);

  it('means over the replications, in days and hours of the whole job', () => {
    expect(r).toMatchObject({
      replications: 2,
      seed: 1,
      ettr: sig((33 / 48 + 36 / 48) / 2), // 0.71875
      wallDays: 2,
      productiveDays: 1.4375,
      steps: 11_000,
      lostWorkHours: 3,
      downtimeHours: 4.5,
      downtime: { detectionHours: 1.5, restartHours: 1, waitingHours: 2, degradedHours: 1 },
      checkpointOverheadHours: 5,
      interruptions: { total: 4, byCause: { a: 3, b: 1 }, mtbiHours: 12, expectedTotal: 1.728 },
      gpuHours: { total: 768, productive: 552, lostWork: 48, checkpoint: 80, detection: 24, restart: 16, waiting: 32, degraded: 16 },
      spares: { spareNodes: 2, fromIdle: false, repairCrews: null, shortfalls: 1.5, maxRepairQueueHours: 0.5, peakNodesInRepair: 1.5, reconfigurations: 0.5 },
      progress: [
        { day: 1, steps: 5000 },
        { day: 2, steps: 11_000 },
      ],
      warnings: [],
    });
    expect(r).not.toHaveProperty('target');
    expect(r).not.toHaveProperty('restart');
  });

  it('percentiles over the replications', () => {
    expect(r.percentiles.ettr).toEqual({ mean: 0.71875, p10: 0.69375, p50: 0.71875, p90: 0.74375, min: 0.6875, max: 0.75 });
    expect(r.percentiles.interruptions).toEqual({ mean: 4, p10: 3.2, p50: 4, p90: 4.8, min: 3, max: 5 });
    expect(r.percentiles.productiveDays).toEqual({ mean: 1.4375, p10: 1.3875, p50: 1.4375, p90: 1.4875, min: 1.375, max: 1.5 });
    expect(r.percentiles.lostWorkHours).toMatchObject({ min: 2, max: 4 });
    expect(r.percentiles.downtimeHours).toMatchObject({ min: 3, max: 6 });
    expect(r.percentiles.peakNodesInRepair).toMatchObject({ min: 1, max: 2 });
  });

  it('the closed form and the checkpoint policies at MTBF 100,000 s and a 196.667 s restart', () => {
    expect(restartOverheadS(sc.job)).toBeCloseTo(46.666_666_7 + 150, 6);
    expect(jobMtbfS(sc.job)).toBeCloseTo(100_000, 6);
    expect(r.closedForm).toEqual({
      ettr: sig(firstOrderEttr({ mtbfS: 100_000, restartOverheadS: 196.666_666_666_666_7, intervalS: 1000, blockS: 20 })),
      optimumEttr: sig(optimumEttr(20, 196.666_666_666_666_7, 100_000)),
      mtbfHours: 27.7778,
      restartOverheadS: 196.667,
    });
    expect(r.checkpoint).toEqual({
      policy: 'fixed',
      intervalS: 1000,
      writeS: 20,
      blockS: 20,
      restoreS: 50,
      async: false,
      count: 165,
      youngS: sig(youngIntervalS(20, 100_000)),
      dalyS: sig(dalyIntervalS(20, 100_000)),
      availabilityOptimalS: sig(availabilityOptimalIntervalS(20, 100_000, 50)),
    });
  });

  it('echoes the scenario and breaks the interruptions down (all "other": no components)', () => {
    expect(r.scenario).toEqual({
      jobGpus: 16,
      jobNodes: 2,
      gpusPerNode: 8,
      days: 2,
      openHorizon: false,
      stepTimeS: 10,
      restartS: 100,
      spareNodes: 2,
      elastic: false,
      causes: [
        { name: 'a', perGpuHour: 0.00125, scope: 'node', detectS: 60, repairHours: 5, silent: false, source: 'scenario (user-supplied)' },
        { name: 'b', perGpuHour: 0.001, scope: 'job', detectS: 30, repairHours: 48, silent: false, source: 'scenario (user-supplied)' },
      ],
    });
    expect(r.failures.byComponent).toEqual([{ component: 'other', count: 16, perComponentHour: 0, perDay: 0.864, share: 1, interruptions: 4, causes: ['a', 'b'] }]);
  });

  it('sig rounds to 6 significant digits (or as asked) and leaves 0, infinities and NaN alone', () => {
    expect(sig(1 / 3)).toBe(0.333333);
    expect(sig(123_456_789)).toBe(123_457_000);
    expect(sig(-2 / 3, 2)).toBe(-0.67);
    expect(sig(0)).toBe(0);
    expect(sig(Infinity)).toBe(Infinity);
    expect(sig(-Infinity)).toBe(-Infinity);
    expect(sig(NaN)).toBeNaN();
  });

  it('no replications: zero means, not NaN', () => {
    const none = summarizeReplications(sc, []);
    expect(none.ettr).toBe(0);
    expect(none.gpuHours.total).toBe(0);
    expect(none.replications).toBe(0);
  });
});

describe('summarizeReplications: the scenario echo', () => {
  it('carries the name, GPU, cluster, preset, components, repair crews and the scenario\'s warnings', () => {
    const sc = parseScenarioOrThrow(
      parseDocumentText(
        `name: echo
cluster: { gpu: h100-sxm, gpus: 1024 }
job: { gpus: 1024, days: 1, stepTimeS: 10 }
reliability: { preset: llama3, repairCrews: 2, spareNodes: 0, inventory: { fabric: colossus-spectrum-x } }
`,
        'e.yaml',
      ),
    );
    const r = summarizeReplications(sc, []);
    expect(r.scenario).toMatchObject({ name: 'echo', gpu: 'h100-sxm', clusterGpus: 1024, preset: 'llama3', jobGpus: 1024 });
    expect(r.spares.repairCrews).toBe(2);
    expect(r.warnings).toEqual(sc.warnings);
    expect(r.warnings[0]).toMatch(/^no spare nodes and not elastic/);
    const byName = Object.fromEntries(r.scenario.causes.map((c) => [c.name, c]));
    const leaf = sc.job.causes.find((c) => c.name === 'network-leaf-switch');
    // A switch-scope component cause: its component, rate per component and the nodes it evicts.
    expect(byName['network-leaf-switch']).toMatchObject({ component: 'leaf-switch', scope: 'switch', evictNodes: leaf?.evictNodes, perComponentHour: sig(leaf?.perComponentHour ?? NaN) });
    // A node-scope component cause: no evictNodes (every llama3 cause has a component; the bare scenario below has none).
    expect(byName['faulty-gpu']).toMatchObject({ component: 'gpu' });
    expect(byName['faulty-gpu']).not.toHaveProperty('evictNodes');
    // Without them: none of these keys.
    const bare = summarizeReplications(parseScenarioOrThrow(parseDocumentText(`job: { gpus: 8, days: 1, stepTimeS: 1 }\nreliability: { causes: [{ name: a, perGpuHour: 1.0e-6 }], spareNodes: 1 }\n`, 'b.yaml')), []);
    for (const k of ['name', 'gpu', 'clusterGpus', 'preset', 'partialRecovery']) expect(bare.scenario, k).not.toHaveProperty(k);
    expect(bare.scenario.causes[0]).toStrictEqual({ name: 'a', perGpuHour: 1e-6, scope: 'node', detectS: 30, repairHours: 48, silent: false, source: 'scenario (user-supplied)' });
    // A switch-scope cause without an inventory: no evictNodes key (the job's nodesPerSwitch apply).
    const sw = summarizeReplications(parseScenarioOrThrow(parseDocumentText(`job: { gpus: 8, days: 1, stepTimeS: 1, steps: 10 }\nreliability: { causes: [{ name: s, perSwitchHour: 1.0e-6 }], spareNodes: 1 }\n`, 's.yaml')), []);
    expect(Object.keys(sw.scenario.causes[0] ?? {})).not.toContain('evictNodes');
    // A target in steps: no tokens key.
    expect(Object.keys(sw.target ?? {})).not.toContain('tokens');
    expect(sw.target?.steps).toBe(10);
    expect(bare.spares.repairCrews).toBeNull();
    expect(bare.checkpoint).not.toHaveProperty('storage');
    expect(bare.warnings).toEqual([]);
  });
});
