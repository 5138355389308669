import Database from 'better-sqlite3';
import { migrate } from './migrate.js';
import { migrations as defaultMigrations, storeApplicationId, type Migration } from './migrations.js';
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
  /** Open for reading only (also chosen automatically when the file cannot be written). */
  readonly?: boolean;
}

/** A run (or part of one) that could not be read back: which, and why. Reported, then skipped. */
export interface DamagedRun {
  id: string;
  part: string;
  problem: string;
}

/** The run store: an embedded SQLite file in WAL mode. */
export interface RunStore {
  readonly path: string;
  readonly schemaVersion: number;
  /** True when the store was opened read-only (saving and deleting then refuse). */
  readonly readonly: boolean;
  /** Save a run in one transaction (run, timeline, events, blobs); returns its new id. */
  saveRun(run: RunInput): { id: string; createdAt: string };
  /** All runs that can be read, newest first, without their timelines, events and blobs; damaged rows are skipped and reported by `damaged()`. */
  listRuns(): RunListing[];
  /** A run; parts that cannot be read are left out and named in `damaged` of the answer. */
  getRun(id: string): (StoredRun & { damaged?: DamagedRun[] }) | undefined;
  /** The damaged rows the last `listRuns` skipped. */
  damaged(): DamagedRun[];
  /** Every run read in full plus SQLite's integrity check: what is damaged, if anything. */
  check(): { integrity: string[]; damaged: DamagedRun[]; runs: number };
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

/** Parse a stored JSON column, or record why it cannot be read. */
function readJson(text: string | null, id: string, part: string, damaged: DamagedRun[]): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: fromJson(text) };
  } catch (err) {
    damaged.push({ id, part, problem: `not valid JSON (${(err as Error).message.split('\n')[0] ?? 'unreadable'})` });
    return { ok: false };
  }
}

/** Run a read against SQLite; a damaged page or a missing table becomes a StoreError with the path, not a crash. */
function reading<T>(path: string, what: string, fn: () => T): T {
  try {
    return fn();
  } catch (cause) {
    if (cause instanceof StoreError) throw cause;
    throw new StoreError(`cannot read ${what} from the run store ${path}: ${(cause as Error).message} (try colossus runs check --db ${path})`, { cause });
  }
}

const isReadonlyError = (err: unknown): boolean => /readonly|read-only|SQLITE_CANTOPEN|EACCES|EROFS/i.test(`${(err as { code?: string }).code ?? ''} ${(err as Error).message ?? ''}`);

/**
 * Open (creating if needed) the run store at `path` (default `./colossus.db`), bring its schema
 * up to date, and return its API. Refuses, with a `StoreError` and without writing, a file
 * whose schema is newer than this code or that is not a colossus store.
 */
export function openStore(path: string = defaultStorePath, options: StoreOptions = {}): RunStore {
  if (!options.readonly) {
    try {
      return openWith(path, options, false);
    } catch (err) {
      // A store this process may not write (mode 444, another owner, a read-only mount) can still be read.
      if (!(err instanceof StoreError) || !isReadonlyError(err.cause ?? err)) throw err;
    }
  }
  return openWith(path, options, true);
}

function openWith(path: string, options: StoreOptions, readonly: boolean): RunStore {
  let db: Database.Database;
  try {
    db = new Database(path, { timeout: options.busyTimeoutMs ?? 5000, readonly, fileMustExist: readonly });
  } catch (cause) {
    throw new StoreError(`cannot open the run store ${path}: ${(cause as Error).message}`, { cause });
  }
  let schemaVersion: number;
  try {
    // Reading the header first: a refused file is left exactly as it was.
    db.pragma('foreign_keys = ON');
    if (readonly) {
      schemaVersion = checkReadable(db, path, options.migrations);
    } else {
      schemaVersion = migrate(db, path, options.migrations);
      if (path !== ':memory:' && path !== '') db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL'); // WAL + NORMAL: durable across process crashes, atomic always
    }
  } catch (error) {
    db.close();
    if (error instanceof StoreError) throw error;
    throw new StoreError(`cannot open the run store ${path}: ${(error as Error).message}`, { cause: error });
  }

  try {
    return storeApi(db, path, schemaVersion, readonly, options);
  } catch (error) {
    db.close();
    if (error instanceof StoreError) throw error;
    throw new StoreError(`the run store ${path} is damaged: ${(error as Error).message} (colossus runs check --db ${path} says more)`, { cause: error });
  }
}

/** A read-only store must already have this code's schema (it cannot be migrated). */
function checkReadable(db: Database.Database, path: string, migrations?: readonly Migration[]): number {
  const latest = (migrations ?? defaultMigrations).at(-1)?.version ?? 0;
  const version = Number(db.pragma('user_version', { simple: true }));
  const app = Number(db.pragma('application_id', { simple: true }));
  if (app !== storeApplicationId) throw new StoreError(`${path} is not a colossus run store it can read (read-only, application_id ${app}); refusing to touch it`);
  if (version !== latest) {
    throw new StoreError(`${path} is read-only and has schema version ${version}, not ${latest}: it cannot be upgraded here (copy it somewhere writable)`);
  }
  return version;
}

function storeApi(db: Database.Database, path: string, schemaVersion: number, readonly: boolean, options: StoreOptions): RunStore {
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

  let lastDamaged: DamagedRun[] = [];
  const refuseReadonly = (what: string): void => {
    if (readonly) throw new StoreError(`cannot ${what}: the run store ${path} is read-only here`);
  };

  const readRun = (id: string): (StoredRun & { damaged?: DamagedRun[] }) | undefined => {
    const damaged: DamagedRun[] = [];
    const read = db.transaction((): (StoredRun & { damaged?: DamagedRun[] }) | undefined => {
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
      const events: RunEvent[] = [];
      (selectEvents.all(id) as { day: number; kind: string; data_json: string | null }[]).forEach((e, i) => {
        if (e.data_json === null) {
          events.push({ day: e.day, kind: e.kind });
          return;
        }
        const data = readJson(e.data_json, id, `event ${i}`, damaged);
        if (data.ok) events.push({ day: e.day, kind: e.kind, data: data.value });
      });
      const blobs: Record<string, unknown> = {};
      for (const b of selectBlobs.all(id) as { name: string; json: string }[]) {
        const v = readJson(b.json, id, `blob ${b.name}`, damaged);
        if (v.ok) blobs[b.name] = v.value;
      }
      const summary = readJson(row.summary_json, id, 'summary', damaged);
      const scenario = readJson(row.scenario_json, id, 'scenario', damaged);
      const out: StoredRun & { damaged?: DamagedRun[] } = {
        id: row.id,
        createdAt: row.created_at,
        name: row.name,
        summary: summary.ok ? summary.value : null,
        scenario: scenario.ok ? scenario.value : undefined,
        timeline,
        events,
        blobs,
      };
      if (damaged.length > 0) out.damaged = damaged;
      return out;
    });
    return reading(path, `run ${id}`, () => read());
  };

  return {
    path,
    schemaVersion,
    readonly,
    saveRun(run) {
      refuseReadonly('save a run');
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
      const damaged: DamagedRun[] = [];
      const out: RunListing[] = [];
      for (const row of reading(path, 'the list of runs', () => selectRuns.all() as Omit<RunRow, 'scenario_json'>[])) {
        const summary = readJson(row.summary_json, row.id, 'summary', damaged);
        if (summary.ok) out.push({ id: row.id, createdAt: row.created_at, name: row.name, summary: summary.value });
      }
      lastDamaged = damaged;
      return out;
    },
    damaged() {
      return [...lastDamaged];
    },
    getRun(id) {
      return readRun(id);
    },
    check() {
      const integrity = reading(path, 'the integrity check', () => (db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check)).filter((m) => m !== 'ok');
      const damaged: DamagedRun[] = [];
      const ids = reading(path, 'the run ids', () => (db.prepare('SELECT id FROM runs ORDER BY id').all() as { id: string }[]).map((r) => r.id));
      for (const id of ids) {
        try {
          damaged.push(...(readRun(id)?.damaged ?? []));
        } catch (err) {
          damaged.push({ id, part: 'rows', problem: (err as Error).message });
        }
      }
      return { integrity, damaged, runs: ids.length };
    },
    deleteRun(id) {
      refuseReadonly('delete a run');
      return remove.immediate(id);
    },
    close() {
      db.close();
    },
  };
}
