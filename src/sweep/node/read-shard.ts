import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import Database from 'better-sqlite3';
import { InputError } from '../../core/index.js';
import type { ShardRows } from '../merge.js';
import { SWEEP_TABLE } from './sqlite-sink.js';

const SQLITE_MAGIC = 'SQLite format 3\0';

function isSqliteFile(file: string): boolean {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(16);
    const n = readSync(fd, buf, 0, 16, 0);
    return n === 16 && buf.toString('latin1') === SQLITE_MAGIC;
  } finally {
    closeSync(fd);
  }
}

/** The rows of one shard output, JSON Lines or SQLite (recognised by content, not by name). */
export function readShardRows(file: string): ShardRows {
  try {
    if (isSqliteFile(file)) return { name: file, lines: readSqliteRows(file) };
    const text = readFileSync(file, 'utf8');
    const lines = text.split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    return { name: file, lines };
  } catch (err) {
    if (err instanceof InputError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : (code ?? String(err));
    throw new InputError([{ path: '', file, message: `cannot read the shard: ${why}` }]);
  }
}

function readSqliteRows(file: string): string[] {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const table = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?`).get(SWEEP_TABLE);
    if (!table) throw new InputError([{ path: '', file, message: `is not a sweep output (no table ${SWEEP_TABLE})` }]);
    return (db.prepare(`SELECT row FROM ${SWEEP_TABLE} ORDER BY point`).pluck().all() as unknown[]).map(String);
  } finally {
    db.close();
  }
}
