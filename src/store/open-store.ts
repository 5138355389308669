import Database from 'better-sqlite3';
import { migrate } from './migrate.js';
import type { Migration } from './migrations.js';
import { createRunIdGenerator } from './run-id.js';
import type { RunEvent, RunInput, RunListing, RunTimelinePoint, StoredRun } from './run-record.js';
import { StoreError } from './store-error.js';

/** Where `colossus` keeps its runs unless told otherwise (`--db PATH`). */
export const defaultStorePath = './colossus.db';

export interface StoreOptions {
  /** Run id generator (injectable for tests). Default: `createRunIdGenerator()`. */
  newRunId?: () => string;
  /** Clock for `createdAt`. Default: `() => new Date()`. */
  now?: () => Date;
  /** Schema steps (injectable for migration tests). Default: the released `migrations`. */
  migrations?: readonly Migration[];
  /** Milliseconds to wait for another writer's lock. Default 5000. */
  busyTimeoutMs?: number;
}

/** The run store: an embedded SQLite file in WAL mode. */
export interface RunStore {
  readonly path: string;
  readonly schemaVersion: number;
  /** Save a run in one transaction (run, timeline, events, blobs); returns its new id. */
  saveRun(run: RunInput): { id: string; createdAt: string };
  /** All runs, newest first, without their timelines, events and blobs. */
  listRuns(): RunListing[];
  getRun(id: string): StoredRun | undefined;
  /** Delete a run and everything it owns; false if there was no such run. */
  deleteRun(id: string): boolean;
  close(): void;
}

interface RunRow {
  id: string;
  created_at: string;
  name: string;
  scenario_json: string | null;
  summary_json: string;
}

const toJson = (value: unknown): string => JSON.stringify(value ?? null);
const fromJson = (text: string | null): unknown => (text === null ? undefined : JSON.parse(text));

/**
 * Open (creating if needed) the run store at `path` (default `./colossus.db`), bring its schema
 * up to date, and return its API. Refuses, with a `StoreError` and without writing, a file
 * whose schema is newer than this code or that is not a colossus store.
 */
export function openStore(path: string = defaultStorePath, options: StoreOptions = {}): RunStore {
  let db: Database.Database;
  try {
    db = new Database(path, { timeout: options.busyTimeoutMs ?? 5000 });
  } catch (cause) {
    throw new StoreError(`cannot open the run store ${path}: ${(cause as Error).message}`, { cause });
  }
  let schemaVersion: number;
  try {
    // Reading the header first: a refused file is left exactly as it was.
    db.pragma('foreign_keys = ON');
    schemaVersion = migrate(db, path, options.migrations);
    if (path !== ':memory:' && path !== '') db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL'); // WAL + NORMAL: durable across process crashes, atomic always
  } catch (error) {
    db.close();
    if (error instanceof StoreError) throw error;
    throw new StoreError(`cannot open the run store ${path}: ${(error as Error).message}`, { cause: error });
  }

  const newRunId = options.newRunId ?? createRunIdGenerator();
  const now = options.now ?? ((): Date => new Date());
  const insertRun = db.prepare(
    'INSERT INTO runs (id, created_at, name, scenario_json, summary_json) VALUES (?, ?, ?, ?, ?)',
  );
  const insertPoint = db.prepare('INSERT INTO run_timeline (run_id, day, gpu_type, gpus_online) VALUES (?, ?, ?, ?)');
  const insertEvent = db.prepare('INSERT INTO run_events (run_id, seq, day, kind, data_json) VALUES (?, ?, ?, ?, ?)');
  const insertBlob = db.prepare('INSERT INTO run_blobs (run_id, name, json) VALUES (?, ?, ?)');
  const selectRuns = db.prepare('SELECT id, created_at, name, summary_json FROM runs ORDER BY id DESC');
  const selectRun = db.prepare('SELECT id, created_at, name, scenario_json, summary_json FROM runs WHERE id = ?');
  const selectTimeline = db.prepare(
    'SELECT day, gpu_type, gpus_online FROM run_timeline WHERE run_id = ? ORDER BY day, gpu_type',
  );
  const selectEvents = db.prepare('SELECT day, kind, data_json FROM run_events WHERE run_id = ? ORDER BY seq');
  const selectBlobs = db.prepare('SELECT name, json FROM run_blobs WHERE run_id = ? ORDER BY name');
  const deleteStatements = ['run_timeline', 'run_events', 'run_blobs', 'runs'].map((table) =>
    db.prepare(`DELETE FROM ${table} WHERE ${table === 'runs' ? 'id' : 'run_id'} = ?`),
  );

  const save = db.transaction((run: RunInput, id: string, createdAt: string) => {
    insertRun.run(id, createdAt, run.name, run.scenario === undefined ? null : toJson(run.scenario), toJson(run.summary));
    for (const point of run.timeline ?? []) {
      for (const [gpuType, gpus] of Object.entries(point.gpusOnline)) insertPoint.run(id, point.day, gpuType, gpus);
    }
    (run.events ?? []).forEach((event, seq) =>
      insertEvent.run(id, seq, event.day, event.kind, event.data === undefined ? null : toJson(event.data)),
    );
    for (const [name, value] of Object.entries(run.blobs ?? {})) insertBlob.run(id, name, toJson(value));
  });
  const remove = db.transaction((id: string) => {
    let changes = 0;
    for (const statement of deleteStatements) changes = statement.run(id).changes;
    return changes > 0; // the last statement deletes the run row itself
  });

  return {
    path,
    schemaVersion,
    saveRun(run) {
      const id = newRunId();
      const createdAt = now().toISOString();
      try {
        save.immediate(run, id, createdAt);
      } catch (cause) {
        throw new StoreError(`could not save run ${id}: ${(cause as Error).message}`, { cause });
      }
      return { id, createdAt };
    },
    listRuns() {
      return (selectRuns.all() as Omit<RunRow, 'scenario_json'>[]).map((row) => ({
        id: row.id,
        createdAt: row.created_at,
        name: row.name,
        summary: fromJson(row.summary_json),
      }));
    },
    getRun(id) {
      const read = db.transaction((): StoredRun | undefined => {
        const row = selectRun.get(id) as RunRow | undefined;
        if (!row) return undefined;
        const timeline: RunTimelinePoint[] = [];
        let current: { day: number; gpusOnline: Record<string, number> } | undefined;
        for (const p of selectTimeline.all(id) as { day: number; gpu_type: string; gpus_online: number }[]) {
          if (current?.day !== p.day) {
            current = { day: p.day, gpusOnline: {} };
            timeline.push(current);
          }
          current.gpusOnline[p.gpu_type] = p.gpus_online;
        }
        const events = (selectEvents.all(id) as { day: number; kind: string; data_json: string | null }[]).map(
          (e): RunEvent => (e.data_json === null ? { day: e.day, kind: e.kind } : { day: e.day, kind: e.kind, data: fromJson(e.data_json) }),
        );
        const blobs: Record<string, unknown> = {};
        for (const b of selectBlobs.all(id) as { name: string; json: string }[]) blobs[b.name] = fromJson(b.json);
        return {
          id: row.id,
          createdAt: row.created_at,
          name: row.name,
          summary: fromJson(row.summary_json),
          scenario: fromJson(row.scenario_json),
          timeline,
          events,
          blobs,
        };
      });
      return read();
    },
    deleteRun(id) {
      return remove.immediate(id);
    },
    close() {
      db.close();
    },
  };
}
