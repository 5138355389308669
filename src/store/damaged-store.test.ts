import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from './open-store.js';
import { runFromRecovery, writeRecoveryFile } from './recovery.js';
import type { RunInput } from './run-record.js';
import { StoreError } from './store-error.js';

// Audit hole 6: one damaged row made the whole store unlistable (exit 70, GET /api/runs 500), a
// read-only store could not be listed, and a run that could not be saved was thrown away.
const bin = fileURLToPath(new URL('../../bin/colossus.js', import.meta.url));
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'colossus-damaged-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const run = (name: string): RunInput => ({
  name,
  summary: { timeToModelDays: 100 },
  scenario: { s: 1 },
  timeline: [{ day: 0, gpusOnline: { 'h100-sxm': 64 } }],
  events: [{ day: 1, kind: 'milestone', data: { label: 'x' } }],
  blobs: { result: { ok: true } },
});

function storeWith(n: number): { path: string; ids: string[] } {
  const path = join(dir, 'runs.db');
  const s = openStore(path);
  const ids = Array.from({ length: n }, (_, i) => s.saveRun(run(`run ${i}`)).id);
  s.close();
  return { path, ids };
}

function sql(path: string, statement: string): void {
  const db = new Database(path);
  db.exec(statement);
  db.close();
}

const cli = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
const STACK = /\n\s+at .*:\d+:\d+|node:internal/;

describe('a damaged store degrades, never fails whole', () => {
  it('a truncated summary_json: the run is skipped and reported, the others listed; check names it; repair moves it out', () => {
    const { path, ids } = storeWith(3);
    sql(path, `UPDATE runs SET summary_json = '{not json' WHERE id = '${ids[1]}'`);
    const s = openStore(path);
    expect(s.listRuns().map((r) => r.id).sort()).toEqual([ids[0], ids[2]].sort());
    expect(s.damaged()).toEqual([{ id: ids[1], part: 'summary', problem: expect.stringContaining('not valid JSON') }]);
    const report = s.check();
    expect(report.runs).toBe(3);
    expect(report.damaged.map((d) => d.id)).toEqual([ids[1]]);
    s.close();

    const list = cli('runs', 'list', '--db', path);
    expect(list.status).toBe(0);
    expect(list.stderr).toContain(`1 damaged run skipped (${ids[1]})`);
    expect(list.stdout).toContain(ids[0]);
    const check = cli('runs', 'check', '--db', path);
    expect(check.status).toBe(1);
    expect(check.stdout).toContain(`run ${ids[1]}, summary: not valid JSON`);
    const repair = cli('runs', 'repair', '--db', path, '--json');
    expect(repair.status).toBe(0);
    const moved = JSON.parse(repair.stdout) as { moved: string[]; file: string };
    expect(moved.moved).toEqual([ids[1]]);
    const kept = JSON.parse(readFileSync(moved.file, 'utf8').trim()) as { id: string; readable: { name: string } };
    expect(kept.id).toBe(ids[1]);
    expect(kept.readable.name).toBe('run 1');
    expect(cli('runs', 'check', '--db', path).status).toBe(0);
    expect(cli('runs', 'list', '--db', path, '--json').stdout).toContain(ids[2]);
  });

  it('a damaged blob or event: runs show gives what can be read and names the rest', () => {
    const { path, ids } = storeWith(1);
    sql(path, `UPDATE run_blobs SET json = '[' WHERE run_id = '${ids[0]}'; UPDATE run_events SET data_json = '{' WHERE run_id = '${ids[0]}'`);
    const s = openStore(path);
    const got = s.getRun(ids[0] as string);
    expect(got?.blobs).toEqual({});
    expect(got?.timeline).toHaveLength(1);
    expect(got?.damaged?.map((d) => d.part).sort()).toEqual(['blob result', 'event 0']);
    s.close();
    const show = cli('runs', 'show', ids[0] as string, '--db', path, '--json');
    expect(show.status).toBe(0);
    expect(show.stderr).toContain('damaged and left out: event 0, blob result');
    expect(show.stderr).not.toMatch(STACK);
  });

  it('a missing table (user_version still says 2): a clear StoreError and exit 1, never a stack', () => {
    const { path } = storeWith(1);
    sql(path, 'DROP TABLE run_events');
    expect(() => openStore(path)).toThrow(StoreError);
    for (const args of [['runs', 'list'], ['runs', 'show', 'x'], ['runs', 'check']]) {
      const r = cli(...args, '--db', path);
      expect(r.status, args.join(' ')).toBe(1);
      expect(r.stderr).toMatch(/damaged|cannot/);
      expect(r.stderr).not.toMatch(STACK);
    }
  });

  it('a read-only store can be listed and shown; saving refuses with a StoreError', () => {
    const { path, ids } = storeWith(2);
    const s = openStore(path, { readonly: true });
    expect(s.readonly).toBe(true);
    expect(s.listRuns()).toHaveLength(2);
    expect(s.getRun(ids[0] as string)?.name).toBe('run 0');
    expect(() => s.saveRun(run('x'))).toThrow(/read-only/);
    expect(() => s.deleteRun(ids[0] as string)).toThrow(/read-only/);
    s.close();
  });
});

describe('a run that cannot be saved is written to a recovery file, and imported later', () => {
  it('writeRecoveryFile → runs import saves the same run', () => {
    const path = join(dir, 'runs.db');
    const file = writeRecoveryFile(path, run('rescued'), 'database is locked');
    expect(file.startsWith(dir)).toBe(true);
    const parsed = runFromRecovery(JSON.parse(readFileSync(file, 'utf8')));
    expect(parsed.ok && parsed.run.name).toBe('rescued');
    const imported = cli('runs', 'import', file, '--db', path, '--json');
    expect(imported.status).toBe(0);
    const id = (JSON.parse(imported.stdout) as { runId: string }).runId;
    const s = openStore(path);
    expect(s.getRun(id)?.blobs).toEqual({ result: { ok: true } });
    s.close();
    expect(cli('runs', 'import', join(dir, 'nope.json'), '--db', path).status).toBe(1);
  });

  it('colossus run against a store locked by another writer for > 5 s: exit 1, the run is in a recovery file', () => {
    const { path } = storeWith(0);
    const holder = new Database(path);
    holder.exec('BEGIN IMMEDIATE');
    let r: ReturnType<typeof cli>;
    try {
      r = cli('run', '--db', path, '--report', join(dir, 'r.html'));
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/database is locked/);
    expect(r.stderr).toContain('the run was computed but not saved: it was written to');
    const files = readdirSync(dir).filter((f) => f.includes('.unsaved-'));
    expect(files).toHaveLength(1);
    const imported = cli('runs', 'import', join(dir, files[0] as string), '--db', path);
    expect(imported.status).toBe(0);
    expect(existsSync(path)).toBe(true);
    expect(JSON.parse(cli('runs', 'list', '--db', path, '--json').stdout)).toHaveLength(1);
  }, 90_000);
});
