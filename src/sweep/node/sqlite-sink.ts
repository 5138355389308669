import { renameSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { SweepRow } from '../row.js';
import type { RowSink } from './row-sink.js';

/** The one table of a sweep's SQLite output. */
export const SWEEP_TABLE = 'sweep_rows';

const RESULT_COLUMNS = [
  'tokensPerSec', 'tokensPerSecPerGpu', 'modelTflopsPerGpu', 'mfu', 'stepTimeS', 'memoryGiB', 'fits', 'gpusUsed', 'spareGpus',
  'precision', 'plan', 'usdPerMillionTokens', 'tokensPerJoule', 'timeToTrainDays', 'plansEvaluated',
] as const;
const ROWS_PER_TRANSACTION = 1000;

const quote = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** A value as SQLite stores it: numbers and text as they are, booleans as 0/1, objects as JSON text. */
function sqlValue(v: unknown): number | string | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'number' || typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  return JSON.stringify(v);
}

/**
 * One table, one row per point: the point, its id, one column per axis (named by its path, e.g.
 * "system.gpu"), the headline numbers, the plan as JSON (`plan`), the error (if any) and the
 * whole row as JSON (`row`, what JSON Lines would hold; `colossus sweep merge` reads it). Written
 * to a temporary file and renamed when complete.
 */
export function sqliteFileSink(file: string, axisPaths: readonly string[]): RowSink {
  const partial = `${file}.partial-${process.pid}`;
  rmSync(partial, { force: true });
  const db = new Database(partial);
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  const axisColumns = [...axisPaths];
  const columns = ['point', 'id', 'sweep', 'points', 'mode', 'ok', ...axisColumns, ...RESULT_COLUMNS, 'error', 'row'];
  const types: Record<string, string> = { point: 'INTEGER PRIMARY KEY', id: 'TEXT NOT NULL', sweep: 'TEXT NOT NULL', points: 'INTEGER NOT NULL', row: 'TEXT NOT NULL' };
  db.exec(`CREATE TABLE ${SWEEP_TABLE} (${columns.map((c) => `${quote(c)}${types[c] ? ` ${types[c]}` : ''}`).join(', ')})`);
  const insert = db.prepare(`INSERT INTO ${SWEEP_TABLE} (${columns.map(quote).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`);
  let pending: unknown[][] = [];
  const insertMany = db.transaction((rows: unknown[][]) => {
    for (const r of rows) insert.run(r);
  });
  const flush = (): void => {
    if (pending.length) insertMany(pending);
    pending = [];
  };
  let open = true;
  return {
    write(line) {
      const row = JSON.parse(line) as SweepRow;
      const values: unknown[] = [row.point, row.id, row.sweep, row.points, row.mode, row.ok ? 1 : 0];
      for (const a of axisColumns) values.push(sqlValue(row.axes[a]));
      for (const c of RESULT_COLUMNS) {
        if (!row.ok) values.push(null);
        else values.push(sqlValue(c === 'plan' ? row.parallel : row[c]));
      }
      values.push(row.ok ? null : row.error, line);
      pending.push(values);
      if (pending.length >= ROWS_PER_TRANSACTION) flush();
    },
    close() {
      flush();
      db.close();
      open = false;
      renameSync(partial, file);
    },
    abort() {
      if (open) db.close();
      open = false;
      rmSync(partial, { force: true });
    },
  };
}
