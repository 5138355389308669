import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { openStore } from './open-store.js';

const here = dirname(fileURLToPath(import.meta.url));
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'colossus-kill-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const walBytes = (path: string): number => (existsSync(`${path}-wal`) ? statSync(`${path}-wal`).size : 0);

it('a writer killed mid-save leaves the store consistent, with earlier runs intact', async () => {
  const path = join(dir, 'colossus.db');
  const store = openStore(path);
  const earlier = [
    store.saveRun({ name: 'first', summary: { n: 1 }, timeline: [{ day: 0, gpusOnline: { 'h100-sxm': 64 } }] }),
    store.saveRun({ name: 'second', summary: { n: 2 }, events: [{ day: 3, kind: 'failure' }] }),
  ];
  const before = store.listRuns();
  store.close();

  const child = spawn(process.execPath, ['--import', 'tsx', join(here, '_test-save-large-run.ts'), path, '1000000'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));

  // Wait until the child is inside its transaction and has spilled uncommitted pages to the WAL.
  const deadline = Date.now() + 60_000;
  let walAtStart = -1;
  while (Date.now() < deadline) {
    if (stdout.includes('saved') || child.exitCode !== null) break;
    if (stdout.includes('saving')) {
      if (walAtStart < 0) walAtStart = walBytes(path);
      if (walBytes(path) > walAtStart + 4 * 1024 * 1024) break;
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  expect(stderr).toBe('');
  expect(stdout).toContain('saving');
  expect(stdout).not.toContain('saved');
  child.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');
  expect(stdout).not.toContain('saved');

  // Reopen: recovery discards the uncommitted frames.
  const after = openStore(path);
  expect(after.listRuns()).toEqual(before);
  expect(after.getRun(earlier[0]?.id ?? '')?.timeline).toEqual([{ day: 0, gpusOnline: { 'h100-sxm': 64 } }]);
  expect(after.getRun(earlier[1]?.id ?? '')?.events).toEqual([{ day: 3, kind: 'failure' }]);
  const next = after.saveRun({ name: 'third', summary: { n: 3 } });
  expect(after.listRuns().map((r) => r.id)).toEqual([next.id, ...before.map((r) => r.id)]);
  after.close();

  const raw = new Database(path, { readonly: true });
  expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
  expect(raw.prepare('SELECT count(*) AS n FROM run_timeline WHERE run_id NOT IN (SELECT id FROM runs)').get()).toEqual({
    n: 0,
  });
  raw.close();
}, 120_000);
