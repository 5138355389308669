import { describe, expect, it } from 'vitest';
import { Rng, deriveSeed } from './rng.js';

describe('Rng (sfc32 seeded by splitmix32)', () => {
  it('is deterministic per seed and differs between seeds', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const xs = Array.from({ length: 8 }, () => a.nextU32());
    expect(Array.from({ length: 8 }, () => b.nextU32())).toEqual(xs);
    expect(Array.from({ length: 8 }, () => c.nextU32())).not.toEqual(xs);
  });

  it('reseed restarts the stream', () => {
    const a = new Rng(7);
    const first = a.next();
    a.next();
    a.reseed(7);
    expect(a.next()).toBe(first);
  });

  it('draws uniforms in [0,1) and exponentials with the right mean', () => {
    const r = new Rng(1);
    let sum = 0;
    let sumU = 0;
    const n = 200_000;
    let inRange = true;
    for (let i = 0; i < n; i++) {
      const u = r.next();
      inRange &&= u >= 0 && u < 1;
      sumU += u;
      sum += r.exponential(3);
    }
    expect(inRange).toBe(true);
    expect(sumU / n).toBeCloseTo(0.5, 2);
    expect(sum / n).toBeGreaterThan(2.97);
    expect(sum / n).toBeLessThan(3.03);
  });

  it('derives distinct seeds for (seed, replication, stream) paths', () => {
    const seen = new Set<number>();
    for (let s = 0; s < 4; s++) for (let r = 0; r < 50; r++) for (let c = 0; c < 20; c++) seen.add(deriveSeed(s, r, c));
    expect(seen.size).toBe(4 * 50 * 20);
    expect(deriveSeed(1, 2, 3)).toBe(deriveSeed(1, 2, 3));
    expect(deriveSeed(1, 2, 3)).not.toBe(deriveSeed(1, 3, 2));
  });
});
