import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { moeLoadFactor } from './moe-imbalance.js';
import { expectedMaxNormal, normalQuantile } from './normal.js';
import { GPU_SPEED_SD, stragglerFraction } from './stragglers.js';

describe('expected maximum of normals', () => {
  it('matches tabulated values (n = 2, 10, 100, 1000: 0.564, 1.539, 2.508, 3.241)', () => {
    expect(expectedMaxNormal(1)).toBe(0);
    expect(expectedMaxNormal(2)).toBeCloseTo(0.564, 1);
    expect(expectedMaxNormal(10)).toBeCloseTo(1.539, 1);
    expect(expectedMaxNormal(100)).toBeCloseTo(2.508, 1);
    expect(expectedMaxNormal(1000)).toBeCloseTo(3.241, 1);
  });
  it('inverts the CDF', () => {
    expect(normalQuantile(0.5)).toBeCloseTo(0, 8);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232, 5);
  });
});

describe('stragglers', () => {
  it('grow with the number of GPUs, slowly', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 2_000_000 }), fc.integer({ min: 1, max: 2_000_000 }), (a, b) => {
      const [lo, hi] = a < b ? [a, b] : [b, a];
      expect(stragglerFraction(hi)).toBeGreaterThanOrEqual(stragglerFraction(lo));
    }));
    expect(stragglerFraction(1)).toBe(0);
    expect(GPU_SPEED_SD).toBeGreaterThan(0.005);
    expect(GPU_SPEED_SD).toBeLessThan(0.02);
    // The slowest of 16k GPUs vs the slowest of 1M: a few percent, about a point apart.
    expect(stragglerFraction(1_048_576) - stragglerFraction(16_384)).toBeGreaterThan(0.005);
    expect(stragglerFraction(1_048_576)).toBeLessThan(0.06);
  });
});

describe('MoE load imbalance', () => {
  it('is 1 for balanced routing or a single expert-parallel rank, above 1 otherwise', () => {
    expect(moeLoadFactor('balanced', 64, 8, 1e4)).toBe(1);
    expect(moeLoadFactor('aux-loss', 64, 1, 1e4)).toBe(1);
    expect(moeLoadFactor('aux-loss', 64, 8, 1e4)).toBeGreaterThan(1);
  });
  it('loss-free balancing is more even than an auxiliary loss; a capacity factor caps the load', () => {
    fc.assert(fc.property(fc.constantFrom(8, 16, 64, 256), fc.constantFrom(2, 4, 8, 16, 64), fc.integer({ min: 16, max: 1e6 }), (experts, ep, copies) => {
      if (ep > experts) return;
      const aux = moeLoadFactor('aux-loss', experts, ep, copies);
      expect(moeLoadFactor('loss-free', experts, ep, copies)).toBeLessThanOrEqual(aux);
      expect(moeLoadFactor('aux-loss', experts, ep, copies, 1.25)).toBeLessThanOrEqual(Math.max(1.25, 1));
    }));
  });
  it('spreads less when each rank holds more experts, more over more ranks', () => {
    expect(moeLoadFactor('aux-loss', 256, 8, 1e5)).toBeLessThan(moeLoadFactor('aux-loss', 256, 256, 1e5));
    expect(moeLoadFactor('aux-loss', 256, 64, 1e5)).toBeLessThan(moeLoadFactor('aux-loss', 64, 64, 1e5));
  });
});
