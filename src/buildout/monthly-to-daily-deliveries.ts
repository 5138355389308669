import type { GpuDelivery } from './buildout-input.js';
import { evenDeliveries } from './even-deliveries.js';

export interface MonthlyToDailyOptions {
  /** Day on which month 0 begins. Default 0. */
  startDay?: number;
  /** Average month length. Default 365.25 / 12. */
  daysPerMonth?: number;
}

/**
 * Turn monthly shipments by product (e.g. a customer's `unitsPerMonthByProduct` from the supply
 * allocator) into daily deliveries, each month's units spread evenly over its days.
 */
export function monthlyToDailyDeliveries(
  unitsPerMonthByProduct: Readonly<Record<string, readonly number[]>>,
  options: MonthlyToDailyOptions = {},
): GpuDelivery[] {
  const startDay = options.startDay ?? 0;
  const daysPerMonth = options.daysPerMonth ?? 365.25 / 12;
  const deliveries: GpuDelivery[] = [];
  for (const [gpuType, perMonth] of Object.entries(unitsPerMonthByProduct)) {
    perMonth.forEach((units, m) => {
      if (units <= 0) return;
      const fromDay = startDay + Math.round(m * daysPerMonth);
      const toDay = startDay + Math.round((m + 1) * daysPerMonth) - 1;
      deliveries.push(...evenDeliveries(gpuType, units, fromDay, toDay));
    });
  }
  return deliveries.sort((a, b) => a.day - b.day || a.gpuType.localeCompare(b.gpuType));
}
