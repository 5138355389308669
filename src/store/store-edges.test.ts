import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrations } from './migrations.js';
import { openStore } from './open-store.js';
import type { RunInput } from './run-record.js';
import { StoreError } from './store-error.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'colossus-store-edges-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const latest = migrations.at(-1)?.version as number;
const run: RunInput = {
  name: 'r',
  summary: { timeToModelDays: 100 },
  scenario: { s: 1 },
  events: [{ day: 1, kind: 'interruption' }, { day: 2, kind: 'milestone', data: { label: 'x' } }],
  blobs: { result: { ok: true }, other: [1] },
};
const sql = (path: string, text: string): void => {
  const raw = new Database(path);
  raw.exec(text);
  raw.close();
};
/** The StoreError `fn` throws (the test fails when it throws none or another kind). */
function storeError(fn: () => unknown): StoreError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(StoreError);
    return err as StoreError;
  }
  throw new Error('expected a StoreError');
}
let n = 0;
const newRunId = (): string => `run-${String(++n).padStart(3, '0')}`;

describe('a read-only store', () => {
  it('is never created: a missing file is a StoreError and stays missing', () => {
    const path = join(dir, 'missing.db');
    expect(storeError(() => openStore(path, { readonly: true })).message).toMatch(new RegExp(`^cannot open the run store ${path}: `));
    expect(existsSync(path)).toBe(false);
  });

  it('must be a colossus store of this schema; one opened read-only reports that schema', () => {
    const other = join(dir, 'other.db');
    sql(other, 'CREATE TABLE precious (x TEXT)');
    expect(storeError(() => openStore(other, { readonly: true })).message).toBe(`${other} is not a colossus run store it can read (read-only, application_id 0); refusing to touch it`);
    const old = join(dir, 'old.db');
    openStore(old, { migrations: migrations.slice(0, 1) }).close();
    const before = readFileSync(old);
    expect(storeError(() => openStore(old, { readonly: true })).message).toBe(
      `${old} is read-only and has schema version 1, not ${latest}: it cannot be upgraded here (copy it somewhere writable)`,
    );
    expect(readFileSync(old).equals(before)).toBe(true);
    const v1 = openStore(old, { readonly: true, migrations: migrations.slice(0, 1) });
    expect(v1.schemaVersion).toBe(1);
    v1.close();
    const current = join(dir, 'current.db');
    openStore(current).close();
    const s = openStore(current, { readonly: true });
    expect(s.schemaVersion).toBe(latest);
    expect(s.readonly).toBe(true);
    expect(storeError(() => s.saveRun(run)).message).toBe(`cannot save a run: the run store ${current} is read-only here`);
    expect(storeError(() => s.deleteRun('x')).message).toBe(`cannot delete a run: the run store ${current} is read-only here`);
    s.close();
  });
});

describe('reading a store back', () => {
  it('an event saved without data comes back without data; a damaged event or blob is left out, not returned empty', () => {
    const path = join(dir, 'runs.db');
    const s = openStore(path, { newRunId });
    const { id } = s.saveRun(run);
    expect(s.getRun(id)?.events).toStrictEqual(run.events);
    sql(path, `UPDATE run_events SET data_json = '{' WHERE seq = 1; UPDATE run_blobs SET json = '[' WHERE name = 'other'`);
    const got = s.getRun(id);
    expect(got?.events).toStrictEqual([{ day: 1, kind: 'interruption' }]);
    expect(got?.blobs).toStrictEqual({ result: { ok: true } });
    expect(got?.damaged?.map((d) => d.part)).toEqual(['event 1', 'blob other']);
    for (const d of got?.damaged ?? []) {
      expect(d.id).toBe(id);
      expect(d.problem).toMatch(/^not valid JSON \(\S.*\)$/);
    }
    s.close();
  });

  it('a damaged summary or scenario is named as such', () => {
    const path = join(dir, 'runs.db');
    const s = openStore(path, { newRunId });
    const { id } = s.saveRun(run);
    sql(path, `UPDATE runs SET summary_json = '{"a":', scenario_json = 'nope'`);
    const got = s.getRun(id);
    expect(got?.summary).toBe(null);
    expect(got?.scenario).toBe(undefined);
    expect(got?.damaged?.map((d) => d.part)).toEqual(['summary', 'scenario']);
    expect(s.listRuns()).toEqual([]);
    expect(s.damaged().map((d) => d.part)).toEqual(['summary']);
    s.close();
  });

  it('a healthy store checks clean; damaged() is empty before any listing', () => {
    const s = openStore(join(dir, 'runs.db'), { newRunId });
    expect(s.damaged()).toEqual([]);
    s.saveRun(run);
    s.saveRun(run);
    expect(s.check()).toEqual({ integrity: [], damaged: [], runs: 2 });
    s.close();
  });

  it('a table dropped under an open store: each read says what it could not read, with the path and what to run', () => {
    const path = join(dir, 'runs.db');
    const s = openStore(path, { newRunId });
    const { id } = s.saveRun(run);
    sql(path, 'DROP TABLE run_events');
    const one = storeError(() => s.getRun(id));
    expect(one.message).toMatch(new RegExp(`^cannot read run ${id} from the run store ${path}: .*no such table.* \\(try colossus runs check --db ${path}\\)$`));
    expect(one.cause).toBeDefined();
    expect(s.check().damaged).toEqual([{ id, part: 'rows', problem: one.message }]);
    sql(path, 'DROP TABLE run_timeline; DROP TABLE run_blobs; DROP TABLE runs');
    expect(storeError(() => s.listRuns()).message).toMatch(new RegExp(`^cannot read the list of runs from the run store ${path}: `));
    expect(storeError(() => s.check()).message).toMatch(new RegExp(`^cannot read the run ids from the run store ${path}: `));
    s.close();
  });

  it('a failed save keeps the SQLite error as its cause; close releases the file (WAL folded back)', () => {
    const path = join(dir, 'runs.db');
    const s = openStore(path, { newRunId: () => 'same' });
    s.saveRun(run);
    expect(existsSync(`${path}-wal`)).toBe(true);
    const dup = storeError(() => s.saveRun(run));
    expect(dup.message).toMatch(/^could not save run same: /);
    expect((dup.cause as Error | undefined)?.message).toMatch(/UNIQUE/);
    s.close();
    expect(existsSync(`${path}-wal`)).toBe(false);
  });

  it('refusals keep their own message (not re-wrapped); a failing migration keeps its cause', () => {
    const path = join(dir, 'future.db');
    openStore(path).close();
    sql(path, 'PRAGMA user_version = 99');
    expect(storeError(() => openStore(path)).message).toMatch(new RegExp(`^${path} has run-store schema version 99`));
    const fresh = join(dir, 'fresh.db');
    const boom = new Error('boom');
    const err = storeError(() => openStore(fresh, { migrations: [{ version: 1, description: 'fails', up: () => { throw boom; } }] }));
    expect(err.message).toBe(`cannot open the run store ${fresh}: boom`);
    expect(err.cause).toBe(boom);
  });
});
