import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrations } from './migrations.js';
import { openStore } from './open-store.js';
import type { RunInput } from './run-record.js';
import { StoreError } from './store-error.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'colossus-store-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const ids = (): (() => string) => {
  let n = 0;
  return () => `run-${String(++n).padStart(3, '0')}`;
};
const fixedClock = (): Date => new Date('2024-09-02T00:00:00Z');

const sampleRun: RunInput = {
  name: 'colossus',
  scenario: { phases: 2 },
  summary: { timeToModelDays: 123.5, energy: { mwh: 1e5 } },
  timeline: [
    { day: 0, gpusOnline: { 'h100-sxm': 0 } },
    { day: 65, gpusOnline: { 'h100-sxm': 1506, 'h200-sxm': 0 } },
  ],
  events: [
    { day: 65, kind: 'milestone', data: { what: 'first GPUs online' } },
    { day: 70.25, kind: 'interruption' },
  ],
  blobs: { result: { ok: true, list: [1, 2, 3] } },
};

describe('openStore', () => {
  it('saves, lists, reads back and deletes runs', () => {
    const store = openStore(join(dir, 'runs.db'), { newRunId: ids(), now: fixedClock });
    expect(store.schemaVersion).toBe(migrations.at(-1)?.version);
    const first = store.saveRun(sampleRun);
    const second = store.saveRun({ name: 'what-if', summary: { n: 2 } });
    expect(first).toEqual({ id: 'run-001', createdAt: '2024-09-02T00:00:00.000Z' });
    expect(store.listRuns()).toEqual([
      { id: 'run-002', createdAt: '2024-09-02T00:00:00.000Z', name: 'what-if', summary: { n: 2 } },
      { id: 'run-001', createdAt: '2024-09-02T00:00:00.000Z', name: 'colossus', summary: sampleRun.summary },
    ]);
    expect(store.getRun('run-001')).toEqual({
      id: 'run-001',
      createdAt: '2024-09-02T00:00:00.000Z',
      name: 'colossus',
      scenario: { phases: 2 },
      summary: sampleRun.summary,
      timeline: sampleRun.timeline,
      events: sampleRun.events,
      blobs: sampleRun.blobs,
    });
    expect(store.getRun(second.id)).toMatchObject({ scenario: undefined, timeline: [], events: [], blobs: {} });
    expect(store.getRun('nope')).toBeUndefined();
    expect(store.deleteRun('run-001')).toBe(true);
    expect(store.deleteRun('run-001')).toBe(false);
    expect(store.listRuns().map((r) => r.id)).toEqual(['run-002']);
    store.close();
  });

  it('keeps runs across reopening, in WAL mode', () => {
    const path = join(dir, 'runs.db');
    const a = openStore(path);
    const { id } = a.saveRun(sampleRun);
    a.close();
    const b = openStore(path);
    expect(b.getRun(id)?.timeline).toEqual(sampleRun.timeline);
    b.close();
    const raw = new Database(path, { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    raw.close();
  });

  it('saves a run all or nothing', () => {
    const store = openStore(join(dir, 'runs.db'), { newRunId: ids() });
    store.saveRun(sampleRun);
    // A duplicate (day, type) point violates the timeline key halfway through the save.
    const broken: RunInput = {
      name: 'broken',
      summary: {},
      timeline: [
        { day: 1, gpusOnline: { a: 1 } },
        { day: 1, gpusOnline: { a: 2 } },
      ],
    };
    expect(() => store.saveRun(broken)).toThrow(StoreError);
    expect(store.listRuns().map((r) => r.id)).toEqual(['run-001']);
    expect(store.getRun('run-002')).toBeUndefined();
    store.close();
  });

  it('refuses a duplicate id from the generator without losing the first run', () => {
    const store = openStore(join(dir, 'runs.db'), { newRunId: () => 'same' });
    store.saveRun(sampleRun);
    expect(() => store.saveRun({ name: 'again', summary: {} })).toThrow(/could not save run same/);
    expect(store.getRun('same')?.name).toBe('colossus');
    store.close();
  });

  it('refuses a store whose schema is newer than the code, leaving it untouched', () => {
    const path = join(dir, 'future.db');
    const store = openStore(path, { newRunId: ids() });
    store.saveRun(sampleRun);
    store.close();
    const raw = new Database(path);
    raw.pragma('user_version = 99');
    raw.close();
    const before = readFileSync(path);
    expect(() => openStore(path)).toThrow(/schema version 99, newer than this colossus knows \(2\)/);
    expect(readFileSync(path).equals(before)).toBe(true);
    const check = new Database(path, { readonly: true });
    expect(check.prepare('SELECT count(*) AS n FROM runs').get()).toEqual({ n: 1 });
    check.close();
  });

  it('refuses an SQLite file that is not a colossus store', () => {
    const path = join(dir, 'other.db');
    const raw = new Database(path);
    raw.exec('CREATE TABLE precious (x TEXT); INSERT INTO precious VALUES (\'keep me\')');
    raw.close();
    expect(() => openStore(path)).toThrow(/not a colossus run store/);
    const check = new Database(path, { readonly: true });
    expect(check.prepare('SELECT x FROM precious').get()).toEqual({ x: 'keep me' });
    check.close();
  });

  it('refuses a file that is not SQLite at all', () => {
    const path = join(dir, 'notes.txt');
    writeFileSync(path, 'hello, this is not a database, but it is long enough to look like a header.....');
    expect(() => openStore(path)).toThrow(StoreError);
    expect(readFileSync(path, 'utf8')).toMatch(/^hello/);
  });

  it('migrates an older store forward, keeping its runs', () => {
    const path = join(dir, 'old.db');
    const v1 = openStore(path, { migrations: migrations.slice(0, 1), newRunId: ids() });
    expect(v1.schemaVersion).toBe(1);
    v1.saveRun(sampleRun);
    v1.close();
    const current = openStore(path);
    expect(current.schemaVersion).toBe(2);
    expect(current.getRun('run-001')?.events).toEqual(sampleRun.events);
    current.close();
    const raw = new Database(path, { readonly: true });
    expect(raw.prepare("SELECT name FROM sqlite_master WHERE name = 'run_events_by_kind'").get()).toBeDefined();
    raw.close();
  });

  it('rolls back a failing migration, leaving the previous version', () => {
    const path = join(dir, 'runs.db');
    openStore(path, { migrations: migrations.slice(0, 1), newRunId: ids() }).close();
    const failing = [
      ...migrations,
      {
        version: 3,
        description: 'fails halfway',
        up(db: Database.Database) {
          db.exec('CREATE TABLE half (x INTEGER)');
          throw new Error('boom');
        },
      },
    ];
    expect(() => openStore(path, { migrations: failing })).toThrow(/boom/);
    const raw = new Database(path, { readonly: true });
    expect(raw.pragma('user_version', { simple: true })).toBe(2);
    expect(raw.prepare("SELECT name FROM sqlite_master WHERE name = 'half'").get()).toBeUndefined();
    raw.close();
  });
});

