import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../core/index.js';
import { parseShard, shardOf, shardPoints } from './shard.js';

describe('shards', () => {
  it('parses i/N and refuses anything else with the flag as path', () => {
    expect(parseShard('3/8')).toEqual({ index: 3, count: 8 });
    expect(parseShard(' 0 / 1 ')).toEqual({ index: 0, count: 1 });
    for (const bad of ['8/8', '1/0', '-1/4', '1', 'a/b', '1/4/2', '', '1.5/4']) {
      expect(() => parseShard(bad), bad).toThrow(InputError);
      try {
        parseShard(bad);
      } catch (e) {
        expect((e as InputError).issues[0]?.path).toBe('--shard');
      }
    }
  });

  it('round-robin: the N shards partition the points, each ascending, k in shard k mod N', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 500 }), fc.integer({ min: 1, max: 40 }), (points, count) => {
        const seen = new Array<number>(points).fill(0);
        for (let index = 0; index < count; index++) {
          const ks = shardPoints(points, { index, count });
          ks.forEach((k, j) => {
            expect(shardOf(k, count)).toBe(index);
            if (j > 0) expect(k).toBeGreaterThan(ks[j - 1] as number);
            seen[k] = (seen[k] ?? 0) + 1;
          });
          // Balanced: shard sizes differ by at most one.
          expect(Math.abs(ks.length - points / count)).toBeLessThan(1);
        }
        expect(seen.every((n) => n === 1)).toBe(true);
      }),
    );
  });
});
