import * as v from 'valibot';
import { GPU_IDS, MODEL_IDS } from '../catalog/index.js';
import { bool, doc, list, num, obj, oneOf, optional, says, str } from '../core/schema.js';
import { DEFAULT_STACK, FP8_RECIPES, STACK_IDS } from '../model/stack/index.js';
import type { MoeBalancer } from '../model/variability/moe-imbalance.js';
import { FabricSchema } from './fabric.js';
import { CP_COMMS, EP_DISPATCHERS, RECOMPUTES, SCHEDULES } from './plan-codec.js';

/**
 * The spec (`colossus estimate`/`search`, examples/*.yaml): the one definition of its fields, from
 * which the file's types, the shape check (`parseSpecValue`) and schemas/spec.schema.json come.
 * What a schema cannot say (a catalog id exists, with a guess; heads divisible by kvHeads; topK at
 * most experts; an inline GPU's peak above its sustained rate; the plan's degrees multiply to the
 * GPU count and divide what they split) `parseSpecValue` checks after it.
 *
 * The schema objects are built once, at module load: the parser runs once per sweep point.
 */

/** Sizes beyond these are refused as absurd (typos such as an extra zero), not estimated. */
export const SPEC_MAX = { layers: 10_000, hidden: 1_000_000, heads: 10_000, vocab: 10_000_000, gpus: 100_000_000, seqLen: 100_000_000, globalBatch: 1e9, degree: 1_000_000 } as const;

export const BALANCERS: readonly MoeBalancer[] = ['aux-loss', 'loss-free', 'balanced'];
const PRECISIONS = ['bf16', 'fp8'] as const;
const ATTENTION = ['flash', 'unfused'] as const;
const FP32_BF16 = ['fp32', 'bf16'] as const;

const int = (min: number, max: number) => num({ integer: true, min, max });

export const MlaSchema = obj({
  qLoraRank: doc(int(0, SPEC_MAX.hidden), 'Rank of the query latent; 0 projects queries straight from the hidden state.'),
  kvLoraRank: doc(int(1, SPEC_MAX.hidden), 'Rank of the shared key/value latent.'),
  qkRopeDim: doc(int(0, SPEC_MAX.hidden), 'Rotary part of each query/key head (smaller than model.headDim).'),
  vHeadDim: doc(int(1, SPEC_MAX.hidden), 'Value head size.'),
});

export const MoeSchema = obj({
  experts: int(1, 1_000_000),
  topK: doc(int(1, 1_000_000), 'Routed experts per token (at most experts).'),
  ffnHidden: doc(int(1, 100 * SPEC_MAX.hidden), 'Inner size of one routed expert.'),
  sharedExperts: optional(doc(int(0, 1000), 'Always-active shared experts per MoE layer.'), 0),
  denseLayers: optional(doc(int(0, SPEC_MAX.layers), 'Leading dense layers (at least one MoE layer must remain).'), 0),
  routingGroups: optional(doc(int(1, 1_000_000), 'Group-limited routing: groups of experts (divides experts; with groupTopK).')),
  groupTopK: optional(doc(int(1, 1_000_000), 'Groups each token routes into (at most routingGroups; with routingGroups).')),
  balancer: optional(doc(oneOf(BALANCERS), 'How the router balances expert load; default aux-loss.')),
  capacityFactor: optional(doc(num({ min: 1, max: 64 }), 'Token dropping: tokens an expert takes at most, × the mean. Absent: dropless.')),
});

export const ModelObjectSchema = obj({
  name: optional(str()),
  layers: int(1, SPEC_MAX.layers),
  hidden: int(1, SPEC_MAX.hidden),
  heads: int(1, SPEC_MAX.heads),
  kvHeads: optional(doc(int(1, SPEC_MAX.heads), 'Key/value heads (GQA; divides heads); default: heads.')),
  headDim: optional(doc(int(1, SPEC_MAX.hidden), 'Attention head size; default hidden / heads (required with mla, or when heads does not divide hidden).')),
  ffnHidden: doc(int(1, 100 * SPEC_MAX.hidden), 'Dense MLP inner size.'),
  gatedMlp: optional(doc(bool(), 'SwiGLU-style three matrices (true) or two (false).'), true),
  vocab: optional(int(1, SPEC_MAX.vocab), 128256),
  moe: optional(MoeSchema),
  mla: optional(doc(MlaSchema, 'Multi-head latent attention (DeepSeek-V2/V3).')),
  source: optional(doc(v.unknown(), 'Where the numbers come from.')),
});

const MODEL = `a model object or one of ${MODEL_IDS.join(', ')}`;
export const ModelSchema = doc(v.union([str(), ModelObjectSchema], MODEL), `A catalog model id (${MODEL_IDS.join(', ')}) or a model object.`);

const gpuRate = (integer = false) => num({ min: integer ? 1 : 1e-3, integer, max: 1e9, why: "from 0.001 to 1e9 in the field's unit" });

export const GpuObjectSchema = obj({
  id: optional(doc(str(), 'A catalog GPU to start from; the other fields override it.')),
  name: optional(str()),
  vendor: optional(v.unknown()),
  bf16Tflops: optional(doc(gpuRate(), 'Peak dense BF16 TFLOP/s (required without id).')),
  fp8Tflops: optional(doc(gpuRate(), 'Peak dense FP8 TFLOP/s; default 2 × bf16Tflops.')),
  achievableBf16Tflops: optional(doc(gpuRate(), 'Sustained BF16 GEMM TFLOP/s (at most bf16Tflops).')),
  achievableFp8Tflops: optional(doc(gpuRate(), 'Sustained FP8 GEMM TFLOP/s (at most the FP8 peak).')),
  hbmGB: optional(doc(gpuRate(), 'HBM capacity, GB (required without id).')),
  hbmTBps: optional(doc(gpuRate(), 'HBM bandwidth, TB/s (required without id).')),
  nvlinkGBps: optional(doc(gpuRate(), 'NVLink bandwidth per GPU, GB/s (required without id).')),
  nvlinkDomain: optional(gpuRate(true)),
  gpusPerNode: optional(gpuRate(true)),
  nicGbps: optional(gpuRate()),
  tdpW: optional(gpuRate()),
  smCount: optional(v.unknown()),
  priceUsd: optional(gpuRate()),
  sources: optional(v.unknown()),
});

const GPU = `one of ${GPU_IDS.join(', ')} or a GPU object`;
export const GpuSchema = doc(v.union([str(), GpuObjectSchema], GPU), `A catalog GPU id (${GPU_IDS.join(', ')}) or a GPU object.`);
export type GpuInput = v.InferOutput<typeof GpuSchema>;

export const GPU_REQUIRED = `a GPU id (${GPU_IDS.join(', ')}) or object`;
const POOLS = 'a non-empty list of { gpu, gpus }';
export const PoolSchema = obj({ gpu: optional(GpuSchema), gpus: int(1, SPEC_MAX.gpus) });

export const SystemSchema = obj({
  gpu: optional(doc(GpuSchema, 'Required without pools; with pools, the slowest pool\'s.')),
  gpus: optional(doc(int(1, SPEC_MAX.gpus), 'GPUs in the system (required without pools; with pools, their sum).')),
  gpusPerNode: optional(int(1, 1024)),
  nvlinkDomain: optional(doc(int(1, 100_000), "GPUs in one NVLink domain; default: the fabric's or the GPU's.")),
  scaleOutGbpsPerGpu: optional(doc(num({ min: 0.1, max: 100_000, why: 'a training network has at least 0.1 Gb/s per GPU' }), "Scale-out Gb/s per GPU; default: the fabric's or the GPU's NIC.")),
  oversubscription: optional(doc(num({ min: 1, max: 64 }), "Oversubscription above a pod (replaces the fabric's top tier's); default 1.")),
  fabric: optional(FabricSchema),
  pools: optional(doc(v.pipe(list(PoolSchema, POOLS), v.minLength(1, says('has the wrong type', POOLS))), 'A mixed fleet: GPU pools on one scale-out fabric.')),
});

export const TrainingSchema = obj({
  seqLen: int(1, SPEC_MAX.seqLen),
  globalBatch: doc(int(1, SPEC_MAX.globalBatch), 'Sequences per optimizer step.'),
  precision: optional(oneOf(PRECISIONS), 'bf16'),
  tokens: optional(doc(num({ above: 0, max: 1e18 }), 'Total training tokens, for time-to-train.')),
  attention: optional(doc(oneOf(ATTENTION), "Attention kernel; default: the stack's (flash on every stack since 2023).")),
  gradPrecision: optional(oneOf(FP32_BF16)),
  stack: optional(doc(str(), `The training software, optionally with a version (deepspeed@2021): ${STACK_IDS.join(', ')}.`), DEFAULT_STACK),
  compile: optional(doc(bool(), "torch.compile; default: the stack's.")),
  fp8Recipe: optional(doc(oneOf(FP8_RECIPES), "FP8 scaling recipe; default: the stack's for the GPU.")),
  moeBalancer: optional(doc(oneOf(BALANCERS), "The run's MoE load balancing, overriding model.moe.balancer.")),
  cudaGraphs: optional(bool()),
  optimizerMoments: optional(doc(oneOf(FP32_BF16), "Precision of Adam's moments; default: the stack's.")),
});

const degree = int(1, SPEC_MAX.degree);
const SCHEDULE = `one of ${SCHEDULES.join(', ')} (or a list of them)`;
export const ScheduleSchema = v.union(
  [oneOf(SCHEDULES), v.pipe(v.array(oneOf(SCHEDULES)), v.minLength(1, says('is an empty list', `one or more of ${SCHEDULES.join(', ')}`, '')))],
  says('is not a pipeline schedule', SCHEDULE),
);

/** A spec's `parallel`: the keys of `PLAN_FIELDS` (plan-codec.ts). tp and pp are required unless the plan is searched; dp is derived when left out. */
export const ParallelSchema = obj({
  tp: optional(doc(degree, 'Tensor parallel degree (divides the heads).')),
  pp: optional(doc(degree, 'Pipeline stages (at most the layers).')),
  vpp: optional(doc(degree, 'Virtual stages per pipeline rank (interleaved schedule).')),
  cp: optional(doc(degree, 'Context parallel degree (divides seqLen); default 1.')),
  cpComm: optional(doc(oneOf(CP_COMMS), "Context-parallel exchange: ring (P2P K/V), allgather, a2a (Ulysses: heads/tp and kv heads/tp divisible by cp) or a2a+p2p (a2a inside the NVLink domain, ring across); default: the stack's.")),
  dp: optional(doc(degree, 'Data parallel degree; default: the largest that fits system.gpus and divides globalBatch.')),
  ep: optional(doc(degree, 'Expert parallel degree (MoE; divides experts and tp·cp·dp); default 1.')),
  epDispatch: optional(oneOf(EP_DISPATCHERS)),
  epCommOverlap: optional(bool()),
  microBatch: optional(doc(degree, 'Sequences per micro-batch (divides globalBatch / dp); default: searched.')),
  recompute: optional(oneOf(RECOMPUTES)),
  sequenceParallel: optional(bool()),
  zeroStage: optional(doc(int(0, 3), 'ZeRO stage 0-3.')),
  distributedOptimizer: optional(bool()),
  tpCommOverlap: optional(bool()),
  schedule: optional(doc(ScheduleSchema, 'Pipeline schedule, or a list the search may pick from; default 1f1b (interleaved when vpp > 1).')),
});

export const SpecFileSchema = obj({
  model: ModelSchema,
  system: SystemSchema,
  training: TrainingSchema,
  parallel: optional(doc(ParallelSchema, 'The parallel plan (required by estimate; search may leave it out or leave degrees free).')),
  name: optional(doc(v.unknown(), 'A name for the spec.')),
  notes: optional(v.unknown()),
});

/** A spec file as written (shape checked, schema defaults applied, catalog ids unresolved). */
export type SpecFile = v.InferOutput<typeof SpecFileSchema>;
export type ModelInput = v.InferOutput<typeof ModelSchema>;
export type MoeInput = v.InferOutput<typeof MoeSchema>;
export type MlaInput = v.InferOutput<typeof MlaSchema>;
export type SystemInput = v.InferOutput<typeof SystemSchema>;
export type TrainingInput = v.InferOutput<typeof TrainingSchema>;
export type ParallelInput = v.InferOutput<typeof ParallelSchema>;

/** The top-level keys of a spec. */
export const SPEC_KEYS: readonly string[] = Object.keys(SpecFileSchema.entries);
