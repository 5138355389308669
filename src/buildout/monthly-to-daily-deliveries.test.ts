import { describe, expect, it } from 'vitest';
import { evenDeliveries } from './even-deliveries.js';
import { monthlyToDailyDeliveries } from './monthly-to-daily-deliveries.js';

describe('deliveries helpers', () => {
  it('evenDeliveries spreads whole units and sums exactly', () => {
    expect(evenDeliveries('h100-sxm', 10, 5, 7).map((d) => [d.day, d.gpus])).toEqual([
      [5, 4],
      [6, 3],
      [7, 3],
    ]);
  });

  it('monthlyToDailyDeliveries keeps every unit and each month inside its days', () => {
    const daily = monthlyToDailyDeliveries({ 'h100-sxm': [0, 3000, 100], 'h200-sxm': [7] }, { startDay: 10 });
    const sum = (type: string): number => daily.filter((d) => d.gpuType === type).reduce((s, d) => s + d.gpus, 0);
    expect(sum('h100-sxm')).toBe(3100);
    expect(sum('h200-sxm')).toBe(7);
    const monthOne = daily.filter((d) => d.gpuType === 'h100-sxm' && d.gpus >= 90);
    expect(Math.min(...monthOne.map((d) => d.day))).toBe(10 + 30);
    expect(Math.max(...monthOne.map((d) => d.day))).toBeLessThan(10 + 61);
    expect(daily.every((d, i) => i === 0 || (daily[i - 1]?.day ?? 0) <= d.day)).toBe(true);
  });
});
