import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate } from './migrate.js';
import { migrations, storeApplicationId, type Migration } from './migrations.js';
import { StoreError } from './store-error.js';

let dir: string;
const open: Database.Database[] = [];
const db = (path: string, options?: Database.Options): Database.Database => {
  const d = new Database(path, options);
  open.push(d);
  return d;
};
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'colossus-migrate-'));
});
afterEach(() => {
  for (const d of open.splice(0)) if (d.open) d.close();
  rmSync(dir, { recursive: true, force: true });
});
const latest = migrations.at(-1)?.version as number;
const tables = (d: Database.Database): number => (d.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'").get() as { n: number }).n;

/** A StoreError's message (the test fails when `fn` does not throw one). */
function storeError(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(StoreError);
    return (err as Error).message;
  }
  throw new Error('expected a StoreError');
}

describe('migrate', () => {
  it('with no migrations an empty database stays empty at version 0', () => {
    const d = db(':memory:');
    expect(migrate(d, 'mem.db', [])).toBe(0);
    expect(d.pragma('user_version', { simple: true })).toBe(0);
    expect(d.pragma('application_id', { simple: true })).toBe(0);
  });

  it('refuses a database of another application, writing nothing', () => {
    const d = db(':memory:');
    d.pragma('application_id = 1234');
    expect(storeError(() => migrate(d, 'other.db'))).toBe('other.db is not a colossus run store (application_id 1234); refusing to touch it');
    expect(tables(d)).toBe(0);
    expect(d.pragma('user_version', { simple: true })).toBe(0);
  });

  it('refuses a newer schema and says the file was left untouched', () => {
    const d = db(':memory:');
    d.pragma(`application_id = ${storeApplicationId}`);
    d.pragma(`user_version = ${latest + 1}`);
    expect(storeError(() => migrate(d, 'new.db'))).toBe(
      `new.db has run-store schema version ${latest + 1}, newer than this colossus knows (${latest}); upgrade colossus to read it (the file was left untouched)`,
    );
  });

  it('an up-to-date store is opened without the write lock (another writer holding it does not block a reader)', () => {
    const path = join(dir, 'runs.db');
    expect(migrate(db(path), path)).toBe(latest);
    const writer = db(path);
    writer.exec('BEGIN IMMEDIATE');
    const reader = db(path, { timeout: 0 });
    expect(migrate(reader, path)).toBe(latest);
    writer.exec('ROLLBACK');
  });

  it('another process migrating between our look and our lock: its migration is not run a second time', () => {
    const path = join(dir, 'runs.db');
    const mine = db(path);
    const theirs = db(path);
    let raced = false;
    const counted: Migration[] = migrations.map((m) => ({ ...m, up: (d) => { ups.push(m.version); m.up(d); } }));
    const ups: number[] = [];
    // The other process migrates just before our first write transaction starts.
    const racing = new Proxy(mine, {
      get(target, prop) {
        if (prop === 'transaction' && !raced) {
          raced = true;
          migrate(theirs, path, counted);
        }
        const v = Reflect.get(target, prop) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
    expect(migrate(racing, path, counted)).toBe(latest);
    expect(raced).toBe(true);
    expect(ups).toEqual(migrations.map((m) => m.version)); // each once, all by the other process
  });
});
