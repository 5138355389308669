/**
 * A calibration profile: what `calibration/probe.py` measured on one GPU. Versioned JSON
 * (`schemaVersion`); docs/calibrate.md describes every field. Raw measurements only: the
 * fitted efficiencies are derived from the tables (`fitProfile`), never stored, so a better
 * fitter improves old profiles too.
 */
export const PROFILE_SCHEMA_VERSION = 1;

export type GemmDtype = 'bf16' | 'fp8';
export const GEMM_DTYPES: readonly GemmDtype[] = ['bf16', 'fp8'];

/** One timed GEMM: A (m×k) · B (k×n), median time of one call. */
export interface GemmMeasurement {
  dtype: GemmDtype;
  m: number;
  n: number;
  k: number;
  /** Median time of one call, milliseconds. */
  ms: number;
  /** 2·m·n·k / time, TFLOP/s. */
  tflops: number;
}

/** One timed causal flash-attention call (scaled_dot_product_attention, BF16). */
export interface AttentionMeasurement {
  seqLen: number;
  batch: number;
  heads: number;
  headDim: number;
  causal: boolean;
  /** Median forward time, milliseconds. */
  fwdMs: number;
  /** Median forward + backward time, milliseconds. */
  fwdBwdMs: number;
  /** Forward FLOPs as the model counts them (4·b·heads·s²·d, halved when causal) / fwdMs, TFLOP/s. */
  fwdTflops: number;
}

export type MemoryKernel = 'copy' | 'add' | 'layernorm' | 'other';
export const MEMORY_KERNELS: readonly MemoryKernel[] = ['copy', 'add', 'layernorm', 'other'];

/** One bandwidth-bound kernel: bytes read + written per call, median time. */
export interface MemoryMeasurement {
  kernel: MemoryKernel;
  bytes: number;
  ms: number;
  /** bytes / time, GB/s (1e9 bytes/s). */
  bandwidthGBps: number;
}

export interface DeviceInfo {
  /** As the driver names it, e.g. "NVIDIA H100 80GB HBM3". */
  name: string;
  memoryGiB?: number;
  smCount?: number;
  computeCapability?: string;
  /** GPUs on the host, and which one was measured. */
  count?: number;
  index?: number;
}

export interface ProbeInfo {
  version: number;
  quick: boolean;
  seconds?: number;
}

export interface SkippedMeasurement {
  what: string;
  reason: string;
}

export interface CalibrationProfile {
  schemaVersion: 1;
  device: DeviceInfo;
  /** Catalog GPU id; overrides the identification by `device.name`. */
  gpu?: string;
  driver: string;
  cuda?: string;
  torch: string;
  python?: string;
  host?: string;
  /** ISO 8601 date (and time) of the measurement. */
  date: string;
  probe?: ProbeInfo;
  notes?: string;
  gemm: GemmMeasurement[];
  attention: AttentionMeasurement[];
  memory: MemoryMeasurement[];
  skipped: SkippedMeasurement[];
}
