import type Database from 'better-sqlite3';
import { migrations as defaultMigrations, storeApplicationId, type Migration } from './migrations.js';
import { StoreError } from './store-error.js';

const pragmaNumber = (db: Database.Database, name: string): number => {
  const value = db.pragma(name, { simple: true });
  return typeof value === 'number' ? value : Number(value);
};

/**
 * Check that `db` is a colossus store this code can read, and bring its schema up to date.
 * Refuses (StoreError, nothing written) a store whose schema is newer than `migrations` knows,
 * or a file that holds something other than a colossus store. Each migration runs in its own
 * IMMEDIATE transaction together with the `user_version` bump, so a crash leaves the previous
 * version intact. Returns the schema version.
 */
export function migrate(db: Database.Database, path: string, migrations: readonly Migration[] = defaultMigrations): number {
  const latest = migrations.at(-1)?.version ?? 0;
  const check = (): number => {
    const applicationId = pragmaNumber(db, 'application_id');
    const version = pragmaNumber(db, 'user_version');
    if (applicationId !== 0 && applicationId !== storeApplicationId) {
      throw new StoreError(`${path} is not a colossus run store (application_id ${applicationId}); refusing to touch it`);
    }
    if (version > latest) {
      throw new StoreError(
        `${path} has run-store schema version ${version}, newer than this colossus knows (${latest}); ` +
          'upgrade colossus to read it (the file was left untouched)',
      );
    }
    if (version === 0) {
      const tables = db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'").get() as { n: number };
      if (tables.n > 0) {
        throw new StoreError(`${path} is an SQLite database but not a colossus run store; refusing to touch it`);
      }
    }
    return version;
  };

  let version = check();
  for (const migration of migrations) {
    if (migration.version <= version) continue;
    const step = db.transaction(() => {
      // Another process may have migrated since we looked: re-check under the write lock.
      if (check() >= migration.version) return;
      migration.up(db);
      db.pragma(`application_id = ${storeApplicationId}`);
      db.pragma(`user_version = ${migration.version}`);
    });
    step.immediate();
    version = check();
  }
  return version;
}
