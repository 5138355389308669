import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runFromRecovery, writeRecoveryFile } from './recovery.js';
import type { RunInput } from './run-record.js';

let dir: string;
const written: string[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'colossus-recovery-'));
});
afterEach(() => {
  for (const f of written.splice(0)) rmSync(f, { force: true });
  rmSync(dir, { recursive: true, force: true });
});

const run: RunInput = { name: 'first', summary: { timeToModelDays: 100 } };
const at = new Date('2026-12-01T23:59:01.234Z');
const write = (...args: Parameters<typeof writeRecoveryFile>): string => {
  const f = writeRecoveryFile(...args);
  written.push(f);
  return f;
};

describe('writeRecoveryFile', () => {
  it('beside the store, named after it, the time (no ":" or ".") and the process; the whole run in the recovery format', () => {
    const store = join(dir, 'runs.db');
    const file = write(store, run, 'the store is locked', at);
    expect(file).toBe(join(dir, `runs.db.unsaved-2026-12-01T23-59-01-234Z-${process.pid}.json`));
    const text = readFileSync(file, 'utf8');
    expect(text.endsWith('}\n')).toBe(true);
    expect(JSON.parse(text)).toEqual({ kind: 'colossus-unsaved-run', version: 1, store, reason: 'the store is locked', savedAt: '2026-12-01T23:59:01.234Z', run });
  });

  it('never overwrites a recovery file: a second one at the same instant goes to the temporary folder, the first keeps its run', () => {
    const store = join(dir, 'runs.db');
    const first = write(store, run, 'locked', at);
    const second = write(store, { ...run, name: 'second' }, 'locked', at);
    expect(second).toBe(join(tmpdir(), basename(first)));
    expect((JSON.parse(readFileSync(first, 'utf8')) as { run: RunInput }).run.name).toBe('first');
    expect((JSON.parse(readFileSync(second, 'utf8')) as { run: RunInput }).run.name).toBe('second');
  });

  it('the temporary folder when the store\'s folder cannot be made; the error when neither can be written', () => {
    const blocker = join(dir, 'a-file');
    writeFileSync(blocker, 'not a folder');
    const file = write(join(blocker, 'runs.db'), run, 'read-only', at);
    expect(file).toBe(join(tmpdir(), `runs.db.unsaved-2026-12-01T23-59-01-234Z-${process.pid}.json`));
    const saved = process.env['TMPDIR'];
    process.env['TMPDIR'] = join(blocker, 'tmp');
    try {
      expect(() => writeRecoveryFile(join(blocker, 'other.db'), run, 'read-only', at)).toThrow(/ENOTDIR|EEXIST|not a directory/);
    } finally {
      if (saved === undefined) delete process.env['TMPDIR'];
      else process.env['TMPDIR'] = saved;
    }
  });
});

describe('runFromRecovery', () => {
  it('gives the run of a recovery file', () => {
    expect(runFromRecovery({ kind: 'colossus-unsaved-run', version: 1, store: 'x', reason: 'r', savedAt: 't', run })).toEqual({ ok: true, run });
  });

  it('says what is wrong with anything else', () => {
    const notObject = { ok: false, problem: 'is not a JSON object' };
    for (const v of [null, 3, 'text', true]) expect(runFromRecovery(v)).toEqual(notObject);
    const notRecovery = { ok: false, problem: 'is not a colossus recovery file (kind colossus-unsaved-run, version 1)' };
    expect(runFromRecovery({ kind: 'colossus-unsaved-run', version: 2, run })).toEqual(notRecovery);
    expect(runFromRecovery({ kind: 'other', version: 1, run })).toEqual(notRecovery);
    expect(runFromRecovery({ version: 1, run })).toEqual(notRecovery);
    const noRun = { ok: false, problem: 'holds no run (run.name and run.summary)' };
    const head = { kind: 'colossus-unsaved-run', version: 1 };
    expect(runFromRecovery(head)).toEqual(noRun);
    expect(runFromRecovery({ ...head, run: { summary: {} } })).toEqual(noRun);
    expect(runFromRecovery({ ...head, run: { name: 7, summary: {} } })).toEqual(noRun);
    expect(runFromRecovery({ ...head, run: { name: 'x' } })).toEqual(noRun);
    expect(runFromRecovery({ ...head, run: { name: 'x', summary: null } })).toEqual({ ok: true, run: { name: 'x', summary: null } });
  });
});
