import { describe, expect, it } from 'vitest';
import { mean, percentileSorted, summarize } from './stats.js';

describe('summary statistics', () => {
  it('mean, and NaN for no values', () => {
    expect(mean([1, 2, 6])).toBe(3);
    expect(mean(new Float64Array([0.5]))).toBe(0.5);
    expect(mean([])).toBeNaN();
  });

  it('percentiles interpolate linearly between ranks; q is clamped to [0, 1]', () => {
    const xs = [10, 20, 40, 80];
    expect(percentileSorted(xs, 0)).toBe(10);
    expect(percentileSorted(xs, 1)).toBe(80);
    // (n − 1) q = 1.5: halfway between 20 and 40.
    expect(percentileSorted(xs, 0.5)).toBe(30);
    // 0.3 of the way from 10 to 20; 0.7 of the way from 40 to 80.
    expect(percentileSorted(xs, 0.1)).toBeCloseTo(13, 12);
    expect(percentileSorted(xs, 0.9)).toBeCloseTo(68, 12);
    expect(percentileSorted(xs, -1)).toBe(10);
    expect(percentileSorted(xs, 2)).toBe(80);
    expect(percentileSorted([7], 0.5)).toBe(7);
    expect(percentileSorted([], 0.5)).toBeNaN();
  });

  it('summarize sorts first; no values gives NaN everywhere', () => {
    expect(summarize([80, 10, 40, 20])).toEqual({ mean: 37.5, p10: 13, p50: 30, p90: 68, min: 10, max: 80 });
    const none = summarize([]);
    for (const v of Object.values(none)) expect(v).toBeNaN();
  });
});
