import { describe, expect, it } from 'vitest';
import type { BuildoutDay } from '../buildout/buildout-result.js';
import { capacityDays } from './capacity-days.js';

/** A day of the build-out with these GPUs online (the other counts do not matter here). */
const day = (n: number, gpusOnline: Record<string, number>): BuildoutDay => ({
  day: n,
  gpusDelivered: {},
  gpusInstalled: {},
  gpusReady: {},
  gpusOnline,
  gpusOnlineTotal: Object.values(gpusOnline).reduce((a, b) => a + b, 0),
  racksInstalled: 0,
  arraysNetworked: 0,
  powerLimitMw: null,
  powerUsedMw: 0,
});
const TYPES = ['h200-sxm', 'h100-sxm'];
const days = (): BuildoutDay[] => [day(0, {}), day(1, { 'h200-sxm': 0, 'h100-sxm': 1000 }), day(2, { 'h200-sxm': 500, 'h100-sxm': 1000 })];

describe('capacityDays: what a job can plan on each day', () => {
  it('one plan on the slowest type online: its types\' online GPUs less the spares', () => {
    expect(capacityDays(days(), TYPES, 16, false)).toEqual([
      { day: 0, gpus: -16, gpu: undefined },
      { day: 1, gpus: 984, gpu: 'h100-sxm' },
      { day: 2, gpus: 1484, gpu: 'h100-sxm' },
    ]);
  });

  it('a job of one type counts only its own GPUs', () => {
    expect(capacityDays(days(), ['h200-sxm'], 16, false).map((d) => [d.gpus, d.gpu])).toEqual([
      [-16, undefined],
      [-16, undefined],
      [484, 'h200-sxm'],
    ]);
  });

  it('mixed: while two types are online, the types joined (sorted) and each type\'s usable GPUs, spares out of the slowest', () => {
    expect(capacityDays(days(), TYPES, 16, true)).toEqual([
      { day: 0, gpus: -16, gpu: undefined },
      // One type online (the H200 count is 0): a plain plan, no per-type counts.
      { day: 1, gpus: 984, gpu: 'h100-sxm' },
      { day: 2, gpus: 1484, gpu: 'h100-sxm+h200-sxm', byType: { 'h100-sxm': 984, 'h200-sxm': 500 } },
    ]);
  });

  it('mixed with the spares on the slower type wherever it is listed', () => {
    const d = capacityDays([day(3, { 'h100-sxm': 800, 'h200-sxm': 600 })], ['h100-sxm', 'h200-sxm'], 8, true);
    expect(d).toEqual([{ day: 3, gpus: 1392, gpu: 'h100-sxm+h200-sxm', byType: { 'h100-sxm': 792, 'h200-sxm': 600 } }]);
  });
});
