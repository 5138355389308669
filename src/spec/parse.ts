import { GPU_IDS, findGpu, isSlowerGpu, MODEL_IDS, findModel, type GpuSpec } from '../catalog/index.js';
import { InputError, suggestId, describeValue, isRecord, newReadContext, report, type Issue, type Path, type ReadContext, type SourceDocument } from '../core/index.js';
import { parsedField, ruleText, validate } from '../core/schema.js';
import { cpCommProblem } from '../model/layer/cp-comm.js';
import { scheduleProblem } from '../model/schedule/registry.js';
import { resolveStack } from '../model/stack/resolve.js';
import { DEFAULT_STACK, FP8_RECIPES, FP8_RECIPE_FACTS, gpuArch, stackRefs, stackVersion, STACK_IDS } from '../model/stack/index.js';
import { fabricFrom, withTopOversubscription } from './fabric.js';
import { GPU_REQUIRED, SPEC_MAX, SpecFileSchema, type GpuInput, type ModelInput, type MoeInput, type ParallelInput, type SpecFile, type SystemInput, type TrainingInput } from './spec-schema.js';
import type { GpuPool, MlaConfig, ModelConfig, MoeConfig, PartialPlan, ScheduleId, Spec, SystemConfig, TrainingConfig } from './types.js';

export interface ParseOptions {
  /** `parallel` may be absent or partial (plan search); otherwise tp and pp are required, and dp is derived when left out. */
  planOptional?: boolean;
}

/** Result of parsing one spec: the spec, or the issues that stop it. */
export type SpecResult = { ok: true; spec: Spec } | { ok: false; issues: Issue[] };

/**
 * Validate one spec object (already parsed from YAML/JSON). `path` prefixes every issue
 * (e.g. `[2]` for an element of an array of specs); `doc` supplies file positions.
 * The shape is `SpecFileSchema`'s (spec-schema.ts); the rules between fields are checked here.
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
  const file = validate(ctx, SpecFileSchema, value, path);
  if (!isRecord(value)) return undefined;
  // The rules between fields, on the sections that are valid on their own when another has issues.
  const part = <K extends keyof SpecFile & string>(key: K): SpecFile[K] | undefined =>
    file ? file[key] : (parsedField(SpecFileSchema, value, key) as SpecFile[K] | undefined);
  const model = modelFrom(ctx, part('model'), [...path, 'model']);
  const system = systemFrom(ctx, part('system'), [...path, 'system']);
  const training = trainingFrom(ctx, part('training'), [...path, 'training']);
  const parallel = parallelFrom(ctx, part('parallel'), value['parallel'], [...path, 'parallel'], opts);
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

function modelFrom(ctx: ReadContext, given: ModelInput | undefined, path: Path): ModelConfig | undefined {
  if (given === undefined) return undefined;
  if (typeof given === 'string') {
    const found = findModel(given);
    if (!found) {
      const guess = suggestId(given, MODEL_IDS);
      report(ctx, path, `is not a model in the catalog${guess ? ` (did you mean ${guess}?)` : ''}`, {
        expected: `a model object or one of ${MODEL_IDS.join(', ')}`,
        received: describeValue(given),
      });
      return undefined;
    }
    return found;
  }
  const { layers, hidden, heads, kvHeads, headDim } = given;
  const moe = given.moe && moeFrom(ctx, given.moe, [...path, 'moe'], layers);
  let mla: MlaConfig | undefined;
  if (given.mla) {
    mla = { ...given.mla };
    if (headDim === undefined) report(ctx, [...path, 'headDim'], 'is required with mla (the query/key head size, RoPE part included)', { expected: 'an integer >= 1' });
    else if (mla.qkRopeDim >= headDim) report(ctx, [...path, 'mla', 'qkRopeDim'], 'must be smaller than headDim', { expected: `< ${headDim}`, received: String(mla.qkRopeDim) });
  }
  if (kvHeads !== undefined && heads % kvHeads !== 0) {
    report(ctx, [...path, 'kvHeads'], 'must divide heads', { expected: `a divisor of ${heads}`, received: String(kvHeads) });
  }
  if (headDim === undefined && hidden % heads !== 0) {
    report(ctx, [...path, 'headDim'], 'is required when hidden is not a multiple of heads', { expected: 'an integer >= 1' });
  }
  const cfg: ModelConfig = {
    name: given.name ?? 'custom',
    layers,
    hidden,
    heads,
    kvHeads: kvHeads ?? heads,
    headDim: headDim ?? Math.floor(hidden / heads),
    ffnHidden: given.ffnHidden,
    gatedMlp: given.gatedMlp,
    vocab: given.vocab,
  };
  if (moe) cfg.moe = moe;
  if (mla) cfg.mla = mla;
  return cfg;
}

function moeFrom(ctx: ReadContext, o: MoeInput, path: Path, layers: number): MoeConfig {
  const { experts, topK, ffnHidden, sharedExperts, denseLayers, routingGroups, groupTopK } = o;
  if (topK > experts) report(ctx, [...path, 'topK'], 'cannot exceed experts', { expected: `<= ${experts}`, received: String(topK) });
  if (denseLayers >= layers) {
    report(ctx, [...path, 'denseLayers'], 'must leave at least one MoE layer', { expected: `< ${layers}`, received: String(denseLayers) });
  }
  const moe: MoeConfig = { experts, topK, ffnHidden, sharedExperts, denseLayers };
  if (o.balancer !== undefined) moe.balancer = o.balancer;
  if (o.capacityFactor !== undefined) moe.capacityFactor = o.capacityFactor;
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

const GPU_RATE = ruleText({ min: 1e-3, max: 1e9, why: "from 0.001 to 1e9 in the field's unit" });

function gpuFrom(ctx: ReadContext, given: GpuInput, path: Path): GpuSpec | undefined {
  if (typeof given === 'string') {
    const g = findGpu(given);
    if (!g) {
      const guess = suggestId(given, GPU_IDS);
      report(ctx, path, `is not a GPU in the catalog${guess ? ` (did you mean ${guess}?)` : ''}`, {
        expected: `one of ${GPU_IDS.join(', ')} or a GPU object`,
        received: describeValue(given),
      });
    }
    return g;
  }
  const o = given;
  // An inline GPU may start from a catalog entry (`id`) and override fields.
  const base = o.id !== undefined ? findGpu(o.id) : undefined;
  const need = (k: 'bf16Tflops' | 'hbmGB' | 'hbmTBps' | 'nvlinkGBps'): number | undefined => {
    const x = o[k] ?? base?.[k];
    if (x === undefined) report(ctx, [...path, k], 'is required', { expected: GPU_RATE });
    return x;
  };
  const bf16Tflops = need('bf16Tflops');
  const hbmGB = need('hbmGB');
  const hbmTBps = need('hbmTBps');
  const nvlinkGBps = need('nvlinkGBps');
  const fp8Tflops = o.fp8Tflops ?? base?.fp8Tflops;
  const achievableBf16Tflops = o.achievableBf16Tflops ?? base?.achievableBf16Tflops;
  const achievableFp8Tflops = o.achievableFp8Tflops ?? base?.achievableFp8Tflops;
  const priceUsd = o.priceUsd ?? base?.priceUsd;
  if (bf16Tflops === undefined || hbmGB === undefined || hbmTBps === undefined || nvlinkGBps === undefined) return undefined;
  // Sustained speed can never exceed the peak (an inherited achievable rate above an overridden peak gave MFU 359%).
  const aboveBf16 = achievableBf16Tflops !== undefined && achievableBf16Tflops > bf16Tflops;
  const fp8Peak = fp8Tflops ?? bf16Tflops * 2;
  const aboveFp8 = achievableFp8Tflops !== undefined && achievableFp8Tflops > fp8Peak;
  if (aboveBf16 || aboveFp8) {
    const [field, rate, peak, peakField] = aboveBf16
      ? (['achievableBf16Tflops', achievableBf16Tflops, bf16Tflops, 'bf16Tflops'] as const)
      : (['achievableFp8Tflops', achievableFp8Tflops, fp8Peak, 'fp8Tflops'] as const);
    const inherited = o[field] === undefined && base !== undefined;
    report(ctx, inherited ? [...path, peakField] : [...path, field], inherited ? `is below the ${field} inherited from ${base.id} (${rate})` : `is above the peak ${peakField} (${peak})`, {
      expected: inherited ? `${peakField} >= ${rate}, or set ${field} too` : `${field} <= ${peakField}: sustained speed cannot exceed the peak`,
      received: String(inherited ? peak : rate),
    });
    return undefined;
  }
  const g: GpuSpec = {
    id: o.id ?? 'custom',
    name: o.name ?? base?.name ?? 'custom GPU',
    vendor: base?.vendor ?? 'custom',
    bf16Tflops,
    hbmGB,
    hbmTBps,
    nvlinkGBps,
    nvlinkDomain: o.nvlinkDomain ?? base?.nvlinkDomain ?? 8,
    gpusPerNode: o.gpusPerNode ?? base?.gpusPerNode ?? 8,
    nicGbps: o.nicGbps ?? base?.nicGbps ?? 400,
    tdpW: o.tdpW ?? base?.tdpW ?? 700,
    sources: { ...(base?.sources ?? {}) },
  };
  if (fp8Tflops !== undefined) g.fp8Tflops = fp8Tflops;
  if (achievableBf16Tflops !== undefined) g.achievableBf16Tflops = achievableBf16Tflops;
  if (achievableFp8Tflops !== undefined) g.achievableFp8Tflops = achievableFp8Tflops;
  if (priceUsd !== undefined) g.priceUsd = priceUsd;
  return g;
}

function systemFrom(ctx: ReadContext, o: SystemInput | undefined, path: Path): SystemConfig | undefined {
  if (o === undefined) return undefined;
  const pools = o.pools === undefined ? undefined : poolsFrom(ctx, o.pools, [...path, 'pools']);
  if (o.pools !== undefined && !pools) return undefined;
  if (o.gpu === undefined && !pools) report(ctx, [...path, 'gpu'], 'is required', { expected: GPU_REQUIRED });
  // With pools, the homogeneous view is "every GPU as the slowest pool's".
  const gpu = o.gpu === undefined ? pools && slowestPool(pools).gpu : gpuFrom(ctx, o.gpu, [...path, 'gpu']);
  const poolTotal = pools?.reduce((n, q) => n + q.gpus, 0);
  if (o.gpus === undefined && !pools) report(ctx, [...path, 'gpus'], 'is required', { expected: ruleText({ integer: true, min: 1, max: SPEC_MAX.gpus }) });
  const gpus = o.gpus ?? poolTotal;
  if (poolTotal !== undefined && gpus !== undefined && gpus !== poolTotal) {
    report(ctx, [...path, 'gpus'], 'must equal the sum of the pools', { expected: String(poolTotal), received: String(gpus) });
  }
  const { gpusPerNode, nvlinkDomain, oversubscription } = o;
  const scaleOut = o.scaleOutGbpsPerGpu;
  let fabric = o.fabric === undefined ? undefined : fabricFrom(ctx, o.fabric, [...path, 'fabric'], scaleOut ?? gpu?.nicGbps ?? 400);
  if (o.fabric !== undefined && !fabric) return undefined;
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

function poolsFrom(ctx: ReadContext, given: NonNullable<SystemInput['pools']>, path: Path): GpuPool[] | undefined {
  const before = ctx.issues.length;
  const pools: GpuPool[] = [];
  given.forEach((o, i) => {
    if (o.gpu === undefined) report(ctx, [...path, i, 'gpu'], 'is required', { expected: GPU_REQUIRED });
    const gpu = o.gpu === undefined ? undefined : gpuFrom(ctx, o.gpu, [...path, i, 'gpu']);
    if (gpu) pools.push({ gpu, gpus: o.gpus });
  });
  return ctx.issues.length === before ? pools : undefined;
}

/** The pool whose GPU is slowest (`isSlowerGpu`). */
export function slowestPool(pools: readonly GpuPool[]): GpuPool {
  let slow = pools[0] as GpuPool;
  for (const q of pools) if (isSlowerGpu(q.gpu, slow.gpu)) slow = q;
  return slow;
}

function trainingFrom(ctx: ReadContext, o: TrainingInput | undefined, path: Path): TrainingConfig | undefined {
  if (o === undefined) return undefined;
  let stack = o.stack;
  const sv = stackVersion(stack);
  if (!sv) {
    const refs = [...STACK_IDS, ...stackRefs()];
    const guess = suggestId(stack, refs);
    report(ctx, [...path, 'stack'], `is not a known software stack${guess ? ` (did you mean ${guess}?)` : ''}`, { expected: `one of ${refs.join(', ')}`, received: JSON.stringify(stack) });
    stack = DEFAULT_STACK;
  }
  const { compile, fp8Recipe } = o;
  if (compile === true && sv && !sv.compile.supported) report(ctx, [...path, 'compile'], `${stack} does not run torch.compile`, { expected: 'false or absent', received: 'true' });
  if (fp8Recipe !== undefined && sv && !sv.fp8.recipes.includes(fp8Recipe)) {
    report(ctx, [...path, 'fp8Recipe'], `is not a recipe ${stack} runs`, { expected: sv.fp8.recipes.length ? `one of ${sv.fp8.recipes.join(', ')}` : 'absent (this stack has no FP8)', received: fp8Recipe });
  }
  // Without a stated kernel, the stack's own (unfused only on stacks that predate FlashAttention).
  const attention = o.attention ?? (sv?.attention === 'unfused' ? 'unfused' : 'flash');
  const t: TrainingConfig = { seqLen: o.seqLen, globalBatch: o.globalBatch, precision: o.precision, attention, stack };
  if (compile !== undefined) t.compile = compile;
  if (fp8Recipe !== undefined) t.fp8Recipe = fp8Recipe;
  if (o.cudaGraphs !== undefined) t.cudaGraphs = o.cudaGraphs;
  if (o.tokens !== undefined) t.tokens = o.tokens;
  if (o.gradPrecision !== undefined) t.gradPrecision = o.gradPrecision;
  if (o.moeBalancer !== undefined) t.moeBalancer = o.moeBalancer;
  if (o.optimizerMoments !== undefined) t.optimizerMoments = o.optimizerMoments;
  return t;
}

const DEGREE = ruleText({ integer: true, min: 1, max: SPEC_MAX.degree });

function parallelFrom(ctx: ReadContext, o: ParallelInput | undefined, raw: unknown, path: Path, opts: ParseOptions): PartialPlan | undefined {
  if (raw === undefined || raw === null) {
    if (opts.planOptional) return { tp: 0, pp: 0, dp: 0, cp: 0, ep: 0 };
    report(ctx, path, 'is required', { expected: 'an object' });
    return undefined;
  }
  if (o === undefined) return undefined;
  const { tp, pp, dp, cp, ep, distributedOptimizer, zeroStage } = o;
  if (!opts.planOptional) {
    if (tp === undefined) report(ctx, [...path, 'tp'], 'is required', { expected: DEGREE });
    if (pp === undefined) report(ctx, [...path, 'pp'], 'is required', { expected: DEGREE });
    if (tp === undefined || pp === undefined) return undefined;
  }
  // 0 marks "free" degrees for plan search.
  const plan: PartialPlan = { tp: tp ?? 0, pp: pp ?? 0, dp: dp ?? 0, cp: cp ?? (opts.planOptional ? 0 : 1), ep: ep ?? (opts.planOptional ? 0 : 1) };
  if (o.vpp !== undefined) plan.vpp = o.vpp;
  if (o.microBatch !== undefined) plan.microBatch = o.microBatch;
  if (o.sequenceParallel !== undefined) plan.sequenceParallel = o.sequenceParallel;
  if (o.recompute !== undefined) plan.recompute = o.recompute;
  if (distributedOptimizer !== undefined) plan.distributedOptimizer = distributedOptimizer;
  if (zeroStage !== undefined) plan.zeroStage = zeroStage as 0 | 1 | 2 | 3;
  if (o.tpCommOverlap !== undefined) plan.tpCommOverlap = o.tpCommOverlap;
  if (o.epDispatch !== undefined) plan.epDispatch = o.epDispatch;
  if (o.epCommOverlap !== undefined) plan.epCommOverlap = o.epCommOverlap;
  if (o.cpComm !== undefined) plan.cpComm = o.cpComm;
  // `schedule`: one pipeline schedule, or a list of those the search may pick from (repeats dropped).
  if (o.schedule !== undefined) plan.schedules = typeof o.schedule === 'string' ? [o.schedule] : [...new Set<ScheduleId>(o.schedule)];
  if (distributedOptimizer === false && zeroStage !== undefined && zeroStage > 0) {
    report(ctx, [...path, 'zeroStage'], 'contradicts distributedOptimizer: false', { expected: '0 (or drop distributedOptimizer)', received: String(zeroStage) });
  }
  return plan;
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
  // A named context-parallel exchange must be one the stack implements.
  const stack = resolveStack(training, system.gpu);
  const comms = stack.cpComms;
  if (p.cpComm !== undefined && !comms.includes(p.cpComm)) {
    report(ctx, [...par, 'cpComm'], `is not a context-parallel exchange ${training.stack ?? DEFAULT_STACK} runs`, { expected: `one of ${comms.join(', ')} (or absent: the stack's default)`, received: p.cpComm });
  }
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
  // The exchange (named, or the stack's default) must be able to split the heads (the stack's support is checked above).
  const cpComm = p.cpComm ?? stack.cpExchange;
  const problem = comms.includes(cpComm) && m.heads % p.tp === 0 ? cpCommProblem(m, p.tp, p.cp, cpComm, system.nvlinkDomain) : undefined;
  if (problem) {
    const ok = comms.filter((c) => cpCommProblem(m, p.tp, p.cp, c, system.nvlinkDomain) === undefined);
    const named = p.cpComm !== undefined;
    report(ctx, [...par, named ? 'cpComm' : 'cp'], `cannot run this plan: ${problem}${named ? '' : ` (${cpComm} is the default of ${training.stack ?? DEFAULT_STACK})`}`, {
      expected: ok.length ? `parallel.cpComm one of ${ok.join(', ')} for this tp and cp, or a cp that divides the heads` : 'a cp that divides the query and KV heads per TP rank',
      received: named ? cpComm : String(p.cp),
    });
  }
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

