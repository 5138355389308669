import { describe, expect, it } from 'vitest';
import type { CauseScope, FailureCause } from './causes.js';
import { simulateJob } from './engine.js';
import type { CapacityChange, GpuTime, JobModel, ReplicationResult } from './job.js';
import { Rng, deriveSeed } from './rng.js';

/*
 * Hand-worked event sequences on tiny jobs (1–8 nodes of 8 GPUs). A failure cause is a Poisson
 * process: it fires when its integrated hazard λ·g·∫(multiplier × nodes held) dt reaches a unit
 * exponential E drawn from the cause's own stream, which is sfc32 seeded with (seed, replication,
 * cause index). Drawing those E's here (E1 the first failure, E2 the next one, drawn at the fault,
 * E3 the repair of the nodes it evicts) lets a test pick each cause's rate so that it fails exactly
 * once at a chosen time, and its repair mean so that the repair takes a chosen time; the seed is
 * the first one whose E2 puts the cause's next failure past the end. Every expected figure below is
 * then worked from the timeline by hand: one phase after another, GPU-seconds booked to exactly one
 * bucket.
 */

const HOUR = 3600;
const GPN = 8; // GPUs per node
/** A checkpoint interval longer than any horizon here: no periodic checkpoint. */
const NEVER = 1e12;

function unitDraws(seed: number, c: number, n = 4): number[] {
  const rng = new Rng(deriveSeed(seed, 0, c));
  return Array.from({ length: n }, () => rng.exponential(1));
}

function findSeed(ok: (draws: (c: number) => number[]) => boolean): number {
  for (let seed = 1; seed < 2_000_000; seed++) if (ok((c) => unitDraws(seed, c))) return seed;
  throw new Error('no seed found');
}

interface Fault {
  /** When the cause fails (its only failure before the horizon). */
  atS: number;
  /** ∫ (rate multiplier × nodes held) dt from 0 to atS: the exposure its hazard accumulates over. */
  exposureNodeS: number;
  /** How long the nodes it evicts are out (node and switch scope). */
  repairS?: number;
  scope?: CauseScope;
  detectS?: number;
  silent?: boolean;
}

/**
 * One cause per fault, each failing once at its `atS`. `maxNodes`: the most (multiplier × nodes)
 * the job can hold after the fault, which bounds the hazard left before `horizonS`.
 */
function scripted(plan: readonly Fault[], horizonS: number, maxNodes: number): { seed: number; causes: FailureCause[] } {
  const perGpuS = (e1: number, f: Fault): number => e1 / (GPN * f.exposureNodeS);
  const seed = findSeed((d) =>
    plan.every((f, i) => {
      const [e1, e2] = d(i) as [number, number];
      return e2 > 2 * perGpuS(e1, f) * GPN * maxNodes * (horizonS - f.atS);
    }),
  );
  const causes = plan.map((f, i): FailureCause => {
    const [e1, , e3] = unitDraws(seed, i) as [number, number, number];
    return {
      name: `fault-${i}`,
      ratePerUnitHour: perGpuS(e1, f) * HOUR,
      unit: 'gpu',
      scope: f.scope ?? 'node',
      detectS: f.detectS ?? 60,
      repairHours: (f.repairS ?? 0) / e3 / HOUR,
      silent: f.silent ?? false,
      source: 'scripted (test)',
    };
  });
  return { seed, causes };
}

function job(over: Partial<JobModel>): JobModel {
  return {
    gpusPerNode: GPN,
    jobNodes: 4,
    replicaNodes: 1,
    stepTimeS: 10,
    horizonS: 10 * HOUR,
    causes: [],
    restartS: 300,
    checkpoint: { intervalS: NEVER, writeS: 300, blockS: 300, restoreS: 60 },
    spareNodes: 0,
    elastic: false,
    minReplicas: 1,
    nodesPerSwitch: 4,
    progressSamples: 4,
    ...over,
  };
}

function near(actual: number, expected: number, what: string): void {
  expect(Math.abs(actual - expected), `${what}: ${actual} vs ${expected}`).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(expected)));
}

/** Every bucket as worked by hand (absent = 0), and the buckets sum to the total. */
function expectGpuS(r: ReplicationResult, want: Partial<GpuTime>): void {
  const keys = ['productive', 'lostWork', 'checkpoint', 'detection', 'restart', 'waiting', 'degraded'] as const;
  let sum = 0;
  for (const k of keys) {
    near(r.gpuS[k], want[k] ?? 0, k);
    sum += want[k] ?? 0;
  }
  near(r.gpuS.total, want.total ?? sum, 'total');
  near(sum, r.gpuS.total, 'sum of the buckets');
}

describe('failure clocks: burn-in and node counts rescale the pending failure (integrated hazard)', () => {
  it('a burn-in that ends before the fault: ×4 for a day, then ×1 — the fault lands where the hazard reaches E1', () => {
    const U = 24 * HOUR;
    const F = 72 * HOUR;
    const H = 120 * HOUR;
    const { seed, causes } = scripted([{ atS: F, exposureNodeS: 4 * 4 * U + 4 * (F - U), scope: 'job' }], H, 4);
    const r = simulateJob(job({ horizonS: H, causes, burnIn: { untilS: U, rateMultiplier: 4 } }), seed);
    expect(r.interruptions).toBe(1);
    expect(r.byCause).toEqual([1]);
    const G = 32;
    expectGpuS(r, { lostWork: F * G, detection: 60 * G, restart: 360 * G, productive: (H - F - 420) * G });
    near(r.steps, (H - F - 420) / 10, 'steps');
    expect(r.checkpoints).toBe(0);
  });

  it('a burn-in with multiplier 0: nothing fails before it ends, the first fault follows from the exposure after it', () => {
    const U = 24 * HOUR;
    const F = 48 * HOUR;
    const H = 96 * HOUR;
    const { seed, causes } = scripted([{ atS: F, exposureNodeS: 4 * (F - U), scope: 'job' }], H, 4);
    const r = simulateJob(job({ horizonS: H, causes, burnIn: { untilS: U, rateMultiplier: 0 } }), seed);
    expect(r.interruptions).toBe(1);
    expectGpuS(r, { lostWork: F * 32, detection: 60 * 32, restart: 360 * 32, productive: (H - F - 420) * 32 });
  });

  it('a burn-in longer than the horizon multiplies the rates over the whole run', () => {
    const F = 24 * HOUR;
    const H = 48 * HOUR;
    const { seed, causes } = scripted([{ atS: F, exposureNodeS: 3 * 4 * F, scope: 'job' }], H, 12);
    const r = simulateJob(job({ horizonS: H, causes, burnIn: { untilS: 10 * 24 * HOUR, rateMultiplier: 3 } }), seed);
    expect(r.interruptions).toBe(1);
    expectGpuS(r, { lostWork: F * 32, detection: 60 * 32, restart: 360 * 32, productive: (H - F - 420) * 32 });
  });

  it('a 1-node job without spares cannot fail while its node is in repair; it waits, then restarts', () => {
    const T1 = 2 * HOUR;
    const R = 20 * HOUR;
    const H = T1 + R + 2 * HOUR;
    // E2 (drawn at the fault) would fire during the repair if the clock kept running; E4 (drawn when
    // the node is back) must fall past the horizon.
    const seed = findSeed((d) => {
      const [e1, e2, , e4] = d(0) as [number, number, number, number];
      const perS = e1 / T1; // the 1-node job's rate
      return e2 / perS < R / 2 && e4 / perS > 2 * (H - T1 - R);
    });
    const [e1, , e3] = unitDraws(seed, 0) as [number, number, number];
    const c: FailureCause = { name: 'node', ratePerUnitHour: (e1 / T1 / GPN) * HOUR, unit: 'gpu', scope: 'node', detectS: 60, repairHours: R / e3 / HOUR, silent: false, source: 'test' };
    const r = simulateJob(job({ jobNodes: 1, horizonS: H, causes: [c] }), seed);
    expect(r.interruptions).toBe(1);
    expect(r.spareShortfalls).toBe(1);
    expect(r.peakNodesInRepair).toBe(1);
    const G = 8;
    expectGpuS(r, { lostWork: T1 * G, detection: 60 * G, waiting: (R - 60) * G, restart: 360 * G, productive: (H - T1 - R - 360) * G });
  });

  it('a shrunk job fails at the shrunk rate: 8 → 2 nodes halfway, failures follow 8·A + 2·(H − A) node-hours', () => {
    const H = 100 * 24 * HOUR;
    const A = H / 2;
    const expected = 600;
    const perGpuHour = expected / (GPN * (8 * A + 2 * (H - A)) / HOUR);
    const c: FailureCause = { name: 'sw', ratePerUnitHour: perGpuHour, unit: 'gpu', scope: 'job', detectS: 0, repairHours: 0, silent: false, source: 'test' };
    const capacity: CapacityChange[] = [{ atS: A, jobNodes: 2, stepTimeS: 10 }];
    const r = simulateJob(job({ jobNodes: 8, horizonS: H, causes: [c], restartS: 10, capacity }), 7);
    // Poisson(600): 5σ ≈ 122. Keeping 8 nodes' rate after the shrink would give 960.
    expect(Math.abs(r.interruptions - expected)).toBeLessThan(5 * Math.sqrt(expected));
  });
});

describe('elastic regrowth: grow back at once only if the replicas regained are worth the reconfiguration', () => {
  // 4 one-node replicas, no spares; one node fault at T1, repaired R later. Reconfiguring costs a
  // blocking checkpoint (300 s) + restart (300 s) + restore (300 s) = 900 s. Regrowing gains 1/4 of
  // the job over the expected time to the next fault, 1/Λ (Λ = the full job's failure rate).
  const R = 1800;
  const setup = (gainS: number): { seed: number; T1: number; H: number; j: JobModel } => {
    const rateS = 1 / (4 * gainS); // Λ, so that gain = (1/4)/Λ
    let T1 = 0;
    let H = 0;
    const seed = findSeed((d) => {
      const [e1, e2] = d(0) as [number, number];
      T1 = e1 / rateS;
      H = T1 + R + 1800;
      return T1 > 600 && T1 < 4 * HOUR && e2 > 2 * rateS * (H - T1);
    });
    const [, , e3] = unitDraws(seed, 0) as [number, number, number];
    const c: FailureCause = { name: 'node', ratePerUnitHour: (rateS / (4 * GPN)) * HOUR, unit: 'gpu', scope: 'node', detectS: 60, repairHours: R / e3 / HOUR, silent: false, source: 'test' };
    const j = job({ horizonS: H, causes: [c], elastic: true, checkpoint: { intervalS: NEVER, writeS: 300, blockS: 300, restoreS: 300 } });
    return { seed, T1, H, j };
  };

  it('not worth it (gain 600 s < 900 s): the job runs on 3 replicas to the end', () => {
    const { seed, T1, H, j } = setup(600);
    const r = simulateJob(j, seed);
    expect(r.interruptions).toBe(1);
    expect(r.reconfigurations).toBe(0);
    expect(r.checkpoints).toBe(0);
    expect(r.spareShortfalls).toBe(1);
    const run = H - T1 - 660; // after 60 s detection + 300 s restart + 300 s restore
    expectGpuS(r, { lostWork: T1 * 32, detection: 60 * 32, restart: 600 * 32, productive: run * 24, degraded: run * 8 });
    near(r.steps, (run * 3) / 4 / 10, 'steps');
  });

  it('worth it (gain 1,200 s > 900 s): a blocking checkpoint and a restart at the repair, then 4 replicas', () => {
    const { seed, T1, H, j } = setup(1200);
    const r = simulateJob(j, seed);
    expect(r.interruptions).toBe(1);
    expect(r.reconfigurations).toBe(1);
    expect(r.checkpoints).toBe(1);
    const shrunk = R - 660;
    const full = H - T1 - R - 900;
    expectGpuS(r, { lostWork: T1 * 32, detection: 60 * 32, restart: (600 + 900) * 32, productive: shrunk * 24 + full * 32, degraded: shrunk * 8 });
    near(r.steps, (shrunk * 0.75 + full) / 10, 'steps');
  });
});

describe('two-node replicas: a replica counts only when both its nodes are back', () => {
  // 6 nodes = 3 replicas of 2 nodes, no spares. Node faults at 1 h (repaired at 3 h) and 2 h
  // (repaired at 6 h). Between 3 h and 6 h the job holds 5 nodes: still 2 whole replicas.
  const T1 = HOUR;
  const T2 = 2 * HOUR;
  const H = 8 * HOUR;
  const plan: Fault[] = [
    { atS: T1, exposureNodeS: 6 * T1, repairS: 2 * HOUR },
    { atS: T2, exposureNodeS: 6 * T1 + 5 * (T2 - T1), repairS: 4 * HOUR },
  ];
  const { seed, causes } = scripted(plan, H, 6);
  const base = job({ jobNodes: 6, replicaNodes: 2, horizonS: H, causes, elastic: true, restartS: 20, checkpoint: { intervalS: NEVER, writeS: 10, blockS: 10, restoreS: 10 } });

  it('elastic: runs on 2 replicas from the first fault and regrows only at the second repair', () => {
    // Regrowing at 6 h is worth it: 1/3 of the job over 1/Λ is far more than 10 + 20 + 10 s.
    const rate = causes.reduce((a, c) => a + c.ratePerUnitHour / HOUR, 0) * 6 * GPN;
    expect(1 / 3 / rate).toBeGreaterThan(10 * 40);
    const r = simulateJob(base, seed);
    expect(r.interruptions).toBe(2);
    expect(r.spareShortfalls).toBe(2);
    expect(r.reconfigurations).toBe(1);
    expect(r.checkpoints).toBe(1);
    const seg2 = T2 - T1 - 90; // 60 s detection, 20 s restart, 10 s restore
    const seg3 = 6 * HOUR - T2 - 90;
    const seg4 = H - 6 * HOUR - 40; // 10 s checkpoint + 20 s restart + 10 s restore
    expectGpuS(r, {
      lostWork: T1 * 48 + seg2 * 32,
      detection: 2 * 60 * 48,
      restart: (30 + 30 + 40) * 48,
      degraded: (seg2 + seg3) * 16,
      productive: seg3 * 32 + seg4 * 48,
    });
  });

  it('partial recovery: no rollback, a 20 s stall per fault, and one rejoin (one step) at the second repair', () => {
    const r = simulateJob({ ...base, partialRecovery: { rejoinS: 900, fullRestartS: 200 } }, seed);
    expect(r.interruptions).toBe(2);
    expect(r.reconfigurations).toBe(1);
    const seg2 = T2 - T1 - 80; // 60 s detection + 20 s stall
    const seg3 = 6 * HOUR - T2 - 80;
    const seg4 = H - 6 * HOUR - 10; // one step
    expectGpuS(r, {
      detection: 2 * 60 * 48,
      restart: (20 + 20 + 10) * 48,
      degraded: (seg2 + seg3) * 16,
      productive: T1 * 48 + (seg2 + seg3) * 32 + seg4 * 48,
    });
  });

  it('an elastic restart counts two-node replicas too: a lost node costs its whole replica', () => {
    const r = simulateJob({ ...base, causes: [causes[0] as FailureCause] }, seed);
    expect(r.interruptions).toBe(1);
    // From 1 h + 90 s to the repair at 3 h the job runs on 2 of 3 replicas; then it regrows.
    const shrunk = 3 * HOUR - T1 - 90;
    expect(r.reconfigurations).toBe(1);
    near(r.gpuS.degraded, shrunk * 16, 'degraded');
  });
});

describe('partial recovery with spares: the spare re-forms the replica in the background', () => {
  const T1 = HOUR;
  const H = 8 * HOUR;
  const pr = { rejoinS: 900, fullRestartS: 200 };

  it('4 replicas, 1 spare: shrunk from the fault until the spare joins (rejoinS), one step to rejoin, no rollback', () => {
    const { seed, causes } = scripted([{ atS: T1, exposureNodeS: 4 * T1, repairS: 5 * HOUR }], H, 4);
    const r = simulateJob(job({ horizonS: H, causes, elastic: true, spareNodes: 1, restartS: 20, partialRecovery: pr }), seed);
    expect(r.interruptions).toBe(1);
    expect(r.reconfigurations).toBe(1);
    const shrunk = 900 - 80;
    expectGpuS(r, { detection: 60 * 32, restart: (20 + 10) * 32, degraded: shrunk * 8, productive: T1 * 32 + shrunk * 24 + (H - T1 - 910) * 32 });
  });

  it('three faults 200 s apart, 3 spares: each spare re-forms its replica 900 s after its fault', () => {
    const TA = HOUR;
    const H = 4 * HOUR;
    // Held nodes: 4 until A, 3 until B, 2 until C, then 1 until the first join.
    const plan: Fault[] = [
      { atS: TA, exposureNodeS: 4 * TA, repairS: 10 * HOUR },
      { atS: TA + 200, exposureNodeS: 4 * TA + 3 * 200, repairS: 10 * HOUR },
      { atS: TA + 400, exposureNodeS: 4 * TA + 3 * 200 + 2 * 200, repairS: 10 * HOUR },
    ];
    const { seed, causes } = scripted(plan, H, 4);
    const r = simulateJob(job({ horizonS: H, causes, elastic: true, spareNodes: 3, restartS: 20, partialRecovery: pr }), seed);
    expect(r.interruptions).toBe(3);
    expect(r.reconfigurations).toBe(3);
    // Running on 3, 2, 1, 2, 3 replicas: 120, 120, 420, 190, 190 s (60 s detection + 20 s stall per
    // fault, one 10 s step per join), then on 4 from TA + 1,310 s.
    const runs: [number, number][] = [[120, 3], [120, 2], [420, 1], [190, 2], [190, 3]];
    expectGpuS(r, {
      total: H * 32,
      detection: 3 * 60 * 32,
      restart: (3 * 20 + 3 * 10) * 32,
      degraded: runs.reduce((a, [s, k]) => a + s * (4 - k) * 8, 0),
      productive: TA * 32 + runs.reduce((a, [s, k]) => a + s * k * 8, 0) + (H - TA - 1310) * 32,
    });
  });

  it('2 replicas that must all run (minReplicas 2): the job waits for the spare, and restarts when it joins', () => {
    const { seed, causes } = scripted([{ atS: T1, exposureNodeS: 2 * T1, repairS: 5 * HOUR }], H, 2);
    const r = simulateJob(job({ jobNodes: 2, minReplicas: 2, horizonS: H, causes, elastic: true, spareNodes: 1, restartS: 20, partialRecovery: pr }), seed);
    expect(r.interruptions).toBe(1);
    expectGpuS(r, { detection: 60 * 16, waiting: (900 - 60) * 16, restart: 20 * 16, productive: T1 * 16 + (H - T1 - 920) * 16 });
  });

  it('no spare: one fault is one wait (nothing joins before the repair)', () => {
    const { seed, causes } = scripted([{ atS: T1, exposureNodeS: 2 * T1, repairS: 5 * HOUR }], H, 2);
    const r = simulateJob(job({ jobNodes: 2, minReplicas: 2, horizonS: H, causes, elastic: true, spareNodes: 0, restartS: 20, partialRecovery: pr }), seed);
    expect(r.interruptions).toBe(1);
    expect(r.spareShortfalls).toBe(1);
    expectGpuS(r, { detection: 60 * 16, waiting: (5 * HOUR - 60) * 16, restart: 20 * 16, productive: T1 * 16 + (H - T1 - 5 * HOUR - 20) * 16 });
  });

  it('silent corruption under partial recovery rolls back and pays the full restart and the restore', () => {
    const D = 2 * HOUR;
    const { seed, causes } = scripted([{ atS: T1, exposureNodeS: 4 * T1, scope: 'job', silent: true, detectS: D }], H, 4);
    const r = simulateJob(job({ horizonS: H, causes, elastic: true, restartS: 20, partialRecovery: pr }), seed);
    expect(r.interruptions).toBe(1);
    // No checkpoint was ever committed: everything up to the detection is lost.
    expectGpuS(r, { lostWork: (T1 + D) * 32, restart: (200 + 60) * 32, productive: (H - T1 - D - 260) * 32 });
  });
});

describe('repair crews: a FIFO queue of failed nodes', () => {
  it('one crew, three faults: the longest wait is the second node’s, not the last one’s', () => {
    // A fails at 1 h (10 h repair), B at 2 h (1 h), C at 8 h (1 h); 5 spares keep the job whole.
    // B waits 1 + 10 − 2 = 9 h for the crew, C waits 12 − 8 = 4 h.
    const H = 20 * HOUR;
    const plan: Fault[] = [
      { atS: HOUR, exposureNodeS: 4 * HOUR, repairS: 10 * HOUR },
      { atS: 2 * HOUR, exposureNodeS: 4 * 2 * HOUR, repairS: HOUR },
      { atS: 8 * HOUR, exposureNodeS: 4 * 8 * HOUR, repairS: HOUR },
    ];
    const { seed, causes } = scripted(plan, H, 4);
    const r = simulateJob(job({ horizonS: H, causes, spareNodes: 5, repairCrews: 1 }), seed);
    expect(r.interruptions).toBe(3);
    expect(r.peakNodesInRepair).toBe(3);
    expect(r.spareShortfalls).toBe(0);
    near(r.maxRepairQueueS, 9 * HOUR, 'maxRepairQueueS');
    // No checkpoint: each fault loses everything since the last restart (60 s detection + 360 s).
    expectGpuS(r, {
      lostWork: (8 * HOUR - 2 * 420) * 32,
      detection: 3 * 60 * 32,
      restart: 3 * 360 * 32,
      productive: (H - 8 * HOUR - 420) * 32,
    });
    const unlimited = simulateJob(job({ horizonS: H, causes, spareNodes: 5 }), seed);
    expect(unlimited.maxRepairQueueS).toBe(0);
  });
});

describe('minimum replicas and step targets', () => {
  const T1 = HOUR;
  const H = 6 * HOUR;
  const { seed, causes } = scripted([{ atS: T1, exposureNodeS: 4 * T1, repairS: 10 * HOUR }], H, 4);

  it('minReplicas 4 of 4: an elastic job without spares waits', () => {
    const r = simulateJob(job({ horizonS: H, causes, elastic: true, minReplicas: 4 }), seed);
    expectGpuS(r, { lostWork: T1 * 32, detection: 60 * 32, waiting: (H - T1 - 60) * 32 });
  });

  it('minReplicas 3 of 4: it runs on 3', () => {
    const r = simulateJob(job({ horizonS: H, causes, elastic: true, minReplicas: 3 }), seed);
    const run = H - T1 - 420;
    expectGpuS(r, { lostWork: T1 * 32, detection: 60 * 32, restart: 360 * 32, productive: run * 24, degraded: run * 8 });
  });

  it('a step target reached on 3 of 4 replicas: exactly the target, at the wall time 3/4 speed gives', () => {
    // After the restart nothing is kept (no checkpoint): 1,080 steps of 10 s at 3/4 speed = 4 h.
    const r = simulateJob(job({ horizonS: 30 * HOUR, causes, elastic: true, targetSteps: 1080 }), seed);
    near(r.steps, 1080, 'steps');
    near(r.wallS, T1 + 420 + 4 * HOUR, 'wallS');
    expectGpuS(r, { lostWork: T1 * 32, detection: 60 * 32, restart: 360 * 32, productive: 4 * HOUR * 24, degraded: 4 * HOUR * 8 });
  });
});

describe('step targets on the checkpoint cycle (no failures)', () => {
  // τ = 1,000 s of compute, then a 100 s blocking write: compute [0,1000) [1100,2100) [2200,3200) …
  const ck = { intervalS: 1000, writeS: 100, blockS: 100, restoreS: 50 };

  it('a target that ends exactly on an interval stops before the next checkpoint', () => {
    const r = simulateJob(job({ checkpoint: ck, targetSteps: 500 }), 1); // 5,000 s of compute
    near(r.wallS, 5 * 1000 + 4 * 100, 'wallS');
    expect(r.checkpoints).toBe(4);
    near(r.steps, 500, 'steps');
    expectGpuS(r, { productive: 5000 * 32, checkpoint: 400 * 32 });
  });

  it('a target inside an interval', () => {
    const r = simulateJob(job({ checkpoint: ck, targetSteps: 450 }), 1); // 4,000 + 500 s
    near(r.wallS, 4 * 1100 + 500, 'wallS');
    expect(r.checkpoints).toBe(4);
    expectGpuS(r, { productive: 4500 * 32, checkpoint: 400 * 32 });
  });
});

describe('a step target already met', () => {
  it('targetSteps 0: the job is done at t = 0', () => {
    const r = simulateJob(job({ checkpoint: { intervalS: 1000, writeS: 100, blockS: 100, restoreS: 50 }, targetSteps: 0 }), 1);
    expect(r.wallS).toBe(0);
    expect(r.steps).toBe(0);
    expectGpuS(r, {});
  });
});

describe('capacity changes', () => {
  const ck = { intervalS: 1000, writeS: 100, blockS: 100, restoreS: 50 };

  it('growing 4 → 8 nodes at 2,500 s with no failure: final checkpoint, restart, nothing lost', () => {
    // [0, 2500): compute 1000 + 1000 + 300, two checkpoints; a final one; 100 + 200 + 50 s restart;
    // then 5,000 s on 8 nodes: 4 cycles of 1,100 s + 600 s compute.
    const A = 2500;
    const H = A + 350 + 5000;
    const r = simulateJob(job({ horizonS: H, checkpoint: ck, restartS: 200, capacity: [{ atS: A, jobNodes: 8, stepTimeS: 6 }] }), 1);
    expect(r.checkpoints).toBe(2 + 1 + 4);
    expect(r.reconfigurations).toBe(1);
    near(r.steps, 2300 / 10 + 4600 / 6, 'steps');
    expectGpuS(r, { productive: 2300 * 32 + 4600 * 64, checkpoint: 200 * 32 + 400 * 64, restart: 350 * 64 });
  });

  it('under partial recovery a capacity change is a full restart (fullRestartS + restore)', () => {
    const A = 2500;
    const H = A + 350 + 5000;
    const pr = { rejoinS: 900, fullRestartS: 200 };
    const r = simulateJob(job({ horizonS: H, checkpoint: ck, restartS: 20, elastic: true, partialRecovery: pr, capacity: [{ atS: A, jobNodes: 8, stepTimeS: 6 }] }), 1);
    expectGpuS(r, { productive: 2300 * 32 + 4600 * 64, checkpoint: 200 * 32 + 400 * 64, restart: 350 * 64 });
  });

  it('growing 4 → 8 nodes rescales the pending failure to the larger job', () => {
    const A = HOUR;
    const F = 3 * HOUR;
    const H = 5 * HOUR;
    const { seed, causes } = scripted([{ atS: F, exposureNodeS: 4 * A + 8 * (F - A), scope: 'job' }], H, 8);
    const r = simulateJob(job({ horizonS: H, causes, capacity: [{ atS: A, jobNodes: 8, stepTimeS: 10 }] }), seed);
    expect(r.interruptions).toBe(1);
    expect(r.checkpoints).toBe(1); // the final one of the old plan
    // 300 s checkpoint + 300 s restart + 60 s restore, then running on 8 nodes until the fault.
    expectGpuS(r, { productive: A * 32 + (H - F - 420) * 64, lostWork: (F - A - 660) * 64, detection: 60 * 64, restart: (660 + 360) * 64 });
  });

  it('new causes at a change (3× the rate) rescale the pending failure', () => {
    const A = HOUR;
    const F = 3 * HOUR;
    const H = 5 * HOUR;
    const { seed, causes } = scripted([{ atS: F, exposureNodeS: 4 * A + 3 * 4 * (F - A), scope: 'job' }], H, 12);
    const c = causes[0] as FailureCause;
    const change: CapacityChange = { atS: A, jobNodes: 4, stepTimeS: 10, causes: [{ ...c, ratePerUnitHour: 3 * c.ratePerUnitHour }] };
    const r = simulateJob(job({ horizonS: H, causes, capacity: [change] }), seed);
    expect(r.interruptions).toBe(1);
    expectGpuS(r, { productive: A * 32 + (H - F - 420) * 32, lostWork: (F - A - 660) * 32, detection: 60 * 32, restart: (660 + 360) * 32 });
  });

  it('causes at a change that do not match the job’s (another length) are ignored', () => {
    const A = HOUR;
    const F = 3 * HOUR;
    const H = 5 * HOUR;
    const { seed, causes } = scripted([{ atS: F, exposureNodeS: 4 * F, scope: 'job' }], H, 4);
    const r = simulateJob(job({ horizonS: H, causes, capacity: [{ atS: A, jobNodes: 4, stepTimeS: 10, causes: [] }] }), seed);
    expect(r.interruptions).toBe(1);
    expectGpuS(r, { productive: A * 32 + (H - F - 420) * 32, lostWork: (F - A - 660) * 32, detection: 60 * 32, restart: (660 + 360) * 32 });
  });

  it('a change during detection lets the detection finish (no final checkpoint, no early restart)', () => {
    const T1 = HOUR;
    const A = 1.5 * HOUR;
    const H = 5 * HOUR;
    const { seed, causes } = scripted([{ atS: T1, exposureNodeS: 4 * T1, scope: 'job', detectS: HOUR }], H, 8);
    const r = simulateJob(job({ horizonS: H, causes, capacity: [{ atS: A, jobNodes: 8, stepTimeS: 10 }] }), seed);
    expect(r.checkpoints).toBe(0);
    expect(r.reconfigurations).toBe(0);
    expectGpuS(r, { lostWork: T1 * 32, detection: 0.5 * HOUR * 32 + 0.5 * HOUR * 64, restart: 360 * 64, productive: (H - 2 * HOUR - 360) * 64 });
  });

  describe('a rigid job waiting for a repair (no spares; node fault at 1 h, back at 11 h)', () => {
    const T1 = HOUR;
    const A = 3 * HOUR;
    const H = 12 * HOUR;
    const { seed, causes } = scripted([{ atS: T1, exposureNodeS: 4 * T1, repairS: 10 * HOUR }], H, 6);

    it('shrinking to the 3 nodes it still holds ends the wait at once', () => {
      const r = simulateJob(job({ horizonS: H, causes, capacity: [{ atS: A, jobNodes: 3, stepTimeS: 12 }] }), seed);
      expectGpuS(r, { lostWork: T1 * 32, detection: 60 * 32, waiting: (A - T1 - 60) * 32, restart: 360 * 24, productive: (H - A - 360) * 24 });
      near(r.steps, (H - A - 360) / 12, 'steps');
    });

    it('growing to 6 nodes brings 2 new nodes but not the one in repair: the wait goes on', () => {
      const r = simulateJob(job({ horizonS: H, causes, capacity: [{ atS: A, jobNodes: 6, stepTimeS: 8 }] }), seed);
      const back = T1 + 10 * HOUR;
      expectGpuS(r, { lostWork: T1 * 32, detection: 60 * 32, waiting: (A - T1 - 60) * 32 + (back - A) * 48, restart: 360 * 48, productive: (H - back - 360) * 48 });
    });
  });

  it('spares given by a change replace a node that fails after it', () => {
    const A = HOUR;
    const T1 = 3 * HOUR;
    const H = 6 * HOUR;
    const { seed, causes } = scripted([{ atS: T1, exposureNodeS: 4 * T1, repairS: 10 * HOUR }], H, 4);
    const r = simulateJob(job({ horizonS: H, causes, capacity: [{ atS: A, jobNodes: 4, stepTimeS: 10, spareNodes: 1 }] }), seed);
    expect(r.spareShortfalls).toBe(0);
    expectGpuS(r, { productive: A * 32 + (H - T1 - 420) * 32, lostWork: (T1 - A - 660) * 32, detection: 60 * 32, restart: (660 + 360) * 32 });
  });

  it('a change’s spareNodes count the nodes in repair: 2 with 1 in repair leaves 1 healthy spare', () => {
    // 2 spares; A at 1 h takes one (its node is in repair 10 h); the change at 2 h says 2 idle nodes,
    // repairs included: 1 healthy. B at 3 h takes it; C at 4 h finds none and the rigid job waits.
    const H = 6 * HOUR;
    const plan: Fault[] = [
      { atS: HOUR, exposureNodeS: 4 * HOUR, repairS: 10 * HOUR },
      { atS: 3 * HOUR, exposureNodeS: 4 * 3 * HOUR, repairS: 10 * HOUR },
      { atS: 4 * HOUR, exposureNodeS: 4 * 4 * HOUR, repairS: 10 * HOUR },
    ];
    const { seed, causes } = scripted(plan, H, 4);
    const r = simulateJob(job({ horizonS: H, causes, spareNodes: 2, capacity: [{ atS: 2 * HOUR, jobNodes: 4, stepTimeS: 10, spareNodes: 2 }] }), seed);
    expect(r.interruptions).toBe(3);
    expect(r.spareShortfalls).toBe(1);
    expectGpuS(r, {
      total: H * 32,
      productive: (HOUR - 420) * 32,
      lostWork: (HOUR + (HOUR - 660) + (HOUR - 420)) * 32,
      detection: 3 * 60 * 32,
      restart: (360 + 660 + 360) * 32,
      waiting: (H - 4 * HOUR - 60) * 32,
    });
  });

  it('a change to two-node replicas: a lost node then costs a whole replica', () => {
    const A = HOUR;
    const T1 = 3 * HOUR;
    const H = 6 * HOUR;
    const { seed, causes } = scripted([{ atS: T1, exposureNodeS: 4 * T1, repairS: 10 * HOUR }], H, 4);
    const r = simulateJob(job({ horizonS: H, causes, elastic: true, capacity: [{ atS: A, jobNodes: 4, stepTimeS: 10, replicaNodes: 2 }] }), seed);
    expect(r.spareShortfalls).toBe(1);
    const run = H - T1 - 420;
    expectGpuS(r, { productive: A * 32 + run * 16, lostWork: (T1 - A - 660) * 32, detection: 60 * 32, restart: (660 + 360) * 32, degraded: run * 16 });
  });

  describe('partial recovery across a change', () => {
    const A = HOUR;
    const T1 = 3 * HOUR;
    const H = 6 * HOUR;
    const pr = { rejoinS: 900, fullRestartS: 200 };

    it('a change without partialRecovery keeps the job’s: a later node fault still loses nothing', () => {
      const { seed, causes } = scripted([{ atS: T1, exposureNodeS: 4 * T1, repairS: 10 * HOUR }], H, 4);
      const r = simulateJob(job({ horizonS: H, causes, elastic: true, restartS: 20, partialRecovery: pr, capacity: [{ atS: A, jobNodes: 4, stepTimeS: 10 }] }), seed);
      // The change: 300 s checkpoint + 200 s full restart + 60 s restore; the fault: 60 s + 20 s stall.
      const run = H - T1 - 80;
      expectGpuS(r, { productive: A * 32 + (T1 - A - 560) * 32 + run * 24, detection: 60 * 32, restart: (560 + 20) * 32, degraded: run * 8 });
    });

    it('a change with its own partialRecovery: the later full restart costs the new fullRestartS', () => {
      const { seed, causes } = scripted([{ atS: T1, exposureNodeS: 4 * T1, scope: 'job' }], H, 4);
      const change: CapacityChange = { atS: A, jobNodes: 4, stepTimeS: 10, partialRecovery: { rejoinS: 900, fullRestartS: 500 } };
      const r = simulateJob(job({ horizonS: H, causes, elastic: true, restartS: 20, partialRecovery: pr, capacity: [change] }), seed);
      // The change: 300 + 500 + 60 s; the software fault hits every rank: 60 s, then 500 + 60 s.
      expectGpuS(r, { productive: A * 32 + (H - T1 - 620) * 32, lostWork: (T1 - A - 860) * 32, detection: 60 * 32, restart: (860 + 560) * 32 });
    });
  });
});

describe('partial recovery needs a surviving replica', () => {
  const T1 = HOUR;
  const H = 4 * HOUR;
  const pr = { rejoinS: 900, fullRestartS: 200 };

  it('a 1-node, 1-replica job that loses its node rolls back like a full restart: no replica holds the state', () => {
    const { seed, causes } = scripted([{ atS: T1, exposureNodeS: T1, repairS: HOUR }], H, 1);
    const base = job({ jobNodes: 1, horizonS: H, causes, spareNodes: 1, restartS: 20 });
    const full = simulateJob(base, seed);
    const partial = simulateJob({ ...base, elastic: true, partialRecovery: pr }, seed);
    expect(full.interruptions).toBe(1);
    expect(partial.interruptions).toBe(1);
    // No checkpoint before the fault: the hour of work on the only replica is lost either way.
    near(full.gpuS.lostWork, T1 * GPN, 'lost work, full restart');
    near(partial.gpuS.lostWork, T1 * GPN, 'lost work, partial recovery');
    expect(partial.gpuS.degraded).toBe(0);
  });

  it('with two replicas of one node, the same fault keeps the work (the other replica holds it)', () => {
    const { seed, causes } = scripted([{ atS: T1, exposureNodeS: 2 * T1, repairS: HOUR }], H, 2);
    const r = simulateJob(job({ jobNodes: 2, horizonS: H, causes, spareNodes: 1, restartS: 20, elastic: true, partialRecovery: pr }), seed);
    expect(r.interruptions).toBe(1);
    expect(r.gpuS.lostWork).toBe(0);
    expect(r.gpuS.degraded).toBeGreaterThan(0);
  });
});

describe('a capacity change while the job waits for a repair', () => {
  it('brings spares that end the wait: the job restarts at the change, not at the repair', () => {
    const T1 = HOUR;
    const A = 2 * HOUR; // the change: same job, two spare nodes (one of them the node in repair: one on hand)
    const H = 8 * HOUR;
    const { seed, causes } = scripted([{ atS: T1, exposureNodeS: T1, repairS: 5 * HOUR }], H, 1);
    const r = simulateJob(job({ jobNodes: 1, horizonS: H, causes, spareNodes: 0, restartS: 20, capacity: [{ atS: A, jobNodes: 1, stepTimeS: 10, spareNodes: 2 }] }), seed);
    expect(r.interruptions).toBe(1);
    // Detection (60 s), then waiting until the change brings a spare; before, it waited for the 5 h repair.
    near(r.gpuS.waiting, (A - T1 - 60) * GPN, 'waiting');
  });
});
