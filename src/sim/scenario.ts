import * as v from 'valibot';
import { InputError, closest, describeValue, isRecord, newReadContext, report, type Issue, type Path, type ReadContext, type SourceDocument } from '../core/index.js';
import { parsed, parsedField, ruleText, validate } from '../core/schema.js';
import { fabricFrom } from '../spec/fabric.js';
import { SIM_BOUNDS } from './bounds.js';
import { COMPONENTS, inventoryFor, inventorySpec, type Inventory, type InventorySpec } from './inventory.js';
import { rescaleToInventory, totalRatePerHour, type CauseScope, type CauseUnit, type FailureCause } from './causes.js';
import { intervalForPolicy, type IntervalPolicy } from './checkpoint.js';
import type { JobModel } from './job.js';
import { PRESET_NAMES, presetCauses, type PresetName } from './presets.js';
import { partialRejoinS, restartBreakdown, type RestartBreakdown, type RestartParams } from './restart.js';
import {
  CauseSchema,
  CheckpointSchema,
  ClusterSchema,
  InventorySchema,
  JobSchema,
  OverrideSchema,
  ReliabilitySchema,
  SIM_DEFAULTS,
  SimScenarioFileSchema,
  StorageSchema,
} from './scenario-schema.js';
import { STORAGE_PRESETS, planCheckpoint, type CheckpointPlan, type StorageCheckpointSpec, type StorageSystem } from './storage.js';

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

export const DEFAULTS = SIM_DEFAULTS;

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
  const file = validate(ctx, SimScenarioFileSchema, value);
  if (!isRecord(value)) return undefined;
  const root = value;
  // The checks a schema cannot make, on the parts of the file that are valid on their own.
  const clusterRaw = isRecord(root['cluster']) ? root['cluster'] : {};
  const cluster = parsedField(SimScenarioFileSchema, root, 'cluster') ?? v.parse(ClusterSchema, {});
  const gpu = cluster.gpu;
  const clusterGpus = cluster.gpus;
  const { gpusPerNode, nodesPerSwitch } = cluster;

  // job
  const jobRaw = isRecord(root['job']) ? root['job'] : undefined;
  const field = <K extends keyof typeof JobSchema.entries & string>(key: K) => (jobRaw ? parsedField(JobSchema, jobRaw, key) : undefined);
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
  if (jobRaw) {
    jobGpus = field('gpus');
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
    targetSteps = field('targetSteps');
    const steps = field('steps');
    targetTokens = field('tokens');
    tokensPerStep = field('tokensPerStep');
    const present = (k: string) => jobRaw[k] !== undefined && jobRaw[k] !== null;
    const given = ['targetSteps', 'steps', 'tokens'].filter(present);
    if (given.length > 1) report(ctx, ['job', given[1] as string], 'gives a second target', { expected: 'one of job.steps, job.tokens (job.targetSteps is job.steps)' });
    if (steps !== undefined) targetSteps = steps;
    days = field('days');
    if (given.length === 0 && !present('days')) report(ctx, ['job', 'days'], 'is required', { expected: ruleText({ min: SIM_BOUNDS.minDays, max: 3650, why: SIM_BOUNDS.daysWhy }) });
    replicaNodes = field('replicaNodes') ?? 1;
    elastic = field('elastic') ?? false;
    minReplicas = field('minReplicas') ?? 1;
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
    const st = readStepTime(ctx, jobRaw, field('stepTimeS'), clusterRaw, jobGpus, gpusPerNode, options);
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
  const relRaw = isRecord(root['reliability']) ? root['reliability'] : undefined;
  const relField = <K extends keyof typeof ReliabilitySchema.entries & string>(key: K) => (relRaw ? parsedField(ReliabilitySchema, relRaw, key) : undefined);
  let causes: FailureCause[] = [];
  let preset: PresetName | undefined;
  let restartS: number = DEFAULTS.restartS;
  let restart: RestartParams | undefined;
  let spareNodes: number | undefined;
  let repairCrews: number | undefined;
  let burnIn: { days: number; rateMultiplier: number } | undefined;
  const ckptPath = ['reliability', 'checkpoint'];
  const ckptRaw = relRaw && isRecord(relRaw['checkpoint']) ? relRaw['checkpoint'] : {};
  // Each checkpoint field on its own: a bad one does not hide the rules between the others.
  const cf = <K extends keyof typeof CheckpointSchema.entries & string>(key: K) => parsedField(CheckpointSchema, ckptRaw, key);
  let invSpec: InventorySpec | undefined;
  if (relRaw) {
    preset = relField('preset');
    if (preset) causes = presetCauses(preset);
    const custom = readCauses(ctx, relRaw['causes'], ['reliability', 'causes']);
    causes = causes.concat(custom);
    if ((relRaw['preset'] === undefined || relRaw['preset'] === null) && (relRaw['causes'] === undefined || relRaw['causes'] === null))
      report(ctx, ['reliability'], 'needs failure causes', { expected: `preset (${PRESET_NAMES.join(', ')}) and/or causes` });
    const seen = new Set<string>();
    for (const c of causes) {
      if (seen.has(c.name)) {
        const i = custom.findLastIndex((x) => x.name === c.name);
        report(ctx, ['reliability', 'causes', Math.max(0, i), 'name'], 'repeats the name of another cause', { received: JSON.stringify(c.name) });
      }
      seen.add(c.name);
    }
    causes = applyOverrides(ctx, relRaw['overrides'], causes, ['reliability', 'overrides']);
    const inventory = relRaw['inventory'];
    if (isRecord(inventory)) invSpec = readInventory(ctx, inventory, ['reliability', 'inventory'], gpusPerNode);
    for (const [i, c] of custom.entries())
      if (c.component !== undefined && !invSpec)
        report(ctx, ['reliability', 'causes', i, 'perComponentHour'], 'needs the cluster\'s components', { expected: 'reliability.inventory: { fabric, ... }, or perGpuHour / perNodeHour / perSwitchHour' });
    const multiplier = relField('rateMultiplier') ?? 1;
    if (multiplier !== 1) causes = causes.map((c) => ({ ...c, ratePerUnitHour: c.ratePerUnitHour * multiplier, source: `${c.source}; ×${multiplier} (rateMultiplier)` }));
    restartS = relField('restartS') ?? DEFAULTS.restartS;
    if (relRaw['restart'] !== undefined && relRaw['restart'] !== null) {
      if (relRaw['restartS'] !== undefined && relRaw['restartS'] !== null)
        report(ctx, ['reliability', 'restart'], 'conflicts with reliability.restartS', { expected: 'either a fixed restartS or a restart model, not both' });
      restart = relField('restart');
    }
    spareNodes = relField('spareNodes');
    repairCrews = relField('repairCrews');
    burnIn = relField('burnIn');
  }
  const asyncCheckpoint = cf('async') ?? false;
  const storageSpec = readStorageCheckpoint(ctx, cf, ckptRaw, ckptPath, asyncCheckpoint);
  let writeS = cf('writeS') ?? DEFAULTS.writeS;
  let restoreS = cf('restoreS') ?? DEFAULTS.restoreS;
  let blockS = writeS;
  if (storageSpec) {
    // The storage decides every cost: no fixed write/restore/block time beside it.
  } else if (asyncCheckpoint) {
    blockS = cf('blockS') ?? Math.min(DEFAULTS.asyncBlockS, writeS);
    if (blockS > writeS) report(ctx, [...ckptPath, 'blockS'], 'is longer than the write', { expected: `<= writeS (${writeS})`, received: String(blockS) });
  } else if (ckptRaw['blockS'] !== undefined && ckptRaw['blockS'] !== null) {
    report(ctx, [...ckptPath, 'blockS'], 'only applies to asynchronous checkpoints', { expected: 'async: true, or no blockS' });
  }
  let intervalPolicy: IntervalPolicy | 'fixed' = 'auto';
  let fixedIntervalS: number | undefined;
  const interval = cf('intervalS');
  if (typeof interval === 'string') intervalPolicy = interval;
  else if (interval !== undefined) {
    fixedIntervalS = interval;
    intervalPolicy = 'fixed';
  }

  const seed = options.seed ?? parsedField(SimScenarioFileSchema, root, 'seed') ?? DEFAULTS.seed;
  const replications = options.replications ?? parsedField(SimScenarioFileSchema, root, 'replications') ?? DEFAULTS.replications;

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
  if (ctx.issues.length > 0 || !file || jobGpus === undefined || days === undefined || stepTimeS === undefined) return undefined;

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
  if (file.name !== undefined) scenario.name = file.name;
  if (gpu !== undefined) scenario.gpu = gpu;
  if (clusterGpus !== undefined) scenario.clusterGpus = clusterGpus;
  if (preset !== undefined) scenario.preset = preset;
  return scenario;
}

const fmtTB = (tb: number): string => (tb >= 1000 ? `${(tb / 1000).toFixed(2)} PB` : `${tb.toFixed(tb >= 10 ? 1 : 3)} TB`);

/** `reliability.inventory: { fabric, switchPorts, nicsPerGpu, psusPerNode }` (fabric: a preset id or a `{ tiers }` object, as `system.fabric`, resolved by the spec's `fabricFrom`). */
function readInventory(ctx: ReadContext, o: Record<string, unknown>, path: Path, gpusPerNode: number): InventorySpec | undefined {
  // Each field on its own (the schema reported the bad ones): a typo beside the fabric does not hide the fabric's issues.
  const field = <K extends keyof typeof InventorySchema.entries & string>(key: K) => parsedField(InventorySchema, o, key);
  const given = field('fabric');
  const fabric = given === undefined ? undefined : fabricFrom(ctx, given, [...path, 'fabric'], 400);
  if (!fabric) return undefined;
  const opts: { switchPorts?: number; nicsPerGpu?: number; psusPerNode?: number } = {};
  const switchPorts = field('switchPorts');
  const nicsPerGpu = field('nicsPerGpu');
  const psusPerNode = field('psusPerNode');
  if (switchPorts !== undefined) opts.switchPorts = switchPorts;
  if (nicsPerGpu !== undefined) opts.nicsPerGpu = nicsPerGpu;
  if (psusPerNode !== undefined) opts.psusPerNode = psusPerNode;
  return inventorySpec(fabric, gpusPerNode, opts);
}

/** `checkpoint.storage` (a preset name or `{ preset?, tier, writeGBps, readGBps, nodeGBps, capacityTB, source }`), `bytes`, `bytesPerParam`, `keep`. */
function readStorageCheckpoint(
  ctx: ReadContext,
  cf: <K extends keyof typeof CheckpointSchema.entries & string>(key: K) => v.InferOutput<(typeof CheckpointSchema.entries)[K]> | undefined,
  raw: Record<string, unknown>,
  path: Path,
  async: boolean,
): StorageCheckpointSpec | undefined {
  const given = (k: string) => raw[k] !== undefined && raw[k] !== null;
  if (!given('storage')) {
    for (const k of ['bytes', 'bytesPerParam', 'keep'].filter(given)) report(ctx, [...path, k], 'only applies with checkpoint.storage', { expected: 'checkpoint.storage, or no ' + k });
    return undefined;
  }
  for (const k of ['writeS', 'restoreS', 'blockS'].filter(given))
    report(ctx, [...path, k], 'conflicts with checkpoint.storage', { expected: 'either fixed times or a storage system that derives them, not both' });
  const system = cf('storage');
  const storage = system === undefined ? undefined : storageSystem(ctx, system, [...path, 'storage']);
  const bytes = cf('bytes');
  const bytesPerParam = cf('bytesPerParam');
  const keep = cf('keep');
  if (!storage || bytesPerParam === undefined || keep === undefined) return undefined;
  const spec: StorageCheckpointSpec = { storage, bytesPerParam, async, keep };
  if (bytes !== undefined) spec.bytes = bytes;
  return spec;
}

/** A storage preset, or a system given field by field (on top of a preset, or all of its required fields). */
function storageSystem(ctx: ReadContext, given: string | v.InferOutput<typeof StorageSchema>, at: Path): StorageSystem | undefined {
  if (typeof given === 'string') return { ...STORAGE_PRESETS[given as keyof typeof STORAGE_PRESETS] };
  const base: StorageSystem | undefined = given.preset ? { ...STORAGE_PRESETS[given.preset] } : undefined;
  if (!base) {
    for (const k of ['writeGBps', 'capacityTB'] as const) if (given[k] === undefined) report(ctx, [...at, k], 'is required', { expected: 'a number > 0' });
  }
  const tier = given.tier ?? base?.tier ?? 'storage';
  const writeGBps = given.writeGBps ?? base?.writeGBps;
  const readGBps = given.readGBps ?? base?.readGBps ?? writeGBps;
  const nodeGBps = given.nodeGBps ?? base?.nodeGBps ?? 50;
  const capacityTB = given.capacityTB ?? base?.capacityTB;
  if (writeGBps === undefined || readGBps === undefined || capacityTB === undefined) return undefined;
  const changed = (['writeGBps', 'readGBps', 'nodeGBps', 'capacityTB', 'tier'] as const).filter((k) => given[k] !== undefined);
  return {
    name: base?.name ?? 'custom',
    tier,
    writeGBps,
    readGBps,
    nodeGBps,
    capacityTB,
    source: given.source ?? (base ? (changed.length ? `${base.source}; overridden by the scenario: ${changed.join(', ')}` : base.source) : 'scenario (user-supplied)'),
  };
}

function readStepTime(
  ctx: ReadContext,
  job: Record<string, unknown>,
  stepTimeS: number | undefined,
  cluster: Record<string, unknown>,
  jobGpus: number | undefined,
  gpusPerNode: number,
  options: ScenarioOptions,
): number | ResolvedJob | undefined {
  const given = (k: string) => job[k] !== undefined && job[k] !== null;
  const hasModel = given('model') || given('training') || given('parallel');
  if (given('stepTimeS')) {
    if (hasModel) {
      report(ctx, ['job', 'stepTimeS'], 'conflicts with job.model/training/parallel', { expected: 'either stepTimeS or a model, not both' });
      return undefined;
    }
    return stepTimeS;
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
  if (!isRecord(value)) return causes;
  const names = causes.map((c) => c.name);
  for (const key of Object.keys(value)) {
    if (names.includes(key)) continue;
    const guess = closest(key, names);
    report(ctx, [...path, key], `is not a known field${guess ? ` (did you mean "${guess}"?)` : ''}`, { expected: `one of ${names.join(', ')}` });
  }
  return causes.map((c) => {
    const o = isRecord(value[c.name]) ? parsed(OverrideSchema, value[c.name]) : undefined;
    if (!o) return c;
    const out = { ...c };
    const changed: string[] = [];
    if (o.rateMultiplier !== undefined) {
      out.ratePerUnitHour *= o.rateMultiplier;
      changed.push(`rate ×${o.rateMultiplier}`);
    }
    if (o.scope !== undefined) {
      out.scope = o.scope;
      changed.push(`scope ${o.scope}`);
    }
    if (o.detectS !== undefined) {
      out.detectS = o.detectS;
      changed.push(`detectS ${o.detectS}`);
    }
    if (o.repairHours !== undefined) {
      out.repairHours = o.repairHours;
      changed.push(`repairHours ${o.repairHours}`);
    }
    if (o.silent !== undefined) {
      out.silent = o.silent;
      changed.push(`silent ${o.silent}`);
    }
    if (changed.length) out.source = `${c.source}; overridden by the scenario: ${changed.join(', ')}`;
    return out;
  });
}

const RATE_UNITS: readonly { key: 'perGpuHour' | 'perNodeHour' | 'perSwitchHour' | 'perComponentHour'; unit: CauseUnit }[] = [
  { key: 'perGpuHour', unit: 'gpu' },
  { key: 'perNodeHour', unit: 'node' },
  { key: 'perSwitchHour', unit: 'switch' },
  { key: 'perComponentHour', unit: 'gpu' },
];

/** Custom causes: exactly one rate each (the schema checks the fields). */
function readCauses(ctx: ReadContext, value: unknown, path: Path): FailureCause[] {
  if (!Array.isArray(value)) return [];
  const out: FailureCause[] = [];
  value.forEach((item: unknown, i) => {
    if (!isRecord(item)) return;
    const at = [...path, i];
    const given = RATE_UNITS.filter((u) => item[u.key] !== undefined && item[u.key] !== null);
    if (given.length !== 1) {
      report(ctx, given.length ? [...at, (given[1] as { key: string }).key] : at, given.length ? 'gives a second rate' : 'needs a rate', {
        expected: 'exactly one of perGpuHour, perNodeHour, perSwitchHour, perComponentHour (with component)',
      });
      return;
    }
    const u = given[0] as (typeof RATE_UNITS)[number];
    const perComponent = u.key === 'perComponentHour';
    const hasComponent = item['component'] !== undefined && item['component'] !== null;
    if (perComponent && !hasComponent) report(ctx, [...at, 'component'], 'is required with perComponentHour', { expected: `one of ${COMPONENTS.join(', ')}` });
    if (!perComponent && hasComponent) report(ctx, [...at, 'component'], 'only applies with perComponentHour', { expected: 'perComponentHour, or no component' });
    const c = parsed(CauseSchema, item);
    const rate = c?.[u.key];
    if (!c || rate === undefined) return;
    const scope: CauseScope = c.scope ?? (u.unit === 'switch' ? 'switch' : 'node');
    const source = c.source ?? 'scenario (user-supplied)';
    const cause: FailureCause = { name: c.name, ratePerUnitHour: perComponent ? 0 : rate, unit: u.unit, scope, detectS: c.detectS, repairHours: c.repairHours, silent: c.silent, source };
    if (perComponent && c.component !== undefined) {
      cause.component = c.component;
      cause.perComponentHour = rate;
    }
    out.push(cause);
  });
  return out;
}
