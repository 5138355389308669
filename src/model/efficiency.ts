import type { GpuSpec } from '../catalog/gpu.js';
import type { Precision } from '../spec/types.js';

/**
 * How close kernels and collectives come to the hardware's datasheet numbers. Every field
 * is either a published general measurement (not a training run) or one of the few fitted
 * parameters; docs/model.md says which and how each was obtained. A calibration profile
 * (`colossus calibrate`) replaces these with measured values for one GPU.
 */
export interface EfficiencyModel {
  /** Large-GEMM efficiency (fraction of dense peak) in BF16 and FP8: measured max achievable matmul / peak. */
  gemmMaxBf16: number;
  gemmMaxFp8: number;
  /**
   * Shape penalty of a GEMM (the one fitted GEMM constant, shared by all GPUs): a GEMM of
   * size M×N×K runs at gemmMax / (1 + d0/M + d0/N + d0/K), with d0 = gemmShapeFactor × the
   * GPU's ridge point (peak FLOP/s ÷ HBM bytes/s, in elements of the operand type). Small and
   * skinny GEMMs (small micro-batches, high TP, small experts) run slower, and more so on GPUs
   * whose compute outgrew their memory bandwidth. 1/(1/M+1/N+1/K) is a GEMM's arithmetic
   * intensity, so this is a smoothed roofline.
   */
  gemmShapeFactor: number;
  /** Flash-attention forward efficiency (fraction of BF16 peak) at long sequence. */
  attentionFwd: number;
  /** Backward/forward time ratio of flash attention (5 vs 2 matmuls, at lower efficiency). */
  attentionBwdRatio: number;
  /** Sequence length at which attention reaches half its efficiency. */
  attentionHalfSeq: number;
  /** Fraction of HBM bandwidth that element-wise kernels (norms, activations, casts, optimizer) reach. */
  hbm: number;
  /** NCCL bus-bandwidth efficiency on NVLink and on the scale-out NIC, and for all-to-all. */
  nvlink: number;
  nic: number;
  allToAll: number;
  /**
   * NIC bandwidth efficiency of topology-aware MoE dispatch/combine (DeepEP normal kernels:
   * 43–58 GB/s RDMA bottleneck bandwidth on 400 Gb/s CX7, ~50 GB/s; the lowest figure is used).
   */
  dispatchNic: number;
  /**
   * The same on NVLink, against the catalog's per-direction NVLink bandwidth (DeepEP
   * intranode: 153–158 GB/s on H800, whose catalog NVLink is 200 GB/s per direction).
   */
  dispatchNvlink: number;
  /** Per-step latency of a collective ring/tree step, seconds. */
  nvlinkLatencyS: number;
  nicLatencyS: number;
  /** Launch and ramp cost per kernel, seconds (CUDA launch + tail effects). */
  kernelS: number;
  /** Fraction of data-parallel gradient reduction that can hide behind the last micro-batch's backward. */
  dpOverlap: number;
  /** Fraction of tensor-parallel communication hidden behind GEMMs when `tpCommOverlap` is on. */
  tpOverlap: number;
  /** Fraction of the smaller of ZeRO-3 gathers and compute that prefetching hides. */
  zeroOverlap: number;
}

/** Defaults shared by all GPUs; the GEMM ceiling comes from each GPU's measured MAMF where known. */
export const DEFAULT_EFFICIENCY: Omit<EfficiencyModel, 'gemmMaxBf16' | 'gemmMaxFp8'> = {
  gemmShapeFactor: 2,
  attentionFwd: 0.55,
  attentionBwdRatio: 2.5,
  attentionHalfSeq: 512,
  hbm: 0.85,
  nvlink: 0.8,
  nic: 0.85,
  allToAll: 0.6,
  dispatchNic: 0.86,
  dispatchNvlink: 0.77,
  nvlinkLatencyS: 5e-6,
  nicLatencyS: 12e-6,
  kernelS: 4e-6,
  dpOverlap: 1,
  tpOverlap: 0.6,
  zeroOverlap: 0.25,
};

/** Ratios used when a GPU has no measured MAMF: H100's measured/peak (794.5/989.4, 1402.6/1978.9). */
const FALLBACK_GEMM_MAX_BF16 = 794.5 / 989.4;
const FALLBACK_GEMM_MAX_FP8 = 1402.6 / 1978.9;

export function efficiencyFor(gpu: GpuSpec, overrides: Partial<EfficiencyModel> = {}): EfficiencyModel {
  const bf16 = gpu.achievableBf16Tflops !== undefined ? gpu.achievableBf16Tflops / gpu.bf16Tflops : FALLBACK_GEMM_MAX_BF16;
  const fp8 =
    gpu.achievableFp8Tflops !== undefined && gpu.fp8Tflops !== undefined
      ? gpu.achievableFp8Tflops / gpu.fp8Tflops
      : FALLBACK_GEMM_MAX_FP8;
  return { ...DEFAULT_EFFICIENCY, gemmMaxBf16: bf16, gemmMaxFp8: fp8, ...overrides };
}

/** Peak dense TFLOP/s for GEMMs in `precision` (FP8 falls back to BF16 where unsupported). */
export function gemmPeakTflops(gpu: GpuSpec, precision: Precision): number {
  return precision === 'fp8' && gpu.fp8Tflops !== undefined ? gpu.fp8Tflops : gpu.bf16Tflops;
}
