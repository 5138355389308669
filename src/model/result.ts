import type { ParallelPlan, ScheduleId } from '../spec/types.js';

/** Where the step time goes; the parts add up to `stepTimeS`. Seconds per optimizer step. */
export interface StepBreakdown {
  /** GEMMs, attention, element-wise kernels and recomputation on the critical pipeline stage. */
  computeS: number;
  /** Communication on the critical path, by kind. */
  exposedCommS: CommByKind;
  /** Pipeline fill and drain (1F1B / interleaved), including first/last-stage imbalance. */
  bubbleS: number;
  /** Optimizer step (Adam update and gradient-norm pass). */
  optimizerS: number;
  /** Kernel launch and synchronisation overheads. */
  otherS: number;
  /**
   * What MoE load imbalance adds on the busiest expert-parallel rank (extra expert GEMMs and
   * received tokens), taken out of compute and EP above (variability/moe-imbalance).
   */
  moeImbalanceS: number;
  /** Waiting for the slowest of the job's GPUs (variability/stragglers). */
  stragglerS: number;
}

export interface CommByKind {
  tp: number;
  cp: number;
  ep: number;
  pp: number;
  dp: number;
  zero: number;
}

/** Memory per GPU on the most loaded pipeline stage, GiB (2^30 bytes). */
export interface MemoryBreakdown {
  weightsGiB: number;
  gradientsGiB: number;
  optimizerGiB: number;
  activationsGiB: number;
  /** cuBLAS/NCCL workspaces, CUDA context, allocator fragmentation, transient buffers. */
  workspaceGiB: number;
  totalGiB: number;
  /** HBM the job can use on this GPU. */
  usableGiB: number;
}

export interface PipelineSummary {
  schedule: ScheduleId;
  microBatches: number;
  /** First forward to last backward, seconds. */
  pipelineS: number;
  bubbleS: number;
  /** Communication the schedule hides (DualPipe's overlapped pairs), seconds per step. */
  hiddenCommS: number;
  /** Micro-batch activations held by the stage that needs the most memory, and that stage. */
  inFlightMicroBatches: number;
  peakMemoryStage: number;
  /** With `--explain-pipeline` (or `explainPipeline`): the event timeline of one step. */
  timeline?: { device: number; op: string; microBatch: number; stage: number; startS: number; endS: number }[];
}

/** Where one parallelism's traffic goes on the fabric. */
export interface CommRoute {
  size: number;
  stride: number;
  /** The highest tier it reaches ('nvlink', 'leaf', 'spine', 'core', ...; 'none' for one rank). */
  tier: string;
  /** The algorithm NCCL would pick (ring, tree, nvls, sharp), pairwise/deepep for EP, p2p for PP/CP. */
  algorithm: string;
}

/** The fabric as this plan uses it: groups placed in Megatron's rank order (tp, cp, ep, dp, pp). */
export interface NetworkReport {
  fabric: string;
  tiers: string[];
  routes: Record<keyof CommByKind, CommRoute>;
  /** Exposed communication per tier, seconds per step (each kind counted at its highest tier). */
  exposedByTierS: Record<string, number>;
}

export interface Estimate {
  stepTimeS: number;
  tokensPerStep: number;
  tokensPerSec: number;
  tokensPerSecPerGpu: number;
  /**
   * How far to trust `tokensPerSecPerGpu`: an 80% split-conformal interval from the validation
   * residuals of published runs like this one (stack family, GPU generation, dense/MoE,
   * sequence length; src/model/bands). Set by `estimate`.
   */
  tokensPerSecPerGpuBand?: { low: number; high: number; coverage: number; group: string; cases: number };
  /**
   * Model FLOPs per GPU per second (TFLOP/s). Convention: 6·(active matmul parameters,
   * LM head included, embedding lookup excluded) per token + 3·layers·seqLen·heads·(qkDim + vDim)
   * for attention — halved for the causal mask, what a causal kernel computes, so that
   * MFU ≤ HFU. `mfuFullAttention` is the PaLM/Megatron convention (attention not halved).
   */
  modelTflopsPerGpu: number;
  /** Hardware FLOPs (including recomputation) per GPU per second, TFLOP/s. */
  hardwareTflopsPerGpu: number;
  /** Model FLOP utilisation (causal attention) against the dense peak of the training precision (`peakTflops`). */
  mfu: number;
  /** The same against the BF16 dense peak (FP8 runs compare with BF16 runs on this one). */
  mfuBf16: number;
  /** MFU with attention not halved for the causal mask (PaLM/Megatron convention; can exceed HFU). */
  mfuFullAttention: number;
  /** Hardware FLOP utilisation (recomputation counted) against the same peak. */
  hfu: number;
  peakTflops: number;
  /** Model FLOPs per token, PaLM/Megatron convention (attention not halved). */
  modelFlopsPerToken: number;
  /** Model FLOPs per token with causal attention (the `mfu` convention). */
  modelFlopsPerTokenCausal: number;
  /** The pipeline schedule's view of the step: bubble, hidden communication, activations held. */
  pipeline: PipelineSummary;
  memory: MemoryBreakdown;
  fits: boolean;
  breakdown: StepBreakdown;
  /** Communication that runs concurrently with compute and is hidden, seconds per step. */
  overlappedCommS: CommByKind;
  /** Which tiers and algorithms each parallelism's traffic uses, and exposed time per tier. */
  network: NetworkReport;
  /** The plan as evaluated (free knobs resolved). */
  parallel: ParallelPlan;
  gpusUsed: number;
  microBatchesPerStep: number;
  /** Parameters: total and activated per token. */
  paramsTotal: number;
  paramsActive: number;
  /** Days to train `training.tokens`, when given (no failures; see `colossus simulate`). */
  timeToTrainDays?: number;
}
