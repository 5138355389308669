import { describe, expect, it } from 'vitest';
import { GemmClock } from './gemm-clock.js';

// peak 100, max 0.5, d0 2, hbm 1000 B/s, 2-byte operands
const mk = (): GemmClock => new GemmClock(100, 0.5, 2, 1000, 2);

describe('GemmClock (hand-worked roofline)', () => {
  it('times a compute-bound GEMM with the shape penalty', () => {
    const c = mk();
    // flops = 2·4·4·4·1 = 128; rate = 50/(1+0.5+0.5+0.5) = 20 -> 6.4 s; memory = 48·2/1000 = 0.096 s
    expect(c.time(4, 4, 4, 1)).toBeCloseTo(6.4, 12);
    expect(c.flops).toBe(128);
    expect(c.kernels).toBe(1);
  });
  it('uses count in flops, kernels and memory', () => {
    const c = new GemmClock(1e12, 1, 0, 1, 1);
    // memory-bound: (2·3 + 3·5 + 2·5)·1·2 / 1 = 62 s; compute negligible
    expect(c.time(2, 5, 3, 2)).toBe(62);
    expect(c.flops).toBe(2 * 2 * 5 * 3 * 2);
    expect(c.kernels).toBe(2);
  });
  it('returns 0 and counts nothing for any non-positive dimension or count', () => {
    for (const a of [[0, 1, 1, 1], [1, 0, 1, 1], [1, 1, 0, 1], [1, 1, 1, 0], [-1, 1, 1, 1], [1, 1, 1, -1]] as const) {
      const c = mk();
      expect(c.time(a[0], a[1], a[2], a[3])).toBe(0);
      expect(c.flops).toBe(0);
      expect(c.kernels).toBe(0);
    }
  });
  it('fwdBwd: forward, data-gradient and weight-gradient GEMMs, and reset', () => {
    const c = new GemmClock(1e12, 1, 0, 1, 1);
    c.fwdBwd(2, 5, 3, 1);
    // all three are memory-bound with the same three operand sizes: 31 s each
    expect(c.fwdS).toBe(31);
    expect(c.bwdS).toBe(62);
    expect(c.bwdWeightS).toBe(31);
    expect(c.flops).toBe(3 * 2 * 2 * 5 * 3);
    expect(c.kernels).toBe(3);
    c.reset();
    expect([c.flops, c.kernels, c.fwdS, c.bwdS, c.bwdWeightS]).toEqual([0, 0, 0, 0, 0]);
  });
  it('picks the larger of compute and memory time', () => {
    const c = new GemmClock(1, 1, 0, 1e12, 1);
    expect(c.time(2, 2, 2, 1)).toBe(16);
  });
  it('memory time scales with the operand size', () => {
    const c = new GemmClock(1e12, 1, 0, 1, 2);
    // (2·3 + 3·5 + 2·5)·2 B·1 / 1 B/s = 62 s
    expect(c.time(2, 5, 3, 1)).toBe(62);
  });
});
