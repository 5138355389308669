import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../core/index.js';
import { serializeRow } from '../row.js';
import { runPoint } from '../run-point.js';
import type { Sweep } from '../types.js';
import { smallSweep } from '../_test-sweep.js';
import { jsonlFileSink } from './jsonl-sink.js';
import { mergeShardFiles } from './merge-files.js';
import { openFileSink } from './open-sink.js';
import { runSweepPoints } from './pool.js';
import { readShardRows } from './read-shard.js';
import { runSweep } from './run-sweep.js';
import { SWEEP_TABLE } from './sqlite-sink.js';

// The compiled worker (`npm run build`; `npm test` builds first). From .ts sources there is none.
const compiledWorker = fileURLToPath(new URL('../../../dist/sweep/node/worker.js', import.meta.url));
const haveWorker = existsSync(compiledWorker);
const dir = mkdtempSync(join(tmpdir(), 'colossus-sweep-'));

let sweep: Sweep;
let expected: string[];
beforeAll(() => {
  sweep = smallSweep();
  expected = Array.from({ length: sweep.points }, (_, k) => serializeRow(runPoint(sweep, k)));
});

async function collect(points: readonly number[], threads: number, workerUrl?: URL, inThreadToo = true) {
  const lines: string[] = [];
  const order: number[] = [];
  const r = await runSweepPoints(sweep, points, (line, k) => (lines.push(line), order.push(k)), { threads, inThreadToo, ...(workerUrl ? { workerUrl } : {}) });
  return { lines, order, ...r };
}

describe('sweep pool', () => {
  it('in this thread: rows in point order, the same as runPoint', async () => {
    const r = await collect([0, 3, 6, 9], 4); // no compiled worker from .ts sources: in this thread
    expect(r.usesWorkers).toBe(false);
    expect(r.order).toEqual([0, 3, 6, 9]);
    expect(r.lines).toEqual([0, 3, 6, 9].map((k) => expected[k]));
  });

  it.skipIf(!haveWorker)('worker threads give byte-identical rows, in point order (needs dist/: npm run build)', async () => {
    const all = Array.from({ length: sweep.points }, (_, k) => k);
    // Workers only: every row comes from a worker thread.
    const workersOnly = await collect(all, 2, pathToFileURL(compiledWorker), false);
    expect(workersOnly).toMatchObject({ usesWorkers: true, threads: 2, pointsOnWorkers: 12 });
    expect(workersOnly.order).toEqual(all);
    expect(workersOnly.lines).toEqual(expected);
    // This thread and a worker share the queue: the same rows, whoever computed them.
    const shared = await collect(all, 2, pathToFileURL(compiledWorker));
    expect(shared).toMatchObject({ usesWorkers: true, threads: 2 });
    expect(shared.order).toEqual(all);
    expect(shared.lines).toEqual(expected);
  });

  it('a failing worker rejects the run and leaves no output file', async () => {
    const bad = join(dir, 'bad-worker.mjs');
    writeFileSync(bad, 'throw new Error("boom");\n');
    const out = join(dir, 'failed.jsonl');
    await expect(runSweep(sweep, jsonlFileSink(out), { threads: 2, inThreadToo: false, workerUrl: pathToFileURL(bad) })).rejects.toThrow(/boom/);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.startsWith('failed'))).toEqual([]);
  });
});

describe('sweep outputs', () => {
  it('JSON Lines file: one row per line, in point order; the summary counts error rows', async () => {
    const out = join(dir, 'all.jsonl');
    const s = await runSweep(sweep, jsonlFileSink(out), { threads: 1 });
    expect(readFileSync(out, 'utf8')).toBe(expected.map((l) => `${l}\n`).join(''));
    expect(s).toMatchObject({ points: 12, shard: '0/1', shardPoints: 12, errors: 4, ok: 8, threads: 1, usesWorkers: false });
  });

  it('SQLite: one table, a column per axis, the rows as JSON; SQLite and JSONL shards merge to the unsharded JSONL', async () => {
    const axes = sweep.axes.map((a) => a.path);
    const db0 = join(dir, 'shard-0.db');
    const j1 = join(dir, 'shard-1.jsonl');
    await runSweep(sweep, openFileSink(db0, axes), { threads: 1, shard: { index: 0, count: 2 } });
    await runSweep(sweep, openFileSink(j1, axes), { threads: 1, shard: { index: 1, count: 2 } });
    const db = new Database(db0, { readonly: true });
    const rows = db.prepare(`SELECT point, "system.gpu" AS gpu, "system.gpus" AS gpus, parallel, ok, tokensPerSecPerGpu, plan, error FROM ${SWEEP_TABLE} ORDER BY point`).all() as Record<string, unknown>[];
    db.close();
    expect(rows.map((r) => r['point'])).toEqual([0, 2, 4, 6, 8, 10]);
    expect(rows[0]).toMatchObject({ gpu: 'h100-sxm', gpus: 8, parallel: null, ok: 1, error: null });
    expect(JSON.parse(rows[0]?.['plan'] as string)).toHaveProperty('tp');
    expect(rows[3]).toMatchObject({ gpu: 'b200', gpus: 8 });
    expect(readShardRows(db0).lines).toEqual(expected.filter((_, k) => k % 2 === 0));

    const merged = join(dir, 'merged.jsonl');
    mergeShardFiles(merged, [j1, db0]);
    expect(readFileSync(merged, 'utf8')).toBe(expected.map((l) => `${l}\n`).join(''));
    const mergedDb = join(dir, 'merged.db');
    mergeShardFiles(mergedDb, [db0, j1]);
    expect(readShardRows(mergedDb).lines).toEqual(expected);
  });

  it('merge refuses a missing shard and writes nothing; unreadable inputs are input errors', () => {
    const out = join(dir, 'never.jsonl');
    expect(() => mergeShardFiles(out, [join(dir, 'shard-1.jsonl')])).toThrow(/6 of 12 points are missing/);
    expect(existsSync(out)).toBe(false);
    expect(() => mergeShardFiles(out, [join(dir, 'nope.jsonl')])).toThrow(InputError);
    const notSweep = join(dir, 'other.db');
    new Database(notSweep).exec('CREATE TABLE t (x)');
    expect(() => mergeShardFiles(out, [notSweep])).toThrow(/not a sweep output/);
  });
});
