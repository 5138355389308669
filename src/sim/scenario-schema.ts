import * as v from 'valibot';
import { bool, doc, list, num, obj, oneOf, optional, says, str } from '../core/schema.js';
import { FabricSchema } from '../spec/fabric.js';
import { SIM_BOUNDS } from './bounds.js';
import { CAUSE_SCOPES } from './causes.js';
import { COMPONENTS } from './inventory.js';
import { INTERVAL_POLICIES } from './checkpoint.js';
import { PRESET_NAMES } from './presets.js';
import { RESTART_DEFAULTS, RESTART_POLICIES } from './restart.js';
import { CHECKPOINT_BYTES_PER_PARAM, STORAGE_PRESET_NAMES, STORAGE_TIERS } from './storage.js';

/**
 * The `colossus simulate` scenario: the one definition of its fields, from which the file's types,
 * the shape check (`parseScenario`) and schemas/sim-scenario.schema.json come. What a schema cannot
 * say (one target, one rate per cause, override keys that name causes, a storage system or fixed
 * checkpoint times, the job in whole nodes and replicas) `parseScenario` checks after it.
 */

export const SIM_DEFAULTS = {
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

const gpuCount = num({ integer: true, min: 1, max: SIM_BOUNDS.maxGpus, why: SIM_BOUNDS.maxGpusWhy });
const targetSteps = num({ above: 0, max: SIM_BOUNDS.maxTargetSteps, why: SIM_BOUNDS.targetStepsWhy });
const seconds = num({ min: 0 });

export const ClusterSchema = obj({
  gpu: optional(doc(str(), 'Catalog GPU id (with job.model: the performance model prices the step).')),
  gpus: optional(doc(gpuCount, 'GPUs in the cluster; those the job does not use are spare nodes by default.')),
  gpusPerNode: optional(num({ integer: true, min: 1, max: 1024 }), SIM_DEFAULTS.gpusPerNode),
  nodesPerSwitch: optional(num({ integer: true, min: 1 }), SIM_DEFAULTS.nodesPerSwitch),
});

export const JobSchema = obj({
  gpus: gpuCount,
  days: optional(doc(num({ min: SIM_BOUNDS.minDays, max: 3650, why: SIM_BOUNDS.daysWhy }), 'Simulated horizon; default: long enough to reach the target.')),
  stepTimeS: optional(doc(num({ min: SIM_BOUNDS.minStepTimeS, max: SIM_BOUNDS.maxStepTimeS, why: SIM_BOUNDS.stepTimeWhy }), 'Seconds per training step (or give job.model/training/parallel).')),
  targetSteps: optional(doc(targetSteps, 'The same as job.steps.')),
  steps: optional(targetSteps),
  tokens: optional(num({ above: 0, max: 1e18 })),
  tokensPerStep: optional(num({ min: 1, why: 'a step trains at least one token' })),
  replicaNodes: optional(num({ integer: true, min: 1 }), 1),
  elastic: optional(bool(), false),
  minReplicas: optional(num({ integer: true, min: 1 }), 1),
  model: optional(doc(v.unknown(), 'A catalog model id or a model object, as in a spec.')),
  training: optional(v.unknown()),
  parallel: optional(v.unknown()),
});

const CAUSE = 'an object {name, perGpuHour | perNodeHour | perSwitchHour, ...}';

export const CauseSchema = obj({
  name: str(),
  perGpuHour: optional(seconds),
  perNodeHour: optional(seconds),
  perSwitchHour: optional(seconds),
  perComponentHour: optional(doc(seconds, 'Failures per component-hour of `component` (needs reliability.inventory).')),
  component: optional(oneOf(COMPONENTS)),
  scope: optional(oneOf(CAUSE_SCOPES)),
  detectS: optional(seconds, SIM_DEFAULTS.detectS),
  repairHours: optional(seconds, SIM_DEFAULTS.repairHours),
  silent: optional(bool(), false),
  source: optional(str()),
}, CAUSE);

export const OverrideSchema = obj({
  rateMultiplier: optional(seconds),
  scope: optional(oneOf(CAUSE_SCOPES)),
  detectS: optional(seconds),
  repairHours: optional(seconds),
  silent: optional(bool()),
});

export const RestartSchema = obj({
  policy: optional(oneOf(RESTART_POLICIES), RESTART_DEFAULTS.policy),
  schedulerS: optional(seconds, RESTART_DEFAULTS.schedulerS),
  processStartS: optional(seconds, RESTART_DEFAULTS.processStartS),
  ncclBaseS: optional(seconds, RESTART_DEFAULTS.ncclBaseS),
  ncclPerRankS: optional(seconds, RESTART_DEFAULTS.ncclPerRankS),
  warmupSteps: optional(seconds, RESTART_DEFAULTS.warmupSteps),
  elasticStallS: optional(seconds, RESTART_DEFAULTS.elasticStallS),
});

export const StorageSchema = obj({
  preset: optional(oneOf(STORAGE_PRESET_NAMES)),
  tier: optional(oneOf(STORAGE_TIERS)),
  writeGBps: optional(num({ above: 0 })),
  readGBps: optional(num({ above: 0 })),
  nodeGBps: optional(num({ above: 0 })),
  capacityTB: optional(num({ above: 0 })),
  source: optional(str()),
});

const INTERVAL = `a number of seconds > 0 or one of ${INTERVAL_POLICIES.join(', ')}`;
const STORAGE = `one of ${STORAGE_PRESET_NAMES.join(', ')}, or an object`;

export const CheckpointSchema = obj({
  intervalS: optional(doc(v.union([num({ above: 0 }), v.picklist(INTERVAL_POLICIES)], INTERVAL), 'Seconds between checkpoints, or how to choose them (auto: the best of the policies).')),
  writeS: optional(seconds),
  restoreS: optional(seconds),
  async: optional(bool(), false),
  blockS: optional(doc(seconds, 'Seconds an asynchronous checkpoint stalls training.')),
  storage: optional(
    doc(
      v.union([v.picklist(STORAGE_PRESET_NAMES), StorageSchema], (issue) =>
        typeof issue.input === 'string' ? says('is not a storage preset', STORAGE, JSON.stringify(issue.input)) : 'an object',
      ),
      'A storage preset or system that derives the write, restore and blocking times from the checkpoint size.',
    ),
  ),
  bytes: optional(num({ above: 0 })),
  bytesPerParam: optional(num({ above: 0, max: 1000 }), CHECKPOINT_BYTES_PER_PARAM),
  keep: optional(num({ integer: true, min: 1, max: 1000 }), 2),
});

/** The cluster's components (src/sim/inventory.ts): the job's causes are rescaled to what it holds. */
export const InventorySchema = obj({
  fabric: FabricSchema,
  switchPorts: optional(num({ integer: true, min: 4, max: 4096 })),
  nicsPerGpu: optional(num({ above: 0, max: 16 })),
  psusPerNode: optional(num({ integer: true, min: 0, max: 64 })),
});

export const BurnInSchema = obj({ days: num({ min: 0 }), rateMultiplier: num({ min: 0 }) });

export const ReliabilitySchema = obj({
  preset: optional(oneOf(PRESET_NAMES)),
  inventory: optional(InventorySchema),
  causes: optional(list(CauseSchema, 'a list of causes')),
  overrides: optional(doc(v.record(v.string(), OverrideSchema, 'an object'), 'Changes to causes by name (preset or custom).')),
  rateMultiplier: optional(seconds, 1),
  restartS: optional(seconds),
  restart: optional(RestartSchema),
  checkpoint: optional(CheckpointSchema, {}),
  spareNodes: optional(num({ integer: true, min: 0 })),
  repairCrews: optional(num({ integer: true, min: 1 })),
  burnIn: optional(BurnInSchema),
});

export const SimScenarioFileSchema = obj({
  name: optional(str()),
  description: optional(v.string('a string')),
  cluster: optional(ClusterSchema, {}),
  job: JobSchema,
  reliability: ReliabilitySchema,
  seed: optional(num({ integer: true, min: 0, max: Number.MAX_SAFE_INTEGER })),
  replications: optional(num({ integer: true, min: 1, max: 100_000 })),
});
export type SimScenarioFile = v.InferOutput<typeof SimScenarioFileSchema>;
