import type { GpuSpec } from '../../catalog/gpu.js';
import type { CpComm, GradPrecision, ScheduleId, TrainingConfig } from '../../spec/types.js';
import { attentionKernelFactors, type AttentionKernelFactors } from './attention-kernels.js';
import { FP8_RECIPE_FACTS } from './fp8-recipes.js';
import { DEFAULT_STACK, stackVersion } from './registry.js';
import { gpuArch, type Fp8ActivationCache, type Fp8Recipe, type ShardedDataParallel, type StackVersion } from './stack.js';

/**
 * Bytes per element that PyTorch eager moves for the element-wise work between GEMMs, against
 * the fused kernels the model's base counts assume (RMSNorm 4 B: read 2, write 2; RoPE 4 B;
 * gated activation 6 B per FFN element). Counted op by op from the eager code (torchtitan's
 * Llama, LLM Foundry's MPT): RMSNorm upcasts to FP32 and runs pow, mean, rsqrt, two multiplies
 * and a cast (≈36 B, ×2 norms, + 2 residual adds of 6 B: 84 B against 20 B); RoPE via complex
 * multiplication in FP32 (≈20 B against 4 B); SiLU then multiply (10 B against 6 B). Kernels per
 * layer forward: about 36 element-wise ops eager, 12 fused.
 */
export const EAGER_ELEMENTWISE = { normResidual: 84 / 20, rope: 20 / 4, activation: 10 / 6, kernels: 36 } as const;
/**
 * Host time per kernel under CUDA graphs: one `cudaGraphLaunch` replays every captured kernel,
 * so the per-kernel host cost is the graph launch (a few µs) spread over its nodes, zero here;
 * the GPU-side launch gap (`EfficiencyModel.kernelS`) stays.
 */
export const CUDA_GRAPH_HOST_PER_KERNEL_S = 0;
export const FUSED_ELEMENTWISE = { normResidual: 1, rope: 1, activation: 1, kernels: 12 } as const;

/** The facts of one spec's stack, resolved for its GPU, as the layer and step phases use them. */
export interface ResolvedStack {
  ref: string;
  version: StackVersion;
  /** null: unfused attention. */
  attention: AttentionKernelFactors | null;
  elementwise: { normResidual: number; rope: number; activation: number; kernels: number };
  compiled: boolean;
  selective: 'megatron' | 'op-sac';
  fp8Recipe: Fp8Recipe;
  /** Bytes moved per element quantised to FP8. */
  fp8CastBytes: number;
  fp8WeightCastPerMicroBatch: boolean;
  hostPerKernelS: number;
  sharded: ShardedDataParallel;
  cpExchange: CpComm;
  cpComms: readonly CpComm[];
  gradSync: StackVersion['gradSync'];
  lossBytesPerLogit: number;
  tpOverlapDefault: boolean;
  schedules: readonly ScheduleId[];
  sequenceParallel: boolean;
  /** Optimizer state per parameter, bytes: FP32 master weights and Adam's two moments (FP32: 12, BF16 moments: 8). */
  optimizerBytes: number;
  /** Main-gradient precision: the spec's `training.gradPrecision`, else the stack version's (absent: the model's default). */
  gradPrecision: GradPrecision | undefined;
  fp8Activations: Fp8ActivationCache;
}

const cache = new WeakMap<TrainingConfig, WeakMap<GpuSpec, ResolvedStack>>();

/** Resolve a spec's stack (cached per training and GPU object: the hot path calls this per plan). */
export function resolveStack(training: TrainingConfig, gpu: GpuSpec): ResolvedStack {
  let byGpu = cache.get(training);
  if (!byGpu) cache.set(training, (byGpu = new WeakMap()));
  let r = byGpu.get(gpu);
  if (!r) byGpu.set(gpu, (r = build(training, gpu)));
  return r;
}

function build(training: TrainingConfig, gpu: GpuSpec): ResolvedStack {
  const ref = training.stack ?? DEFAULT_STACK;
  const v = stackVersion(ref) ?? (stackVersion(DEFAULT_STACK) as StackVersion);
  const arch = gpuArch(gpu);
  const compiled = v.compile.supported && (training.compile ?? v.compile.default);
  const eager = v.elementwise === 'eager' && !compiled;
  const recipe: Fp8Recipe = training.fp8Recipe ?? (arch === 'blackwell' && v.fp8.recipes.includes('mxfp8') ? 'mxfp8' : v.fp8.default);
  const rf = FP8_RECIPE_FACTS[recipe];
  const unfused = training.attention === 'unfused';
  return {
    ref,
    version: v,
    attention: unfused ? null : attentionKernelFactors(v.attention === 'unfused' ? 'flash2' : v.attention, arch),
    elementwise: eager ? EAGER_ELEMENTWISE : FUSED_ELEMENTWISE,
    compiled,
    selective: v.selective,
    fp8Recipe: recipe,
    fp8CastBytes: compiled ? rf.castBytesCompiled : rf.castBytes,
    fp8WeightCastPerMicroBatch: v.fp8WeightCastPerMicroBatch,
    hostPerKernelS: training.cudaGraphs === true ? CUDA_GRAPH_HOST_PER_KERNEL_S : v.hostPerKernelS,
    sharded: v.sharded,
    cpExchange: v.cpExchange,
    cpComms: v.cpComms,
    gradSync: v.gradSync,
    lossBytesPerLogit: v.lossBytesPerLogit,
    tpOverlapDefault: v.tpOverlapDefault,
    schedules: v.schedules,
    sequenceParallel: v.sequenceParallel,
    optimizerBytes: (training.optimizerMoments ?? v.optimizerMoments ?? 'fp32') === 'bf16' ? 4 + 2 + 2 : 4 + 4 + 4,
    gradPrecision: training.gradPrecision ?? v.gradPrecision,
    fp8Activations: v.fp8Activations ?? 'gemm-inputs',
  };
}
