import { describe, expect, it } from 'vitest';
import { slowestGpu } from './slowest-gpu.js';

// Catalog facts the order rests on: h100-sxm and h200-sxm have the same dense BF16 peak (989.4 TFLOP/s), the
// H100 less HBM (80 vs 141 GB); a100-sxm-80gb has a lower peak (312); b200 a higher one (2,250).
describe('slowestGpu', () => {
  it('is undefined for no types and the type itself for one', () => {
    expect(slowestGpu([])).toBeUndefined();
    expect(slowestGpu(['h200-sxm'])).toBe('h200-sxm');
  });

  it('picks the slowest whatever the order', () => {
    expect(slowestGpu(['h200-sxm', 'h100-sxm'])).toBe('h100-sxm');
    expect(slowestGpu(['h100-sxm', 'h200-sxm'])).toBe('h100-sxm');
    expect(slowestGpu(['b200', 'h200-sxm', 'a100-sxm-80gb', 'h100-sxm'])).toBe('a100-sxm-80gb');
    expect(slowestGpu(['b200', 'h200-sxm'])).toBe('h200-sxm');
  });

  it('keeps the first of equals', () => {
    expect(slowestGpu(['h100-sxm', 'h100-sxm'])).toBe('h100-sxm');
  });

  it('puts unknown ids last: any known type replaces them, they never replace a known one', () => {
    expect(slowestGpu(['no-such-gpu'])).toBe('no-such-gpu');
    expect(slowestGpu(['no-such-gpu', 'other-unknown'])).toBe('no-such-gpu');
    expect(slowestGpu(['no-such-gpu', 'b200'])).toBe('b200');
    expect(slowestGpu(['no-such-gpu', 'b200', 'h100-sxm'])).toBe('h100-sxm');
    expect(slowestGpu(['h200-sxm', 'no-such-gpu'])).toBe('h200-sxm');
  });
});
