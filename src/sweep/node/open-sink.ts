import { jsonlFileSink } from './jsonl-sink.js';
import { outputFormatFor } from './output-format.js';
import type { RowSink } from './row-sink.js';
import { sqliteFileSink } from './sqlite-sink.js';

/** A sink for `file`: SQLite for .db/.sqlite/.sqlite3, JSON Lines otherwise. */
export function openFileSink(file: string, axisPaths: readonly string[]): RowSink {
  return outputFormatFor(file) === 'sqlite' ? sqliteFileSink(file, axisPaths) : jsonlFileSink(file);
}
