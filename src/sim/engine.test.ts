import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FailureCause } from './causes.js';
import { firstOrderEttr } from './closed-form.js';
import { JobEngine, simulateJob } from './engine.js';
import type { CapacityChange, JobModel } from './job.js';
import { LLAMA3_GPU_HOURS, presetCauses } from './presets.js';
import { runReplications } from './replicate.js';

const DAY = 86400;

function baseJob(over: Partial<JobModel> = {}): JobModel {
  return {
    gpusPerNode: 8,
    jobNodes: 128,
    replicaNodes: 1,
    stepTimeS: 10,
    horizonS: 30 * DAY,
    causes: [],
    restartS: 600,
    checkpoint: { intervalS: 1800, writeS: 30, blockS: 30, restoreS: 60 },
    spareNodes: 1000,
    elastic: false,
    minReplicas: 1,
    nodesPerSwitch: 16,
    progressSamples: 10,
    ...over,
  };
}

function cause(over: Partial<FailureCause> = {}): FailureCause {
  return { name: 'c', ratePerUnitHour: 1e-5, unit: 'gpu', scope: 'job', detectS: 0, repairHours: 0, silent: false, source: 'test', ...over };
}

const ettrOf = (job: JobModel, seed: number, reps: number): number => {
  const rs = runReplications(job, seed, 0, reps);
  return rs.reduce((a, r) => a + r.gpuS.productive / r.gpuS.total, 0) / reps;
};

describe('engine vs the first-order closed form (reliability.md §4)', () => {
  const cases = [
    { name: 'M = 3 h, τ = 30 min, u₀ = 10 min, w = 30 s', mtbfS: 3 * 3600, intervalS: 1800, writeS: 30, restartS: 540, restoreS: 60 },
    { name: 'M = 30 min, τ = 5 min, u₀ = 2 min, w = 10 s', mtbfS: 1800, intervalS: 300, writeS: 10, restartS: 90, restoreS: 30 },
    { name: 'M = 12 h, τ = 1 h, u₀ = 20 min, w = 60 s', mtbfS: 12 * 3600, intervalS: 3600, writeS: 60, restartS: 1100, restoreS: 100 },
  ];
  for (const k of cases) {
    it(`agrees within 2 ETTR points: ${k.name}`, () => {
      const gpus = 1024;
      const job = baseJob({
        jobNodes: gpus / 8,
        horizonS: 200 * DAY,
        causes: [cause({ ratePerUnitHour: 3600 / k.mtbfS / gpus })],
        restartS: k.restartS,
        checkpoint: { intervalS: k.intervalS, writeS: k.writeS, blockS: k.writeS, restoreS: k.restoreS },
      });
      const sim = ettrOf(job, 11, 10);
      const closed = firstOrderEttr({ mtbfS: k.mtbfS, restartOverheadS: k.restartS + k.restoreS, intervalS: k.intervalS, blockS: k.writeS });
      expect(Math.abs(sim - closed) * 100).toBeLessThan(2);
    });
  }

  it('with no failures ETTR is exactly τ/(τ+w)', () => {
    const r = simulateJob(baseJob(), 1);
    expect(r.interruptions).toBe(0);
    expect(r.gpuS.productive / r.gpuS.total).toBeCloseTo(1800 / 1830, 3);
  });
});

describe('the llama3 preset (Llama 3 405B, 16,384 H100 × 54 days)', () => {
  const job = baseJob({ jobNodes: 2048, horizonS: 54 * DAY, causes: presetCauses('llama3'), spareNodes: 64 });
  const reps = runReplications(job, 2024, 0, 100);
  const mean = reps.reduce((a, r) => a + r.interruptions, 0) / reps.length;

  it('gives 419 ± 10% unexpected interruptions on average', () => {
    expect(mean).toBeGreaterThan(419 * 0.9);
    expect(mean).toBeLessThan(419 * 1.1);
  });

  it("reproduces the paper's cause mix (each share within 1.5 points)", () => {
    const causes = presetCauses('llama3');
    const total = reps.reduce((a, r) => a + r.interruptions, 0);
    causes.forEach((c, i) => {
      const count = reps.reduce((a, r) => a + (r.byCause[i] ?? 0), 0);
      const paperShare = (c.ratePerUnitHour * LLAMA3_GPU_HOURS) / 419;
      expect(Math.abs(count / total - paperShare) * 100, c.name).toBeLessThan(1.5);
    });
    // The largest causes in the paper's order.
    const faulty = reps.reduce((a, r) => a + (r.byCause[0] ?? 0), 0) / reps.length;
    expect(faulty).toBeGreaterThan(148 * 0.9);
    expect(faulty).toBeLessThan(148 * 1.1);
  });
});

describe('determinism', () => {
  const job = baseJob({ causes: presetCauses('llama3'), jobNodes: 2048, spareNodes: 8 });
  it('same seed and replication → identical result; a reused engine gives the same', () => {
    const engine = new JobEngine(job);
    const a = JSON.stringify(engine.run(5, 3));
    engine.run(9, 0);
    expect(JSON.stringify(engine.run(5, 3))).toBe(a);
    expect(JSON.stringify(simulateJob(job, 5, 3))).toBe(a);
  });
  it('different seed or replication → different result', () => {
    const a = JSON.stringify(simulateJob(job, 5, 3));
    expect(JSON.stringify(simulateJob(job, 6, 3))).not.toBe(a);
    expect(JSON.stringify(simulateJob(job, 5, 4))).not.toBe(a);
  });
  it('a replication does not depend on which others ran before it (thread-split independence)', () => {
    const all = runReplications(job, 3, 0, 6).map((r) => JSON.stringify(r));
    const tail = runReplications(job, 3, 4, 6).map((r) => JSON.stringify(r));
    expect(tail).toEqual(all.slice(4));
  });
});

describe('spares, elasticity, silent corruption, targets', () => {
  const hot = [cause({ ratePerUnitHour: 2e-4, scope: 'node', repairHours: 48, detectS: 30 })];
  it('without spares a rigid job waits for repairs; an elastic one runs shrunk instead', () => {
    const rigid = simulateJob(baseJob({ causes: hot, spareNodes: 0 }), 1);
    expect(rigid.gpuS.waiting).toBeGreaterThan(0);
    expect(rigid.spareShortfalls).toBeGreaterThan(0);
    const elastic = simulateJob(baseJob({ causes: hot, spareNodes: 0, elastic: true }), 1);
    expect(elastic.gpuS.waiting).toBe(0);
    expect(elastic.gpuS.degraded).toBeGreaterThan(0);
    expect(elastic.reconfigurations).toBeGreaterThan(0);
    expect(elastic.gpuS.productive).toBeGreaterThan(rigid.gpuS.productive);
    const spared = simulateJob(baseJob({ causes: hot, spareNodes: 200 }), 1);
    expect(spared.gpuS.waiting).toBe(0);
    expect(spared.gpuS.productive).toBeGreaterThan(rigid.gpuS.productive);
  });

  it('silent corruption found late costs more lost work than the same fault found at once', () => {
    const loud = [cause({ ratePerUnitHour: 2e-5, detectS: 0 })];
    const silent = [cause({ ratePerUnitHour: 2e-5, detectS: 6 * 3600, silent: true })];
    const lostOf = (c: FailureCause[]): number =>
      runReplications(baseJob({ causes: c }), 4, 0, 10).reduce((a, r) => a + r.gpuS.lostWork, 0);
    expect(lostOf(silent)).toBeGreaterThan(3 * lostOf(loud));
  });

  it('stops when the step target is reached', () => {
    const r = simulateJob(baseJob({ causes: hot, targetSteps: 50_000 }), 2);
    expect(r.steps).toBeCloseTo(50_000, 6);
    expect(r.wallS).toBeLessThan(30 * DAY);
    expect(r.progressSteps[r.progressSteps.length - 1]).toBeCloseTo(50_000, 6);
  });

  it('follows a capacity schedule (the campaign API): more nodes, faster steps, more progress', () => {
    const capacity: CapacityChange[] = [{ atS: 10 * DAY, jobNodes: 256, stepTimeS: 5 }];
    const grown = simulateJob(baseJob({ causes: hot, capacity }), 3);
    const flat = simulateJob(baseJob({ causes: hot }), 3);
    expect(grown.steps).toBeGreaterThan(flat.steps * 1.5);
    expect(grown.reconfigurations).toBeGreaterThanOrEqual(1);
  });

  it('finite repair crews: failed nodes queue for a crew, and fewer crews never help', () => {
    const job = baseJob({ causes: hot, spareNodes: 6 });
    const unlimited = runReplications(job, 5, 0, 8);
    const one = runReplications({ ...job, repairCrews: 1 }, 5, 0, 8);
    const sum = (rs: typeof one, f: (r: (typeof one)[number]) => number): number => rs.reduce((a, r) => a + f(r), 0);
    expect(sum(unlimited, (r) => r.maxRepairQueueS)).toBe(0);
    expect(sum(one, (r) => r.maxRepairQueueS)).toBeGreaterThan(0);
    expect(sum(one, (r) => r.gpuS.waiting)).toBeGreaterThan(sum(unlimited, (r) => r.gpuS.waiting));
    expect(sum(one, (r) => r.peakNodesInRepair)).toBeGreaterThanOrEqual(sum(unlimited, (r) => r.peakNodesInRepair));
  });

  it('a capacity change carries its own checkpoint, restart and spares', () => {
    const change: CapacityChange = { atS: 10 * DAY, jobNodes: 256, stepTimeS: 5, checkpoint: { intervalS: 600, writeS: 5, blockS: 5, restoreS: 5 }, restartS: 1200 };
    const r = simulateJob(baseJob({ causes: hot, capacity: [change] }), 3);
    const flat = simulateJob(baseJob({ causes: hot, capacity: [{ atS: 10 * DAY, jobNodes: 256, stepTimeS: 5 }] }), 3);
    expect(r.checkpoints).toBeGreaterThan(2 * flat.checkpoints); // 600 s instead of 1,800 s after day 10
    expect(r.gpuS.restart).toBeGreaterThan(flat.gpuS.restart); // 1,200 s restarts instead of 600 s
    const dry = simulateJob(baseJob({ causes: hot, capacity: [{ ...change, spareNodes: 0 }] }), 3);
    expect(dry.gpuS.waiting).toBeGreaterThan(0); // no spares after the change
    expect(r.gpuS.waiting).toBe(0);
  });

  it('burn-in multiplies early failures', () => {
    const job = baseJob({ causes: [cause({ ratePerUnitHour: 1e-5 })], horizonS: 20 * DAY });
    const plain = runReplications(job, 8, 0, 20).reduce((a, r) => a + r.interruptions, 0);
    const burn = runReplications({ ...job, burnIn: { untilS: 10 * DAY, rateMultiplier: 3 } }, 8, 0, 20).reduce((a, r) => a + r.interruptions, 0);
    expect(burn / plain).toBeGreaterThan(1.7);
    expect(burn / plain).toBeLessThan(2.3);
  });
});

describe('GPU-hours are conserved (property)', () => {
  const causeArb = fc.record({
    ratePerUnitHour: fc.double({ min: 1e-6, max: 5e-3, noNaN: true }),
    unit: fc.constantFrom('gpu' as const, 'node' as const, 'switch' as const),
    scope: fc.constantFrom('job' as const, 'node' as const, 'switch' as const),
    detectS: fc.double({ min: 0, max: 3600, noNaN: true }),
    repairHours: fc.double({ min: 0, max: 200, noNaN: true }),
    silent: fc.boolean(),
  });
  const jobArb = fc
    .record({
      gpusPerNode: fc.constantFrom(4, 8),
      replicas: fc.integer({ min: 1, max: 40 }),
      replicaNodes: fc.integer({ min: 1, max: 4 }),
      stepTimeS: fc.double({ min: 0.5, max: 60, noNaN: true }),
      days: fc.double({ min: 0.5, max: 20, noNaN: true }),
      causes: fc.array(causeArb, { minLength: 1, maxLength: 4 }),
      restartS: fc.double({ min: 0, max: 1800, noNaN: true }),
      intervalS: fc.double({ min: 10, max: 20000, noNaN: true }),
      writeS: fc.double({ min: 0, max: 600, noNaN: true }),
      asyncBlock: fc.option(fc.double({ min: 0, max: 1, noNaN: true })),
      restoreS: fc.double({ min: 0, max: 600, noNaN: true }),
      spareNodes: fc.integer({ min: 0, max: 10 }),
      elastic: fc.boolean(),
      partial: fc.option(fc.record({ rejoinS: fc.double({ min: 0, max: 3600, noNaN: true }), fullRestartS: fc.double({ min: 0, max: 1800, noNaN: true }) })),
      minReplicas: fc.integer({ min: 1, max: 3 }),
      nodesPerSwitch: fc.integer({ min: 1, max: 8 }),
      burnIn: fc.option(fc.record({ days: fc.double({ min: 0, max: 5, noNaN: true }), mult: fc.double({ min: 0, max: 5, noNaN: true }) })),
      target: fc.option(fc.double({ min: 1, max: 1e5, noNaN: true })),
      capacity: fc.array(fc.record({ frac: fc.double({ min: 0, max: 1, noNaN: true }), replicas: fc.integer({ min: 1, max: 40 }), stepTimeS: fc.double({ min: 0.5, max: 60, noNaN: true }) }), { maxLength: 3 }),
      seed: fc.nat(),
    })
    .map((p): JobModel => {
      const horizonS = p.days * DAY;
      const job: JobModel = {
        gpusPerNode: p.gpusPerNode,
        jobNodes: p.replicas * p.replicaNodes,
        replicaNodes: p.replicaNodes,
        stepTimeS: p.stepTimeS,
        horizonS,
        causes: p.causes.map((c, i) => ({ ...c, name: `c${i}`, source: 'property' })),
        restartS: p.restartS,
        checkpoint: {
          intervalS: p.intervalS,
          writeS: p.writeS,
          blockS: p.asyncBlock === null ? p.writeS : p.asyncBlock * p.writeS,
          restoreS: p.restoreS,
        },
        spareNodes: p.spareNodes,
        elastic: p.elastic,
        minReplicas: Math.min(p.minReplicas, p.replicas),
        nodesPerSwitch: p.nodesPerSwitch,
        progressSamples: 7,
        capacity: p.capacity
          .map((c) => ({ atS: c.frac * horizonS, jobNodes: c.replicas * p.replicaNodes, stepTimeS: c.stepTimeS }))
          .sort((a, b) => a.atS - b.atS),
      };
      if (p.burnIn) job.burnIn = { untilS: p.burnIn.days * DAY, rateMultiplier: p.burnIn.mult };
      if (p.partial) job.partialRecovery = p.partial;
      if (p.target !== null) job.targetSteps = p.target;
      (job as JobModel & { seed: number }).seed = p.seed;
      return job;
    });

  it('productive + lost + checkpoint + detection + restart + waiting + degraded = GPUs × wall time', () => {
    fc.assert(
      fc.property(jobArb, (job) => {
        const seed = (job as JobModel & { seed: number }).seed;
        const r = simulateJob(job, seed);
        const g = r.gpuS;
        const parts = g.productive + g.lostWork + g.checkpoint + g.detection + g.restart + g.waiting + g.degraded;
        // Nominal GPU-time: the job's size (which the capacity schedule may change) over the wall time.
        let expected = 0;
        let t = 0;
        let nodes = job.jobNodes;
        for (const c of job.capacity ?? []) {
          if (c.atS >= r.wallS) break;
          expected += (c.atS - t) * nodes * job.gpusPerNode;
          t = c.atS;
          nodes = c.jobNodes;
        }
        expected += (r.wallS - t) * nodes * job.gpusPerNode;
        const tol = 1e-9 * Math.max(1, expected);
        expect(Math.abs(g.total - expected)).toBeLessThan(tol);
        expect(Math.abs(parts - g.total)).toBeLessThan(tol);
        for (const v of Object.values(g)) expect(v).toBeGreaterThanOrEqual(-tol);
        expect(r.byCause.reduce((a, b) => a + b, 0)).toBe(r.interruptions);
        expect(r.wallS).toBeLessThanOrEqual(job.horizonS);
        for (let i = 1; i < r.progressSteps.length; i++) expect(Number.isFinite(r.progressSteps[i])).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe('partial recovery (FT-HSDP: shrink DP and continue)', () => {
  const nodeCause = cause({ scope: 'node', ratePerUnitHour: 2e-5, detectS: 30, repairHours: 24 });
  const job = (over: Partial<JobModel> = {}): JobModel =>
    baseJob({ jobNodes: 256, horizonS: 20 * DAY, causes: [nodeCause], restartS: 180, elastic: true, partialRecovery: { rejoinS: 900, fullRestartS: 600 }, ...over });

  it('keeps the surviving replicas\' work (no rollback) and pays the stall, not a restore', () => {
    const r = simulateJob(job({ spareNodes: 0 }), 5);
    expect(r.interruptions).toBeGreaterThan(20);
    expect(r.gpuS.lostWork).toBe(0);
    // Detection and the 180 s stall of the whole job per fault (plus one step per rejoin), no 60 s restore.
    const perFault = (r.gpuS.restart + r.gpuS.detection) / r.interruptions / (256 * 8);
    expect(perFault).toBeGreaterThan(30 + 180 - 1e-6);
    expect(perFault).toBeLessThan(30 + 180 + 2 * 10 + 1e-6);
  });

  it('without spares it runs shrunk until the repair (degraded, never waiting); a full restart rolls back instead', () => {
    const partial = simulateJob(job({ spareNodes: 0 }), 3);
    expect(partial.gpuS.waiting).toBe(0);
    // ~24 h of one node missing per fault.
    const missingNodeHours = partial.gpuS.degraded / 8 / 3600 / partial.interruptions;
    expect(missingNodeHours).toBeGreaterThan(10);
    expect(missingNodeHours).toBeLessThan(40);
    const { partialRecovery: _drop, ...rest } = job({ spareNodes: 0 });
    const full = simulateJob({ ...rest, restartS: 600 }, 3);
    expect(full.gpuS.lostWork).toBeGreaterThan(0);
    expect(partial.gpuS.productive).toBeGreaterThan(full.gpuS.productive);
  });

  it('with spares it runs shrunk only while the spare re-forms the replica (rejoinS)', () => {
    const r = simulateJob(job({ spareNodes: 100 }), 5);
    // The replica is missing for rejoinS; its first 30 s + 180 s are the whole job's detection and stall.
    const missingNodeS = r.gpuS.degraded / 8 / r.interruptions;
    expect(missingNodeS).toBeGreaterThan(900 - 30 - 180 - 60);
    expect(missingNodeS).toBeLessThanOrEqual(900 - 30 - 180 + 1e-6);
    // A software fault hits every rank: it rolls back and pays the full restart and the restore.
    const sw = simulateJob(job({ causes: [cause({ scope: 'job', ratePerUnitHour: 2e-5 })] }), 3);
    expect(sw.gpuS.lostWork).toBeGreaterThan(0);
    expect(sw.gpuS.restart / sw.interruptions / (256 * 8)).toBeCloseTo(600 + 60, 6);
  });
});
