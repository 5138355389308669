import { ratePerGpuHour, totalRatePerHour } from './causes.js';
import { availabilityOptimalIntervalS, dalyIntervalS, youngIntervalS } from './checkpoint.js';
import { firstOrderEttr, optimumEttr } from './closed-form.js';
import { failureBreakdown, type FailureBreakdown } from './component-breakdown.js';
import type { GpuTime, JobModel, ReplicationResult } from './job.js';
import type { RestartBreakdown } from './restart.js';
import type { SimScenario } from './scenario.js';
import { summarize, type Summary } from './stats.js';

/** The result of `colossus simulate`: means over replications, with percentiles beside them. */
export interface SimulationResult {
  scenario: ScenarioEcho;
  replications: number;
  seed: number;
  /** Effective training time ratio: productive GPU-time / GPU-time held. */
  ettr: number;
  wallDays: number;
  /** Productive time of the full job, in days. */
  productiveDays: number;
  steps: number;
  /** Training thrown away by rollbacks, in hours of the full job. */
  lostWorkHours: number;
  /** Detection + restart + waiting for repairs, in hours of the full job. */
  downtimeHours: number;
  downtime: { detectionHours: number; restartHours: number; waitingHours: number; degradedHours: number };
  checkpointOverheadHours: number;
  interruptions: { total: number; byCause: Record<string, number>; mtbiHours: number; expectedTotal: number };
  /** Interruptions by component (GPUs, hosts, NICs, PSUs, switches and links by tier), expected and simulated. */
  failures: FailureBreakdown;
  checkpoint: {
    policy: SimScenario['intervalPolicy'];
    intervalS: number;
    writeS: number;
    blockS: number;
    restoreS: number;
    async: boolean;
    count: number;
    youngS: number;
    dalyS: number;
    availabilityOptimalS: number;
    /** With a storage system: what one checkpoint weighs and how fast it goes. */
    storage?: {
      name: string;
      source: string;
      bytes: number;
      bytesPerGpu: number;
      /** The write bandwidth the job reaches (min of storage and nodes × NIC share), GB/s. */
      storageGBps: number;
      /** Average write rate: bytes ÷ interval (≤ storageGBps). */
      writeGBps: number;
      drainS: number;
    };
  };
  /** With `reliability.restart`: the restart's parts at this job's size. */
  restart?: RestartBreakdown;
  /** With `job.tokens` / `job.steps`: wall-clock days to reach it over the replications. */
  target?: {
    steps: number;
    tokens?: number;
    /** Fraction of replications that reached it within the horizon. */
    reached: number;
    horizonDays: number;
    /** Days to reach it (replications that did not count as the horizon). */
    days: Summary;
    /** Days without failures (steps × step time). */
    idealDays: number;
  };
  /** Problems with the scenario that are not errors. */
  warnings: string[];
  closedForm: { ettr: number; optimumEttr: number; mtbfHours: number; restartOverheadS: number };
  gpuHours: GpuTime;
  spares: {
    spareNodes: number;
    /** True when the spares are the cluster's idle nodes (no `spareNodes` given). */
    fromIdle: boolean;
    repairCrews: number | null;
    shortfalls: number;
    peakNodesInRepair: number;
    /** Longest wait for a repair crew, hours (mean over replications). */
    maxRepairQueueHours: number;
    reconfigurations: number;
  };
  /** Mean steps done at the end of each day (or each horizon/samples). */
  progress: { day: number; steps: number }[];
  percentiles: Record<'ettr' | 'interruptions' | 'productiveDays' | 'lostWorkHours' | 'downtimeHours' | 'peakNodesInRepair', Summary>;
}

export interface ScenarioEcho {
  name?: string;
  gpu?: string;
  clusterGpus?: number;
  jobGpus: number;
  jobNodes: number;
  gpusPerNode: number;
  days: number;
  /** True when the scenario gave a target and no `job.days`: `days` is only a cap. */
  openHorizon: boolean;
  stepTimeS: number;
  preset?: string;
  restartS: number;
  spareNodes: number;
  elastic: boolean;
  /** Partial recovery (`restart.policy: elastic`): a spare re-forms a dropped replica in `rejoinS`; faults on every rank pay `fullRestartS`. */
  partialRecovery?: { rejoinS: number; fullRestartS: number };
  causes: { name: string; perGpuHour: number; scope: string; detectS: number; repairHours: number; silent: boolean; source: string; component?: string; perComponentHour?: number; evictNodes?: number }[];
}

/** Round to 6 significant digits: results are estimates, and shorter JSON is easier to read. */
export function sig(x: number, digits = 6): number {
  if (!Number.isFinite(x) || x === 0) return x;
  return Number(x.toPrecision(digits));
}

/** Expected detection + restart + restore per interruption, weighted by cause rate. */
export function restartOverheadS(job: JobModel): number {
  let rate = 0;
  let detect = 0;
  for (const c of job.causes) {
    const r = ratePerGpuHour(c, job.gpusPerNode, job.nodesPerSwitch);
    rate += r;
    detect += r * c.detectS;
  }
  return (rate > 0 ? detect / rate : 0) + job.restartS + job.checkpoint.restoreS;
}

/** Mean time between interruptions of the job at full size (no burn-in). */
export function jobMtbfS(job: JobModel): number {
  return 3600 / totalRatePerHour(job.causes, job.jobNodes, job.gpusPerNode, job.nodesPerSwitch);
}

export function summarizeReplications(sc: SimScenario, results: readonly ReplicationResult[]): SimulationResult {
  const job = sc.job;
  const jobGpus = job.jobNodes * job.gpusPerNode;
  const n = results.length;
  const perRep = (f: (r: ReplicationResult) => number): number[] => results.map(f);
  const m = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, n);
  const ettr = perRep((r) => (r.gpuS.total > 0 ? r.gpuS.productive / r.gpuS.total : 0));
  const productiveDays = perRep((r) => r.gpuS.productive / jobGpus / 86400);
  const lost = perRep((r) => r.gpuS.lostWork / jobGpus / 3600);
  const down = perRep((r) => (r.gpuS.detection + r.gpuS.restart + r.gpuS.waiting) / jobGpus / 3600);
  const inter = perRep((r) => r.interruptions);
  const peak = perRep((r) => r.peakNodesInRepair);

  const byCause: Record<string, number> = {};
  const byCauseMean = job.causes.map((_, i) => m(perRep((r) => r.byCause[i] ?? 0)));
  job.causes.forEach((c, i) => {
    byCause[c.name] = sig(byCauseMean[i] ?? 0);
  });
  const failures = failureBreakdown(job.causes, job.jobNodes, job.gpusPerNode, job.nodesPerSwitch, byCauseMean, sc.inventory);
  for (const row of failures.byComponent) {
    row.count = sig(row.count);
    row.perComponentHour = sig(row.perComponentHour);
    row.perDay = sig(row.perDay);
    row.share = sig(row.share, 4);
    row.interruptions = sig(row.interruptions);
  }
  const gpuH = (k: keyof GpuTime): number => sig(m(perRep((r) => r.gpuS[k])) / 3600);
  const mtbfS = jobMtbfS(job);
  const overheadS = restartOverheadS(job);
  const { intervalS, writeS, blockS, restoreS } = job.checkpoint;
  const samples = job.progressSamples;
  const progress: { day: number; steps: number }[] = [];
  for (let i = 0; i < samples; i++) {
    progress.push({ day: sig(((i + 1) * job.horizonS) / samples / 86400), steps: sig(m(perRep((r) => r.progressSteps[i] ?? 0))) });
  }
  const wallDays = m(perRep((r) => r.wallS)) / 86400;

  const echo: ScenarioEcho = {
    jobGpus,
    jobNodes: job.jobNodes,
    gpusPerNode: job.gpusPerNode,
    days: sc.days,
    openHorizon: sc.openHorizon,
    stepTimeS: job.stepTimeS,
    restartS: job.restartS,
    spareNodes: job.spareNodes,
    elastic: job.elastic,
    causes: job.causes.map((c) => ({
      name: c.name,
      perGpuHour: sig(ratePerGpuHour(c, job.gpusPerNode, job.nodesPerSwitch)),
      scope: c.scope,
      detectS: c.detectS,
      repairHours: c.repairHours,
      silent: c.silent,
      source: c.source,
      ...(c.component !== undefined ? { component: c.component } : {}),
      ...(c.perComponentHour !== undefined ? { perComponentHour: sig(c.perComponentHour) } : {}),
      ...(c.evictNodes !== undefined && c.scope === 'switch' ? { evictNodes: c.evictNodes } : {}),
    })),
  };
  if (sc.name !== undefined) echo.name = sc.name;
  if (sc.gpu !== undefined) echo.gpu = sc.gpu;
  if (sc.clusterGpus !== undefined) echo.clusterGpus = sc.clusterGpus;
  if (sc.preset !== undefined) echo.preset = sc.preset;
  if (job.partialRecovery) echo.partialRecovery = { rejoinS: sig(job.partialRecovery.rejoinS), fullRestartS: sig(job.partialRecovery.fullRestartS) };

  const pct = (xs: number[]): Summary => {
    const s = summarize(xs);
    return { mean: sig(s.mean), p10: sig(s.p10), p50: sig(s.p50), p90: sig(s.p90), min: sig(s.min), max: sig(s.max) };
  };
  const plan = sc.checkpointPlan;
  const checkpointStorage =
    plan && sc.checkpointSpec
      ? {
          name: sc.checkpointSpec.storage.name,
          source: sc.checkpointSpec.storage.source,
          bytes: sig(plan.bytes),
          bytesPerGpu: sig(plan.bytesPerGpu),
          storageGBps: sig(plan.storageGBps),
          writeGBps: sig(Math.min(plan.storageGBps, plan.bytes / intervalS / 1e9)),
          drainS: sig(plan.drainS),
        }
      : undefined;
  let target: SimulationResult['target'];
  if (sc.target) {
    const goal = sc.target.steps * (1 - 1e-9);
    const reached = results.filter((r) => r.steps >= goal).length;
    target = {
      steps: sig(sc.target.steps),
      reached: sig(reached / Math.max(1, n)),
      horizonDays: sig(job.horizonS / 86400),
      days: pct(perRep((r) => r.wallS / 86400)),
      idealDays: sig((sc.target.steps * job.stepTimeS) / 86400),
    };
    if (sc.target.tokens !== undefined) target.tokens = sc.target.tokens;
  }

  return {
    scenario: echo,
    replications: n,
    seed: sc.seed,
    ettr: sig(m(ettr)),
    wallDays: sig(wallDays),
    productiveDays: sig(m(productiveDays)),
    steps: sig(m(perRep((r) => r.steps))),
    lostWorkHours: sig(m(lost)),
    downtimeHours: sig(m(down)),
    downtime: {
      detectionHours: sig(m(perRep((r) => r.gpuS.detection)) / jobGpus / 3600),
      restartHours: sig(m(perRep((r) => r.gpuS.restart)) / jobGpus / 3600),
      waitingHours: sig(m(perRep((r) => r.gpuS.waiting)) / jobGpus / 3600),
      degradedHours: sig(m(perRep((r) => r.gpuS.degraded)) / jobGpus / 3600),
    },
    checkpointOverheadHours: sig(m(perRep((r) => r.gpuS.checkpoint)) / jobGpus / 3600),
    interruptions: {
      total: sig(m(inter)),
      byCause,
      mtbiHours: sig((wallDays * 24) / Math.max(1e-12, m(inter))),
      expectedTotal: sig((sc.days * 86400) / mtbfS),
    },
    failures,
    checkpoint: {
      policy: sc.intervalPolicy,
      intervalS: sig(intervalS),
      writeS,
      blockS,
      restoreS,
      async: sc.asyncCheckpoint,
      count: sig(m(perRep((r) => r.checkpoints))),
      youngS: sig(youngIntervalS(blockS, mtbfS)),
      dalyS: sig(dalyIntervalS(blockS, mtbfS)),
      availabilityOptimalS: sig(availabilityOptimalIntervalS(blockS, mtbfS, restoreS)),
      ...(checkpointStorage ? { storage: checkpointStorage } : {}),
    },
    ...(sc.restartBreakdown ? { restart: sc.restartBreakdown } : {}),
    ...(target ? { target } : {}),
    warnings: [...sc.warnings, ...(target && target.reached < 1 ? [`${((1 - target.reached) * 100).toFixed(0)}% of replications did not reach the target within the ${target.horizonDays.toFixed(0)}-day horizon (their days count as the horizon)`] : [])],
    closedForm: {
      ettr: sig(firstOrderEttr({ mtbfS, restartOverheadS: overheadS, intervalS, blockS })),
      optimumEttr: sig(optimumEttr(blockS, overheadS, mtbfS)),
      mtbfHours: sig(mtbfS / 3600),
      restartOverheadS: sig(overheadS),
    },
    gpuHours: {
      total: gpuH('total'),
      productive: gpuH('productive'),
      lostWork: gpuH('lostWork'),
      checkpoint: gpuH('checkpoint'),
      detection: gpuH('detection'),
      restart: gpuH('restart'),
      waiting: gpuH('waiting'),
      degraded: gpuH('degraded'),
    },
    spares: {
      spareNodes: job.spareNodes,
      fromIdle: sc.sparesFromIdle,
      repairCrews: job.repairCrews ?? null,
      shortfalls: sig(m(perRep((r) => r.spareShortfalls))),
      maxRepairQueueHours: sig(m(perRep((r) => r.maxRepairQueueS)) / 3600),
      peakNodesInRepair: sig(m(peak)),
      reconfigurations: sig(m(perRep((r) => r.reconfigurations))),
    },
    progress,
    percentiles: {
      ettr: pct(ettr),
      interruptions: pct(inter),
      productiveDays: pct(productiveDays),
      lostWorkHours: pct(lost),
      downtimeHours: pct(down),
      peakNodesInRepair: pct(peak),
    },
  };
}
