import { InputError } from '../../core/index.js';
import { mergeShardRows } from '../merge.js';
import { openFileSink } from './open-sink.js';
import { readShardRows } from './read-shard.js';

export interface MergeSummary {
  sweep: string;
  points: number;
  inputs: number;
  out: string;
}

/**
 * Merge shard outputs (JSON Lines or SQLite, mixed freely) into `out` (format by extension).
 * Refuses, with an InputError naming file and line, foreign, duplicate, malformed or missing rows;
 * nothing is written then.
 */
export function mergeShardFiles(out: string, inputs: readonly string[]): MergeSummary {
  if (inputs.length === 0) throw new InputError([{ path: 'inputs', message: 'are missing', expected: 'one or more shard outputs' }]);
  const merged = mergeShardRows(inputs.map(readShardRows));
  if (!merged.ok) throw new InputError(merged.issues);
  const first = JSON.parse(merged.lines[0] as string) as { axes: Record<string, unknown> };
  const sink = openFileSink(out, Object.keys(first.axes));
  try {
    for (const line of merged.lines) sink.write(line);
    sink.close();
  } catch (err) {
    sink.abort();
    throw err;
  }
  return { sweep: merged.sweep, points: merged.points, inputs: inputs.length, out };
}
