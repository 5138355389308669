/**
 * GPU specifications. Every number carries its source in `sources` (keyed by field name);
 * a test checks that no numeric field is unsourced. Peaks are dense (no 2:4 sparsity).
 */
export interface GpuSpec {
  id: string;
  name: string;
  vendor: 'NVIDIA' | 'AMD' | string;
  /** Dense BF16 tensor peak, TFLOP/s. */
  bf16Tflops: number;
  /** Dense FP8 tensor peak, TFLOP/s; undefined where the GPU has no FP8 tensor cores. */
  fp8Tflops?: number;
  /** Measured maximum achievable matmul throughput (large square GEMM), TFLOP/s, when known. */
  achievableBf16Tflops?: number;
  achievableFp8Tflops?: number;
  /** HBM capacity as sold, GB (1e9 bytes). */
  hbmGB: number;
  /** HBM bandwidth, TB/s (1e12 bytes/s). */
  hbmTBps: number;
  /** NVLink (or equivalent) bandwidth per GPU, one direction, GB/s. */
  nvlinkGBps: number;
  /** GPUs in one NVLink domain by default (8 for HGX boards, 72 for NVL72 racks). */
  nvlinkDomain: number;
  /** GPUs per server (node). */
  gpusPerNode: number;
  /** Default scale-out NIC bandwidth per GPU, Gb/s. */
  nicGbps: number;
  /** Board power, W. */
  tdpW: number;
  /** Streaming multiprocessors (compute units for AMD). */
  smCount?: number;
  /** Indicative unit price, USD. */
  priceUsd?: number;
  sources: Partial<Record<GpuNumericField, string>>;
}

export type GpuNumericField =
  | 'bf16Tflops'
  | 'fp8Tflops'
  | 'achievableBf16Tflops'
  | 'achievableFp8Tflops'
  | 'hbmGB'
  | 'hbmTBps'
  | 'nvlinkGBps'
  | 'nvlinkDomain'
  | 'gpusPerNode'
  | 'nicGbps'
  | 'tdpW'
  | 'smCount'
  | 'priceUsd';

export const GPU_NUMERIC_FIELDS: readonly GpuNumericField[] = [
  'bf16Tflops',
  'fp8Tflops',
  'achievableBf16Tflops',
  'achievableFp8Tflops',
  'hbmGB',
  'hbmTBps',
  'nvlinkGBps',
  'nvlinkDomain',
  'gpusPerNode',
  'nicGbps',
  'tdpW',
  'smCount',
  'priceUsd',
];
