/** Rows go to SQLite for these extensions, and to JSON Lines otherwise. */
const SQLITE_EXTENSIONS = ['.db', '.sqlite', '.sqlite3'];

export type OutputFormat = 'jsonl' | 'sqlite';

export function outputFormatFor(file: string): OutputFormat {
  const lower = file.toLowerCase();
  return SQLITE_EXTENSIONS.some((ext) => lower.endsWith(ext)) ? 'sqlite' : 'jsonl';
}
