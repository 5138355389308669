import type { GpuSpec } from './gpu.js';

/**
 * Whether GPU `a` is slower than `b` for planning a job across both: lower dense BF16 peak, then
 * less HBM, then lower HBM bandwidth (H100 before H200: same peak, 80 vs 141 GB). One order for
 * the mixed-fleet parser and the campaign.
 */
export function isSlowerGpu(a: GpuSpec, b: GpuSpec): boolean {
  if (a.bf16Tflops !== b.bf16Tflops) return a.bf16Tflops < b.bf16Tflops;
  if (a.hbmGB !== b.hbmGB) return a.hbmGB < b.hbmGB;
  return a.hbmTBps < b.hbmTBps;
}
