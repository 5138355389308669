import { capacityTimeline, type CapacityStep } from '../buildout/capacity-timeline.js';
import { simulateBuildout } from '../buildout/simulate-buildout.js';
import { siteSteps } from '../buildout/site-steps.js';
import { InputError } from '../core/issue.js';
import { campaignCost } from '../energy/campaign-cost.js';
import { energyOverTimeline } from '../energy/energy-over-timeline.js';
import { peakGpusByType } from '../energy/peak-gpus-by-type.js';
import type { CampaignInput } from './campaign-input.js';
import type { CampaignResult, JobOutcome, JobSegment, TrainingSummary } from './campaign-result.js';
import { fixedDegreePlanner } from './fixed-degree-planner.js';
import type { GpuSpec } from '../catalog/gpu.js';
import type { EfficiencyModel } from '../model/efficiency.js';
import { searchPlanner } from './search-planner.js';
import { mixedPlanner } from './mixed-planner.js';
import { scheduleJob, type JobSchedule, type PlanSegment } from './job-schedule.js';
import { capacityDays } from './capacity-days.js';
import { campaignMilestones } from './milestones.js';
import type { Planner } from './planner.js';
import { trainJob, type TrainedJob } from './train-job.js';
import { failureBreakdown } from '../sim/component-breakdown.js';

/** The stages `runCampaign` reports through `onProgress`, in order. */
export const CAMPAIGN_STAGES = ['build-out', 'planning', 'training', 'energy and cost'] as const;
export type CampaignStage = (typeof CAMPAIGN_STAGES)[number];

export interface CampaignOptions {
  /** Chooses plans. Default: fixed degrees when the scenario gives them, plan search otherwise. */
  planner?: Planner;
  /** Overrides the scenario's seed. */
  seed?: number;
  /** Efficiency model per GPU (a calibration profile); default: each GPU's catalog defaults. */
  effFor?: (gpu: GpuSpec) => EfficiencyModel | undefined;
  /** Called as each stage starts (index into `CAMPAIGN_STAGES`). */
  onProgress?: (stage: CampaignStage, index: number, total: number) => void;
}

/** A planner that answers each (capacity, GPU) once. */
function cached(planner: Planner): Planner {
  const memo = new Map<string, ReturnType<Planner>>();
  return (gpus, gpu, byType) => {
    const key = `${gpu}:${gpus}:${byType ? JSON.stringify(byType) : ''}`;
    if (!memo.has(key)) memo.set(key, planner(gpus, gpu, byType));
    return memo.get(key);
  };
}

const hours = (gpuS: number): number => gpuS / 3600;

/**
 * The Colossus campaign, from chip deliveries to a trained model: the build-out gives capacity by
 * GPU type day by day; training starts once `startFraction` of the delivered fleet is online and
 * re-plans as capacity grows; the failure simulator plays interruptions, checkpoints and restarts
 * over it; the model is done when it has seen its token budget. Energy and cost are integrated over
 * the online fleet up to that day. Pure and deterministic: same input and seed, same result.
 */
export function runCampaign(input: CampaignInput, options: CampaignOptions = {}): CampaignResult {
  const progress = (stage: CampaignStage): void => options.onProgress?.(stage, CAMPAIGN_STAGES.indexOf(stage), CAMPAIGN_STAGES.length);
  const seed = options.seed ?? input.seed;
  const t = input.training;
  const r = input.reliability;

  progress('build-out');
  const buildout = simulateBuildout(input.buildout);
  if (!buildout.days.some((d) => d.gpusOnlineTotal > 0)) {
    // Nothing to train on: refuse, naming what keeps the fleet dark, rather than report a campaign of nothing.
    const b = input.buildout;
    const noCrews = b.installPhases.every((p) => p.racksPerDay <= 0);
    const noPower = b.powerPhases.length > 0 && b.powerPhases.every((p) => p.gridMw + (p.generationMw ?? 0) <= 0);
    const [path, why] = noCrews
      ? ['installPhases', 'no phase installs any racks']
      : noPower
        ? ['powerPhases', 'no phase has any grid power or on-site generation']
        : ['horizonDays', `the first GPUs are not delivered, installed, networked and burnt in within ${b.horizonDays} days`];
    throw new InputError([{ path, message: `leaves no GPU online within the horizon: ${why}`, expected: 'a build-out that brings at least one rack online' }]);
  }

  progress('planning');
  const basePlanner = options.planner ?? (t.degrees ? fixedDegreePlanner(t, t.degrees, options.effFor) : searchPlanner(t, options.effFor));
  const planner = cached(t.fleet === 'mixed' ? mixedPlanner(t, basePlanner) : basePlanner);
  const gpusPerNode = input.buildout.gpusPerServer;
  const spareGpus = r.spareNodes * gpusPerNode;
  const totalDelivered = input.buildout.deliveries.reduce((s, d) => s + d.gpus, 0);
  const startGpus = Math.max(1, Math.ceil(t.startFraction * totalDelivered) - spareGpus);
  const oneJob = t.fleet !== 'separate';
  const jobTypes: string[][] = oneJob ? [buildout.gpuTypes] : buildout.gpuTypes.map((g) => [g]);
  const schedules = jobTypes.map((types) =>
    scheduleJob(capacityDays(buildout.days, types, spareGpus, t.fleet === 'mixed'), { startGpus, replanGrowth: t.replanGrowth, planner }),
  );

  progress('training');
  const tokensPerStep = t.globalBatch * t.seqLen;
  const endOfHorizon = input.buildout.horizonDays + 1;
  const trained = schedules.map((schedule, i) =>
    trainJob({
      schedule,
      reliability: r,
      gpusPerNode,
      tokensPerStep,
      tokens: t.tokens,
      endDay: endOfHorizon,
      seed,
      stream: i,
      paramsTotal: schedule.model?.paramsTotal ?? 0,
    }),
  );
  const modelIndex = oneJob ? 0 : Math.max(0, jobTypes.findIndex((types) => types[0] === t.primaryGpu));
  const jobs = trained.map((job, i): JobOutcome => outcome(job, schedules[i]?.segments ?? [], jobTypes[i] ?? [], i === modelIndex, input, endOfHorizon));
  const modelJob = jobs[modelIndex];
  const modelTrained = trained[modelIndex];

  progress('energy and cost');
  const doneDay = modelJob?.doneDay ?? null;
  const endDay = doneDay !== null ? Math.min(endOfHorizon, Math.ceil(doneDay)) : endOfHorizon;
  const timeline = capacityTimeline(buildout);
  const charged = truncate(timeline, endDay);
  const energy = energyOverTimeline({ timeline: charged, endDay, utilisation: input.energy.utilisation });
  const peakGpus = peakGpusByType(charged);
  // Capital is charged on the GPUs delivered by the end day, powered or not: a GPU waiting for
  // power has been bought.
  const lastDay = buildout.days[Math.min(buildout.days.length - 1, Math.max(0, endDay - 1))];
  const deliveredGpus: Record<string, number> = {};
  for (const g of buildout.gpuTypes) deliveredGpus[g] = lastDay?.gpusDelivered[g] ?? 0;
  const tokens = modelJob?.tokens ?? 0;
  const cost = campaignCost({
    gpusPurchased: deliveredGpus,
    energyMwh: energy.energyMwh,
    campaignDays: endDay,
    ...(tokens > 0 ? { tokens } : {}),
    usdPerKwh: input.energy.usdPerKwh,
    amortizationYears: input.energy.amortizationYears,
  });

  const training = summarize(input, modelJob, modelTrained, schedules[modelIndex], endOfHorizon);
  const result: CampaignResult = {
    scenario: {
      name: input.name,
      ...(input.description !== undefined ? { description: input.description } : {}),
      ...(input.startDate !== undefined ? { startDate: input.startDate } : {}),
      horizonDays: input.buildout.horizonDays,
      seed,
    },
    timeline,
    site: siteSteps(buildout),
    milestones: campaignMilestones(buildout, { startDay: training.startDay, doneDay }, input.startDate),
    training,
    jobs,
    energy: {
      mwh: energy.energyMwh,
      itMwh: energy.itEnergyMwh,
      peakMw: energy.peakMw,
      averageMw: energy.averageMw,
      series: energy.intervals.map((x) => ({ fromDay: x.fromDay, toDay: x.toDay, powerMw: x.powerMw })),
      gpuHoursByType: energy.gpuHoursByType,
    },
    cost,
    endDay,
    peakGpus,
    deliveredGpus,
    assumptions: input.assumptions,
  };
  if (input.supply) result.supply = input.supply;
  return result;
}

/** Capacity steps up to (not including) `endDay`. */
function truncate(steps: readonly CapacityStep[], endDay: number): CapacityStep[] {
  const kept = steps.filter((s) => s.day < endDay);
  return kept.length > 0 ? kept : steps.slice(0, 1);
}

function outcome(
  job: TrainedJob | undefined,
  allSegments: readonly PlanSegment[],
  types: readonly string[],
  trainsModel: boolean,
  input: CampaignInput,
  endOfHorizon: number,
): JobOutcome {
  const gpu = types.join('+');
  const stop = job?.doneDay ?? endOfHorizon;
  const segments: JobSegment[] = [];
  allSegments.forEach((s, i) => {
    const c = job?.segments[i];
    if (s.day >= stop || !c) return;
    const nodes = Math.max(1, Math.ceil(s.gpusUsed / input.buildout.gpusPerServer));
    const failuresPerDay: Record<string, number> = {};
    for (const row of failureBreakdown(c.causes, nodes, input.buildout.gpusPerServer, input.reliability.nodesPerSwitch, []).byComponent) failuresPerDay[row.component] = row.perDay;
    const seg: JobSegment = { ...s, checkpoint: c.checkpoint, restartS: c.restartS, spareNodes: c.spareNodes, mtbfS: c.mtbfS, failuresPerDay };
    if (c.inventory) seg.fabricTiers = c.inventory.tiers.map((t) => ({ tier: t.tier, switches: t.switches }));
    if (c.restart) seg.restart = c.restart;
    segments.push(seg);
  });
  const byCause: Record<string, number> = {};
  input.reliability.causes.forEach((c, i) => {
    const n = job?.run.byCause[i] ?? 0;
    if (n > 0) byCause[c.name] = n;
  });
  let weighted = 0;
  let weight = 0;
  segments.forEach((s, i) => {
    const until = Math.min(stop, segments[i + 1]?.day ?? stop);
    const w = s.gpusUsed * Math.max(0, until - s.day);
    weighted += s.mfu * w;
    weight += w;
  });
  const g = job?.run.gpuS;
  return {
    gpu,
    trainsModel,
    startDay: segments[0]?.day ?? null,
    doneDay: job?.doneDay ?? null,
    tokens: job?.tokens ?? 0,
    ettr: job?.ettr ?? 0,
    mfu: weight > 0 ? weighted / weight : 0,
    interruptions: job?.run.interruptions ?? 0,
    interruptionsByCause: byCause,
    replans: Math.max(0, segments.length - 1),
    checkpoints: job?.run.checkpoints ?? 0,
    checkpointIntervalS: segments[segments.length - 1]?.checkpoint.intervalS ?? job?.checkpointIntervalS ?? 0,
    gpuHours: {
      total: hours(g?.total ?? 0),
      productive: hours(g?.productive ?? 0),
      lostWork: hours(g?.lostWork ?? 0),
      checkpoint: hours(g?.checkpoint ?? 0),
      detection: hours(g?.detection ?? 0),
      restart: hours(g?.restart ?? 0),
      waiting: hours(g?.waiting ?? 0),
      degraded: hours(g?.degraded ?? 0),
    },
    segments,
  };
}

function summarize(
  input: CampaignInput,
  job: JobOutcome | undefined,
  trained: TrainedJob | undefined,
  schedule: JobSchedule | undefined,
  endOfHorizon: number,
): TrainingSummary {
  const t = input.training;
  const last = job?.segments[job.segments.length - 1];
  const counts = schedule?.model ?? { paramsTotal: 0, paramsActive: 0, flopsPerToken: 0 };
  const startDay = job?.startDay ?? null;
  const progress =
    trained && startDay !== null ? trained.tokensByDay.map((tokens, i) => ({ day: startDay + i + 1, tokens })) : [];
  const stop = job?.doneDay ?? endOfHorizon;
  return {
    model: {
      name: t.model.name,
      paramsTotal: counts.paramsTotal,
      paramsActive: counts.paramsActive,
      flopsPerToken: counts.flopsPerToken,
      ...(t.model.source !== undefined ? { source: t.model.source } : {}),
    },
    fleet: t.fleet,
    plan: last ? { gpu: last.gpu, gpusUsed: last.gpusUsed, stepTimeS: last.stepTimeS, ...last.parallel } : null,
    mfu: job?.mfu ?? 0,
    ettr: job?.ettr ?? 0,
    tokens: job?.tokens ?? 0,
    tokenBudget: t.tokens,
    timeToModelDays: job?.doneDay ?? null,
    startDay,
    trainingDays: startDay !== null ? stop - startDay : 0,
    modelFlops: (job?.tokens ?? 0) * counts.flopsPerToken,
    interruptions: job?.interruptions ?? 0,
    replans: job?.replans ?? 0,
    progress,
  };
}
