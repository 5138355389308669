import type Database from 'better-sqlite3';

/** One step of the schema. `up` runs inside a transaction with `user_version` set after it. */
export interface Migration {
  version: number;
  description: string;
  up(db: Database.Database): void;
}

/**
 * The schema, in order. Append only: never edit or remove a released migration (stores in the
 * field were built by it). `PRAGMA user_version` records the last applied version.
 */
export const migrations: readonly Migration[] = [
  {
    version: 1,
    description: 'runs, their capacity timeline, events and JSON blobs',
    up(db) {
      db.exec(`
        CREATE TABLE runs (
          id TEXT PRIMARY KEY,
          created_at TEXT NOT NULL,
          name TEXT NOT NULL,
          scenario_json TEXT,
          summary_json TEXT NOT NULL
        ) STRICT;
        CREATE TABLE run_timeline (
          run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
          day REAL NOT NULL,
          gpu_type TEXT NOT NULL,
          gpus_online REAL NOT NULL,
          PRIMARY KEY (run_id, day, gpu_type)
        ) STRICT, WITHOUT ROWID;
        CREATE TABLE run_events (
          run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
          seq INTEGER NOT NULL,
          day REAL NOT NULL,
          kind TEXT NOT NULL,
          data_json TEXT,
          PRIMARY KEY (run_id, seq)
        ) STRICT, WITHOUT ROWID;
        CREATE TABLE run_blobs (
          run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
          name TEXT NOT NULL,
          json TEXT NOT NULL,
          PRIMARY KEY (run_id, name)
        ) STRICT, WITHOUT ROWID;
      `);
    },
  },
  {
    version: 2,
    description: 'index run events by kind (interruptions, milestones)',
    up(db) {
      db.exec('CREATE INDEX run_events_by_kind ON run_events (run_id, kind, seq);');
    },
  },
];

/** `PRAGMA application_id` of a colossus store ("Colo"). */
export const storeApplicationId = 0x436f6c6f;
