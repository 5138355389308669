import type { GpuSpec } from '../../catalog/gpu.js';
import type { CpComm, GradPrecision, ScheduleId } from '../../spec/types.js';

/** The training software a run uses (`training.stack`). */
export type StackId = 'megatron-core' | 'nemo' | 'torchtitan' | 'deepspeed' | 'composer' | 'hai-llm';
export const STACK_IDS: readonly StackId[] = ['megatron-core', 'nemo', 'torchtitan', 'deepspeed', 'composer', 'hai-llm'];

/**
 * Attention kernels: `cudnn-fused` (cuDNN fused attention through Transformer Engine, FA3-class
 * on Hopper), `flash2` (FlashAttention-2, as PyTorch SDPA's flash backend and flash-attn 2
 * ship it), `unfused` (scores materialised; Megatron-LM before FlashAttention).
 */
export type AttentionKernelId = 'cudnn-fused' | 'flash2' | 'flash-triton' | 'unfused';

/**
 * FP8 training recipes (`training.fp8Recipe`): `delayed` (Transformer Engine delayed scaling:
 * amax history, the cast fused with the producer), `tensorwise` (current scaling per tensor:
 * an amax pass, then the cast), `rowwise` (current scaling per row), `blockwise` (DeepSeek-V3:
 * 1×128 activation tiles, 128×128 weight blocks), `mxfp8` (OCP microscaling, 32-element blocks,
 * scaled in the Blackwell tensor cores).
 */
export type Fp8Recipe = 'delayed' | 'tensorwise' | 'rowwise' | 'blockwise' | 'mxfp8';
export const FP8_RECIPES: readonly Fp8Recipe[] = ['delayed', 'tensorwise', 'rowwise', 'blockwise', 'mxfp8'];

/** How a stack runs sharded data parallelism (ZeRO-3 / FSDP). */
export interface ShardedDataParallel {
  name: string;
  /**
   * Weights are freed after each layer's forward and gathered again for its backward
   * (FSDP `reshard_after_forward`, ZeRO-3): two all-gathers per micro-batch instead of one.
   */
  reshardAfterForward: boolean;
  /** Whether pipeline parallelism turns resharding off (torchtitan does, to gather once per step). */
  keepGatheredWithPipeline: boolean;
  /**
   * Gradient reduce-scatter every micro-batch (FSDP without `no_sync`, ZeRO-3) or once per
   * step (FSDP2 under pipeline schedules, which sync gradients on the last backward only).
   */
  reduceScatterPerMicroBatch: boolean;
  /**
   * `layer`: the next layer's all-gather and the previous layer's reduce-scatter run on their
   * own stream behind the current layer's compute (FSDP forward/backward prefetch): only the
   * first gather and the last reduce-scatter are exposed, plus whatever the compute cannot
   * hide, and the overlapped compute slows by the share of SMs the collectives hold.
   * `fitted`: the fraction `EfficiencyModel.zeroOverlap` (fitted on the DeepSpeed ZeRO-3 rows
   * of Narayanan et al. 2021; ZeRO-3 of that era prefetched little).
   */
  overlap: 'layer' | 'fitted';
  /**
   * The gathers run as one flat ring over all data-parallel ranks, so beyond one NVLink domain
   * every GPU's whole share crosses its own NIC (DeepSpeed ZeRO-3 of 2021, Narayanan et al.
   * 2021 Table 2), instead of NCCL's hierarchical rings over the rails (intra-node first, each
   * NIC carrying 1/8 of the inter-node data), as PyTorch FSDP's NCCL collectives run.
   */
  flatRing: boolean;
}

/** One version (era) of a stack: the software facts the model uses. */
export interface StackVersion {
  version: string;
  summary: string;
  /** Where the facts come from (documentation, source files, release notes). */
  sources: readonly string[];
  attention: AttentionKernelId;
  /** TP communication overlap the stack offers and whether it is on unless the spec says otherwise. */
  tpOverlap: 'userbuffers' | 'async-tp' | 'none';
  tpOverlapDefault: boolean;
  sharded: ShardedDataParallel;
  /**
   * Element-wise work between the GEMMs: `fused` (hand-written fused kernels: Transformer
   * Engine, Apex), or PyTorch eager ops, which torch.compile (`training.compile`) fuses.
   */
  elementwise: 'fused' | 'eager';
  /** Whether the stack can run torch.compile, and whether its recipes turn it on. */
  compile: { supported: boolean; default: boolean };
  /**
   * What `recompute: selective` means: `megatron` (Korthikanti et al.: the attention core, or
   * with flash attention the norms and activation), `op-sac` (torchtitan's per-op policy: every
   * other matmul output and all element-wise outputs are recomputed).
   */
  selective: 'megatron' | 'op-sac';
  fp8: { default: Fp8Recipe; recipes: readonly Fp8Recipe[] };
  /**
   * FP8 weights are cast again every micro-batch (the stack keeps no FP8 weight copy across
   * micro-batches, as FSDP-gathered BF16 weights force), instead of once per step.
   */
  fp8WeightCastPerMicroBatch: boolean;
  /**
   * How the stack reduces data-parallel gradients (ZeRO 0–2): `overlapped` (Megatron-Core
   * DDP, PyTorch DDP/FSDP: buckets reduce behind the last backward and parameters gather behind
   * the next forward) or `after-flush` (DeepSpeed's pipeline engine: ReduceTiedGrads,
   * ReduceGrads and OptimizerStep run after the last micro-batch's backward, blocking, and the
   * updated parameters are gathered before the next step). `fp32Wire`: the gradients are
   * all-reduced in FP32 whatever the distributed optimizer (DeepSpeed's BF16_Optimizer reduces
   * its FP32 accumulation buffers) and the BF16 parameters all-gathered after the update.
   */
  gradSync: { when: 'overlapped' | 'after-flush'; fp32Wire: boolean };
  /**
   * HBM bytes the stack's cross-entropy loss moves per logit (forward and backward), counted op
   * by op from its code. Megatron's vocab-parallel cross-entropy
   * (megatron/core/tensor_parallel/cross_entropy.py): cast to FP32 (read 2, write 4), max (4),
   * subtract in place (8), exp in place (8), sum (4), divide into the softmax kept for the
   * backward (8); backward: scale by the loss gradient (8), cast to BF16 (6): 52 B. PyTorch
   * `F.cross_entropy` on FP32 logits (torchtitan): cast (6), log-softmax (max 4, sum-exp 4,
   * write 8), the NLL backward's zero-filled gradient (4), log-softmax backward (12), cast to
   * BF16 (6): 44 B. FlashAttention's fused cross-entropy kernel (LLM Foundry's MPT default
   * `fused_crossentropy`): read the BF16 logits forward and backward, write their gradient: 6 B.
   */
  lossBytesPerLogit: number;
  /**
   * Host (CPU) time per GPU kernel the stack launches, seconds: Python and framework dispatch,
   * without CUDA graphs. The GPU waits only where the host falls behind it.
   */
  hostPerKernelS: number;
  /**
   * How context-parallel ranks exchange keys and values unless the plan says (`parallel.cpComm`):
   * `ring` (point-to-point, each block's transfer hidden behind the previous block's attention:
   * Megatron-Core), `allgather` (PyTorch context parallel's default rotate method in torchtitan:
   * keys and values gathered before the attention kernel, gradients reduce-scattered after it,
   * not overlapped) or `a2a` (DeepSpeed-Ulysses). See `layer/cp-comm.ts`.
   */
  cpExchange: CpComm;
  /**
   * The context-parallel exchanges the stack implements (what `parallel.cpComm` may name; the
   * default `cpExchange` among them): Megatron-Core's `cp_comm_type` p2p (ring), all_gather, a2a
   * and a2a+p2p (Transformer Engine ≥ 1.12); PyTorch context parallel in torchtitan: all-gather
   * (default) or the ring rotation; DeepSpeed: Ulysses all-to-all only.
   */
  cpComms: readonly CpComm[];
  /**
   * The pipeline schedules the stack implements (what a plan that leaves `parallel.schedule`
   * open may use): DeepSpeed's pipeline engine runs 1F1B only; Megatron (since Narayanan et al.
   * 2021) and torchtitan also interleave.
   */
  schedules: readonly ScheduleId[];
  /**
   * Whether the stack has Megatron's sequence parallelism (Korthikanti et al., May 2022): the
   * Megatron-DeepSpeed that trained BLOOM (Mar–Jul 2022) did not.
   */
  sequenceParallel: boolean;
  /**
   * Precision of Adam's two moments: `fp32` (12 B of optimizer state per parameter with the
   * FP32 master weights) or `bf16` (8 B: DeepSeek-V3 report §3.3.3; Megatron-Core ≥ 0.13 with
   * `--use-precision-aware-optimizer --exp-avg-dtype bf16 --exp-avg-sq-dtype bf16`). The master
   * weights stay FP32 either way. Absent: `fp32`. `training.optimizerMoments` overrides it.
   */
  optimizerMoments?: OptimizerMoments;
  /**
   * Precision of the main-gradient buffer the stack's recipes keep and reduce: `fp32`
   * (Megatron-LM's `--bf16` forces `accumulate_allreduce_grads_in_fp32`) or `bf16` (NeMo
   * launcher recipes: `optim.grad_sync_dtype: bf16` with a contiguous BF16 gradient buffer).
   * Absent: FP32 accumulation, reduced in BF16 with the distributed optimizer (see
   * `gradientBytes`). `training.gradPrecision` overrides it.
   */
  gradPrecision?: GradPrecision;
  /**
   * What FP8 training caches for the backward: `gemm-inputs` (Transformer Engine: each FP8
   * GEMM's input as its FP8 copy; the attention output in BF16 for the attention backward plus
   * its FP8 copy) or `fine-grained` (DeepSeek-V3 report §3.3.3: the attention output once, in
   * E5M6 (1.5 B), serving both backwards; the MoE experts' SwiGLU input in FP8 with its output
   * recomputed). Absent: `gemm-inputs`.
   */
  fp8Activations?: Fp8ActivationCache;
}

export type OptimizerMoments = 'fp32' | 'bf16';
export type Fp8ActivationCache = 'gemm-inputs' | 'fine-grained';

/** A software stack: its versions, newest first (the first is the default). */
export interface SoftwareStack {
  id: StackId;
  name: string;
  versions: readonly StackVersion[];
}

/** GPU generation, for the facts that depend on it (attention kernels, FP8 recipes). */
export type GpuArch = 'ampere' | 'hopper' | 'blackwell' | 'cdna3';

export function gpuArch(gpu: GpuSpec): GpuArch {
  const n = `${gpu.id} ${gpu.name}`.toLowerCase();
  if (/a100|a800|ampere/.test(n)) return 'ampere';
  if (/b200|b300|gb200|gb300|blackwell/.test(n)) return 'blackwell';
  if (/mi300|mi325|mi355|amd/.test(n)) return 'cdna3';
  return 'hopper';
}

/**
 * PyTorch eager host time per op: a `Linear` forward costs 13.5 µs of host time on a DGX-H100's
 * Xeon 8480C (TransformerEngine issue #2053, measured with PyTorch's own Linear); Transformer
 * Engine's modules cost about 2.7× PyTorch's on the same host (91–100 µs vs 33–37 µs on Grace,
 * the same issue).
 */
export const PYTORCH_HOST_PER_OP_S = 13.5e-6;
export const TE_HOST_PER_OP_S = 13.5e-6 * 2.7;
