import { describe, expect, it } from 'vitest';
import type { FailureCause } from './causes.js';
import { simulateJob } from './engine.js';
import type { CapacityChange, JobModel } from './job.js';
import { runReplications } from './replicate.js';

// The engine on cases worked by hand (no failures: every figure is exact) and on statistics whose
// expected value is known in closed form (Poisson counts), each sized to kill a wrong rule.

const HOUR = 3600;

function job(over: Partial<JobModel> = {}): JobModel {
  return {
    gpusPerNode: 8,
    jobNodes: 4,
    replicaNodes: 1,
    stepTimeS: 1,
    horizonS: 1000,
    causes: [],
    restartS: 20,
    checkpoint: { intervalS: 100, writeS: 10, blockS: 10, restoreS: 5 },
    spareNodes: 0,
    elastic: false,
    minReplicas: 1,
    nodesPerSwitch: 16,
    progressSamples: 4,
    ...over,
  };
}

/** A cause of `perHour` interruptions per hour of the whole 4-node job (32 GPUs). */
function cause(perHour: number, over: Partial<FailureCause> = {}): FailureCause {
  return { name: 'c', ratePerUnitHour: perHour / 32, unit: 'gpu', scope: 'job', detectS: 0, repairHours: 0, silent: false, source: 'test', ...over };
}

const meanOf = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('capacity changes, worked by hand (no failures)', () => {
  // 4 nodes (32 GPUs), 1 s steps, checkpoint every 100 s of compute, 10 s blocking.
  // At 500 s: 8 nodes (64 GPUs), 0.5 s steps, 4 s checkpoints, 2 s restore, 10 s restart.
  const grow: CapacityChange = { atS: 500, jobNodes: 8, stepTimeS: 0.5, checkpoint: { intervalS: 100, writeS: 4, blockS: 4, restoreS: 2 }, restartS: 10 };

  it('growing: the old plan\'s final checkpoint, a restart at the new costs, then the new speed', () => {
    const r = simulateJob(job({ capacity: [grow] }), 1);
    // 0–500 s: 4 cycles of 110 s + 60 s → 460 s of compute = 460 steps, 4 commits; the final checkpoint
    // (the old plan's 10 s write) + the new restart (10 s) + the new restore (2 s) = 22 s on 64 GPUs;
    // 522–1000 s: 478 s = 4 cycles of 104 s + 62 s → 462 s of compute at 0.5 s = 924 steps, 4 commits.
    expect(r.steps).toBe(1384);
    expect(r.checkpoints).toBe(9);
    expect(r.reconfigurations).toBe(1);
    expect(r.interruptions).toBe(0);
    expect(r.wallS).toBe(1000);
    expect(r.gpuS).toEqual({
      total: 500 * 32 + 500 * 64, // 48,000
      productive: 460 * 32 + 462 * 64, // 44,288
      lostWork: 0,
      checkpoint: 40 * 32 + 16 * 64, // 2,304
      detection: 0,
      restart: 22 * 64, // 1,408
      waiting: 0,
      degraded: 0,
    });
    // At 250 s: 2 cycles + 30 s = 230 steps; 750 s: 460 + 2 × 2 × 100 + 2 × 20 = 900.
    expect(r.progressSteps).toEqual([230, 460, 900, 1384]);
  });

  it('shrinking: the job keeps only the nodes of the new plan, with the costs it had', () => {
    const r = simulateJob(job({ capacity: [grow, { atS: 800, jobNodes: 2, stepTimeS: 2 }] }), 1);
    // 522–800 s: 278 s = 2 cycles of 104 s + 70 s → 270 s = 540 steps, 2 commits + the final one;
    // 4 + 10 + 2 = 16 s of restart on 16 GPUs; 816–1000 s: 184 s = 104 + 80 → 180 s at 2 s = 90 steps.
    expect(r.steps).toBe(460 + 540 + 90);
    expect(r.checkpoints).toBe(5 + 3 + 1);
    expect(r.reconfigurations).toBe(2);
    expect(r.gpuS).toEqual({
      total: 500 * 32 + 300 * 64 + 200 * 16, // 38,400
      productive: 460 * 32 + 270 * 64 + 180 * 16, // 34,880
      lostWork: 0,
      checkpoint: 40 * 32 + 8 * 64 + 4 * 16, // 1,856
      detection: 0,
      restart: 22 * 64 + 16 * 16, // 1,664
      waiting: 0,
      degraded: 0,
    });
  });

  it('a change at or after the horizon does nothing', () => {
    const plain = simulateJob(job(), 1);
    expect(plain.steps).toBe(910); // 9 cycles of 110 s + 10 s
    for (const atS of [1000, 2000]) expect(simulateJob(job({ capacity: [{ ...grow, atS }] }), 1)).toEqual(plain);
  });

  it('a change brings its own spares and failure causes (in the job\'s order; a list of another length is ignored)', () => {
    // No failures before the change; afterwards 2 node evictions an hour with 10 h repairs.
    const hot = [cause(2, { scope: 'node', repairHours: 10 })];
    const base = job({ horizonS: 200 * HOUR, causes: [cause(0, { scope: 'node', repairHours: 10 })] });
    const at = (change: Partial<CapacityChange>) => runReplications({ ...base, capacity: [{ atS: 100 * HOUR, jobNodes: 4, stepTimeS: 1, ...change }] }, 3, 0, 4);
    const dry = at({ causes: hot });
    // No spares: every eviction waits for its repair (10 h of the 100).
    expect(meanOf(dry.map((r) => r.interruptions))).toBeGreaterThan(20);
    expect(dry.every((r) => r.gpuS.waiting > 0 && r.spareShortfalls > 0)).toBe(true);
    // With a large pool from the change on, nothing waits.
    const wet = at({ causes: hot, spareNodes: 1000 });
    expect(wet.every((r) => r.gpuS.waiting === 0 && r.spareShortfalls === 0 && r.interruptions > 100)).toBe(true);
    // Two causes for a job with one: ignored, the job keeps its (silent) cause.
    expect(at({ causes: [...hot, ...hot] }).every((r) => r.interruptions === 0)).toBe(true);
  });
});

describe('burn-in: rates rescaled, not redrawn, when the multiplier ends', () => {
  const reps = (j: JobModel, n: number) => runReplications(j, 17, 0, n).map((r) => r.interruptions);

  it('no failures during a burn-in multiplier of 0, then the plain rate: 0.2 /h × 50 h = 10 on average', () => {
    const j = job({ horizonS: 100 * HOUR, restartS: 0, checkpoint: { intervalS: 1000, writeS: 0, blockS: 0, restoreS: 0 }, causes: [cause(0.2)], burnIn: { untilS: 50 * HOUR, rateMultiplier: 0 } });
    // Poisson mean 10 over 200 replications: σ of the mean ≈ 0.22.
    expect(meanOf(reps(j, 200))).toBeGreaterThan(9);
    expect(meanOf(reps(j, 200))).toBeLessThan(11);
  });

  it('a failure drawn at 100× the rate for the first second is stretched ×100 when it ends: about 1 failure in 100 h at 0.01 /h', () => {
    const j = job({ horizonS: 100 * HOUR, restartS: 0, checkpoint: { intervalS: 1000, writeS: 0, blockS: 0, restoreS: 0 }, causes: [cause(0.01)], burnIn: { untilS: 1, rateMultiplier: 100 } });
    // Without the rescale the first failure comes within the hour (about 2 on average). σ of the mean ≈ 0.05.
    const m = meanOf(reps(j, 400));
    expect(m).toBeGreaterThan(0.8);
    expect(m).toBeLessThan(1.2);
  });

  it('a burn-in longer than the horizon lasts the whole run: 0.1 /h × 3 × 100 h = 30', () => {
    const j = job({ horizonS: 100 * HOUR, restartS: 0, checkpoint: { intervalS: 1000, writeS: 0, blockS: 0, restoreS: 0 }, causes: [cause(0.1)], burnIn: { untilS: 200 * HOUR, rateMultiplier: 3 } });
    const m = meanOf(reps(j, 100)); // σ ≈ 0.55
    expect(m).toBeGreaterThan(27);
    expect(m).toBeLessThan(33);
  });
});

describe('elastic jobs', () => {
  // Node evictions at 1 /h on 4 nodes with 5 h repairs and no spares: the job often runs shrunk.
  const elastic = (over: Partial<JobModel> = {}) =>
    job({ horizonS: 400 * HOUR, elastic: true, restartS: 60, checkpoint: { intervalS: 1800, writeS: 30, blockS: 30, restoreS: 60 }, causes: [cause(1, { scope: 'node', repairHours: 5 })], ...over });

  it('a target reached while shrunk stops at exactly the target', () => {
    const rs = runReplications(elastic({ targetSteps: 200_000 }), 5, 0, 12);
    const done = rs.filter((r) => r.wallS < 400 * HOUR);
    expect(done.length).toBeGreaterThan(6);
    for (const r of done) expect(r.steps).toBeCloseTo(200_000, 6);
    expect(rs.some((r) => r.gpuS.degraded > 0)).toBe(true);
  });

  it('runs on whole replicas of 2 nodes, down to minReplicas; below it, waits', () => {
    // 2 replicas of 2 nodes: one node down leaves 1 replica (3 nodes held, 1 idle).
    const shrunk = runReplications(elastic({ replicaNodes: 2 }), 5, 0, 4);
    for (const r of shrunk) {
      expect(r.gpuS.degraded).toBeGreaterThan(0);
      // Whatever runs shrunk runs at half the job: degraded GPU-time comes in halves of the job.
      expect(r.gpuS.productive + r.gpuS.lostWork + r.gpuS.checkpoint).toBeGreaterThan(r.gpuS.degraded);
    }
    // minReplicas = the whole job: never shrunk, waits instead.
    const rigid = runReplications(elastic({ replicaNodes: 2, minReplicas: 2 }), 5, 0, 4);
    for (const r of rigid) {
      expect(r.gpuS.degraded).toBe(0);
      expect(r.gpuS.waiting).toBeGreaterThan(0);
    }
    // minReplicas 1 of 4 one-node replicas: a single node left still runs.
    const low = runReplications(elastic({ minReplicas: 1 }), 5, 0, 4);
    expect(low.every((r) => r.gpuS.degraded > 0)).toBe(true);
  });

  it('grows back on a repair only when the replica gained, until the next failure, is worth the reconfiguration', () => {
    // 4 one-node replicas at 0.1 /h: the next failure is 10 h away on 4 nodes (40 h on 1). A repair
    // that restores one replica gains ¼ of the job for that long: 9,000 s at least, 36,000 s at most.
    const grow = (restartS: number, restoreS: number) =>
      runReplications(
        job({ horizonS: 2000 * HOUR, elastic: true, restartS, checkpoint: { intervalS: 3600, writeS: 0, blockS: 0, restoreS }, causes: [cause(0.1, { scope: 'node', repairHours: 2 })] }),
        9,
        0,
        4,
      ).map((r) => r.reconfigurations);
    // Cheaper than 9,000 s: every repair while shrunk regrows the job.
    expect(grow(5000, 0).every((n) => n > 50)).toBe(true);
    // Dearer than 36,000 s (restart + restore): never.
    expect(grow(20_000, 20_000).every((n) => n === 0)).toBe(true);
  });
});

describe('more exact and bounded cases', () => {
  it('a target that ends exactly on a checkpoint boundary stops before that checkpoint\'s block', () => {
    // 200 steps = 2 intervals of 100 s: 100 + 10 (block) + 100 = 210 s, one checkpoint committed.
    const r = simulateJob(job({ targetSteps: 200 }), 1);
    expect(r.wallS).toBe(210);
    expect(r.checkpoints).toBe(1);
    expect(r.gpuS).toMatchObject({ total: 210 * 32, productive: 200 * 32, checkpoint: 10 * 32 });
    expect(r.progressSteps).toEqual([200, 200, 200, 200]);
    // 250 steps: 2 full cycles (220 s) + 50 s.
    expect(simulateJob(job({ targetSteps: 250 }), 1).wallS).toBe(270);
  });

  it('a rigid job without spares restarts once its node is repaired; with one repair crew nodes queue, never longer than the run', () => {
    const horizonS = 400 * HOUR;
    const rs = runReplications(job({ horizonS, repairCrews: 1, causes: [cause(0.1, { scope: 'node', detectS: 60, repairHours: 5 })] }), 3, 0, 3);
    for (const r of rs) {
      expect(r.interruptions).toBeGreaterThan(15);
      expect(r.gpuS.productive / r.gpuS.total).toBeGreaterThan(0.4);
      expect(r.gpuS.waiting).toBeGreaterThan(0);
      expect(r.maxRepairQueueS).toBeGreaterThan(0);
      expect(r.maxRepairQueueS).toBeLessThan(horizonS);
    }
  });

  it('partial recovery: silent corruption still pays the full restart and the restore; a spare that re-forms a replica rejoins running', () => {
    const partial = { rejoinS: 600, fullRestartS: 1000 };
    const ck = { intervalS: 1800, writeS: 0, blockS: 0, restoreS: 500 };
    // Only silent corruption (found 10 min later): every interruption restarts in full (1,000 + 500 s), never the 10 s stall.
    const sdc = runReplications(job({ horizonS: 400 * HOUR, restartS: 10, partialRecovery: partial, checkpoint: ck, causes: [cause(0.05, { silent: true, detectS: 600 })] }), 3, 0, 3);
    for (const r of sdc) {
      expect(r.interruptions).toBeGreaterThan(5);
      expect(r.gpuS.restart / 32 / r.interruptions).toBeGreaterThan(1000);
    }
    // Node faults with spares: the 10 s stall only, and each spare joins the running job (a reconfiguration
    // that costs one 1 s step of the whole job).
    const nodes = runReplications(
      job({ horizonS: 400 * HOUR, restartS: 10, spareNodes: 4, partialRecovery: partial, checkpoint: ck, causes: [cause(0.1, { scope: 'node', detectS: 60, repairHours: 5 })] }),
      3,
      0,
      3,
    );
    for (const r of nodes) {
      expect(r.interruptions).toBeGreaterThan(15);
      expect(r.gpuS.restart / 32).toBeCloseTo(10 * r.interruptions + 1 * r.reconfigurations, 6);
      expect(r.reconfigurations).toBeGreaterThan(10);
      expect(r.reconfigurations).toBeLessThanOrEqual(r.interruptions);
    }
  });
});

describe('capacity changes that keep the size', () => {
  const same = (everyS: number, horizonS: number) => Array.from({ length: Math.floor(horizonS / everyS) - 1 }, (_, i) => ({ atS: (i + 1) * everyS, jobNodes: 4, stepTimeS: 1 }));

  it('a node still in repair stays out: a rigid job waits exactly as long as without the changes', () => {
    // Failure and repair times do not depend on the changes, so neither does the waiting.
    const rigid = job({ horizonS: 200 * HOUR, causes: [cause(0.1, { scope: 'node', repairHours: 20 })] });
    const plain = runReplications(rigid, 4, 0, 4);
    const changed = runReplications({ ...rigid, capacity: same(5 * HOUR, 200 * HOUR) }, 4, 0, 4);
    plain.forEach((p, i) => {
      expect(p.gpuS.waiting).toBeGreaterThan(0);
      expect(changed[i]?.gpuS.waiting).toBeCloseTo(p.gpuS.waiting, 3);
    });
    // The changes did happen (those that found the job running were reconfigurations).
    expect(changed.reduce((a, r) => a + r.reconfigurations, 0)).toBeGreaterThan(10);
  });

  it('a fault being detected is still detected: detection time is the same as without the changes', () => {
    const hung = job({ horizonS: 100 * HOUR, restartS: 10, causes: [cause(2, { detectS: 1800 })] });
    const plain = runReplications(hung, 4, 0, 4);
    const changed = runReplications({ ...hung, capacity: same(600, 100 * HOUR) }, 4, 0, 4);
    plain.forEach((p, i) => {
      expect(p.gpuS.detection).toBeGreaterThan(0.3 * p.gpuS.total);
      expect(changed[i]?.gpuS.detection).toBeCloseTo(p.gpuS.detection, 3);
    });
  });

  it('under partial recovery a change is a full restart at the new plan\'s cost', () => {
    const grow: CapacityChange = { atS: 500, jobNodes: 8, stepTimeS: 0.5, checkpoint: { intervalS: 100, writeS: 4, blockS: 4, restoreS: 2 }, restartS: 10, partialRecovery: { rejoinS: 60, fullRestartS: 40 } };
    const r = simulateJob(job({ partialRecovery: { rejoinS: 60, fullRestartS: 100 }, capacity: [grow] }), 1);
    // The old plan's final write (10 s) + the new full restart (40 s) + the new restore (2 s), on 64 GPUs.
    expect(r.gpuS.restart).toBe(52 * 64);
  });
});

describe('capacity changes and partial recovery, rates after a change', () => {
  const grow: CapacityChange = { atS: 500, jobNodes: 8, stepTimeS: 0.5, checkpoint: { intervalS: 100, writeS: 4, blockS: 4, restoreS: 2 }, restartS: 10 };

  it('a partial-recovery job stays one through a change that does not restate its costs; a rigid job does not become one', () => {
    // Partial: the old plan's write (10 s) + the job's full restart (100 s) + the new restore (2 s).
    expect(simulateJob(job({ partialRecovery: { rejoinS: 60, fullRestartS: 100 }, capacity: [grow] }), 1).gpuS.restart).toBe(112 * 64);
    // Rigid, with partial-recovery costs in the change: still 10 + 10 (restartS) + 2.
    expect(simulateJob(job({ capacity: [{ ...grow, partialRecovery: { rejoinS: 60, fullRestartS: 40 } }] }), 1).gpuS.restart).toBe(22 * 64);
  });

  it('failures follow the nodes held: growing 4 → 8 nodes halfway, or shrinking 8 → 2', () => {
    // 0.005 per node-hour, job-scope: 4 nodes × 100 h × 0.005 = 2, then 8 nodes × 100 h × 0.005 = 4 → 6 on average.
    // cause(0.02): 0.02 /h on 4 nodes (32 GPUs) = 0.005 per node-hour.
    const base = job({ horizonS: 200 * HOUR, restartS: 0, checkpoint: { intervalS: 1000, writeS: 0, blockS: 0, restoreS: 0 }, causes: [cause(0.02)] });
    const mean = (j: JobModel) => meanOf(runReplications(j, 21, 0, 300).map((r) => r.interruptions));
    const grown = mean({ ...base, capacity: [{ atS: 100 * HOUR, jobNodes: 8, stepTimeS: 1 }] });
    expect(grown).toBeGreaterThan(5.5); // σ of the mean ≈ 0.14
    expect(grown).toBeLessThan(6.5);
    // 8 nodes for 100 h (4) then 2 nodes (1) → 5.
    const shrunk = mean({ ...base, jobNodes: 8, capacity: [{ atS: 100 * HOUR, jobNodes: 2, stepTimeS: 1 }] });
    expect(shrunk).toBeGreaterThan(4.5);
    expect(shrunk).toBeLessThan(5.5);
  });
});
