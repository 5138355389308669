import type { BuildoutResult } from './buildout-result.js';

/**
 * First day on which at least `gpus` GPUs are online (of `gpuType`, or of all types together);
 * null if never within the horizon.
 */
export function dayWhenOnline(result: BuildoutResult, gpus: number, gpuType?: string): number | null {
  for (const d of result.days) {
    const online = gpuType === undefined ? d.gpusOnlineTotal : (d.gpusOnline[gpuType] ?? 0);
    if (online >= gpus) return d.day;
  }
  return null;
}
