import type { CapacityStep } from '../buildout/capacity-timeline.js';
import type { SiteStep } from '../buildout/site-steps.js';
import type { CostResult } from '../energy/campaign-cost.js';
import type { ParallelPlan } from '../spec/types.js';
import type { FleetMode } from './campaign-input.js';
import type { PlanSegment } from './job-schedule.js';
import type { SupplyWhatIf } from './supply-what-if.js';
import type { RestartBreakdown } from '../sim/restart.js';
import type { SegmentCheckpoint } from './train-job.js';

/** A plan segment of a job with what its failures cost: checkpoint, restart, spares. */
export interface JobSegment extends PlanSegment {
  checkpoint: SegmentCheckpoint;
  /** Restart after detection, before the restore (seconds). */
  restartS: number;
  /** Its breakdown, when the restart is modelled. */
  restart?: RestartBreakdown;
  /** Spare nodes: the reserved ones plus the nodes the plan leaves idle. */
  spareNodes: number;
  /** Mean time between interruptions at this size (seconds). */
  mtbfS: number;
  /** Expected interruptions per day at this size by component (gpu, host, nic, psu, switches and links by kind). */
  failuresPerDay: Record<string, number>;
  /** With `reliability.inventory`: the fabric tiers this plan's job spans and their switches. */
  fabricTiers?: { tier: string; switches: number }[];
}

/** A dated event of the campaign. `day` counts from day 0 (fractional for the model's completion). */
export interface Milestone {
  kind: string;
  label: string;
  day: number;
  /** Calendar date, when the scenario has a `startDate`. */
  date?: string;
}

/** GPU-hours the job held, by what they did (they sum to `total`). */
export interface GpuHours {
  total: number;
  productive: number;
  lostWork: number;
  checkpoint: number;
  detection: number;
  restart: number;
  waiting: number;
  degraded: number;
}

/** One training job of the campaign (the model's, or a separate job on another GPU type). */
export interface JobOutcome {
  gpu: string;
  /** True for the job that trains the campaign's model. */
  trainsModel: boolean;
  startDay: number | null;
  doneDay: number | null;
  tokens: number;
  ettr: number;
  /** GPU-time-weighted model FLOP utilisation of the plans while the job ran. */
  mfu: number;
  interruptions: number;
  interruptionsByCause: Record<string, number>;
  /** Plan changes after the first (each paid a checkpoint and a restart). */
  replans: number;
  checkpoints: number;
  /** The checkpoint interval of the last plan (each segment has its own). */
  checkpointIntervalS: number;
  gpuHours: GpuHours;
  segments: JobSegment[];
}

export interface TrainingSummary {
  model: { name: string; paramsTotal: number; paramsActive: number; flopsPerToken: number; source?: string };
  fleet: FleetMode;
  /** The plan in force at the end (the largest job), with its GPU type and size. */
  plan: (ParallelPlan & { gpu: string; gpusUsed: number; stepTimeS: number }) | null;
  /** GPU-time-weighted MFU of the plans (what a healthy step achieves). */
  mfu: number;
  /** Effective training time ratio: productive GPU-time / GPU-time held. */
  ettr: number;
  /** Tokens trained (the budget, if done). */
  tokens: number;
  tokenBudget: number;
  /** Day (from day 0) the model has seen its token budget; null if not within the horizon. */
  timeToModelDays: number | null;
  startDay: number | null;
  /** Wall-clock days from the first step to the model (or to the horizon). */
  trainingDays: number;
  /** Model FLOPs trained, by the 6·N·D + attention convention of the performance model. */
  modelFlops: number;
  interruptions: number;
  replans: number;
  /** Tokens at the end of each day, from the start day: `{ day, tokens }`. */
  progress: { day: number; tokens: number }[];
}

export interface CampaignResult {
  scenario: { name: string; description?: string; startDate?: string; horizonDays: number; seed: number };
  /** Online capacity by GPU type as steps (day 0 and every change) over the whole horizon. */
  timeline: CapacityStep[];
  /** GPUs delivered, burnt in and online, power limit and power drawn at full load, as steps over the horizon. */
  site: SiteStep[];
  milestones: Milestone[];
  training: TrainingSummary;
  /** Every job (one when the fleet is combined). */
  jobs: JobOutcome[];
  energy: {
    mwh: number;
    itMwh: number;
    peakMw: number;
    averageMw: number;
    /** Facility power by step. */
    series: { fromDay: number; toDay: number; powerMw: number }[];
    gpuHoursByType: Record<string, number>;
  };
  cost: CostResult;
  /** Day energy and cost are counted to: the model's completion (rounded up) or the end of the horizon. */
  endDay: number;
  /** The most GPUs online by the end day, by type. */
  peakGpus: Record<string, number>;
  /** GPUs delivered by the end day, by type (online or waiting for power): what the capital cost is charged for. */
  deliveredGpus: Record<string, number>;
  supply?: SupplyWhatIf;
  assumptions: string[];
}
