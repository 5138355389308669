import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bandFor, bandKeys, fitBands, MIN_GROUP_CASES, type BandDrivers } from './bands.js';

const hopperDense: BandDrivers = { family: 'other', arch: 'hopper', moe: false, long: false };

describe('split-conformal error bands', () => {
  it('takes the ⌈(n+1)·c⌉-th smallest absolute log residual of the group', () => {
    const res = Array.from({ length: 9 }, (_, i) => ({ logRatio: (i % 2 ? -1 : 1) * (i + 1) * 0.01, drivers: hopperDense }));
    const t = fitBands(res, 0.8);
    // n = 9: ⌈10·0.8⌉ = 8th smallest of 0.01..0.09
    expect(t.groups[bandKeys(hopperDense)[0] as string]?.q).toBeCloseTo(0.08, 12);
  });

  it('falls back to a coarser group when the specific one rests on too few cases', () => {
    const res = [
      ...Array.from({ length: MIN_GROUP_CASES - 1 }, () => ({ logRatio: 0.5, drivers: { ...hopperDense, long: true } })),
      ...Array.from({ length: 20 }, () => ({ logRatio: 0.1, drivers: hopperDense })),
    ];
    const b = bandFor(1000, { ...hopperDense, long: true }, fitBands(res));
    expect(b?.group).toBe('other|hopper|dense');
    expect(b?.cases).toBe(20 + MIN_GROUP_CASES - 1);
  });

  it('always contains the prediction, and widens with the coverage asked for (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: MIN_GROUP_CASES, maxLength: 60 }), fc.double({ min: 1, max: 1e6, noNaN: true }), (lrs, pred) => {
        const res = lrs.map((logRatio) => ({ logRatio, drivers: hopperDense }));
        const lo = bandFor(pred, hopperDense, fitBands(res, 0.5));
        const hi = bandFor(pred, hopperDense, fitBands(res, 0.9));
        if (!lo || !hi) return false;
        return lo.low <= pred && pred <= lo.high && hi.high >= lo.high && hi.low <= lo.low;
      }),
    );
  });
});
