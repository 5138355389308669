import { beforeAll, describe, expect, it } from 'vitest';
import { formatIssues } from '../core/index.js';
import { mergeShardRows, type ShardRows } from './merge.js';
import { serializeRow } from './row.js';
import { runPoint } from './run-point.js';
import { shardPoints } from './shard.js';
import type { Sweep } from './types.js';
import { SMALL_SWEEP_YAML, smallSweep } from './_test-sweep.js';

let sweep: Sweep;
let unsharded: string;
const shardOutput = (count: number, index: number): ShardRows => ({
  name: `shard-${index}.jsonl`,
  lines: shardPoints(sweep.points, { index, count }).map((k) => serializeRow(runPoint(sweep, k))),
});
const text = (lines: readonly string[]): string => lines.map((l) => `${l}\n`).join('');

beforeAll(() => {
  sweep = smallSweep();
  unsharded = text(shardOutput(1, 0).lines);
});

describe('merge', () => {
  it('N merged shards are byte for byte one unsharded run (N = 1..5, and more shards than points)', () => {
    for (const count of [1, 2, 3, 4, 5, 13]) {
      const shards = Array.from({ length: count }, (_, i) => shardOutput(count, i));
      // Any order of inputs gives the same result.
      const r = mergeShardRows(shards.reverse());
      expect(r.ok, String(count)).toBe(true);
      if (r.ok) expect(text(r.lines)).toBe(unsharded);
    }
  });

  it('refuses a missing shard, naming the missing points', () => {
    const r = mergeShardRows([shardOutput(3, 0), shardOutput(3, 2)]);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(formatIssues(r.issues)).toMatch(/4 of 12 points are missing .*: 1, 4, 7, 10$/);
  });

  it('refuses a shard given twice, naming both places', () => {
    const r = mergeShardRows([shardOutput(2, 0), shardOutput(2, 1), shardOutput(2, 1)]);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(formatIssues(r.issues)).toMatch(/shard-1\.jsonl:1: repeats point 1, already in shard-1\.jsonl:1/);
  });

  it('refuses a shard of another sweep, and a cut-short shard', () => {
    const other = smallSweep(SMALL_SWEEP_YAML.replace('globalBatch: 64', 'globalBatch: 128'));
    expect(other.fingerprint).not.toBe(sweep.fingerprint);
    const foreign: ShardRows = { name: 'foreign.jsonl', lines: shardPoints(other.points, { index: 1, count: 2 }).map((k) => serializeRow(runPoint(other, k))) };
    const r = mergeShardRows([shardOutput(2, 0), foreign]);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(formatIssues(r.issues)).toMatch(new RegExp(`foreign\\.jsonl:1: belongs to another sweep \\(expected sweep ${sweep.fingerprint}, received sweep ${other.fingerprint}\\)`));
    const expected = mergeShardRows([shardOutput(2, 0), shardOutput(2, 1)], other.fingerprint);
    expect(expected.ok).toBe(false);
    const s1 = shardOutput(2, 1);
    const cut = mergeShardRows([shardOutput(2, 0), { name: s1.name, lines: [...s1.lines.slice(0, 3), s1.lines[3]!.slice(0, 40)] }]);
    expect(cut.ok).toBe(false);
    if (!cut.ok) expect(formatIssues(cut.issues)).toMatch(/shard-1\.jsonl:4: is not a JSON row[\s\S]*3 of 12 points are missing .*: 7, 9, 11/);
  });

  it('refuses nothing to merge and rows that are not sweep rows', () => {
    expect(mergeShardRows([]).ok).toBe(false);
    const r = mergeShardRows([{ name: 'x.jsonl', lines: ['{"a":1}'] }]);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(formatIssues(r.issues)).toMatch(/x\.jsonl:1: is not a sweep row/);
  });
});
