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
import { CAUSE_SCOPES, totalRatePerHour, type CauseScope, type CauseUnit, type FailureCause } from './causes.js';
import { INTERVAL_POLICIES, intervalForPolicy, type IntervalPolicy } from './checkpoint.js';
import type { JobModel } from './job.js';
import { PRESET_NAMES, presetCauses, type PresetName } from './presets.js';

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
export type ResolveStepTimeS = (jobSpec: unknown, ctx: ReadContext, path: Path) => number | undefined;

export interface ScenarioOptions {
  resolveStepTimeS?: ResolveStepTimeS;
  /** Overrides the scenario's `seed`. */
  seed?: number;
  /** Overrides the scenario's `replications`. */
  replications?: number;
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
}

export type ScenarioResult = { ok: true; scenario: SimScenario } | { ok: false; issues: Issue[] };

const TOP_KEYS = ['name', 'description', 'cluster', 'job', 'reliability', 'seed', 'replications'] as const;
const CLUSTER_KEYS = ['gpu', 'gpus', 'gpusPerNode', 'nodesPerSwitch'] as const;
const JOB_KEYS = [
  'gpus',
  'days',
  'stepTimeS',
  'targetSteps',
  'replicaNodes',
  'elastic',
  'minReplicas',
  'model',
  'training',
  'parallel',
] as const;
const RELIABILITY_KEYS = ['preset', 'causes', 'overrides', 'rateMultiplier', 'restartS', 'checkpoint', 'spareNodes', 'burnIn'] as const;
const OVERRIDE_KEYS = ['rateMultiplier', 'scope', 'detectS', 'repairHours', 'silent'] as const;
const CHECKPOINT_KEYS = ['intervalS', 'writeS', 'restoreS', 'async', 'blockS'] as const;
const CAUSE_KEYS = ['name', 'perGpuHour', 'perNodeHour', 'perSwitchHour', 'scope', 'detectS', 'repairHours', 'silent', 'source'] as const;
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
  const clusterGpus = readNumber(ctx, cluster, 'gpus', ['cluster'], { integer: true, min: 1 });
  const gpusPerNode = readNumber(ctx, cluster, 'gpusPerNode', ['cluster'], { integer: true, min: 1, max: 1024 }) ?? DEFAULTS.gpusPerNode;
  const nodesPerSwitch =
    readNumber(ctx, cluster, 'nodesPerSwitch', ['cluster'], { integer: true, min: 1 }) ?? DEFAULTS.nodesPerSwitch;

  // job
  const job = readObject(ctx, root['job'], ['job']);
  let jobGpus: number | undefined;
  let days: number | undefined;
  let stepTimeS: number | undefined;
  let targetSteps: number | undefined;
  let replicaNodes = 1;
  let elastic = false;
  let minReplicas = 1;
  if (job) {
    checkKeys(ctx, job, JOB_KEYS, ['job']);
    jobGpus = readNumber(ctx, job, 'gpus', ['job'], { required: true, integer: true, min: 1 });
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
    days = readNumber(ctx, job, 'days', ['job'], { required: true, above: 0, max: 3650 });
    targetSteps = readNumber(ctx, job, 'targetSteps', ['job'], { above: 0 });
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
    stepTimeS = readStepTime(ctx, job, cluster, jobGpus, gpusPerNode, options);
  }

  // reliability
  const rel = readObject(ctx, root['reliability'], ['reliability']);
  let causes: FailureCause[] = [];
  let preset: PresetName | undefined;
  let restartS: number = DEFAULTS.restartS;
  let spareNodes = 0;
  let burnIn: { days: number; rateMultiplier: number } | undefined;
  let ckpt: Record<string, unknown> = {};
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
    const multiplier = readNumber(ctx, rel, 'rateMultiplier', ['reliability'], { min: 0 }) ?? 1;
    if (multiplier !== 1) causes = causes.map((c) => ({ ...c, ratePerUnitHour: c.ratePerUnitHour * multiplier, source: `${c.source}; ×${multiplier} (rateMultiplier)` }));
    restartS = readNumber(ctx, rel, 'restartS', ['reliability'], { min: 0 }) ?? DEFAULTS.restartS;
    spareNodes = readNumber(ctx, rel, 'spareNodes', ['reliability'], { integer: true, min: 0 }) ?? 0;
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
  const writeS = readNumber(ctx, ckpt, 'writeS', ckptPath, { min: 0 }) ?? DEFAULTS.writeS;
  const restoreS = readNumber(ctx, ckpt, 'restoreS', ckptPath, { min: 0 }) ?? DEFAULTS.restoreS;
  const asyncCheckpoint = readBoolean(ctx, ckpt, 'async', ckptPath) ?? false;
  let blockS = writeS;
  if (asyncCheckpoint) {
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

  if (ctx.issues.length > 0 || jobGpus === undefined || days === undefined || stepTimeS === undefined) return undefined;

  const jobNodes = jobGpus / gpusPerNode;
  const mtbfS = 3600 / totalRatePerHour(causes, jobNodes, gpusPerNode, nodesPerSwitch);
  let intervalS =
    fixedIntervalS ?? (Number.isFinite(mtbfS) ? intervalForPolicy(intervalPolicy as IntervalPolicy, blockS, mtbfS, restoreS) : days * 86400);
  // An asynchronous write must be durable before the next one starts.
  if (asyncCheckpoint) intervalS = Math.max(intervalS, writeS - blockS);

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
    spareNodes,
    elastic,
    minReplicas,
    nodesPerSwitch,
    progressSamples: Math.min(1000, Math.max(1, Math.ceil(days))),
  };
  if (targetSteps !== undefined) model.targetSteps = targetSteps;
  if (burnIn && burnIn.days > 0) model.burnIn = { untilS: burnIn.days * 86400, rateMultiplier: burnIn.rateMultiplier };

  const scenario: SimScenario = { jobGpus, days, intervalPolicy, asyncCheckpoint, seed, replications, job: model };
  if (name !== undefined) scenario.name = name;
  if (gpu !== undefined) scenario.gpu = gpu;
  if (clusterGpus !== undefined) scenario.clusterGpus = clusterGpus;
  if (preset !== undefined) scenario.preset = preset;
  return scenario;
}

function readStepTime(
  ctx: ReadContext,
  job: Record<string, unknown>,
  cluster: Record<string, unknown>,
  jobGpus: number | undefined,
  gpusPerNode: number,
  options: ScenarioOptions,
): number | undefined {
  const hasModel = job['model'] !== undefined || job['training'] !== undefined || job['parallel'] !== undefined;
  if (job['stepTimeS'] !== undefined) {
    if (hasModel) {
      report(ctx, ['job', 'stepTimeS'], 'conflicts with job.model/training/parallel', { expected: 'either stepTimeS or a model, not both' });
      return undefined;
    }
    return readNumber(ctx, job, 'stepTimeS', ['job'], { required: true, above: 0 });
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
  const s = options.resolveStepTimeS(spec, ctx, ['job']);
  if (s === undefined || !(s > 0) || !Number.isFinite(s)) {
    if (ctx.issues.length === before) report(ctx, ['job', 'model'], 'did not give a step time', { received: describeValue(s) });
    return undefined;
  }
  return s;
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
    ];
    const given = units.filter((u) => item[u.key] !== undefined);
    let rate: number | undefined;
    let unit: CauseUnit = 'gpu';
    if (given.length !== 1) {
      report(ctx, given.length ? [...at, (given[1] as { key: string }).key] : at, given.length ? 'gives a second rate' : 'needs a rate', {
        expected: 'exactly one of perGpuHour, perNodeHour, perSwitchHour',
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
    if (name !== undefined && rate !== undefined)
      out.push({ name, ratePerUnitHour: rate, unit, scope, detectS, repairHours, silent, source });
  });
  return out;
}
