import type { GpuDelivery } from './buildout-input.js';

/**
 * `gpus` GPUs of one type spread as evenly as whole units allow over days `fromDay … toDay`
 * (inclusive), earlier days taking the rounding rest. Sums exactly to `gpus`.
 */
export function evenDeliveries(gpuType: string, gpus: number, fromDay: number, toDay: number): GpuDelivery[] {
  const days = Math.max(1, toDay - fromDay + 1);
  const base = Math.floor(gpus / days);
  const extra = gpus - base * days;
  const deliveries: GpuDelivery[] = [];
  for (let k = 0; k < days; k++) {
    const units = base + (k < extra ? 1 : 0);
    if (units > 0) deliveries.push({ day: fromDay + k, gpuType, gpus: units });
  }
  return deliveries;
}
