import type { CapacityPoint } from './capacity-point.js';

/** The most GPUs of each type online at any point of the timeline (a proxy for GPUs bought). */
export function peakGpusByType(timeline: readonly CapacityPoint[]): Record<string, number> {
  const peak: Record<string, number> = {};
  for (const point of timeline) {
    for (const [type, gpus] of Object.entries(point.gpusOnline)) {
      peak[type] = Math.max(peak[type] ?? 0, gpus);
    }
  }
  return peak;
}
