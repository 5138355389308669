import type { GpuSpec } from '../catalog/gpu.js';
import type { Fabric } from '../model/network/fabric.js';
import type { MoeBalancer } from '../model/variability/moe-imbalance.js';

/** A transformer's shape: what the FLOP, memory and communication counts need. */
export interface ModelConfig {
  name: string;
  layers: number;
  hidden: number;
  heads: number;
  /** Key/value heads (GQA); equals `heads` for multi-head attention. */
  kvHeads: number;
  /** Attention head size; `hidden / heads` unless the architecture says otherwise. */
  headDim: number;
  /** Dense MLP inner size (used by dense layers; MoE layers use `moe.ffnHidden`). */
  ffnHidden: number;
  /** SwiGLU-style three matrices (true) or two (GPT-3 style, false). */
  gatedMlp: boolean;
  vocab: number;
  moe?: MoeConfig;
  /**
   * Multi-head latent attention (DeepSeek-V2/V3): queries and keys/values pass through low-rank
   * latents. `headDim` is then the query/key head size (no-RoPE + RoPE parts).
   */
  mla?: MlaConfig;
  /** Where the catalog entry's numbers come from. */
  source?: string;
}

export interface MlaConfig {
  /** Rank of the query latent; 0 projects queries straight from the hidden state. */
  qLoraRank: number;
  /** Rank of the shared key/value latent. */
  kvLoraRank: number;
  /** Rotary part of each query/key head (shared across heads for keys). */
  qkRopeDim: number;
  /** Value head size. */
  vHeadDim: number;
}

export interface MoeConfig {
  experts: number;
  topK: number;
  /** Inner size of one routed expert. */
  ffnHidden: number;
  /** Always-active shared experts per MoE layer, each of `ffnHidden`. */
  sharedExperts: number;
  /** Leading layers that are dense (use the dense `ffnHidden`). */
  denseLayers: number;
  /**
   * Group-limited routing (DeepSeek-V3: 8 groups, top-4): the experts form `routingGroups`
   * contiguous groups and each token picks its experts inside `groupTopK` of them, which caps
   * the nodes it reaches. Absent: any expert.
   */
  routingGroups?: number;
  groupTopK?: number;
  /**
   * How the router balances expert load: `aux-loss` (the default), `loss-free` (DeepSeek-V3's
   * bias updates) or `balanced` (forced even routing, as performance benchmarks set).
   */
  balancer?: MoeBalancer;
  /** Tokens an expert takes at most, × the mean (GShard/Switch token dropping). Absent: dropless. */
  capacityFactor?: number;
}

export interface SystemConfig {
  gpu: GpuSpec;
  gpus: number;
  gpusPerNode: number;
  nvlinkDomain: number;
  scaleOutGbpsPerGpu: number;
  /**
   * Scale-out oversubscription above a pod (1 = non-blocking): shorthand for the top tier's of
   * the generic fabric when `fabric` is absent, else it replaces the fabric's top tier's.
   */
  oversubscription: number;
  /**
   * The scale-out fabric: switch tiers from the leaf up (catalog/fabrics.ts presets or
   * explicit). Absent: a generic rail-optimised 3-tier fat-tree at `scaleOutGbpsPerGpu` with
   * `oversubscription` above the pod.
   */
  fabric?: Fabric;
  /**
   * A mixed fleet: GPU pools on one scale-out fabric (e.g. 150,000 H100 + 50,000 H200). `gpu`
   * and `gpus` are then the slowest pool's GPU and the total, the homogeneous view.
   */
  pools?: GpuPool[];
}

export interface GpuPool {
  gpu: GpuSpec;
  gpus: number;
}

export type Precision = 'bf16' | 'fp8';

export interface TrainingConfig {
  seqLen: number;
  /** Sequences per optimizer step. */
  globalBatch: number;
  precision: Precision;
  /** Total training tokens, for time-to-train. */
  tokens?: number;
  /**
   * Attention kernel: `flash` (fused, FlashAttention/cuDNN; the default since 2023) or
   * `unfused` (scores materialised as s×s tensors, softmax and dropout as separate kernels:
   * Megatron-LM before FlashAttention, May 2022).
   */
  attention: AttentionKernel;
  /**
   * Precision of the main gradients (accumulation buffer): `fp32` (the default) or `bf16`
   * (Megatron-Core `grad_reduce_in_fp32: false`, as its MoE benchmark recipes set).
   */
  gradPrecision?: GradPrecision;
  /**
   * The training software (`megatron-core`, the default; `nemo`, `torchtitan`, `deepspeed`,
   * `composer`), optionally with a version (`deepspeed@2021`): which collectives it issues and
   * when, what it overlaps, its attention kernel, FP8 recipe and host overhead
   * (src/model/stack/, docs/model.md §9).
   */
  stack?: string;
  /** torch.compile on or off (PyTorch-native stacks); unset: the stack's default. */
  compile?: boolean;
  /** FP8 scaling recipe; unset: the stack's default for the GPU. */
  fp8Recipe?: Fp8RecipeName;
  /**
   * CUDA graphs on (Megatron-Core `cuda_graph_impl`, torch.compile `reduce-overhead`): the host
   * replays captured graphs instead of launching each kernel, so its per-kernel time no longer
   * paces the GPU. Unset: off, as the stacks' defaults and the H100 benchmark recipes leave it.
   */
  cudaGraphs?: boolean;
  /**
   * Precision of Adam's moments (master weights stay FP32): `fp32` or `bf16` (DeepSeek-V3;
   * Megatron-Core's precision-aware optimizer). Unset: the stack's default.
   */
  optimizerMoments?: 'fp32' | 'bf16';
  /** The run's MoE load balancing, overriding the model's `moe.balancer` (e.g. `balanced` for benchmark runs that force even routing). */
  moeBalancer?: MoeBalancer;
}

export type Fp8RecipeName = 'delayed' | 'tensorwise' | 'rowwise' | 'blockwise' | 'mxfp8';

export type GradPrecision = 'fp32' | 'bf16';

export type AttentionKernel = 'flash' | 'unfused';

export type Recompute = 'none' | 'selective' | 'full';

/** A fully resolved parallel plan: every knob has a value. */
export interface ParallelPlan {
  tp: number;
  pp: number;
  dp: number;
  cp: number;
  ep: number;
  vpp: number;
  microBatch: number;
  sequenceParallel: boolean;
  recompute: Recompute;
  distributedOptimizer: boolean;
  zeroStage: 0 | 1 | 2 | 3;
  /**
   * Overlap tensor-parallel collectives with the GEMMs they feed (Transformer Engine's
   * userbuffers, 2023+). Default true; runs on older stacks had none.
   */
  tpCommOverlap: boolean;
  /**
   * How MoE tokens reach their experts: `alltoall` (NCCL all-to-all, one copy per routed
   * expert; the default) or `deepep` (topology-aware dispatch, DeepEP / HybridEP: one copy per
   * destination node over the NIC, forwarded inside the node over NVLink).
   */
  epDispatch?: EpDispatch;
  /**
   * Hide expert-parallel all-to-all behind the compute of another micro-batch (Megatron-Core
   * `overlap_moe_expert_parallel_comm`, 1F1B forward/backward pairing). Default false.
   */
  epCommOverlap?: boolean;
  /**
   * How context-parallel ranks share the sequence in attention (Megatron-Core `cp_comm_type`):
   * `ring` (P2P exchange of K/V blocks behind the attention, load-balanced causal split),
   * `allgather` (K/V gathered before the kernel), `a2a` (DeepSpeed-Ulysses: Q, K, V re-sharded
   * from sequence to heads by all-to-all, the output back), `a2a+p2p` (all-to-all inside the
   * NVLink domain, ring across). Absent: the stack's default (`cpExchange`).
   */
  cpComm?: CpComm;
  /**
   * Pipeline schedule: `1f1b`, `interleaved` (vpp > 1; Megatron needs the micro-batches per
   * pipeline to be a multiple of pp), `zero-bubble` (ZB-H1) or `dualpipe` (DeepSeek-V3: even
   * pp, ≥ 2·pp micro-batches, two stages per device). Absent: interleaved when vpp > 1, else 1f1b.
   */
  schedule?: ScheduleId;
}

/** The pipeline schedules a plan can name. */
export type ScheduleId = '1f1b' | 'interleaved' | 'zero-bubble' | 'dualpipe';

export type EpDispatch = 'alltoall' | 'deepep';

/** Context-parallel exchanges a plan can name (`parallel.cpComm`). */
export type CpComm = 'ring' | 'allgather' | 'a2a' | 'a2a+p2p';

/** The tuning knobs a spec may leave out; the estimator resolves them to the fastest that fits. */
export type TunableKnob = 'vpp' | 'microBatch' | 'sequenceParallel' | 'recompute' | 'distributedOptimizer' | 'zeroStage' | 'tpCommOverlap';

/** A plan as written: degrees required, knobs optional. */
export type PartialPlan = Pick<ParallelPlan, 'tp' | 'pp' | 'dp' | 'cp' | 'ep' | 'epDispatch' | 'epCommOverlap' | 'cpComm'> &
  Partial<Pick<ParallelPlan, TunableKnob>> & {
    /** Schedules the plan may run: one (fixed) or several (searched). Absent: Megatron-LM's, 1f1b and interleaved. */
    schedules?: ScheduleId[];
  };

/** A validated spec: catalog ids resolved, defaults applied (except the plan's free knobs). */
export interface Spec {
  model: ModelConfig;
  system: SystemConfig;
  training: TrainingConfig;
  parallel: PartialPlan;
}

/** A spec whose plan is fully resolved: what the performance model evaluates. */
export interface ResolvedSpec extends Omit<Spec, 'parallel'> {
  parallel: ParallelPlan;
}
