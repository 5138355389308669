import { describe, expect, it } from 'vitest';
import { bucketedExposedS, ddpBucketParams, ddpBuckets } from './overlap.js';

// Bucket i of u is released at (i+1)·W/u and the network serves them in turn, so the queue
// drains at max(W + c/u, W/u + c): exposed beyond the window, max(c/u, c − W·(1 − 1/u)).
describe('bucketedExposedS', () => {
  it('two buckets, a window of half the comm time: c − W/2 of it is exposed', () => {
    // c = 1, W = 0.5, u = 2: drains at max(0.5 + 0.5, 0.25 + 1) = 1.25, i.e. 0.75 past W.
    expect(bucketedExposedS(1, 0.5, 2)).toBeCloseTo(0.75, 12);
    // c = 1, W = 2, u = 4: max(2 + 0.25, 0.5 + 1) − 2 = 0.25, the last bucket alone.
    expect(bucketedExposedS(1, 2, 4)).toBeCloseTo(0.25, 12);
    // c = 2, W = 1, u = 4: max(1 + 0.5, 0.25 + 2) − 1 = 1.25.
    expect(bucketedExposedS(2, 1, 4)).toBeCloseTo(1.25, 12);
  });

  it('one bucket is never hidden', () => {
    expect(bucketedExposedS(1, 5, 1)).toBe(1);
  });

  it('fewer than one bucket counts as one; a negative window as none', () => {
    expect(bucketedExposedS(1, 10, 0)).toBe(1);
    expect(bucketedExposedS(1, 10, 0.5)).toBe(1);
    expect(bucketedExposedS(1, -5, 2)).toBe(1);
    expect(bucketedExposedS(1, -5, 1)).toBe(1);
  });

  it('no (or negative) comm time exposes nothing', () => {
    expect(bucketedExposedS(0, 0, 4)).toBe(0);
    expect(bucketedExposedS(-1, 0, 1)).toBe(0);
    expect(bucketedExposedS(-1, 0, 4)).toBe(0);
  });
});

describe("Megatron-Core's DDP buckets", () => {
  it('max(40M, 1M × dp) parameters per bucket', () => {
    expect(ddpBucketParams(8)).toBe(40_000_000);
    expect(ddpBucketParams(40)).toBe(40_000_000);
    expect(ddpBucketParams(64)).toBe(64_000_000);
  });

  it('⌈params per chunk / bucket⌉ per chunk, at least one each', () => {
    expect(ddpBuckets(3.2e9, 8, 128)).toBe(8 * 4);
    expect(ddpBuckets(81e6, 1, 8)).toBe(3);
    expect(ddpBuckets(0, 4, 8)).toBe(4);
    expect(ddpBuckets(1, 2, 8)).toBe(2);
  });
});
