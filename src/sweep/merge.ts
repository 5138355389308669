import { isRecord, type Issue } from '../core/index.js';

/** One shard's output: its name (for messages) and its rows as serialized lines, in file order. */
export interface ShardRows {
  name: string;
  lines: readonly string[];
}

export type MergeResult = { ok: true; lines: string[]; sweep: string; points: number } | { ok: false; issues: Issue[] };

/** Examples listed in a message before "and N more". */
const LIST_MAX = 10;

/**
 * Combine the rows of a sweep's shards into exactly what one unsharded run writes: every row of
 * the sweep once, in point order, each line byte for byte as its shard wrote it. Refuses (with
 * issues naming the file and line) rows of another sweep (`expectedSweep`, or else the first
 * row's fingerprint), rows of a point seen before (a shard given twice, or overlapping shards),
 * malformed rows, and an incomplete set (a shard missing or cut short).
 */
export function mergeShardRows(inputs: readonly ShardRows[], expectedSweep?: string): MergeResult {
  const issues: Issue[] = [];
  let sweep = expectedSweep;
  let points: number | undefined;
  const byPoint: (string | undefined)[] = [];
  const whereSeen = new Map<number, string>();
  const problem = (name: string, line: number, message: string, extra: { expected?: string; received?: string } = {}): void => {
    if (issues.length < 50) issues.push({ path: '', file: name, line, message, ...extra });
  };
  for (const input of inputs) {
    input.lines.forEach((text, i) => {
      const line = i + 1;
      let row: unknown;
      try {
        row = JSON.parse(text);
      } catch {
        problem(input.name, line, 'is not a JSON row');
        return;
      }
      if (!isRecord(row) || typeof row['sweep'] !== 'string' || !Number.isSafeInteger(row['point']) || !Number.isSafeInteger(row['points'])) {
        problem(input.name, line, 'is not a sweep row', { expected: 'an object with sweep, point and points' });
        return;
      }
      const rowSweep = row['sweep'];
      const point = row['point'] as number;
      const rowPoints = row['points'] as number;
      sweep ??= rowSweep;
      points ??= rowPoints;
      if (rowSweep !== sweep) {
        problem(input.name, line, 'belongs to another sweep', { expected: `sweep ${sweep}`, received: `sweep ${rowSweep}` });
        return;
      }
      if (rowPoints !== points || point < 0 || point >= rowPoints) {
        problem(input.name, line, 'has an inconsistent point number', { expected: `a point of 0..${points - 1}`, received: `point ${point} of ${rowPoints}` });
        return;
      }
      const seen = whereSeen.get(point);
      if (seen !== undefined) {
        problem(input.name, line, `repeats point ${point}, already in ${seen} (a shard given twice, or overlapping shards)`);
        return;
      }
      whereSeen.set(point, `${input.name}:${line}`);
      byPoint[point] = text;
    });
  }
  if (sweep === undefined || points === undefined) {
    if (issues.length === 0) issues.push({ path: '', message: 'no rows to merge', expected: 'shard outputs of one sweep' });
    return { ok: false, issues };
  }
  const missing: number[] = [];
  for (let k = 0; k < points; k++) if (byPoint[k] === undefined) missing.push(k);
  if (missing.length > 0) {
    const shown = missing.slice(0, LIST_MAX).join(', ');
    issues.push({
      path: '',
      message: `${missing.length} of ${points} points are missing (a shard not given, failed or cut short): ${shown}${missing.length > LIST_MAX ? `, and ${missing.length - LIST_MAX} more` : ''}`,
    });
  }
  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, lines: byPoint as string[], sweep, points };
}
