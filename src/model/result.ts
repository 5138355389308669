import type { ParallelPlan } from '../spec/types.js';

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

export interface Estimate {
  stepTimeS: number;
  tokensPerStep: number;
  tokensPerSec: number;
  tokensPerSecPerGpu: number;
  /**
   * Model FLOPs per GPU per second (TFLOP/s). Convention: 6·(active matmul parameters,
   * LM head included, embedding lookup excluded) per token + 6·layers·seqLen·heads·(qkDim + vDim)
   * for attention (12·layers·seqLen·heads·headDim without MLA; full, not halved for the causal
   * mask: the PaLM/Megatron convention).
   */
  modelTflopsPerGpu: number;
  /** Hardware FLOPs (including recomputation) per GPU per second, TFLOP/s. */
  hardwareTflopsPerGpu: number;
  /** Model FLOP utilisation against the dense peak of the training precision (`peakTflops`). */
  mfu: number;
  /** Hardware FLOP utilisation (recomputation counted) against the same peak. */
  hfu: number;
  peakTflops: number;
  /** Model FLOPs per token (the convention above). */
  modelFlopsPerToken: number;
  memory: MemoryBreakdown;
  fits: boolean;
  breakdown: StepBreakdown;
  /** Communication that runs concurrently with compute and is hidden, seconds per step. */
  overlappedCommS: CommByKind;
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
