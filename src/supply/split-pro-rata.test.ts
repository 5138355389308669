import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitProRata } from './split-pro-rata.js';

describe('splitProRata', () => {
  it('splits in proportion, remainder to the largest fraction', () => {
    expect(splitProRata(10, [10, 10, 10])).toEqual([4, 3, 3]);
    expect(splitProRata(100, [300, 100])).toEqual([75, 25]);
  });
  it('gives every claim in full when supply suffices', () => {
    expect(splitProRata(100, [3, 4])).toEqual([3, 4]);
  });
  it('never exceeds a claim and sums to min(total, claims)', () => {
    fc.assert(
      fc.property(fc.nat(1_000_000), fc.array(fc.nat(100_000), { maxLength: 20 }), (total, claims) => {
        const shares = splitProRata(total, claims);
        const claimed = claims.reduce((s, c) => s + c, 0);
        expect(shares.reduce((s, x) => s + x, 0)).toBe(Math.min(total, claimed));
        shares.forEach((s, i) => {
          expect(Number.isInteger(s)).toBe(true);
          expect(s).toBeGreaterThanOrEqual(0);
          expect(s).toBeLessThanOrEqual(claims[i] ?? 0);
        });
      }),
    );
  });
});
