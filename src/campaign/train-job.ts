import { rescaleToInventory, totalRatePerHour, type FailureCause } from '../sim/causes.js';
import { inventoryFor, type Inventory } from '../sim/inventory.js';
import { intervalForPolicy } from '../sim/checkpoint.js';
import { JobEngine } from '../sim/engine.js';
import type { CapacityChange, CheckpointCosts, JobModel, ReplicationResult } from '../sim/job.js';
import { partialRejoinS, restartBreakdown, type RestartBreakdown } from '../sim/restart.js';
import { CHECKPOINT_BYTES_PER_PARAM, planCheckpoint } from '../sim/storage.js';
import type { CampaignReliability } from './campaign-input.js';
import type { JobSchedule, PlanSegment } from './job-schedule.js';

/** A plan segment's checkpoint, as `run --json` reports it. */
export interface SegmentCheckpoint {
  /** Bytes of one checkpoint (parameters × bytes per parameter, or the scenario's). */
  bytes: number;
  /** Compute seconds between checkpoint starts. */
  intervalS: number;
  /** Seconds training is blocked per checkpoint. */
  blockingS: number;
  /** Seconds until a checkpoint is durable. */
  writeS: number;
  restoreS: number;
  /** The write bandwidth assumed: the storage's (min of system and the nodes' NIC share), or the one the scenario's fixed write time implies. */
  storageGBps: number;
  /** Average write rate: bytes ÷ interval (never above `storageGBps`). */
  writeGBps: number;
  /** The storage system (`fixed` when the scenario gives write times). */
  storage: string;
}

/** The costs the simulator uses for one plan segment. */
export interface SegmentCosts {
  checkpoint: SegmentCheckpoint;
  restartS: number;
  restart?: RestartBreakdown;
  spareNodes: number;
  /** Mean time between interruptions at this size. */
  mtbfS: number;
  /** The failure causes at this size (rescaled to its components with an inventory). */
  causes: readonly FailureCause[];
  /** With `reliability.inventory`: the components this plan's job holds. */
  inventory?: Inventory;
  /** Nodes per data-parallel replica of the plan (tp·pp·cp·ep GPUs: dropping one rank breaks its EP group). */
  replicaNodes: number;
  /** With `restart.policy: elastic`: partial recovery's rejoin and full-restart times at this plan. */
  partialRecovery?: { rejoinS: number; fullRestartS: number };
}

export interface TrainJobOptions {
  schedule: JobSchedule;
  reliability: CampaignReliability;
  gpusPerNode: number;
  /** Tokens per optimizer step (global batch × sequence length); constant across re-plans. */
  tokensPerStep: number;
  /** The token budget. */
  tokens: number;
  /** The horizon ends at the end of this day (exclusive: `horizonDays + 1`). */
  endDay: number;
  seed: number;
  /** Replication index: separate jobs of one campaign draw from separate streams. */
  stream: number;
  /** Parameters of the model (sizes the checkpoint). */
  paramsTotal: number;
}

export interface TrainedJob {
  model: JobModel;
  run: ReplicationResult;
  /** Compute seconds between checkpoints of the first segment (see `segments` for each). */
  checkpointIntervalS: number;
  /** Checkpoint, restart and spares of each plan segment, in `schedule.segments` order. */
  segments: SegmentCosts[];
  /** Day (from day 0, fractional) the token budget was reached; null if not within the horizon. */
  doneDay: number | null;
  tokens: number;
  ettr: number;
  /** Tokens trained by the end of each day from the start day on: `[startDay + i + 1] → tokens`. */
  tokensByDay: number[];
}

/**
 * The checkpoint, restart and spares of one plan: the checkpoint sized from the model on the
 * storage (or the scenario's fixed times), its interval by the scenario's policy at THIS job's
 * size and blocking cost, never shorter than the storage needs to write one checkpoint; the
 * restart from this job's ranks; the GPUs the plan leaves idle as spares beside the reserved ones.
 */
export function segmentCosts(r: CampaignReliability, segment: PlanSegment, gpusPerNode: number, paramsTotal: number, horizonS: number): SegmentCosts {
  const nodes = Math.max(1, Math.ceil(segment.gpusUsed / gpusPerNode));
  const inventory = r.inventory ? inventoryFor(nodes * gpusPerNode, r.inventory) : undefined;
  const causes = inventory ? rescaleToInventory(r.causes, inventory) : r.causes;
  const mtbfS = 3600 / totalRatePerHour(causes, nodes, gpusPerNode, r.nodesPerSwitch);
  let writeS = r.writeS;
  let blockS = r.blockS;
  let restoreS = r.restoreS;
  let bytes = paramsTotal * CHECKPOINT_BYTES_PER_PARAM;
  let drainS = r.asyncCheckpoint ? r.writeS - r.blockS : r.writeS;
  let storage = 'fixed';
  let storageGBps = drainS > 0 ? bytes / drainS / 1e9 : Infinity;
  if (r.checkpointSpec) {
    const plan = planCheckpoint(r.checkpointSpec, nodes, gpusPerNode, paramsTotal);
    ({ writeS, restoreS, bytes, drainS, storageGBps } = plan);
    blockS = plan.blockingS;
    storage = r.checkpointSpec.storage.name;
  }
  let intervalS =
    r.intervalPolicy === 'fixed'
      ? (r.intervalS ?? horizonS)
      : Number.isFinite(mtbfS)
        ? intervalForPolicy(r.intervalPolicy, blockS, mtbfS, restoreS)
        : horizonS;
  // One checkpoint must be written before the next starts.
  intervalS = Math.max(intervalS, drainS, 1);
  const costs: SegmentCosts = {
    checkpoint: { bytes, intervalS, blockingS: blockS, writeS, restoreS, storageGBps, writeGBps: Math.min(storageGBps, bytes / intervalS / 1e9), storage },
    restartS: r.restartS,
    spareNodes: r.spareNodes + Math.max(0, Math.floor((segment.capacityGpus - segment.gpusUsed) / gpusPerNode)),
    mtbfS,
    causes,
    replicaNodes: replicaNodesOf(segment, gpusPerNode, nodes),
  };
  if (inventory) costs.inventory = inventory;
  if (r.restart) {
    const b = restartBreakdown(r.restart, nodes * gpusPerNode, segment.stepTimeS);
    costs.restart = b;
    costs.restartS = b.totalS;
    if (r.restart.policy === 'elastic') {
      costs.partialRecovery = {
        rejoinS: partialRejoinS(r.restart, costs.replicaNodes * gpusPerNode, bytes),
        fullRestartS: restartBreakdown({ ...r.restart, policy: 'full' }, nodes * gpusPerNode, segment.stepTimeS).totalS,
      };
    }
  }
  return costs;
}

/**
 * Nodes of one data-parallel replica of a plan (whole nodes, and a whole number of them in the job;
 * else 1). Degrees that are missing, zero or infinite also give 1: `nodes % n` is then NaN or
 * `nodes`, never 0.
 */
function replicaNodesOf(segment: PlanSegment, gpusPerNode: number, nodes: number): number {
  const p = segment.parallel;
  const n = Math.max(1, Math.ceil((p.tp * p.pp * p.cp * p.ep) / gpusPerNode));
  return nodes % n === 0 ? n : 1;
}

const engineCosts = (c: SegmentCheckpoint): CheckpointCosts => ({ intervalS: c.intervalS, writeS: c.writeS, blockS: c.blockingS, restoreS: c.restoreS });

/**
 * Runs the failure/checkpoint/restart simulator (`src/sim`, one seeded replication) over the job's
 * plan segments: the job starts at its first plan and every later segment is a planned capacity
 * change (a blocking checkpoint, a restart and a restore). Each segment has its own checkpoint,
 * interval, restart time and spares (`segmentCosts`): the job that actually runs. Pure.
 */
export function trainJob(o: TrainJobOptions): TrainedJob | undefined {
  const { schedule, reliability: r } = o;
  const first = schedule.segments[0];
  if (schedule.startDay === null || !first) return undefined;
  const startDay = schedule.startDay;
  const nodesOf = (gpus: number): number => Math.max(1, Math.ceil(gpus / o.gpusPerNode));
  const horizonDays = o.endDay - startDay;
  const costs = schedule.segments.map((s) => segmentCosts(r, s, o.gpusPerNode, o.paramsTotal, horizonDays * 86400));
  const c0 = costs[0] as SegmentCosts;
  const capacity: CapacityChange[] = schedule.segments.slice(1).map((s, i) => {
    const c = costs[i + 1] as SegmentCosts;
    return {
      atS: (s.day - startDay) * 86400,
      jobNodes: nodesOf(s.gpusUsed),
      stepTimeS: s.stepTimeS,
      checkpoint: engineCosts(c.checkpoint),
      restartS: c.restartS,
      spareNodes: c.spareNodes,
      causes: c.causes,
      replicaNodes: c.replicaNodes,
      ...(c.partialRecovery ? { partialRecovery: c.partialRecovery } : {}),
    };
  });
  const model: JobModel = {
    gpusPerNode: o.gpusPerNode,
    jobNodes: nodesOf(first.gpusUsed),
    replicaNodes: c0.replicaNodes,
    stepTimeS: first.stepTimeS,
    horizonS: horizonDays * 86400,
    targetSteps: o.tokens / o.tokensPerStep,
    causes: c0.causes,
    restartS: c0.restartS,
    checkpoint: engineCosts(c0.checkpoint),
    spareNodes: c0.spareNodes,
    elastic: false,
    minReplicas: 1,
    nodesPerSwitch: r.nodesPerSwitch,
    progressSamples: Math.max(1, horizonDays),
    capacity,
  };
  if (r.repairCrews !== undefined) model.repairCrews = r.repairCrews;
  // Partial recovery (restart.policy elastic): the job drops a failed replica and continues.
  if (c0.partialRecovery) model.partialRecovery = c0.partialRecovery;
  if (r.burnIn && r.burnIn.days > 0) model.burnIn = { untilS: r.burnIn.days * 86400, rateMultiplier: r.burnIn.rateMultiplier };
  const run = new JobEngine(model).run(o.seed, o.stream);
  const done = run.steps >= (model.targetSteps ?? Infinity) * (1 - 1e-9);
  return {
    model,
    run,
    checkpointIntervalS: c0.checkpoint.intervalS,
    segments: costs,
    doneDay: done ? startDay + run.wallS / 86400 : null,
    tokens: Math.min(o.tokens, run.steps * o.tokensPerStep),
    ettr: run.gpuS.total > 0 ? run.gpuS.productive / run.gpuS.total : 0,
    tokensByDay: run.progressSteps.map((steps) => Math.min(o.tokens, steps * o.tokensPerStep)),
  };
}
