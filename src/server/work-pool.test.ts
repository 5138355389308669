import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createApp } from './create-app.js';
import { doWork, type WorkRequest } from './work.js';
import { createWorkPool } from './work-pool.js';

const SPEC = { model: 'llama3-8b', system: { gpu: 'h100-sxm', gpus: 64 }, training: { seqLen: 4096, globalBatch: 256 }, parallel: { tp: 1, pp: 1, dp: 64 } };
const BIG = { model: 'llama3-405b', system: { gpu: 'h100-sxm', gpus: 16384 }, training: { seqLen: 8192, globalBatch: 2048 } };
const req = (kind: WorkRequest['kind'], body: unknown, query: WorkRequest['query'] = {}): WorkRequest => ({ kind, query, type: 'application/json', text: JSON.stringify(body) });
const limits = { maxSpecs: 1000, maxReplications: 100 };
/** The compiled worker (`npm run build` makes it; `npm test` builds first). */
const workerUrl = new URL('../../dist/server/work-worker.js', import.meta.url);
const busy = { status: 429, text: JSON.stringify({ error: { status: 429, message: 'the server is busy: too many requests are waiting (try again shortly)' } }), headers: { 'retry-after': '5' } };

describe('work pool in this thread (no compiled worker)', () => {
  it('answers as doWork does, one request at a time, in arrival order; one more than the queue holds is a 429 with Retry-After', async () => {
    const pool = createWorkPool({ maxQueue: 1 });
    expect(pool.usesWorkers).toBe(false);
    const want = await doWork(req('estimate', SPEC), limits, undefined);
    const runs = [pool.run(req('estimate', SPEC)), pool.run(req('estimate', { ...SPEC, parallel: { tp: 2, pp: 1, dp: 32 } })), pool.run(req('estimate', SPEC))];
    expect(pool.stats()).toMatchObject({ queued: 2, threads: 1, rejected: 1 });
    const [a, b, c] = await Promise.all(runs);
    expect(a).toEqual(want);
    expect(b?.status).toBe(200);
    expect(b?.text).not.toBe(want.text);
    expect(c).toEqual(busy);
    expect(pool.stats()).toEqual({ running: 0, queued: 0, threads: 1, completed: 2, rejected: 1, timedOut: 0, cancelled: 0, crashed: 0 });
    await pool.close();
  });

  it('the four POST routes go through the pool (pooledRoutes): the same answers as without it', async () => {
    const pool = createWorkPool({ maxQueue: 4 });
    const post = (app: ReturnType<typeof createApp>, path: string, body: unknown) =>
      app.request(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const pooled = createApp({ pool, webDir: null });
    const plain = createApp({ webDir: null });
    const got = await post(pooled, '/api/estimate', SPEC);
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toBe('application/json; charset=UTF-8');
    expect(await got.json()).toEqual(await (await post(plain, '/api/estimate', SPEC)).json());
    const sim = { cluster: { gpu: 'h100-sxm', gpus: 1024 }, job: { gpus: 1024, days: 2, stepTimeS: 10 }, reliability: { preset: 'llama3' }, replications: 2, seed: 3 };
    expect(await (await post(pooled, '/api/simulate', sim)).json()).toEqual(await (await post(plain, '/api/simulate', sim)).json());
    const bad = await post(pooled, '/api/search?top=0', { ...SPEC, parallel: {} });
    expect(bad.status).toBe(400);
    expect((await post(pooled, '/api/runs', { bundled: true })).status).toBe(503); // no store configured
    expect(pool.stats().completed).toBe(4);
    await pool.close();
  });
});

describe('work pool in worker threads', () => {
  it('the compiled worker exists (npm run build)', () => {
    expect(existsSync(fileURLToPath(workerUrl)), `${fileURLToPath(workerUrl)} is missing: run npm run build`).toBe(true);
  });

  it('answers as doWork does; over the time limit a 503 and a fresh worker that answers the next request', async () => {
    const pool = createWorkPool({ workerUrl, threads: 1, maxQueue: 2, timeoutMs: 1500 });
    expect(pool.usesWorkers).toBe(true);
    expect(await pool.run(req('estimate', SPEC))).toEqual(await doWork(req('estimate', SPEC), limits, undefined));
    const slow = createWorkPool({ workerUrl, threads: 1, maxQueue: 2, timeoutMs: 1 });
    const late = await slow.run(req('search', BIG, { top: '3' }));
    expect(late.status).toBe(503);
    expect(JSON.parse(late.text)).toEqual({ error: { status: 503, message: "the request took longer than this server's 0 s limit (run it with the CLI)" } });
    expect(slow.stats()).toMatchObject({ timedOut: 1, running: 0, threads: 1 });
    await slow.close();
    expect((await pool.run(req('estimate', SPEC))).status).toBe(200);
    expect(pool.stats()).toMatchObject({ completed: 2, timedOut: 0, crashed: 0 });
    await pool.close();
  }, 60_000);

  it('a full pool answers 429; a client that goes away gets 499 whether waiting or running; closing answers 503', async () => {
    const pool = createWorkPool({ workerUrl, threads: 1, maxQueue: 1, timeoutMs: 60_000 });
    const running = new AbortController();
    const first = pool.run(req('search', BIG, { top: '3' }), running.signal);
    const waiting = new AbortController();
    const second = pool.run(req('estimate', SPEC), waiting.signal);
    expect(await pool.run(req('estimate', SPEC))).toEqual(busy);
    expect(pool.stats()).toMatchObject({ running: 1, queued: 1, rejected: 1 });
    waiting.abort();
    expect((await second).status).toBe(499);
    running.abort();
    const gone = await first;
    expect(gone.status).toBe(499);
    expect(JSON.parse(gone.text)).toEqual({ error: { status: 499, message: 'the client went away' } });
    const aborted = new AbortController();
    aborted.abort();
    expect((await pool.run(req('estimate', SPEC), aborted.signal)).status).toBe(499);
    expect(pool.stats()).toMatchObject({ cancelled: 3, running: 0, queued: 0 });
    expect((await pool.run(req('estimate', SPEC))).status).toBe(200); // the replaced worker works
    const pending = pool.run(req('search', BIG, { top: '3' }));
    await pool.close();
    expect((await pending).status).toBe(503);
    expect(JSON.parse((await pool.run(req('estimate', SPEC))).text)).toEqual({ error: { status: 503, message: 'the server is shutting down' } });
  }, 60_000);
});
