import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { estimate } from '../model/index.js';
import type { ReplicationRunner } from '../sim/index.js';
import { parseSpecValue } from '../spec/index.js';
import { StoreError, type RunInput, type RunStore } from '../store/index.js';
import { doWork, savingTo, type WorkRequest } from './work.js';

const limits = { maxSpecs: 3, maxReplications: 4 };
const SPEC = { model: 'llama3-8b', system: { gpu: 'h100-sxm', gpus: 64 }, training: { seqLen: 4096, globalBatch: 256 }, parallel: { tp: 1, pp: 1, dp: 64 } };
const TINY_CAMPAIGN = {
  name: 'tiny',
  horizonDays: 60,
  deliveries: [{ gpu: 'h100-sxm', gpus: 1024, fromDay: 0, toDay: 4 }],
  site: { gpusPerServer: 8, serversPerRack: 8, racksPerArray: 8 },
  training: { model: 'llama3-8b', seqLen: 8192, globalBatch: 512, tokens: 5e10, startFraction: 0.5 },
  reliability: { preset: 'llama3' },
};
const req = (kind: WorkRequest['kind'], body: unknown, query: WorkRequest['query'] = {}, type: string | undefined = 'application/json'): WorkRequest => ({
  kind,
  query,
  type,
  text: typeof body === 'string' ? body : JSON.stringify(body),
});
const body = (text: string): { error: { status: number; message: string; issues?: { path: string }[] } } => JSON.parse(text) as never;

describe('doWork (what a worker thread answers; never throws)', () => {
  it('estimate: the in-process estimate, serialised; an invalid spec or body is the 4xx the app answers', async () => {
    const parsed = parseSpecValue(SPEC);
    if (!parsed.ok) throw new Error('bad fixture');
    const ok = await doWork(req('estimate', SPEC), limits, undefined);
    expect(ok.status).toBe(200);
    expect(ok.text).toBe(JSON.stringify(estimate(parsed.spec)));
    const bad = await doWork(req('estimate', { ...SPEC, model: { layers: -1 } }), limits, undefined);
    expect(bad.status).toBe(400);
    expect(body(bad.text).error.message).toBe('invalid input');
    const plain = await doWork(req('estimate', SPEC, {}, 'text/plain'), limits, undefined);
    expect(plain.status).toBe(415);
    const many = await doWork(req('estimate', [SPEC, SPEC, SPEC, SPEC]), limits, undefined);
    expect(many.status).toBe(413);
    expect(bad.logged).toBeUndefined();
  });

  it('search passes the query to the search factory; a bug is a 500 with a fixed message and the stack for the log only', async () => {
    const seen: unknown[] = [];
    const ok = await doWork(req('search', { a: 1 }, { top: '2', objective: 'tokens-per-joule' }), limits, undefined, (q) => (input) => {
      seen.push(q, input.value);
      return Promise.resolve({ plans: ['p'] });
    });
    expect(ok).toEqual({ status: 200, text: '{"plans":["p"]}' });
    expect(seen).toEqual([{ top: '2', objective: 'tokens-per-joule' }, { a: 1 }]);
    const boom = await doWork(req('search', { a: 1 }), limits, undefined, () => () => Promise.reject(new Error('kaboom')));
    expect(boom.status).toBe(500);
    expect(body(boom.text).error.message).toBe('internal error (logged on the server)');
    expect(boom.text).not.toContain('kaboom');
    expect(boom.logged).toMatch(/^Error: kaboom\n\s+at /);
  });

  it('simulate: the runner gets the scenario\'s job, seed and replications; over the cap is a 400 on replications', async () => {
    const calls: [number, number][] = [];
    const runner: ReplicationRunner = (job, seed, n) => {
      calls.push([seed, n]);
      return Promise.reject(Object.assign(new Error('stop here'), { job }));
    };
    const sim = { cluster: { gpu: 'h100-sxm', gpus: 1024 }, job: { gpus: 1024, days: 7, stepTimeS: 10 }, reliability: { preset: 'llama3' }, seed: 9 };
    expect((await doWork(req('simulate', { ...sim, replications: 4 }), limits, undefined, undefined, runner)).status).toBe(500);
    expect(calls).toEqual([[9, 4]]);
    const over = await doWork(req('simulate', { ...sim, replications: 5 }), limits, undefined, undefined, runner);
    expect(over.status).toBe(400);
    expect(body(over.text).error.issues?.map((i) => i.path)).toEqual(['replications']);
    expect(calls).toHaveLength(1);
  });

  it('campaign: 503 without a store; with one, 201 with the saved id, its encoded location and the summary', async () => {
    const none = await doWork(req('campaign', TINY_CAMPAIGN), limits, undefined);
    expect(none.status).toBe(503);
    expect(body(none.text).error.message).toBe('no run store is configured on this server');
    const saved: RunInput[] = [];
    const made = await doWork(req('campaign', TINY_CAMPAIGN, { seed: '3' }), limits, (record) => {
      saved.push(record);
      return { id: 'run 1/x', createdAt: '2026-12-01T00:00:00.000Z' };
    });
    expect(made.status).toBe(201);
    expect(made.headers).toEqual({ location: '/api/runs/run%201%2Fx' });
    const answer = JSON.parse(made.text) as { id: string; createdAt: string; summary: unknown };
    expect(answer.id).toBe('run 1/x');
    expect(answer.createdAt).toBe('2026-12-01T00:00:00.000Z');
    expect(saved).toHaveLength(1);
    expect(answer.summary).toEqual(saved[0]?.summary);
    expect(saved[0]?.name).toBe('tiny');
  });
});

describe('savingTo (a computed run is never discarded)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'colossus-saving-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const record: RunInput = { name: 'kept', summary: { timeToModelDays: 1 } };
  const failing = (err: Error): RunStore => ({ saveRun: () => { throw err; } }) as unknown as RunStore;

  it('opens the store once, on first use', () => {
    let opened = 0;
    const save = savingTo(join(dir, 'runs.db'), () => {
      opened++;
      let n = 0;
      return { saveRun: () => ({ id: `r${++n}`, createdAt: 't' }) } as unknown as RunStore;
    });
    expect(opened).toBe(0);
    expect(save(record)).toEqual({ id: 'r1', createdAt: 't' });
    expect(save(record)).toEqual({ id: 'r2', createdAt: 't' });
    expect(opened).toBe(1);
  });

  it('a store that cannot save: the run goes to a recovery file beside the store, and the 503 names it', () => {
    const storePath = join(dir, 'runs.db');
    const save = savingTo(storePath, () => failing(new StoreError('database is locked')));
    let message = '';
    try {
      save(record);
    } catch (err) {
      expect((err as { status?: number }).status).toBe(503);
      message = (err as Error).message;
    }
    const m = /^the run was computed but could not be saved \(database is locked\): it was written to (\S+) \(colossus runs import (\S+) saves it\)$/.exec(message);
    expect(m).not.toBe(null);
    expect(m?.[1]).toBe(m?.[2]);
    expect(m?.[1]?.startsWith(join(dir, 'runs.db.unsaved-'))).toBe(true);
    expect((JSON.parse(readFileSync(m?.[1] as string, 'utf8')) as { run: RunInput; reason: string })).toMatchObject({ run: record, reason: 'database is locked' });
  });

  it('a store that cannot even be opened is the same 503; a bug that is not a StoreError passes through', () => {
    const blocker = join(dir, 'file');
    writeFileSync(blocker, 'x');
    const saved = process.env['TMPDIR'];
    process.env['TMPDIR'] = join(blocker, 'tmp');
    try {
      const save = savingTo(join(blocker, 'runs.db'), () => {
        throw new StoreError('cannot open');
      });
      expect(() => save(record)).toThrow('the run was computed but could not be saved (cannot open): and no recovery file could be written');
    } finally {
      if (saved === undefined) delete process.env['TMPDIR'];
      else process.env['TMPDIR'] = saved;
    }
    const bug = new TypeError('a bug');
    expect(() => savingTo(join(dir, 'runs.db'), () => failing(bug))(record)).toThrow(bug);
  });
});
