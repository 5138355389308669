import { describe, expect, it } from 'vitest';
import { availabilityOptimalIntervalS, dalyIntervalS, intervalForPolicy, youngIntervalS } from './checkpoint.js';
import { firstOrderEttr, optimumEttr } from './closed-form.js';

describe('checkpoint intervals (reliability.md §4)', () => {
  it('Young: the worked example M = 30 min, δ = 60 s gives about 7.7 min', () => {
    expect(youngIntervalS(60, 1800) / 60).toBeCloseTo(7.75, 1);
  });

  it('Daly is close to Young for small δ/M and falls back to M for δ ≥ 2M', () => {
    const y = youngIntervalS(30, 3 * 3600);
    const d = dalyIntervalS(30, 3 * 3600);
    expect(Math.abs(d - y) / y).toBeLessThan(0.05);
    expect(dalyIntervalS(1000, 400)).toBe(400);
  });

  it('availability-optimal (NVIDIA) compute interval is √(2(T_f+T_r)T_s + T_s²)', () => {
    expect(availabilityOptimalIntervalS(30, 3600, 60)).toBeCloseTo(Math.sqrt(2 * 3660 * 30 + 900), 9);
    expect(intervalForPolicy('availability', 30, 3600, 60)).toBeCloseTo(availabilityOptimalIntervalS(30, 3600, 60), 9);
    expect(intervalForPolicy('auto', 30, 3600, 60)).toBe(dalyIntervalS(30, 3600));
  });

  it('closed forms: first-order ETTR and the optimum overhead', () => {
    const e = firstOrderEttr({ mtbfS: 10800, restartOverheadS: 600, intervalS: 1800, blockS: 30 });
    expect(e).toBeCloseTo((1 - 1500 / 10800) / (1 + 30 / 1800), 12);
    expect(firstOrderEttr({ mtbfS: 100, restartOverheadS: 600, intervalS: 1800, blockS: 30 })).toBe(0);
    // FT-HSDP check (reliability.md §3): R = 10 min at M ≈ 8-12 min gives ETTR near 44%.
    expect(optimumEttr(1, 600, 600)).toBeGreaterThan(0.4);
    expect(optimumEttr(1, 600, 600)).toBeLessThan(0.5);
  });

  it('optimumEttr: δ = 60 s, R = 10 min, M = 30 min → 1/(1 + √(120/1800) + 1/3) = 0.628325; the overhead is the minimum of δ/τ + τ/2M (at Young\'s τ) plus R/M', () => {
    expect(optimumEttr(60, 600, 1800)).toBeCloseTo(0.628325, 6);
    for (const [delta, r, m] of [[60, 600, 1800], [300, 900, 4 * 3600], [10, 120, 600]] as const) {
      const tau = youngIntervalS(delta, m);
      expect(optimumEttr(delta, r, m)).toBeCloseTo(1 / (1 + delta / tau + tau / (2 * m) + r / m), 12);
    }
  });
});
