/**
 * Independent oracles for the checkpoint formulas and the event engine, with tolerances a dropped
 * term breaks:
 * - Young's and Daly's intervals in full, against values worked by hand from the papers' formulas
 *   (Young, CACM 1974; Daly, FGCS 2006, eq. for τ_opt), and Daly's interval against a numerical
 *   minimum of Daly's own wall-time model;
 * - the engine against the exact renewal-reward ETTR for Poisson failures (not the first-order
 *   approximation): with every failure a renewal point, restart u = restart + restore, blocking time
 *   b and commit time W (W = b when synchronous), each running period T ~ Exp(1/M) keeps τ per
 *   checkpoint committed, E[#commits] = Σₖ P(T ≥ k(τ+b) − b + W), so
 *       ETTR = e^(−u/M) · e^(−(W−b)/M) · (τ/M) / (e^((τ+b)/M) − 1);
 * - a silent corruption rolled back to the last checkpoint taken before it, to the GPU-second.
 */
import { describe, expect, it } from 'vitest';
import type { FailureCause } from './causes.js';
import { dalyIntervalS, intervalForPolicy, youngIntervalS } from './checkpoint.js';
import { simulateJob } from './engine.js';
import type { JobModel } from './job.js';
import { runReplications } from './replicate.js';
import { Rng, deriveSeed } from './rng.js';

const DAY = 86400;

describe("Young's and Daly's intervals in full", () => {
  // Worked by hand: Young τ = √(2δM); Daly τ = √(2δM)·[1 + ⅓√x + x/9] − δ with x = δ/(2M).
  // δ = 600 s, M = 1800 s: √(2δM) = √2,160,000 = 1469.6938456699; x = 1/6, √x = 0.4082482905;
  // bracket = 1 + 0.1360827635 + 0.0185185185 = 1.1546012820; τ = 1696.9104 − 600 = 1096.9104.
  it('δ = 600 s, M = 30 min: Young 1469.694 s, Daly 1096.910 s', () => {
    expect(youngIntervalS(600, 1800)).toBeCloseTo(1469.6938456699, 6);
    expect(dalyIntervalS(600, 1800)).toBeCloseTo(1096.9104, 3);
  });

  // δ = 60 s, M = 1800 s: √216,000 = 464.7580015; x = 1/60, √x = 0.1290994449;
  // bracket = 1 + 0.0430331483 + 0.0018518519 = 1.0448850002; τ = 485.6187 − 60 = 425.6187.
  it('δ = 60 s, M = 30 min: Young 464.758 s (7.75 min), Daly 425.619 s', () => {
    expect(youngIntervalS(60, 1800)).toBeCloseTo(464.7580015, 6);
    expect(dalyIntervalS(60, 1800)).toBeCloseTo(425.6187, 3);
  });

  it('Daly at the boundary δ = 2M is M, and just below it follows the formula (x → 1: bracket 1 + ⅓ + 1/9)', () => {
    expect(dalyIntervalS(3600, 1800)).toBe(1800);
    const d = 3599.999;
    expect(dalyIntervalS(d, 1800)).toBeCloseTo(Math.sqrt(2 * d * 1800) * (1 + 1 / 3 + 1 / 9) - d, 2);
    expect(dalyIntervalS(d, 1800)).toBeCloseTo(3600 * (13 / 9) - 3600, 1); // = 1600 s
  });

  it("Daly's interval is within 0.5% of the minimum of Daly's wall-time model, (e^((τ+δ)/M) − 1)/τ; Young's is further off", () => {
    for (const [delta, m] of [
      [600, 1800],
      [300, 3600],
      [60, 10_800],
    ] as const) {
      const cost = (tau: number) => Math.expm1((tau + delta) / m) / tau;
      // Golden-section search on [1, 3M] (the cost is unimodal in τ).
      let lo = 1;
      let hi = 3 * m;
      const g = (Math.sqrt(5) - 1) / 2;
      for (let i = 0; i < 200; i++) {
        const a = hi - g * (hi - lo);
        const b = lo + g * (hi - lo);
        if (cost(a) < cost(b)) hi = b;
        else lo = a;
      }
      const best = (lo + hi) / 2;
      const daly = dalyIntervalS(delta, m);
      expect(Math.abs(daly - best) / best, `δ=${delta} M=${m}: optimum ${best.toFixed(1)}, Daly ${daly.toFixed(1)}`).toBeLessThan(0.005);
      expect(Math.abs(youngIntervalS(delta, m) - best)).toBeGreaterThan(Math.abs(daly - best));
    }
  });

  it('the policies use these formulas: young is Young, daly and auto are Daly', () => {
    expect(intervalForPolicy('young', 600, 1800, 0)).toBe(youngIntervalS(600, 1800));
    expect(intervalForPolicy('daly', 600, 1800, 0)).toBe(dalyIntervalS(600, 1800));
    expect(intervalForPolicy('auto', 600, 1800, 0)).toBe(dalyIntervalS(600, 1800));
  });
});

function cause(over: Partial<FailureCause> = {}): FailureCause {
  return { name: 'c', ratePerUnitHour: 1e-5, unit: 'gpu', scope: 'job', detectS: 0, repairHours: 0, silent: false, source: 'test', ...over };
}

const GPUS = 1024;
function job(mtbfS: number, ck: JobModel['checkpoint'], restartS: number, over: Partial<JobModel> = {}): JobModel {
  return {
    gpusPerNode: 8,
    jobNodes: GPUS / 8,
    replicaNodes: 1,
    stepTimeS: 10,
    horizonS: 400 * DAY,
    causes: [cause({ ratePerUnitHour: 3600 / mtbfS / GPUS })],
    restartS,
    checkpoint: ck,
    spareNodes: 0,
    elastic: false,
    minReplicas: 1,
    nodesPerSwitch: 16,
    progressSamples: 4,
    ...over,
  };
}

/** The exact renewal-reward ETTR (see the file comment). */
function exactEttr(mtbfS: number, ck: JobModel['checkpoint'], restartS: number): number {
  const u = restartS + ck.restoreS;
  return Math.exp(-u / mtbfS) * Math.exp(-(ck.writeS - ck.blockS) / mtbfS) * (ck.intervalS / mtbfS) / Math.expm1((ck.intervalS + ck.blockS) / mtbfS);
}

/** Mean ETTR over replications, GPU-time weighted (sum of productive over sum of total). */
function simEttr(j: JobModel, reps: number): number {
  const rs = runReplications(j, 7, 0, reps);
  return rs.reduce((a, r) => a + r.gpuS.productive, 0) / rs.reduce((a, r) => a + r.gpuS.total, 0);
}

describe('the engine against the exact renewal-reward ETTR', () => {
  const cases = [
    { name: 'synchronous, big restore: M = 3 h, τ = 30 min, w = 60 s, restart 5 min, restore 20 min', m: 3 * 3600, ck: { intervalS: 1800, writeS: 60, blockS: 60, restoreS: 1200 }, restartS: 300 },
    { name: 'synchronous, short MTBF: M = 1 h, τ = 10 min, w = 30 s, restart 2 min, restore 5 min', m: 3600, ck: { intervalS: 600, writeS: 30, blockS: 30, restoreS: 300 }, restartS: 120 },
    { name: 'asynchronous: M = 3 h, τ = 30 min, stall 5 s, commit after 20 min, restart 5 min, restore 5 min', m: 3 * 3600, ck: { intervalS: 1800, writeS: 1200, blockS: 5, restoreS: 300 }, restartS: 300 },
  ];
  for (const k of cases) {
    it(`within 0.4 ETTR points: ${k.name}`, () => {
      const sim = simEttr(job(k.m, k.ck, k.restartS), 8);
      const exact = exactEttr(k.m, k.ck, k.restartS);
      // The restore term alone is worth ≥ 2 ETTR points in every case (five times the tolerance).
      expect(exact * (Math.exp(k.ck.restoreS / k.m) - 1) * 100).toBeGreaterThan(2);
      expect(Math.abs(sim - exact) * 100, `sim ${sim.toFixed(4)} vs exact ${exact.toFixed(4)}`).toBeLessThan(0.4);
    });
  }

  it('an async checkpoint counts only once committed: a commit delay W − b costs e^(−(W−b)/M) of the work', () => {
    const ck = { intervalS: 1800, writeS: 1200, blockS: 5, restoreS: 300 };
    const late = simEttr(job(3 * 3600, ck, 300), 8);
    const early = simEttr(job(3 * 3600, { ...ck, writeS: 5 }, 300), 8);
    // Same failures, same stall: committing 1195 s later loses about 1 − e^(−1195/10800) ≈ 10.5% of the work.
    expect(1 - late / early).toBeGreaterThan(0.09);
    expect(1 - late / early).toBeLessThan(0.12);
  });

  it('with no failures an async checkpoint blocks only its stall, and each one is committed W after it starts', () => {
    const ck = { intervalS: 1000, writeS: 700, blockS: 10, restoreS: 0 };
    // Checkpoint k starts at 1010k − 10 s and is committed at 1010k + 690 s. At a horizon of 10,700 s ten
    // have started (ten 10 s stalls) but the tenth (started at 10,090 s) is not yet committed: nine count.
    const r = simulateJob(job(1e15, ck, 0, { horizonS: 10 * 1010 + 600, causes: [] }), 1);
    expect(r.checkpoints).toBe(9);
    expect(r.gpuS.checkpoint).toBeCloseTo(10 * 10 * GPUS, 6);
    expect(r.gpuS.productive / r.gpuS.total).toBeCloseTo((10 * 1000 + 600) / (10 * 1010 + 600), 12);
  });
});

describe('silent corruption rolls back to the last checkpoint taken before it', () => {
  it('lost work is exactly the compute from that checkpoint to the detection, to the GPU-second', () => {
    // A long blocking write (10 min of each 40 min cycle), so that some corruptions land during one: that
    // checkpoint's compute ended before the corruption, so it is clean.
    const ck = { intervalS: 1800, writeS: 600, blockS: 600, restoreS: 120 };
    const restartS = 300;
    const detectS = 5 * 3600; // found five hours later: seven checkpoints were committed on top of it
    const ratePerGpuHour = 1 / (6 * GPUS); // one corruption per 6 h on the job
    const sdc = cause({ ratePerUnitHour: ratePerGpuHour, silent: true, detectS, name: 'sdc' });
    const rate = (ratePerGpuHour * GPUS) / 3600;
    const cycle = ck.intervalS + ck.blockS;
    const computeAt = (e: number) => Math.floor(e / cycle) * ck.intervalS + Math.min(e - Math.floor(e / cycle) * cycle, ck.intervalS);
    let checked = 0;
    let duringWrite = 0;
    for (let seed = 1; seed <= 400 && (checked < 5 || duringWrite < 1); seed++) {
      // The cause's stream is (seed, replication 0, cause 0): its first two draws are the first two corruptions.
      const rng = new Rng(deriveSeed(seed, 0, 0));
      const t1 = rng.exponential(1 / rate);
      const t2 = t1 + rng.exponential(1 / rate);
      const horizonS = t1 + detectS + restartS + ck.restoreS + 3 * 3600;
      if (t1 < 2 * cycle || t2 < horizonS) continue; // one corruption, after a few checkpoints
      const r = simulateJob(job(1, ck, restartS, { causes: [sdc], horizonS }), seed);
      expect(r.interruptions).toBe(1);
      // Checkpoints whose compute ended before t1 hold clean state.
      const n = Math.floor(t1 / cycle);
      const inWrite = t1 - n * cycle >= ck.intervalS;
      const clean = n + (inWrite ? 1 : 0);
      const lostComputeS = computeAt(t1 + detectS) - clean * ck.intervalS;
      expect(r.gpuS.lostWork / GPUS, `seed ${seed}: corruption at ${t1.toFixed(0)} s`).toBeCloseTo(lostComputeS, 3);
      // Kept: the clean checkpoints, then everything after the restart (the horizon keeps the tail).
      const afterS = horizonS - (t1 + detectS + restartS + ck.restoreS);
      expect(r.gpuS.productive / GPUS).toBeCloseTo(clean * ck.intervalS + computeAt(afterS), 3);
      checked++;
      if (inWrite) duringWrite++;
    }
    expect(checked).toBeGreaterThanOrEqual(5);
    expect(duringWrite).toBeGreaterThanOrEqual(1);
  });
});
