import { GPU_IDS, findGpu, isSlowerGpu, MODEL_IDS, findModel, type GpuSpec } from '../catalog/index.js';
import {
  InputError,
  checkKeys,
  suggestId,
  describeValue,
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
import { scheduleProblem } from '../model/schedule/registry.js';
import { DEFAULT_STACK, FP8_RECIPES, FP8_RECIPE_FACTS, gpuArch, stackRefs, stackVersion, STACK_IDS } from '../model/stack/index.js';
import type { MoeBalancer } from '../model/variability/moe-imbalance.js';
import { readFabric, withTopOversubscription } from './fabric.js';
import { PARALLEL_KEYS, SCHEDULES } from './plan-codec.js';
import type { EpDispatch, GpuPool, MlaConfig, ModelConfig, MoeConfig, PartialPlan, Recompute, ScheduleId, Spec, SystemConfig, TrainingConfig } from './types.js';

const MODEL_KEYS = ['name', 'layers', 'hidden', 'heads', 'kvHeads', 'headDim', 'ffnHidden', 'gatedMlp', 'vocab', 'moe', 'mla', 'source'];
const MLA_KEYS = ['qLoraRank', 'kvLoraRank', 'qkRopeDim', 'vHeadDim'];
const MOE_KEYS = ['experts', 'topK', 'ffnHidden', 'sharedExperts', 'denseLayers', 'routingGroups', 'groupTopK', 'balancer', 'capacityFactor'];
const BALANCERS: readonly MoeBalancer[] = ['aux-loss', 'loss-free', 'balanced'];
const SYSTEM_KEYS = ['gpu', 'gpus', 'gpusPerNode', 'nvlinkDomain', 'scaleOutGbpsPerGpu', 'oversubscription', 'fabric', 'pools'];
const POOL_KEYS = ['gpu', 'gpus'];
const GPU_KEYS = ['id', 'name', 'vendor', 'bf16Tflops', 'fp8Tflops', 'achievableBf16Tflops', 'achievableFp8Tflops', 'hbmGB', 'hbmTBps', 'nvlinkGBps', 'nvlinkDomain', 'gpusPerNode', 'nicGbps', 'tdpW', 'smCount', 'priceUsd', 'sources'];
const TRAINING_KEYS = ['seqLen', 'globalBatch', 'precision', 'tokens', 'attention', 'gradPrecision', 'stack', 'compile', 'fp8Recipe', 'moeBalancer', 'cudaGraphs', 'optimizerMoments'];
export const SPEC_KEYS = ['model', 'system', 'training', 'parallel', 'name', 'notes'];

/** Sizes beyond these are refused as absurd (typos such as an extra zero), not estimated. */
const MAX = { layers: 10_000, hidden: 1_000_000, heads: 10_000, vocab: 10_000_000, gpus: 100_000_000, seqLen: 100_000_000, globalBatch: 1e9, degree: 1_000_000 };

export interface ParseOptions {
  /** `parallel` may be absent or partial (plan search); otherwise tp and pp are required, and dp is derived when left out. */
  planOptional?: boolean;
}

/** Result of parsing one spec: the spec, or the issues that stop it. */
export type SpecResult = { ok: true; spec: Spec } | { ok: false; issues: Issue[] };

/**
 * Validate one spec object (already parsed from YAML/JSON). `path` prefixes every issue
 * (e.g. `[2]` for an element of an array of specs); `doc` supplies file positions.
 */
export function parseSpecValue(value: unknown, doc?: SourceDocument, path: Path = [], opts: ParseOptions = {}): SpecResult {
  const ctx = newReadContext(doc);
  const spec = readSpec(ctx, value, path, opts);
  if (ctx.issues.length > 0 || !spec) return { ok: false, issues: ctx.issues };
  return { ok: true, spec };
}

/** Throwing variant: an InputError carries the issues. */
export function parseSpec(value: unknown, doc?: SourceDocument, opts: ParseOptions = {}): Spec {
  const r = parseSpecValue(value, doc, [], opts);
  if (!r.ok) throw new InputError(r.issues);
  return r.spec;
}

function readSpec(ctx: ReadContext, value: unknown, path: Path, opts: ParseOptions): Spec | undefined {
  const root = readObject(ctx, value, path);
  if (!root) return undefined;
  checkKeys(ctx, root, SPEC_KEYS, path);
  const model = readModel(ctx, root['model'], [...path, 'model']);
  const system = readSystem(ctx, root['system'], [...path, 'system']);
  const training = readTraining(ctx, root['training'], [...path, 'training']);
  const parallel = readParallel(ctx, root['parallel'], [...path, 'parallel'], opts);
  if (!model || !system || !training || !parallel) return undefined;
  const dpDerived = !opts.planOptional && parallel.dp === 0;
  if (dpDerived) {
    const dp = deriveDp(model, system, training, parallel);
    if (dp === undefined) {
      report(ctx, [...path, 'parallel', 'dp'], 'cannot be derived', {
        expected: `tp·pp·cp (${parallel.tp * parallel.pp * parallel.cp}) at most system.gpus (${system.gpus}), and a dp that divides globalBatch${model.moe && parallel.ep > 1 ? ' and makes tp·cp·dp a multiple of ep' : ''}; or give dp`,
      });
      return undefined;
    }
    parallel.dp = dp;
  }
  const before = ctx.issues.length;
  checkConsistency(ctx, { model, system, training, parallel }, path, opts, dpDerived);
  return ctx.issues.length === before ? { model, system, training, parallel } : undefined;
}

function readModel(ctx: ReadContext, value: unknown, path: Path): ModelConfig | undefined {
  if (typeof value === 'string') {
    const found = findModel(value);
    if (!found) {
      const guess = suggestId(value, MODEL_IDS);
      report(ctx, path, `is not a model in the catalog${guess ? ` (did you mean ${guess}?)` : ''}`, {
        expected: `a model object or one of ${MODEL_IDS.join(', ')}`,
        received: describeValue(value),
      });
      return undefined;
    }
    return found;
  }
  const o = readObject(ctx, value, path);
  if (!o) return undefined;
  checkKeys(ctx, o, MODEL_KEYS, path);
  const layers = readNumber(ctx, o, 'layers', path, { required: true, integer: true, min: 1, max: MAX.layers });
  const hidden = readNumber(ctx, o, 'hidden', path, { required: true, integer: true, min: 1, max: MAX.hidden });
  const heads = readNumber(ctx, o, 'heads', path, { required: true, integer: true, min: 1, max: MAX.heads });
  const kvHeads = readNumber(ctx, o, 'kvHeads', path, { integer: true, min: 1, max: MAX.heads });
  const headDim = readNumber(ctx, o, 'headDim', path, { integer: true, min: 1, max: MAX.hidden });
  const ffnHidden = readNumber(ctx, o, 'ffnHidden', path, { required: true, integer: true, min: 1, max: 100 * MAX.hidden });
  const gatedMlp = readBoolean(ctx, o, 'gatedMlp', path);
  const vocab = readNumber(ctx, o, 'vocab', path, { integer: true, min: 1, max: MAX.vocab });
  const name = readString(ctx, o, 'name', path);
  let moe: MoeConfig | undefined;
  if (o['moe'] !== undefined && o['moe'] !== null) moe = readMoe(ctx, o['moe'], [...path, 'moe'], layers);
  let mla: MlaConfig | undefined;
  if (o['mla'] !== undefined && o['mla'] !== null) {
    mla = readMla(ctx, o['mla'], [...path, 'mla']);
    if (o['headDim'] === undefined) report(ctx, [...path, 'headDim'], 'is required with mla (the query/key head size, RoPE part included)', { expected: 'an integer >= 1' });
    else if (mla && headDim !== undefined && mla.qkRopeDim >= headDim) report(ctx, [...path, 'mla', 'qkRopeDim'], 'must be smaller than headDim', { expected: `< ${headDim}`, received: String(mla.qkRopeDim) });
  }
  if (layers === undefined || hidden === undefined || heads === undefined || ffnHidden === undefined) return undefined;
  if (kvHeads !== undefined && heads % kvHeads !== 0) {
    report(ctx, [...path, 'kvHeads'], 'must divide heads', { expected: `a divisor of ${heads}`, received: String(kvHeads) });
  }
  if (headDim === undefined && hidden % heads !== 0) {
    report(ctx, [...path, 'headDim'], 'is required when hidden is not a multiple of heads', { expected: 'an integer >= 1' });
  }
  const cfg: ModelConfig = {
    name: name ?? 'custom',
    layers,
    hidden,
    heads,
    kvHeads: kvHeads ?? heads,
    headDim: headDim ?? Math.floor(hidden / heads),
    ffnHidden,
    gatedMlp: gatedMlp ?? true,
    vocab: vocab ?? 128256,
  };
  if (moe) cfg.moe = moe;
  if (mla) cfg.mla = mla;
  return cfg;
}

function readMla(ctx: ReadContext, value: unknown, path: Path): MlaConfig | undefined {
  const o = readObject(ctx, value, path);
  if (!o) return undefined;
  checkKeys(ctx, o, MLA_KEYS, path);
  const dim = (k: string, min: number) => readNumber(ctx, o, k, path, { required: true, integer: true, min, max: MAX.hidden });
  const qLoraRank = dim('qLoraRank', 0);
  const kvLoraRank = dim('kvLoraRank', 1);
  const qkRopeDim = dim('qkRopeDim', 0);
  const vHeadDim = dim('vHeadDim', 1);
  if (qLoraRank === undefined || kvLoraRank === undefined || qkRopeDim === undefined || vHeadDim === undefined) return undefined;
  return { qLoraRank, kvLoraRank, qkRopeDim, vHeadDim };
}

function readMoe(ctx: ReadContext, value: unknown, path: Path, layers: number | undefined): MoeConfig | undefined {
  const o = readObject(ctx, value, path);
  if (!o) return undefined;
  checkKeys(ctx, o, MOE_KEYS, path);
  const experts = readNumber(ctx, o, 'experts', path, { required: true, integer: true, min: 1, max: 1_000_000 });
  const topK = readNumber(ctx, o, 'topK', path, { required: true, integer: true, min: 1, max: 1_000_000 });
  const ffnHidden = readNumber(ctx, o, 'ffnHidden', path, { required: true, integer: true, min: 1, max: 100 * MAX.hidden });
  const sharedExperts = readNumber(ctx, o, 'sharedExperts', path, { integer: true, min: 0, max: 1000 }) ?? 0;
  const denseLayers = readNumber(ctx, o, 'denseLayers', path, { integer: true, min: 0, max: MAX.layers }) ?? 0;
  const routingGroups = readNumber(ctx, o, 'routingGroups', path, { integer: true, min: 1, max: 1_000_000 });
  const groupTopK = readNumber(ctx, o, 'groupTopK', path, { integer: true, min: 1, max: 1_000_000 });
  const balancer = readEnum(ctx, o, 'balancer', path, BALANCERS);
  const capacityFactor = readNumber(ctx, o, 'capacityFactor', path, { min: 1, max: 64 });
  if (experts === undefined || topK === undefined || ffnHidden === undefined) return undefined;
  if (topK > experts) report(ctx, [...path, 'topK'], 'cannot exceed experts', { expected: `<= ${experts}`, received: String(topK) });
  if (layers !== undefined && denseLayers >= layers) {
    report(ctx, [...path, 'denseLayers'], 'must leave at least one MoE layer', { expected: `< ${layers}`, received: String(denseLayers) });
  }
  const moe: MoeConfig = { experts, topK, ffnHidden, sharedExperts, denseLayers };
  if (balancer !== undefined) moe.balancer = balancer;
  if (capacityFactor !== undefined) moe.capacityFactor = capacityFactor;
  if ((routingGroups === undefined) !== (groupTopK === undefined)) {
    const missing = routingGroups === undefined ? 'routingGroups' : 'groupTopK';
    report(ctx, [...path, missing], 'is needed with ' + (missing === 'groupTopK' ? 'routingGroups' : 'groupTopK'), { expected: 'both routingGroups and groupTopK, or neither' });
  } else if (routingGroups !== undefined && groupTopK !== undefined) {
    if (experts % routingGroups !== 0) report(ctx, [...path, 'routingGroups'], 'must divide experts', { expected: `a divisor of ${experts}`, received: String(routingGroups) });
    else if (groupTopK > routingGroups) report(ctx, [...path, 'groupTopK'], 'cannot exceed routingGroups', { expected: `<= ${routingGroups}`, received: String(groupTopK) });
    else {
      moe.routingGroups = routingGroups;
      moe.groupTopK = groupTopK;
    }
  }
  return moe;
}

function readGpu(ctx: ReadContext, value: unknown, path: Path): GpuSpec | undefined {
  if (typeof value === 'string') {
    const g = findGpu(value);
    if (!g) {
      const guess = suggestId(value, GPU_IDS);
      report(ctx, path, `is not a GPU in the catalog${guess ? ` (did you mean ${guess}?)` : ''}`, {
        expected: `one of ${GPU_IDS.join(', ')} or a GPU object`,
        received: describeValue(value),
      });
    }
    return g;
  }
  const o = readObject(ctx, value, path);
  if (!o) return undefined;
  checkKeys(ctx, o, GPU_KEYS, path);
  // An inline GPU may start from a catalog entry (`id`) and override fields.
  const baseId = readString(ctx, o, 'id', path);
  const base = baseId !== undefined ? findGpu(baseId) : undefined;
  const num = (k: string, required: boolean, integer = false) =>
    readNumber(ctx, o, k, path, { required: required && !base, min: integer ? 1 : 1e-3, integer, max: 1e9, why: 'from 0.001 to 1e9 in the field\'s unit' });
  const bf16Tflops = num('bf16Tflops', true) ?? base?.bf16Tflops;
  const hbmGB = num('hbmGB', true) ?? base?.hbmGB;
  const hbmTBps = num('hbmTBps', true) ?? base?.hbmTBps;
  const nvlinkGBps = num('nvlinkGBps', true) ?? base?.nvlinkGBps;
  const fp8Tflops = num('fp8Tflops', false) ?? base?.fp8Tflops;
  const nvlinkDomain = num('nvlinkDomain', false, true) ?? base?.nvlinkDomain ?? 8;
  const gpusPerNode = num('gpusPerNode', false, true) ?? base?.gpusPerNode ?? 8;
  const nicGbps = num('nicGbps', false) ?? base?.nicGbps ?? 400;
  const tdpW = num('tdpW', false) ?? base?.tdpW ?? 700;
  const achievableBf16Tflops = num('achievableBf16Tflops', false) ?? base?.achievableBf16Tflops;
  const achievableFp8Tflops = num('achievableFp8Tflops', false) ?? base?.achievableFp8Tflops;
  const priceUsd = num('priceUsd', false) ?? base?.priceUsd;
  if (bf16Tflops === undefined || hbmGB === undefined || hbmTBps === undefined || nvlinkGBps === undefined) return undefined;
  // Sustained speed can never exceed the peak (an inherited achievable rate above an overridden peak gave MFU 359%).
  const aboveBf16 = achievableBf16Tflops !== undefined && achievableBf16Tflops > bf16Tflops;
  const fp8Peak = fp8Tflops ?? bf16Tflops * 2;
  const aboveFp8 = achievableFp8Tflops !== undefined && achievableFp8Tflops > fp8Peak;
  if (aboveBf16 || aboveFp8) {
    const [field, rate, peak, peakField] = aboveBf16
      ? ['achievableBf16Tflops', achievableBf16Tflops, bf16Tflops, 'bf16Tflops']
      : ['achievableFp8Tflops', achievableFp8Tflops, fp8Peak, 'fp8Tflops'];
    const inherited = o[field] === undefined && base !== undefined;
    report(ctx, inherited ? [...path, peakField] : [...path, field], inherited ? `is below the ${field} inherited from ${base.id} (${rate})` : `is above the peak ${peakField} (${peak})`, {
      expected: inherited ? `${peakField} >= ${rate}, or set ${field} too` : `${field} <= ${peakField}: sustained speed cannot exceed the peak`,
      received: String(inherited ? peak : rate),
    });
    return undefined;
  }
  const g: GpuSpec = {
    id: baseId ?? 'custom',
    name: readString(ctx, o, 'name', path) ?? base?.name ?? 'custom GPU',
    vendor: base?.vendor ?? 'custom',
    bf16Tflops,
    hbmGB,
    hbmTBps,
    nvlinkGBps,
    nvlinkDomain,
    gpusPerNode,
    nicGbps,
    tdpW,
    sources: { ...(base?.sources ?? {}) },
  };
  if (fp8Tflops !== undefined) g.fp8Tflops = fp8Tflops;
  if (achievableBf16Tflops !== undefined) g.achievableBf16Tflops = achievableBf16Tflops;
  if (achievableFp8Tflops !== undefined) g.achievableFp8Tflops = achievableFp8Tflops;
  if (priceUsd !== undefined) g.priceUsd = priceUsd;
  return g;
}

function readSystem(ctx: ReadContext, value: unknown, path: Path): SystemConfig | undefined {
  const o = readObject(ctx, value, path);
  if (!o) return undefined;
  checkKeys(ctx, o, SYSTEM_KEYS, path);
  const pools = o['pools'] === undefined ? undefined : readPools(ctx, o['pools'], [...path, 'pools']);
  if (o['pools'] !== undefined && !pools) return undefined;
  if (o['gpu'] === undefined && !pools) report(ctx, [...path, 'gpu'], 'is required', { expected: `a GPU id (${GPU_IDS.join(', ')}) or object` });
  // With pools, the homogeneous view is "every GPU as the slowest pool's".
  const gpu = o['gpu'] === undefined ? pools && slowestPool(pools).gpu : readGpu(ctx, o['gpu'], [...path, 'gpu']);
  const poolTotal = pools?.reduce((n, q) => n + q.gpus, 0);
  const gpus = readNumber(ctx, o, 'gpus', path, { required: !pools, integer: true, min: 1, max: MAX.gpus }) ?? poolTotal;
  if (poolTotal !== undefined && gpus !== undefined && gpus !== poolTotal) {
    report(ctx, [...path, 'gpus'], 'must equal the sum of the pools', { expected: String(poolTotal), received: String(gpus) });
  }
  const gpusPerNode = readNumber(ctx, o, 'gpusPerNode', path, { integer: true, min: 1, max: 1024 });
  const nvlinkDomain = readNumber(ctx, o, 'nvlinkDomain', path, { integer: true, min: 1, max: 100_000 });
  const scaleOut = readNumber(ctx, o, 'scaleOutGbpsPerGpu', path, { min: 0.1, max: 100_000, why: 'a training network has at least 0.1 Gb/s per GPU' });
  const oversubscription = readNumber(ctx, o, 'oversubscription', path, { min: 1, max: 64 });
  let fabric = o['fabric'] === undefined ? undefined : readFabric(ctx, o['fabric'], [...path, 'fabric'], scaleOut ?? gpu?.nicGbps ?? 400);
  if (o['fabric'] !== undefined && !fabric) return undefined;
  if (!gpu || gpus === undefined) return undefined;
  // With a fabric, the shorthand fields override its per-GPU rate and its top tier's ratio.
  if (fabric && scaleOut !== undefined && scaleOut !== fabric.gbpsPerGpu) fabric = { ...fabric, id: `${fabric.id}@${scaleOut}G`, gbpsPerGpu: scaleOut };
  if (fabric && oversubscription !== undefined) fabric = withTopOversubscription(fabric, oversubscription);
  const system: SystemConfig = {
    gpu,
    gpus,
    gpusPerNode: gpusPerNode ?? gpu.gpusPerNode,
    nvlinkDomain: nvlinkDomain ?? fabric?.nvlinkDomain ?? gpu.nvlinkDomain,
    scaleOutGbpsPerGpu: scaleOut ?? fabric?.gbpsPerGpu ?? gpu.nicGbps,
    oversubscription: oversubscription ?? (fabric ? (fabric.tiers[fabric.tiers.length - 1]?.oversubscription ?? 1) : 1),
  };
  if (fabric) system.fabric = fabric;
  if (pools) system.pools = pools;
  return system;
}

function readPools(ctx: ReadContext, value: unknown, path: Path): GpuPool[] | undefined {
  if (!Array.isArray(value) || value.length === 0) {
    report(ctx, path, 'has the wrong type', { expected: 'a non-empty list of { gpu, gpus }', received: describeValue(value) });
    return undefined;
  }
  const before = ctx.issues.length;
  const pools: GpuPool[] = [];
  value.forEach((v, i) => {
    const o = readObject(ctx, v, [...path, i]);
    if (!o) return;
    checkKeys(ctx, o, POOL_KEYS, [...path, i]);
    if (o['gpu'] === undefined) report(ctx, [...path, i, 'gpu'], 'is required', { expected: `a GPU id (${GPU_IDS.join(', ')}) or object` });
    const gpu = o['gpu'] === undefined ? undefined : readGpu(ctx, o['gpu'], [...path, i, 'gpu']);
    const gpus = readNumber(ctx, o, 'gpus', [...path, i], { required: true, integer: true, min: 1, max: MAX.gpus });
    if (gpu && gpus !== undefined) pools.push({ gpu, gpus });
  });
  return ctx.issues.length === before ? pools : undefined;
}

/** The pool whose GPU is slowest (`isSlowerGpu`). */
export function slowestPool(pools: readonly GpuPool[]): GpuPool {
  let slow = pools[0] as GpuPool;
  for (const q of pools) if (isSlowerGpu(q.gpu, slow.gpu)) slow = q;
  return slow;
}

function readTraining(ctx: ReadContext, value: unknown, path: Path): TrainingConfig | undefined {
  const o = readObject(ctx, value, path);
  if (!o) return undefined;
  checkKeys(ctx, o, TRAINING_KEYS, path);
  const seqLen = readNumber(ctx, o, 'seqLen', path, { required: true, integer: true, min: 1, max: MAX.seqLen });
  const globalBatch = readNumber(ctx, o, 'globalBatch', path, { required: true, integer: true, min: 1, max: MAX.globalBatch });
  const precision = readEnum(ctx, o, 'precision', path, ['bf16', 'fp8'] as const) ?? 'bf16';
  const tokens = readNumber(ctx, o, 'tokens', path, { above: 0, max: 1e18 });
  const attention = readEnum(ctx, o, 'attention', path, ['flash', 'unfused'] as const) ?? 'flash';
  const gradPrecision = readEnum(ctx, o, 'gradPrecision', path, ['fp32', 'bf16'] as const);
  let stack = readString(ctx, o, 'stack', path) ?? DEFAULT_STACK;
  const sv = stackVersion(stack);
  if (!sv) {
    const refs = [...STACK_IDS, ...stackRefs()];
    const guess = suggestId(stack, refs);
    report(ctx, [...path, 'stack'], `is not a known software stack${guess ? ` (did you mean ${guess}?)` : ''}`, { expected: `one of ${refs.join(', ')}`, received: JSON.stringify(stack) });
    stack = DEFAULT_STACK;
  }
  const compile = readBoolean(ctx, o, 'compile', path);
  if (compile === true && sv && !sv.compile.supported) report(ctx, [...path, 'compile'], `${stack} does not run torch.compile`, { expected: 'false or absent', received: 'true' });
  const fp8Recipe = readEnum(ctx, o, 'fp8Recipe', path, FP8_RECIPES);
  const cudaGraphs = readBoolean(ctx, o, 'cudaGraphs', path);
  if (fp8Recipe !== undefined && sv && !sv.fp8.recipes.includes(fp8Recipe)) {
    report(ctx, [...path, 'fp8Recipe'], `is not a recipe ${stack} runs`, { expected: sv.fp8.recipes.length ? `one of ${sv.fp8.recipes.join(', ')}` : 'absent (this stack has no FP8)', received: fp8Recipe });
  }
  // Without a stated kernel, the stack's own (unfused only on stacks that predate FlashAttention).
  const attentionOut = o['attention'] === undefined && sv?.attention === 'unfused' ? 'unfused' : attention;
  const moeBalancer = readEnum(ctx, o, 'moeBalancer', path, BALANCERS);
  const optimizerMoments = readEnum(ctx, o, 'optimizerMoments', path, ['fp32', 'bf16'] as const);
  if (seqLen === undefined || globalBatch === undefined) return undefined;
  const t: TrainingConfig = { seqLen, globalBatch, precision, attention: attentionOut, stack };
  if (compile !== undefined) t.compile = compile;
  if (fp8Recipe !== undefined) t.fp8Recipe = fp8Recipe;
  if (cudaGraphs !== undefined) t.cudaGraphs = cudaGraphs;
  if (tokens !== undefined) t.tokens = tokens;
  if (gradPrecision !== undefined) t.gradPrecision = gradPrecision;
  if (moeBalancer !== undefined) t.moeBalancer = moeBalancer;
  if (optimizerMoments !== undefined) t.optimizerMoments = optimizerMoments;
  return t;
}

function readParallel(ctx: ReadContext, value: unknown, path: Path, opts: ParseOptions): PartialPlan | undefined {
  if ((value === undefined || value === null) && opts.planOptional) return { tp: 0, pp: 0, dp: 0, cp: 0, ep: 0 };
  const o = readObject(ctx, value, path);
  if (!o) return undefined;
  checkKeys(ctx, o, PARALLEL_KEYS, path);
  const req = !opts.planOptional;
  const deg = (k: string, required: boolean) => readNumber(ctx, o, k, path, { required, integer: true, min: 1, max: MAX.degree });
  const tp = deg('tp', req);
  const pp = deg('pp', req);
  const dp = deg('dp', false);
  const cp = deg('cp', false);
  const ep = deg('ep', false);
  const vpp = deg('vpp', false);
  const microBatch = deg('microBatch', false);
  const sequenceParallel = readBoolean(ctx, o, 'sequenceParallel', path);
  const recompute = readEnum<Recompute>(ctx, o, 'recompute', path, ['none', 'selective', 'full']);
  const distributedOptimizer = readBoolean(ctx, o, 'distributedOptimizer', path);
  const tpCommOverlap = readBoolean(ctx, o, 'tpCommOverlap', path);
  const epDispatch = readEnum<EpDispatch>(ctx, o, 'epDispatch', path, ['alltoall', 'deepep']);
  const epCommOverlap = readBoolean(ctx, o, 'epCommOverlap', path);
  const zeroStage = readNumber(ctx, o, 'zeroStage', path, { integer: true, min: 0, max: 3 }) as 0 | 1 | 2 | 3 | undefined;
  const schedules = readSchedules(ctx, o, path);
  if (req && (tp === undefined || pp === undefined)) return undefined;
  // 0 marks "free" degrees for plan search.
  const plan: PartialPlan = { tp: tp ?? 0, pp: pp ?? 0, dp: dp ?? 0, cp: cp ?? (opts.planOptional ? 0 : 1), ep: ep ?? (opts.planOptional ? 0 : 1) };
  if (vpp !== undefined) plan.vpp = vpp;
  if (microBatch !== undefined) plan.microBatch = microBatch;
  if (sequenceParallel !== undefined) plan.sequenceParallel = sequenceParallel;
  if (recompute !== undefined) plan.recompute = recompute;
  if (distributedOptimizer !== undefined) plan.distributedOptimizer = distributedOptimizer;
  if (zeroStage !== undefined) plan.zeroStage = zeroStage;
  if (tpCommOverlap !== undefined) plan.tpCommOverlap = tpCommOverlap;
  if (epDispatch !== undefined) plan.epDispatch = epDispatch;
  if (epCommOverlap !== undefined) plan.epCommOverlap = epCommOverlap;
  if (schedules !== undefined) plan.schedules = schedules;
  if (distributedOptimizer === false && zeroStage !== undefined && zeroStage > 0) {
    report(ctx, [...path, 'zeroStage'], 'contradicts distributedOptimizer: false', { expected: '0 (or drop distributedOptimizer)', received: String(zeroStage) });
  }
  return plan;
}

/** `schedule`: one pipeline schedule, or a list of those the search may pick from. */
function readSchedules(ctx: ReadContext, o: Record<string, unknown>, path: Path): ScheduleId[] | undefined {
  const v = o['schedule'];
  if (v === undefined || v === null) return undefined;
  const items = Array.isArray(v) ? v : [v];
  const out: ScheduleId[] = [];
  items.forEach((x, i) => {
    const at = Array.isArray(v) ? [...path, 'schedule', i] : [...path, 'schedule'];
    if (typeof x !== 'string' || !(SCHEDULES as readonly string[]).includes(x)) {
      report(ctx, at, 'is not a pipeline schedule', { expected: `one of ${SCHEDULES.join(', ')} (or a list of them)`, received: describeValue(x) });
    } else if (!out.includes(x as ScheduleId)) out.push(x as ScheduleId);
  });
  if (Array.isArray(v) && v.length === 0) report(ctx, [...path, 'schedule'], 'is an empty list', { expected: `one or more of ${SCHEDULES.join(', ')}` });
  return out.length ? out : undefined;
}

/**
 * dp left out: the largest data-parallel degree that fits in system.gpus, divides the global batch
 * and (MoE) leaves tp·cp·dp a multiple of ep. The GPUs left over are spare (`spareGpus`).
 */
export function deriveDp(model: ModelConfig, system: SystemConfig, training: TrainingConfig, p: PartialPlan): number | undefined {
  const per = p.tp * p.pp * p.cp;
  for (let dp = Math.floor(system.gpus / per); dp >= 1; dp--) {
    if (training.globalBatch % dp !== 0) continue;
    if (model.moe && p.ep > 1 && (p.tp * p.cp * dp) % p.ep !== 0) continue;
    return dp;
  }
  return undefined;
}

/** GPUs of the system the plan leaves idle (0 unless dp was derived). */
export function spareGpus(spec: Spec): number {
  const p = spec.parallel;
  return spec.system.gpus - p.tp * p.pp * p.cp * p.dp;
}

/** Cross-field rules: the degrees multiply to the GPU count, and each divides what it splits. */
function checkConsistency(ctx: ReadContext, spec: Spec, path: Path, opts: ParseOptions, dpDerived = false): void {
  const { model: m, system, training, parallel: p } = spec;
  const par = [...path, 'parallel'];
  if (m.moe === undefined && p.ep > 1) report(ctx, [...par, 'ep'], 'needs an MoE model', { expected: '1 for a dense model', received: String(p.ep) });
  if (opts.planOptional) return;
  const product = p.tp * p.pp * p.cp * p.dp;
  if (dpDerived ? product > system.gpus : product !== system.gpus) {
    report(ctx, par, `tp·pp·cp·dp = ${p.tp}·${p.pp}·${p.cp}·${p.dp} = ${product} must equal system.gpus`, {
      expected: String(system.gpus),
      received: String(product),
    });
  }
  if (m.heads % p.tp !== 0) report(ctx, [...par, 'tp'], 'must divide the attention heads', { expected: `a divisor of ${m.heads}`, received: String(p.tp) });
  if (m.kvHeads % p.tp !== 0 && p.tp % m.kvHeads !== 0) {
    report(ctx, [...par, 'tp'], 'must divide the KV heads (or be a multiple of them)', { expected: `compatible with kvHeads ${m.kvHeads}`, received: String(p.tp) });
  }
  if (p.pp > m.layers) report(ctx, [...par, 'pp'], 'exceeds the number of layers', { expected: `<= ${m.layers}`, received: String(p.pp) });
  if (p.vpp !== undefined && p.vpp > 1 && p.pp * p.vpp > m.layers) {
    report(ctx, [...par, 'vpp'], 'pp·vpp exceeds the number of layers', { expected: `<= ${Math.floor(m.layers / p.pp)}`, received: String(p.vpp) });
  }
  if (p.vpp !== undefined && p.vpp > 1 && p.pp === 1) report(ctx, [...par, 'vpp'], 'needs pipeline parallelism', { expected: '1 when pp is 1', received: String(p.vpp) });
  // A fixed schedule with a fixed shape: the framework must be able to run it.
  if (p.schedules?.length === 1 && p.pp > 1 && training.globalBatch % p.dp === 0) {
    const id = p.schedules[0] as ScheduleId;
    const vpp = p.vpp ?? (id === 'interleaved' ? undefined : 1);
    const mbs = p.microBatch !== undefined ? [p.microBatch] : undefined;
    if (vpp !== undefined && mbs) {
      const problem = scheduleProblem(id, p.pp, vpp, training.globalBatch / p.dp / (mbs[0] as number), m.layers);
      if (problem) report(ctx, [...par, 'schedule'], `${id} cannot run this plan: ${problem}`, { expected: 'a plan the schedule runs (or leave microBatch, vpp or schedule free)', received: id });
    }
  }
  if (training.seqLen % p.cp !== 0) report(ctx, [...par, 'cp'], 'must divide the sequence length', { expected: `a divisor of ${training.seqLen}`, received: String(p.cp) });
  if (m.moe) {
    if (m.moe.experts % p.ep !== 0) report(ctx, [...par, 'ep'], 'must divide the experts', { expected: `a divisor of ${m.moe.experts}`, received: String(p.ep) });
    if ((p.tp * p.cp * p.dp) % p.ep !== 0) {
      report(ctx, [...par, 'ep'], 'must divide tp·cp·dp (expert parallelism is carved out of the ranks of one pipeline stage)', {
        expected: `a divisor of ${p.tp * p.cp * p.dp}`,
        received: String(p.ep),
      });
    }
  }
  if (training.fp8Recipe !== undefined && training.precision === 'fp8' && !FP8_RECIPE_FACTS[training.fp8Recipe].archs.includes(gpuArch(system.gpu))) {
    report(ctx, [...path, 'training', 'fp8Recipe'], `does not run on ${system.gpu.id}`, { expected: `a recipe for ${gpuArch(system.gpu)} GPUs (${FP8_RECIPES.filter((r) => FP8_RECIPE_FACTS[r].archs.includes(gpuArch(system.gpu))).join(', ') || 'none'})`, received: training.fp8Recipe });
  }
  if (training.globalBatch % p.dp !== 0) {
    report(ctx, [...path, 'training', 'globalBatch'], 'must be divisible by dp', { expected: `a multiple of ${p.dp}`, received: String(training.globalBatch) });
  } else if (p.microBatch !== undefined && (training.globalBatch / p.dp) % p.microBatch !== 0) {
    report(ctx, [...par, 'microBatch'], 'must divide globalBatch / dp', { expected: `a divisor of ${training.globalBatch / p.dp}`, received: String(p.microBatch) });
  }
}

