import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareRanked } from './rank-order.js';

describe('the search ranking (compareRanked)', () => {
  it('an exactly equal score ranks the plan on fewer GPUs first, whichever was found first', () => {
    const big = { score: 1000, gpusUsed: 16, id: 'big' };
    const small = { score: 1000, gpusUsed: 8, id: 'small' };
    expect([big, small].sort(compareRanked).map((p) => p.id)).toEqual(['small', 'big']);
    expect([small, big].sort(compareRanked).map((p) => p.id)).toEqual(['small', 'big']);
    expect(compareRanked(small, big)).toBeLessThan(0);
    expect(compareRanked(big, small)).toBeGreaterThan(0);
  });

  it('a higher score wins over fewer GPUs; same score and GPUs keep the order found (the simplest first)', () => {
    const fast = { score: 1001, gpusUsed: 16, id: 'fast' };
    const slow = { score: 1000, gpusUsed: 8, id: 'slow' };
    expect([slow, fast].sort(compareRanked).map((p) => p.id)).toEqual(['fast', 'slow']);
    const first = { score: 5, gpusUsed: 8, id: 'zero-0' };
    const second = { score: 5, gpusUsed: 8, id: 'zero-1' };
    expect(compareRanked(first, second)).toBe(0);
    expect([first, second].sort(compareRanked).map((p) => p.id)).toEqual(['zero-0', 'zero-1']);
  });

  it('sorting gives score descending, then GPUs ascending (any list)', () => {
    const plan = fc.record({ score: fc.integer({ min: 0, max: 4 }), gpusUsed: fc.constantFrom(1, 2, 4, 8, 16) });
    fc.assert(
      fc.property(fc.array(plan, { maxLength: 12 }), (plans) => {
        const sorted = [...plans].sort(compareRanked);
        for (let i = 1; i < sorted.length; i++) {
          const a = sorted[i - 1]!;
          const b = sorted[i]!;
          expect(a.score > b.score || (a.score === b.score && a.gpusUsed <= b.gpusUsed)).toBe(true);
        }
      }),
    );
  });
});
