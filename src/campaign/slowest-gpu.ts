import { findGpu } from '../catalog/gpus.js';

/**
 * The slowest of several GPU types: lowest dense BF16 peak, then least HBM, then lowest HBM
 * bandwidth (H100 before H200: same peak, 80 vs 141 GB). A combined job runs on its plan.
 */
export function slowestGpu(gpuIds: readonly string[]): string | undefined {
  let best: string | undefined;
  let key: [number, number, number] | undefined;
  for (const id of gpuIds) {
    const g = findGpu(id);
    const k: [number, number, number] = g ? [g.bf16Tflops, g.hbmGB, g.hbmTBps] : [Infinity, Infinity, Infinity];
    if (!key || k[0] < key[0] || (k[0] === key[0] && (k[1] < key[1] || (k[1] === key[1] && k[2] < key[2])))) {
      best = id;
      key = k;
    }
  }
  return best;
}
