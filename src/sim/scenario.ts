import {
  InputError,
  checkKeys,
  describeValue,
  isRecord,
  newReadContext,
  readBoolean,
  readEnum,
  readNumber,
  readObject,
  readString,
  report,
  type Issue,
  type Path,
  type ReadContext,
  type SourceDocument,
} from '../core/index.js';
import { readFabric } from '../spec/fabric.js';
import { SIM_BOUNDS } from './bounds.js';
import { inventoryFor, inventorySpec, COMPONENTS, type Component, type Inventory, type InventorySpec } from './inventory.js';
import { CAUSE_SCOPES, rescaleToInventory, totalRatePerHour, type CauseScope, type CauseUnit, type FailureCause } from './causes.js';
import { INTERVAL_POLICIES, intervalForPolicy, type IntervalPolicy } from './checkpoint.js';
import type { JobModel } from './job.js';
import { PRESET_NAMES, presetCauses, type PresetName } from './presets.js';
import { RESTART_DEFAULTS, RESTART_POLICIES, partialRejoinS, restartBreakdown, type RestartBreakdown, type RestartParams } from './restart.js';
import {
  CHECKPOINT_BYTES_PER_PARAM,
  STORAGE_PRESETS,
  STORAGE_PRESET_NAMES,
  STORAGE_TIERS,
  planCheckpoint,
  type CheckpointPlan,
  type StorageCheckpointSpec,
  type StorageSystem,
} from './storage.js';

/**
 * Reads a `colossus simulate` scenario (YAML/JSON) into a resolved job model, collecting every
 * problem as a field-level issue with its file position.
 */

/**
 * Turns a job given as model/training/parallel (the estimate contract) into a step time. Supplied
 * by the caller so that this parser does not depend on the performance model. It receives an
 * estimate-shaped spec `{ model, training, parallel, system }` built from `job` and `cluster`, and
 * reports its own issues into `ctx` (under `path`, which is `['job']`).
 */
export type ResolveStepTimeS = (jobSpec: unknown, ctx: ReadContext, path: Path) => number | ResolvedJob | undefined;

/** What the performance model tells the simulator about a job given as model/training/parallel. */
export interface ResolvedJob {
  stepTimeS: number;
  /** Parameters of the model (sizes its checkpoint). */
  paramsTotal?: number;
  /** Global batch × sequence length (turns `job.tokens` into steps). */
  tokensPerStep?: number;
}

export interface ScenarioOptions {
  resolveStepTimeS?: ResolveStepTimeS;
  /** Overrides the scenario's `seed`. */
  seed?: number;
  /** Overrides the scenario's `replications`. */
  replications?: number;
  /**
   * The job is a placeholder (a campaign sizes it per plan): a storage-based checkpoint without
   * `bytes` is kept as a spec in `checkpointSpec` instead of being an error.
   */
  deferCheckpoint?: boolean;
}

export interface SimScenario {
  name?: string;
  gpu?: string;
  clusterGpus?: number;
  jobGpus: number;
  days: number;
  preset?: PresetName;
  /** How the checkpoint interval was chosen (`fixed` when given in seconds). */
  intervalPolicy: IntervalPolicy | 'fixed';
  asyncCheckpoint: boolean;
  seed: number;
  replications: number;
  job: JobModel;
  /** When a storage system decides the checkpoint's cost: the spec, and its plan for this job. */
  checkpointSpec?: StorageCheckpointSpec;
  checkpointPlan?: CheckpointPlan;
  /** When the restart is modelled (`reliability.restart`), its parameters and breakdown for this job. */
  restart?: RestartParams;
  restartBreakdown?: RestartBreakdown;
  /** `job.tokens` / `job.steps`: what the job must reach (`job.targetSteps` is the same as steps). */
  target?: { steps: number; tokens?: number; tokensPerStep?: number };
  /** True when `job.days` was not given: the horizon is a cap long enough to reach the target. */
  openHorizon: boolean;
  /** Spare nodes that came from the cluster's idle GPUs (cluster.gpus − job.gpus) by default. */
  sparesFromIdle: boolean;
  /** Problems with the scenario that are not errors (printed, and in `--json`). */
  warnings: string[];
  /**
   * `reliability.inventory`: the cluster's components (fabric tiers, NICs, PSUs). The job's causes
   * are then rescaled to what this job holds (`inventory`); `baseCauses` are the causes before.
   */
  inventorySpec?: InventorySpec;
  inventory?: Inventory;
  baseCauses?: FailureCause[];
}

export type ScenarioResult = { ok: true; scenario: SimScenario } | { ok: false; issues: Issue[] };

const TOP_KEYS = ['name', 'description', 'cluster', 'job', 'reliability', 'seed', 'replications'] as const;
const CLUSTER_KEYS = ['gpu', 'gpus', 'gpusPerNode', 'nodesPerSwitch'] as const;
const JOB_KEYS = [
  'gpus',
  'days',
  'stepTimeS',
  'targetSteps',
  'steps',
  'tokens',
  'tokensPerStep',
  'replicaNodes',
  'elastic',
  'minReplicas',
  'model',
  'training',
  'parallel',
] as const;
const RELIABILITY_KEYS = ['preset', 'inventory', 'causes', 'overrides', 'rateMultiplier', 'restartS', 'restart', 'checkpoint', 'spareNodes', 'repairCrews', 'burnIn'] as const;
const RESTART_KEYS = ['policy', 'schedulerS', 'processStartS', 'ncclBaseS', 'ncclPerRankS', 'warmupSteps', 'elasticStallS'] as const;
const STORAGE_KEYS = ['preset', 'tier', 'writeGBps', 'readGBps', 'nodeGBps', 'capacityTB', 'source'] as const;
const OVERRIDE_KEYS = ['rateMultiplier', 'scope', 'detectS', 'repairHours', 'silent'] as const;
const CHECKPOINT_KEYS = ['intervalS', 'writeS', 'restoreS', 'async', 'blockS', 'storage', 'bytes', 'bytesPerParam', 'keep'] as const;
const INVENTORY_KEYS = ['fabric', 'switchPorts', 'nicsPerGpu', 'psusPerNode'] as const;
const CAUSE_KEYS = ['name', 'perGpuHour', 'perNodeHour', 'perSwitchHour', 'perComponentHour', 'component', 'scope', 'detectS', 'repairHours', 'silent', 'source'] as const;
const BURN_IN_KEYS = ['days', 'rateMultiplier'] as const;

export const DEFAULTS = {
  gpusPerNode: 8,
  nodesPerSwitch: 16,
  restartS: 600,
  writeS: 30,
  restoreS: 60,
  asyncBlockS: 1,
  detectS: 30,
  repairHours: 48,
  seed: 1,
  replications: 1,
} as const;

/** Parse and validate a scenario document. */
export function parseScenario(doc: SourceDocument | undefined, value: unknown, options: ScenarioOptions = {}): ScenarioResult {
  const ctx = newReadContext(doc);
  const scenario = readScenario(ctx, value, options);
  if (ctx.issues.length > 0 || !scenario) {
    if (ctx.issues.length === 0) report(ctx, [], 'is not a valid scenario');
    return { ok: false, issues: ctx.issues };
  }
  return { ok: true, scenario };
}

/** Like `parseScenario` but throws an InputError carrying the issues. */
export function parseScenarioOrThrow(doc: SourceDocument, options: ScenarioOptions = {}): SimScenario {
  const res = parseScenario(doc, doc.value, options);
  if (!res.ok) throw new InputError(res.issues);
  return res.scenario;
}

function readScenario(ctx: ReadContext, value: unknown, options: ScenarioOptions): SimScenario | undefined {
  const root = readObject(ctx, value, []);
  if (!root) return undefined;
  checkKeys(ctx, root, TOP_KEYS, []);
  const name = readString(ctx, root, 'name', []);
  if (root['description'] !== undefined && typeof root['description'] !== 'string')
    report(ctx, ['description'], 'has the wrong type', { expected: 'a string', received: describeValue(root['description']) });

  // cluster
  const cluster = readObject(ctx, root['cluster'], ['cluster'], false) ?? {};
  checkKeys(ctx, cluster, CLUSTER_KEYS, ['cluster']);
  const gpu = readString(ctx, cluster, 'gpu', ['cluster']);
  const clusterGpus = readNumber(ctx, cluster, 'gpus', ['cluster'], { integer: true, min: 1, max: SIM_BOUNDS.maxGpus, why: SIM_BOUNDS.maxGpusWhy });
  const gpusPerNode = readNumber(ctx, cluster, 'gpusPerNode', ['cluster'], { integer: true, min: 1, max: 1024 }) ?? DEFAULTS.gpusPerNode;
  const nodesPerSwitch =
    readNumber(ctx, cluster, 'nodesPerSwitch', ['cluster'], { integer: true, min: 1 }) ?? DEFAULTS.nodesPerSwitch;

  // job
  const job = readObject(ctx, root['job'], ['job']);
  let jobGpus: number | undefined;
  let days: number | undefined;
  let stepTimeS: number | undefined;
  let resolved: ResolvedJob | undefined;
  let targetSteps: number | undefined;
  let targetTokens: number | undefined;
  let tokensPerStep: number | undefined;
  let replicaNodes = 1;
  let elastic = false;
  let minReplicas = 1;
  if (job) {
    checkKeys(ctx, job, JOB_KEYS, ['job']);
    jobGpus = readNumber(ctx, job, 'gpus', ['job'], { required: true, integer: true, min: 1, max: SIM_BOUNDS.maxGpus, why: SIM_BOUNDS.maxGpusWhy });
    if (jobGpus !== undefined && jobGpus % gpusPerNode !== 0) {
      report(ctx, ['job', 'gpus'], `must be a whole number of ${gpusPerNode}-GPU nodes`, {
        expected: `a multiple of cluster.gpusPerNode (${gpusPerNode})`,
        received: String(jobGpus),
      });
      jobGpus = undefined;
    }
    if (jobGpus !== undefined && clusterGpus !== undefined && jobGpus > clusterGpus) {
      report(ctx, ['job', 'gpus'], 'is larger than the cluster', { expected: `<= cluster.gpus (${clusterGpus})`, received: String(jobGpus) });
      jobGpus = undefined;
    }
    targetSteps = readNumber(ctx, job, 'targetSteps', ['job'], { above: 0, max: SIM_BOUNDS.maxTargetSteps, why: SIM_BOUNDS.targetStepsWhy });
    const steps = readNumber(ctx, job, 'steps', ['job'], { above: 0, max: SIM_BOUNDS.maxTargetSteps, why: SIM_BOUNDS.targetStepsWhy });
    targetTokens = readNumber(ctx, job, 'tokens', ['job'], { above: 0, max: 1e18 });
    tokensPerStep = readNumber(ctx, job, 'tokensPerStep', ['job'], { min: 1, why: 'a step trains at least one token' });
    const given = [['targetSteps', targetSteps], ['steps', steps], ['tokens', targetTokens]].filter((x) => x[1] !== undefined);
    if (given.length > 1)
      report(ctx, ['job', String((given[1] as [string, number])[0])], 'gives a second target', { expected: 'one of job.steps, job.tokens (job.targetSteps is job.steps)' });
    if (steps !== undefined) targetSteps = steps;
    days = readNumber(ctx, job, 'days', ['job'], { required: given.length === 0, min: SIM_BOUNDS.minDays, max: 3650, why: SIM_BOUNDS.daysWhy });
    replicaNodes = readNumber(ctx, job, 'replicaNodes', ['job'], { integer: true, min: 1 }) ?? 1;
    elastic = readBoolean(ctx, job, 'elastic', ['job']) ?? false;
    minReplicas = readNumber(ctx, job, 'minReplicas', ['job'], { integer: true, min: 1 }) ?? 1;
    if (jobGpus !== undefined) {
      const jobNodes = jobGpus / gpusPerNode;
      if (jobNodes % replicaNodes !== 0)
        report(ctx, ['job', 'replicaNodes'], 'must divide the job into whole replicas', {
          expected: `a divisor of the job's ${jobNodes} nodes`,
          received: String(replicaNodes),
        });
      else if (minReplicas > jobNodes / replicaNodes)
        report(ctx, ['job', 'minReplicas'], 'is more than the job has', {
          expected: `<= ${jobNodes / replicaNodes} replicas`,
          received: String(minReplicas),
        });
    }
    const st = readStepTime(ctx, job, cluster, jobGpus, gpusPerNode, options);
    if (typeof st === 'number') stepTimeS = st;
    else if (st) {
      resolved = st;
      stepTimeS = st.stepTimeS;
      if (tokensPerStep === undefined && st.tokensPerStep !== undefined) tokensPerStep = st.tokensPerStep;
    }
    if (targetTokens !== undefined && tokensPerStep === undefined && stepTimeS !== undefined)
      report(ctx, ['job', 'tokensPerStep'], 'is needed to turn job.tokens into steps', {
        expected: 'job.tokensPerStep (global batch × sequence length), or job.model/training/parallel',
      });
  }

  // reliability
  const rel = readObject(ctx, root['reliability'], ['reliability']);
  let causes: FailureCause[] = [];
  let preset: PresetName | undefined;
  let restartS: number = DEFAULTS.restartS;
  let restart: RestartParams | undefined;
  let spareNodes: number | undefined;
  let repairCrews: number | undefined;
  let burnIn: { days: number; rateMultiplier: number } | undefined;
  let ckpt: Record<string, unknown> = {};
  let invSpec: InventorySpec | undefined;
  if (rel) {
    checkKeys(ctx, rel, RELIABILITY_KEYS, ['reliability']);
    preset = readEnum(ctx, rel, 'preset', ['reliability'], PRESET_NAMES);
    if (preset) causes = presetCauses(preset);
    const custom = readCauses(ctx, rel['causes'], ['reliability', 'causes']);
    causes = causes.concat(custom);
    if (rel['preset'] === undefined && rel['causes'] === undefined)
      report(ctx, ['reliability'], 'needs failure causes', { expected: `preset (${PRESET_NAMES.join(', ')}) and/or causes` });
    const seen = new Set<string>();
    for (const c of causes) {
      if (seen.has(c.name)) {
        const i = custom.findLastIndex((x) => x.name === c.name);
        report(ctx, ['reliability', 'causes', Math.max(0, i), 'name'], 'repeats the name of another cause', { received: JSON.stringify(c.name) });
      }
      seen.add(c.name);
    }
    causes = applyOverrides(ctx, rel['overrides'], causes, ['reliability', 'overrides']);
    if (rel['inventory'] !== undefined) invSpec = readInventory(ctx, rel['inventory'], ['reliability', 'inventory'], gpusPerNode);
    for (const [i, c] of custom.entries())
      if (c.component !== undefined && !invSpec)
        report(ctx, ['reliability', 'causes', i, 'perComponentHour'], 'needs the cluster\'s components', { expected: 'reliability.inventory: { fabric, ... }, or perGpuHour / perNodeHour / perSwitchHour' });
    const multiplier = readNumber(ctx, rel, 'rateMultiplier', ['reliability'], { min: 0 }) ?? 1;
    if (multiplier !== 1) causes = causes.map((c) => ({ ...c, ratePerUnitHour: c.ratePerUnitHour * multiplier, source: `${c.source}; ×${multiplier} (rateMultiplier)` }));
    restartS = readNumber(ctx, rel, 'restartS', ['reliability'], { min: 0 }) ?? DEFAULTS.restartS;
    if (rel['restart'] !== undefined) {
      if (rel['restartS'] !== undefined)
        report(ctx, ['reliability', 'restart'], 'conflicts with reliability.restartS', { expected: 'either a fixed restartS or a restart model, not both' });
      restart = readRestart(ctx, rel['restart'], ['reliability', 'restart']);
    }
    spareNodes = readNumber(ctx, rel, 'spareNodes', ['reliability'], { integer: true, min: 0 });
    repairCrews = readNumber(ctx, rel, 'repairCrews', ['reliability'], { integer: true, min: 1 });
    ckpt = readObject(ctx, rel['checkpoint'], ['reliability', 'checkpoint'], false) ?? {};
    checkKeys(ctx, ckpt, CHECKPOINT_KEYS, ['reliability', 'checkpoint']);
    const bi = readObject(ctx, rel['burnIn'], ['reliability', 'burnIn'], false);
    if (bi) {
      checkKeys(ctx, bi, BURN_IN_KEYS, ['reliability', 'burnIn']);
      const biDays = readNumber(ctx, bi, 'days', ['reliability', 'burnIn'], { required: true, min: 0 });
      const biMult = readNumber(ctx, bi, 'rateMultiplier', ['reliability', 'burnIn'], { required: true, min: 0 });
      if (biDays !== undefined && biMult !== undefined) burnIn = { days: biDays, rateMultiplier: biMult };
    }
  }
  const ckptPath = ['reliability', 'checkpoint'];
  const asyncCheckpoint = readBoolean(ctx, ckpt, 'async', ckptPath) ?? false;
  const storageSpec = readStorageCheckpoint(ctx, ckpt, ckptPath, asyncCheckpoint);
  let writeS = readNumber(ctx, ckpt, 'writeS', ckptPath, { min: 0 }) ?? DEFAULTS.writeS;
  let restoreS = readNumber(ctx, ckpt, 'restoreS', ckptPath, { min: 0 }) ?? DEFAULTS.restoreS;
  let blockS = writeS;
  if (storageSpec) {
    // The storage decides every cost: no fixed write/restore/block time beside it.
  } else if (asyncCheckpoint) {
    blockS = readNumber(ctx, ckpt, 'blockS', ckptPath, { min: 0 }) ?? Math.min(DEFAULTS.asyncBlockS, writeS);
    if (blockS > writeS) report(ctx, [...ckptPath, 'blockS'], 'is longer than the write', { expected: `<= writeS (${writeS})`, received: String(blockS) });
  } else if (ckpt['blockS'] !== undefined) {
    report(ctx, [...ckptPath, 'blockS'], 'only applies to asynchronous checkpoints', { expected: 'async: true, or no blockS' });
  }
  let intervalPolicy: IntervalPolicy | 'fixed' = 'auto';
  let fixedIntervalS: number | undefined;
  const rawInterval = ckpt['intervalS'];
  if (typeof rawInterval === 'string' && (INTERVAL_POLICIES as readonly string[]).includes(rawInterval)) intervalPolicy = rawInterval as IntervalPolicy;
  else if (rawInterval !== undefined && rawInterval !== null) {
    if (typeof rawInterval !== 'number') {
      report(ctx, [...ckptPath, 'intervalS'], 'has the wrong type', {
        expected: `a number of seconds > 0 or one of ${INTERVAL_POLICIES.join(', ')}`,
        received: describeValue(rawInterval),
      });
    } else {
      fixedIntervalS = readNumber(ctx, ckpt, 'intervalS', ckptPath, { above: 0 });
      intervalPolicy = 'fixed';
    }
  }

  const seed = options.seed ?? readNumber(ctx, root, 'seed', [], { integer: true, min: 0, max: Number.MAX_SAFE_INTEGER }) ?? DEFAULTS.seed;
  const replications =
    options.replications ?? readNumber(ctx, root, 'replications', [], { integer: true, min: 1, max: 100_000 }) ?? DEFAULTS.replications;

  if (storageSpec && storageSpec.bytes === undefined && resolved?.paramsTotal === undefined && !options.deferCheckpoint && stepTimeS !== undefined)
    report(ctx, [...ckptPath, 'bytes'], 'is needed to size the checkpoint', {
      expected: 'checkpoint.bytes, or job.model/training/parallel (bytes = parameters × bytesPerParam)',
    });
  if (targetSteps === undefined && targetTokens !== undefined && tokensPerStep !== undefined) {
    targetSteps = targetTokens / tokensPerStep;
    if (targetSteps > SIM_BOUNDS.maxTargetSteps) {
      report(ctx, ['job', 'tokens'], 'needs more steps than the simulator takes', { expected: `at most ${SIM_BOUNDS.maxTargetSteps} steps: ${SIM_BOUNDS.targetStepsWhy}`, received: `${targetSteps.toExponential(2)} steps` });
    }
  }
  const openHorizon = days === undefined;
  if (openHorizon && targetSteps !== undefined && stepTimeS !== undefined) {
    // Long enough for the target at ETTR 10%, capped at ten years.
    days = Math.min(3650, Math.max(1, (10 * targetSteps * stepTimeS) / 86400));
  }
  if (ctx.issues.length > 0 || jobGpus === undefined || days === undefined || stepTimeS === undefined) return undefined;

  const jobNodes = jobGpus / gpusPerNode;
  let checkpointPlan: CheckpointPlan | undefined;
  if (storageSpec && (storageSpec.bytes !== undefined || resolved?.paramsTotal !== undefined)) {
    checkpointPlan = planCheckpoint(storageSpec, jobNodes, gpusPerNode, resolved?.paramsTotal);
    writeS = checkpointPlan.writeS;
    blockS = checkpointPlan.blockingS;
    restoreS = checkpointPlan.restoreS;
    if (checkpointPlan.neededTB > checkpointPlan.capacityTB)
      report(ctx, [...ckptPath, 'storage'], `cannot hold ${storageSpec.keep} checkpoints of ${fmtTB(checkpointPlan.bytes / 1e12)}`, {
        expected: `capacity >= ${fmtTB(checkpointPlan.neededTB)}`,
        received: fmtTB(checkpointPlan.capacityTB),
      });
  }
  let breakdown: RestartBreakdown | undefined;
  if (restart) {
    breakdown = restartBreakdown(restart, jobGpus, stepTimeS);
    restartS = breakdown.totalS;
    if (restart.policy === 'elastic') elastic = true;
  }
  const idleNodes = clusterGpus !== undefined ? Math.floor((clusterGpus - jobGpus) / gpusPerNode) : 0;
  const sparesFromIdle = spareNodes === undefined && idleNodes > 0;
  const spares = spareNodes ?? idleNodes;
  if (ctx.issues.length > 0) return undefined;

  const baseCauses = causes;
  let inventory: Inventory | undefined;
  if (invSpec) {
    inventory = inventoryFor(jobGpus, invSpec);
    causes = rescaleToInventory(causes, inventory);
  }
  const ratePerHour = totalRatePerHour(causes, jobNodes, gpusPerNode, nodesPerSwitch);
  // Work estimate before anything runs: the engine does a few operations per failure.
  const expectedFailures = ratePerHour * days * 24 * replications;
  if (!(expectedFailures <= SIM_BOUNDS.maxExpectedFailures)) {
    report(ctx, ['replications'], 'asks for more simulated failures than one run takes', {
      expected: `at most ${SIM_BOUNDS.maxExpectedFailures.toExponential(0)} expected failures (failures per hour x job.days x 24 x replications)`,
      received: `${Number.isFinite(expectedFailures) ? expectedFailures.toExponential(2) : 'an unbounded number'} (${ratePerHour.toPrecision(3)} failures/h x ${days} days x ${replications})`,
    });
    return undefined;
  }
  const mtbfS = 3600 / ratePerHour;
  let intervalS =
    fixedIntervalS ?? (Number.isFinite(mtbfS) ? intervalForPolicy(intervalPolicy as IntervalPolicy, blockS, mtbfS, restoreS) : days * 86400);
  // An asynchronous write must be durable before the next one starts; a storage system cannot take
  // checkpoints faster than it drains them.
  if (asyncCheckpoint) intervalS = Math.max(intervalS, writeS - blockS);
  if (checkpointPlan && fixedIntervalS === undefined) intervalS = Math.max(intervalS, checkpointPlan.drainS);
  if (checkpointPlan && fixedIntervalS !== undefined && fixedIntervalS < checkpointPlan.drainS * (1 - 1e-9))
    report(ctx, [...ckptPath, 'intervalS'], 'is shorter than the storage needs to write one checkpoint', {
      expected: `>= ${checkpointPlan.drainS.toFixed(1)} s (${fmtTB(checkpointPlan.bytes / 1e12)} at ${checkpointPlan.storageGBps.toFixed(0)} GB/s)`,
      received: String(fixedIntervalS),
    });
  if (ctx.issues.length > 0) return undefined;

  const horizonS = days * 86400;
  const model: JobModel = {
    gpusPerNode,
    jobNodes,
    replicaNodes,
    stepTimeS,
    horizonS,
    causes,
    restartS,
    checkpoint: { intervalS, writeS, blockS, restoreS },
    spareNodes: spares,
    elastic,
    minReplicas,
    nodesPerSwitch,
    progressSamples: Math.min(1000, Math.max(1, Math.ceil(days))),
  };
  if (targetSteps !== undefined) model.targetSteps = targetSteps;
  if (restart && restart.policy === 'elastic') {
    const stateBytes = checkpointPlan?.bytes ?? 0;
    model.partialRecovery = {
      rejoinS: partialRejoinS(restart, replicaNodes * gpusPerNode, stateBytes),
      fullRestartS: restartBreakdown({ ...restart, policy: 'full' }, jobGpus, stepTimeS).totalS,
    };
  }
  if (repairCrews !== undefined) model.repairCrews = repairCrews;
  if (burnIn && burnIn.days > 0) model.burnIn = { untilS: burnIn.days * 86400, rateMultiplier: burnIn.rateMultiplier };

  const warnings: string[] = [];
  const evicting = causes.filter((c) => c.scope !== 'job' && c.ratePerUnitHour > 0);
  if (spares === 0 && !elastic && evicting.length > 0) {
    const rate = totalRatePerHour(evicting, jobNodes, gpusPerNode, nodesPerSwitch);
    const meanRepairH = evicting.reduce((a, c) => a + c.repairHours * totalRatePerHour([c], jobNodes, gpusPerNode, nodesPerSwitch), 0) / rate;
    warnings.push(
      `no spare nodes and not elastic: every node-evicting failure (${(rate * 24).toFixed(1)} a day) waits for a repair ` +
        `(mean ${meanRepairH.toFixed(0)} h) before the job can restart; give reliability.spareNodes, cluster.gpus above job.gpus, or job.elastic`,
    );
  }

  const scenario: SimScenario = {
    jobGpus,
    days,
    intervalPolicy,
    asyncCheckpoint,
    seed,
    replications,
    job: model,
    openHorizon,
    sparesFromIdle,
    warnings,
  };
  if (invSpec && inventory) {
    scenario.inventorySpec = invSpec;
    scenario.inventory = inventory;
    scenario.baseCauses = baseCauses;
  }
  if (storageSpec) scenario.checkpointSpec = storageSpec;
  if (checkpointPlan) scenario.checkpointPlan = checkpointPlan;
  if (restart) scenario.restart = restart;
  if (breakdown) scenario.restartBreakdown = breakdown;
  if (targetSteps !== undefined) {
    scenario.target = { steps: targetSteps };
    if (targetTokens !== undefined) scenario.target.tokens = targetTokens;
    if (tokensPerStep !== undefined) scenario.target.tokensPerStep = tokensPerStep;
  }
  if (name !== undefined) scenario.name = name;
  if (gpu !== undefined) scenario.gpu = gpu;
  if (clusterGpus !== undefined) scenario.clusterGpus = clusterGpus;
  if (preset !== undefined) scenario.preset = preset;
  return scenario;
}

const fmtTB = (tb: number): string => (tb >= 1000 ? `${(tb / 1000).toFixed(2)} PB` : `${tb.toFixed(tb >= 10 ? 1 : 3)} TB`);

/** `reliability.inventory: { fabric, switchPorts, nicsPerGpu, psusPerNode }` (fabric: a preset id or a `{ tiers }` object, as `system.fabric`). */
function readInventory(ctx: ReadContext, value: unknown, path: Path, gpusPerNode: number): InventorySpec | undefined {
  const o = readObject(ctx, value, path);
  if (!o) return undefined;
  checkKeys(ctx, o, INVENTORY_KEYS, path);
  if (o['fabric'] === undefined) {
    report(ctx, [...path, 'fabric'], 'is required', { expected: 'a fabric preset id (e.g. colossus-spectrum-x) or { tiers: [...] }' });
    return undefined;
  }
  const fabric = readFabric(ctx, o['fabric'], [...path, 'fabric'], 400);
  const switchPorts = readNumber(ctx, o, 'switchPorts', path, { integer: true, min: 4, max: 4096 });
  const nicsPerGpu = readNumber(ctx, o, 'nicsPerGpu', path, { above: 0, max: 16 });
  const psusPerNode = readNumber(ctx, o, 'psusPerNode', path, { integer: true, min: 0, max: 64 });
  if (!fabric) return undefined;
  const opts: { switchPorts?: number; nicsPerGpu?: number; psusPerNode?: number } = {};
  if (switchPorts !== undefined) opts.switchPorts = switchPorts;
  if (nicsPerGpu !== undefined) opts.nicsPerGpu = nicsPerGpu;
  if (psusPerNode !== undefined) opts.psusPerNode = psusPerNode;
  return inventorySpec(fabric, gpusPerNode, opts);
}

/** `reliability.restart: { policy, schedulerS, processStartS, ncclBaseS, ncclPerRankS, warmupSteps, elasticStallS }`. */
function readRestart(ctx: ReadContext, value: unknown, path: Path): RestartParams | undefined {
  const o = readObject(ctx, value, path);
  if (!o) return undefined;
  checkKeys(ctx, o, RESTART_KEYS, path);
  const n = (k: keyof RestartParams): number => readNumber(ctx, o, k, path, { min: 0 }) ?? (RESTART_DEFAULTS[k] as number);
  return {
    policy: readEnum(ctx, o, 'policy', path, RESTART_POLICIES) ?? RESTART_DEFAULTS.policy,
    schedulerS: n('schedulerS'),
    processStartS: n('processStartS'),
    ncclBaseS: n('ncclBaseS'),
    ncclPerRankS: n('ncclPerRankS'),
    warmupSteps: n('warmupSteps'),
    elasticStallS: n('elasticStallS'),
  };
}

/** `checkpoint.storage` (a preset name or `{ preset?, tier, writeGBps, readGBps, nodeGBps, capacityTB, source }`), `bytes`, `bytesPerParam`, `keep`. */
function readStorageCheckpoint(ctx: ReadContext, ckpt: Record<string, unknown>, path: Path, async: boolean): StorageCheckpointSpec | undefined {
  const raw = ckpt['storage'];
  const stray = ['bytes', 'bytesPerParam', 'keep'].filter((k) => ckpt[k] !== undefined);
  if (raw === undefined || raw === null) {
    for (const k of stray) report(ctx, [...path, k], 'only applies with checkpoint.storage', { expected: 'checkpoint.storage, or no ' + k });
    return undefined;
  }
  for (const k of ['writeS', 'restoreS', 'blockS'])
    if (ckpt[k] !== undefined)
      report(ctx, [...path, k], 'conflicts with checkpoint.storage', { expected: 'either fixed times or a storage system that derives them, not both' });
  const at = [...path, 'storage'];
  let storage: StorageSystem | undefined;
  if (typeof raw === 'string') {
    if ((STORAGE_PRESET_NAMES as string[]).includes(raw)) storage = { ...STORAGE_PRESETS[raw as keyof typeof STORAGE_PRESETS] };
    else report(ctx, at, 'is not a storage preset', { expected: `one of ${STORAGE_PRESET_NAMES.join(', ')}, or an object`, received: JSON.stringify(raw) });
  } else {
    const o = readObject(ctx, raw, at);
    if (o) {
      checkKeys(ctx, o, STORAGE_KEYS, at);
      const presetName = readEnum(ctx, o, 'preset', at, STORAGE_PRESET_NAMES);
      const base: StorageSystem | undefined = presetName ? { ...STORAGE_PRESETS[presetName] } : undefined;
      const req = base === undefined;
      const tier = readEnum(ctx, o, 'tier', at, STORAGE_TIERS) ?? base?.tier ?? 'storage';
      const writeGBps = readNumber(ctx, o, 'writeGBps', at, { required: req, above: 0 }) ?? base?.writeGBps;
      const readGBps = readNumber(ctx, o, 'readGBps', at, { above: 0 }) ?? base?.readGBps ?? writeGBps;
      const nodeGBps = readNumber(ctx, o, 'nodeGBps', at, { above: 0 }) ?? base?.nodeGBps ?? 50;
      const capacityTB = readNumber(ctx, o, 'capacityTB', at, { required: req, above: 0 }) ?? base?.capacityTB;
      const source = readString(ctx, o, 'source', at);
      if (writeGBps !== undefined && readGBps !== undefined && capacityTB !== undefined) {
        const changed = (['writeGBps', 'readGBps', 'nodeGBps', 'capacityTB', 'tier'] as const).filter((k) => o[k] !== undefined);
        storage = {
          name: base?.name ?? 'custom',
          tier,
          writeGBps,
          readGBps,
          nodeGBps,
          capacityTB,
          source:
            source ??
            (base ? (changed.length ? `${base.source}; overridden by the scenario: ${changed.join(', ')}` : base.source) : 'scenario (user-supplied)'),
        };
      }
    }
  }
  const bytes = readNumber(ctx, ckpt, 'bytes', path, { above: 0 });
  const bytesPerParam = readNumber(ctx, ckpt, 'bytesPerParam', path, { above: 0, max: 1000 }) ?? CHECKPOINT_BYTES_PER_PARAM;
  const keep = readNumber(ctx, ckpt, 'keep', path, { integer: true, min: 1, max: 1000 }) ?? 2;
  if (!storage) return undefined;
  const spec: StorageCheckpointSpec = { storage, bytesPerParam, async, keep };
  if (bytes !== undefined) spec.bytes = bytes;
  return spec;
}

function readStepTime(
  ctx: ReadContext,
  job: Record<string, unknown>,
  cluster: Record<string, unknown>,
  jobGpus: number | undefined,
  gpusPerNode: number,
  options: ScenarioOptions,
): number | ResolvedJob | undefined {
  const hasModel = job['model'] !== undefined || job['training'] !== undefined || job['parallel'] !== undefined;
  if (job['stepTimeS'] !== undefined) {
    if (hasModel) {
      report(ctx, ['job', 'stepTimeS'], 'conflicts with job.model/training/parallel', { expected: 'either stepTimeS or a model, not both' });
      return undefined;
    }
    return readNumber(ctx, job, 'stepTimeS', ['job'], { required: true, min: SIM_BOUNDS.minStepTimeS, max: SIM_BOUNDS.maxStepTimeS, why: SIM_BOUNDS.stepTimeWhy });
  }
  if (!hasModel) {
    report(ctx, ['job', 'stepTimeS'], 'is required', { expected: 'a step time in seconds > 0, or job.model/training/parallel' });
    return undefined;
  }
  if (!options.resolveStepTimeS) {
    report(ctx, ['job', 'model'], 'cannot be resolved to a step time here: the performance model is not wired into the simulator yet', {
      expected: 'job.stepTimeS',
    });
    return undefined;
  }
  const system: Record<string, unknown> = { gpusPerNode };
  if (cluster['gpu'] !== undefined) system['gpu'] = cluster['gpu'];
  if (jobGpus !== undefined) system['gpus'] = jobGpus;
  const spec = { model: job['model'], training: job['training'], parallel: job['parallel'], system };
  const before = ctx.issues.length;
  const r = options.resolveStepTimeS(spec, ctx, ['job']);
  const s = typeof r === 'object' ? r.stepTimeS : r;
  if (s === undefined || !(s > 0) || !Number.isFinite(s)) {
    if (ctx.issues.length === before) report(ctx, ['job', 'model'], 'did not give a step time', { received: describeValue(s) });
    return undefined;
  }
  return r;
}

/** `overrides: { <cause name>: { rateMultiplier, scope, detectS, repairHours, silent } }` on preset or custom causes. */
function applyOverrides(ctx: ReadContext, value: unknown, causes: FailureCause[], path: Path): FailureCause[] {
  const obj = readObject(ctx, value, path, false);
  if (!obj) return causes;
  const names = causes.map((c) => c.name);
  checkKeys(ctx, obj, names, path);
  return causes.map((c) => {
    const o = readObject(ctx, obj[c.name], [...path, c.name], false);
    if (!o) return c;
    const at = [...path, c.name];
    checkKeys(ctx, o, OVERRIDE_KEYS, at);
    const out = { ...c };
    const changed: string[] = [];
    const mult = readNumber(ctx, o, 'rateMultiplier', at, { min: 0 });
    if (mult !== undefined) {
      out.ratePerUnitHour *= mult;
      changed.push(`rate ×${mult}`);
    }
    const scope = readEnum(ctx, o, 'scope', at, CAUSE_SCOPES);
    if (scope !== undefined) {
      out.scope = scope;
      changed.push(`scope ${scope}`);
    }
    const detectS = readNumber(ctx, o, 'detectS', at, { min: 0 });
    if (detectS !== undefined) {
      out.detectS = detectS;
      changed.push(`detectS ${detectS}`);
    }
    const repairHours = readNumber(ctx, o, 'repairHours', at, { min: 0 });
    if (repairHours !== undefined) {
      out.repairHours = repairHours;
      changed.push(`repairHours ${repairHours}`);
    }
    const silent = readBoolean(ctx, o, 'silent', at);
    if (silent !== undefined) {
      out.silent = silent;
      changed.push(`silent ${silent}`);
    }
    if (changed.length) out.source = `${c.source}; overridden by the scenario: ${changed.join(', ')}`;
    return out;
  });
}

function readCauses(ctx: ReadContext, value: unknown, path: Path): FailureCause[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    report(ctx, path, 'has the wrong type', { expected: 'a list of causes', received: describeValue(value) });
    return [];
  }
  const out: FailureCause[] = [];
  value.forEach((item: unknown, i) => {
    const at = [...path, i];
    if (!isRecord(item)) {
      report(ctx, at, 'has the wrong type', { expected: 'an object {name, perGpuHour | perNodeHour | perSwitchHour, ...}', received: describeValue(item) });
      return;
    }
    checkKeys(ctx, item, CAUSE_KEYS, at);
    const name = readString(ctx, item, 'name', at, true);
    const units: { key: string; unit: CauseUnit }[] = [
      { key: 'perGpuHour', unit: 'gpu' },
      { key: 'perNodeHour', unit: 'node' },
      { key: 'perSwitchHour', unit: 'switch' },
      { key: 'perComponentHour', unit: 'gpu' },
    ];
    const given = units.filter((u) => item[u.key] !== undefined);
    let rate: number | undefined;
    let unit: CauseUnit = 'gpu';
    if (given.length !== 1) {
      report(ctx, given.length ? [...at, (given[1] as { key: string }).key] : at, given.length ? 'gives a second rate' : 'needs a rate', {
        expected: 'exactly one of perGpuHour, perNodeHour, perSwitchHour, perComponentHour (with component)',
      });
    } else {
      const u = given[0] as { key: string; unit: CauseUnit };
      unit = u.unit;
      rate = readNumber(ctx, item, u.key, at, { min: 0 });
    }
    const scope: CauseScope = readEnum(ctx, item, 'scope', at, CAUSE_SCOPES) ?? (unit === 'switch' ? 'switch' : 'node');
    const detectS = readNumber(ctx, item, 'detectS', at, { min: 0 }) ?? DEFAULTS.detectS;
    const repairHours = readNumber(ctx, item, 'repairHours', at, { min: 0 }) ?? DEFAULTS.repairHours;
    const silent = readBoolean(ctx, item, 'silent', at) ?? false;
    const source = readString(ctx, item, 'source', at) ?? 'scenario (user-supplied)';
    const perComponent = given.length === 1 && (given[0] as { key: string }).key === 'perComponentHour';
    const component = readEnum(ctx, item, 'component', at, COMPONENTS) as Component | undefined;
    if (perComponent && component === undefined && item['component'] === undefined)
      report(ctx, [...at, 'component'], 'is required with perComponentHour', { expected: `one of ${COMPONENTS.join(', ')}` });
    if (!perComponent && item['component'] !== undefined)
      report(ctx, [...at, 'component'], 'only applies with perComponentHour', { expected: 'perComponentHour, or no component' });
    if (name !== undefined && rate !== undefined) {
      const cause: FailureCause = { name, ratePerUnitHour: perComponent ? 0 : rate, unit, scope, detectS, repairHours, silent, source };
      if (perComponent && component !== undefined) {
        cause.component = component;
        cause.perComponentHour = rate;
      }
      out.push(cause);
    }
  });
  return out;
}
