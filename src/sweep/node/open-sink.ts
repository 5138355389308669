import { existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { InputError } from '../../core/index.js';
import { jsonlFileSink } from './jsonl-sink.js';
import { outputFormatFor } from './output-format.js';
import type { RowSink } from './row-sink.js';
import { sqliteFileSink } from './sqlite-sink.js';

/**
 * A sink for `file`: SQLite for .db/.sqlite/.sqlite3, JSON Lines otherwise. A file that cannot be
 * written (no such directory, a directory in its place, no permission) is an InputError on `flag`.
 */
export function openFileSink(file: string, axisPaths: readonly string[], flag = '--out'): RowSink {
  const dir = dirname(file);
  const refuse = (why: string): never => {
    throw new InputError([{ path: flag, file, message: `cannot write the output: ${why}` }]);
  };
  if (!existsSync(dir)) refuse(`no such directory ${dir}`);
  if (existsSync(file) && statSync(file).isDirectory()) refuse('is a directory');
  try {
    return outputFormatFor(file) === 'sqlite' ? sqliteFileSink(file, axisPaths) : jsonlFileSink(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS' || code === 'SQLITE_CANTOPEN' || code === 'SQLITE_READONLY') return refuse(code === 'EROFS' ? 'read-only file system' : 'permission denied');
    throw err;
  }
}
