import { InputError } from '../core/index.js';
import type { Shard } from './types.js';

/** The whole sweep as one shard. */
export const WHOLE: Shard = { index: 0, count: 1 };

/**
 * Parse `i/N` (0 ≤ i < N). Both numbers may come from a scheduler's environment
 * (`$JOB_COMPLETION_INDEX/N`, `$SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT`).
 */
export function parseShard(text: string, flag = '--shard'): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || !Number.isSafeInteger(index) || !Number.isSafeInteger(count) || count < 1 || count > 1_000_000 || index >= count) {
    throw new InputError([
      { path: flag, message: 'is not a valid shard', expected: 'i/N with 0 <= i < N <= 1000000, e.g. 0/4', received: JSON.stringify(text) },
    ]);
  }
  return { index, count };
}

/**
 * Round-robin sharding: point k belongs to shard k mod N. Neighbouring points (which differ in
 * the fastest axis and cost about the same) land on different shards, so shards finish together
 * even when a slow axis (GPU count, model size) makes whole blocks of the grid expensive.
 */
export function shardOf(point: number, count: number): number {
  return point % count;
}

/** The points of one shard, ascending. */
export function shardPoints(points: number, shard: Shard): number[] {
  const out: number[] = [];
  for (let k = shard.index; k < points; k += shard.count) out.push(k);
  return out;
}

export function formatShard(shard: Shard): string {
  return `${shard.index}/${shard.count}`;
}
