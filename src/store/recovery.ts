import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import type { RunInput } from './run-record.js';

/** The format of a recovery file: a run that could not be saved, as `colossus runs import` reads it. */
export interface RecoveryFile {
  kind: 'colossus-unsaved-run';
  version: 1;
  store: string;
  reason: string;
  savedAt: string;
  run: RunInput;
}

/**
 * Write a run that could not be saved (the store was locked, full, read-only or damaged) next to the
 * store, or in the temporary directory when that folder cannot be written. Returns the file's path;
 * `colossus runs import FILE` saves it later. Throws only when neither place can be written.
 */
export function writeRecoveryFile(storePath: string, run: RunInput, reason: string, now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  const name = `${basename(storePath)}.unsaved-${stamp}-${process.pid}.json`;
  const body: RecoveryFile = { kind: 'colossus-unsaved-run', version: 1, store: storePath, reason, savedAt: now.toISOString(), run };
  const text = `${JSON.stringify(body)}\n`;
  const candidates = [join(dirname(resolve(storePath)), name), join(tmpdir(), name)];
  let lastError: unknown;
  for (const file of candidates) {
    try {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, text, { flag: 'wx' });
      return file;
    } catch (err) {
      lastError = err;
    }
  }
  throw lastError instanceof Error ? lastError : new Error(String(lastError));
}

/** The run in a recovery file's parsed JSON, or why it is not one. */
export function runFromRecovery(value: unknown): { ok: true; run: RunInput } | { ok: false; problem: string } {
  if (typeof value !== 'object' || value === null) return { ok: false, problem: 'is not a JSON object' };
  const v = value as Partial<RecoveryFile>;
  if (v.kind !== 'colossus-unsaved-run' || v.version !== 1) return { ok: false, problem: 'is not a colossus recovery file (kind colossus-unsaved-run, version 1)' };
  const run = v.run as Partial<RunInput> | undefined;
  if (!run || typeof run.name !== 'string' || run.summary === undefined) return { ok: false, problem: 'holds no run (run.name and run.summary)' };
  return { ok: true, run: run as RunInput };
}
