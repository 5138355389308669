/**
 * The API's smaller promises, each pinned to what a client sees: the health flags, the error mapping,
 * the bundled-campaign switch, the empty and all-invalid estimate arrays, the query checks of search
 * and runs, and the messages that name what went wrong. Every app is built inside its test (see
 * `_test-app.ts`), so mutation testing sees each route under its mutant.
 */
import { describe, expect, it } from 'vitest';
import { InputError } from '../core/index.js';
import { StoreError } from '../store/index.js';
import { openStore } from '../store/index.js';
import type { StartRunFactory } from './app-deps.js';
import { createApp } from './create-app.js';
import { errorResponse } from './error-response.js';
import { isBundledRequest } from './work.js';

const quiet = { logError: () => undefined, webDir: null };
const json = { 'content-type': 'application/json' };
const post = (app: ReturnType<typeof createApp>, path: string, body: unknown, headers: Record<string, string> = json) =>
  app.request(path, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
const errorOf = async (res: Response) => ((await res.json()) as { error: { status: number; message: string; issues?: { path: string; expected?: string }[] } }).error;
const spec = { model: 'llama3-8b', system: { gpu: 'h100-sxm', gpus: 64 }, training: { seqLen: 4096, globalBatch: 256 }, parallel: { tp: 1, pp: 1, dp: 64 } };

describe('health says which parts are wired', () => {
  it('defaults: search and campaign runs on, no store, no dashboard', async () => {
    const body = await (await createApp(quiet).request('/api/health')).json();
    expect(body).toMatchObject({ ok: true, name: 'colossus', version: '0.1.0', features: { search: true, runs: false, startRun: true, dashboard: false } });
  });
  it('turned off and on: search null, a store, runs null', async () => {
    const store = openStore(':memory:');
    const body = (await (await createApp({ ...quiet, search: null, startRun: null, store: () => store }).request('/api/health')).json()) as { features: unknown };
    store.close();
    expect(body.features).toMatchObject({ search: false, runs: true, startRun: false, dashboard: false });
  });
});

describe('error mapping', () => {
  it('HttpError, InputError, URIError, StoreError and anything else', () => {
    expect(errorResponse(new InputError([{ path: 'a', message: 'bad' }]))).toEqual({ status: 400, body: { error: { status: 400, message: 'invalid input', issues: [{ path: 'a', message: 'bad' }] } }, log: false });
    expect(errorResponse(new URIError('x'))).toEqual({ status: 400, body: { error: { status: 400, message: 'the URL is not valid percent-encoding' } }, log: false });
    expect(errorResponse(new StoreError('disk'))).toEqual({ status: 503, body: { error: { status: 503, message: 'the run store is not available' } }, log: true });
    expect(errorResponse(new Error('boom'))).toEqual({ status: 500, body: { error: { status: 500, message: 'internal error (logged on the server)' } }, log: true });
  });
  it('unknown API routes name the method and path', async () => {
    expect(await errorOf(await createApp(quiet).request('/api/nope/x', { method: 'DELETE' }))).toMatchObject({ status: 404, message: 'no route DELETE /api/nope/x' });
    expect(await errorOf(await createApp(quiet).request('/elsewhere'))).toMatchObject({ status: 404 });
  });
});

describe('catalog', () => {
  it('every model carries its id and its shape', async () => {
    const body = (await (await createApp(quiet).request('/api/catalog')).json()) as { models: { id: string; layers: number }[]; gpus: { id: string }[] };
    const llama = body.models.find((m) => m.id === 'llama3-405b');
    expect(llama?.layers).toBe(126);
    expect(body.gpus.length).toBeGreaterThan(3);
  });
});

describe('estimate arrays', () => {
  it('an empty array is a 400 that says so; all-invalid elements are a 400 with every issue', async () => {
    const empty = await errorOf(await post(createApp(quiet), '/api/estimate', []));
    expect(empty).toMatchObject({ status: 400, message: 'the array of specs is empty', issues: [{ path: '', expected: 'at least one spec' }] });
    const bad = await errorOf(await post(createApp(quiet), '/api/estimate', [{ model: { layers: -1 } }, { model: 'nope' }]));
    expect(bad.status).toBe(400);
    const paths = (bad.issues ?? []).map((i) => i.path);
    expect(paths.some((p) => p.startsWith('[0]'))).toBe(true);
    expect(paths.some((p) => p.startsWith('[1]'))).toBe(true);
    const mixed = (await (await post(createApp(quiet), '/api/estimate', [spec, { model: 'nope' }])).json()) as [unknown, { error: { message: string } }];
    expect(mixed[1].error.message).toBe('invalid spec');
  });
  it('too many specs: the issue says how many were sent and the cap', async () => {
    const over = await errorOf(await post(createApp({ ...quiet, maxSpecs: 1 }), '/api/estimate', [spec, spec]));
    expect(over.issues).toEqual([{ path: '', message: 'has too many specs', expected: 'at most 1', received: '2' }]);
  });
});

describe('search queries', () => {
  const { parallel: _p, ...noPlan } = spec;
  it('five plans by default; top 0 and an unknown objective are 400s on the query', async () => {
    const r = (await (await post(createApp(quiet), '/api/search', noPlan)).json()) as { plans: unknown[] };
    expect(r.plans).toHaveLength(5);
    const zero = await errorOf(await post(createApp(quiet), '/api/search?top=0', noPlan));
    expect(zero.issues).toEqual([expect.objectContaining({ path: '?top', expected: 'an integer from 1 to 100' })]);
    expect((await post(createApp(quiet), '/api/search?top=1', noPlan)).status).toBe(200);
    const obj = await errorOf(await post(createApp(quiet), '/api/search?objective=fast', noPlan));
    expect(obj.issues).toEqual([expect.objectContaining({ path: '?objective', message: 'is not an objective' })]);
  });
  it('time-to-train needs training.tokens', async () => {
    const e = await errorOf(await post(createApp(quiet), '/api/search?objective=time-to-train', noPlan));
    expect(e.issues).toEqual([{ path: 'training.tokens', message: 'is required for the time-to-train objective', expected: 'a number of tokens' }]);
    const ok = await post(createApp(quiet), '/api/search?objective=time-to-train&top=1', { ...noPlan, training: { ...noPlan.training, tokens: 1e12 } });
    expect(ok.status).toBe(200);
  });
  it('search turned off: 501 that says so', async () => {
    expect(await errorOf(await post(createApp({ ...quiet, search: null }), '/api/search', noPlan))).toMatchObject({ status: 501, message: 'plan search is not available in this build' });
  });
});

describe('runs', () => {
  it('only exactly {"bundled": true} asks for the bundled campaign', () => {
    expect(isBundledRequest({ bundled: true })).toBe(true);
    for (const v of [{ bundled: 'yes' }, { bundled: true, name: 'x' }, [true], null, 'bundled', true, {}]) expect(isBundledRequest(v), JSON.stringify(v)).toBe(false);
  });

  it('the bundled switch reaches the handler as an empty body; any other body is passed through', async () => {
    const seen: unknown[] = [];
    const startRun: StartRunFactory = () => (input) => (seen.push(input.value), Promise.resolve({ id: `r${seen.length}` }));
    const store = openStore(':memory:');
    const app = () => createApp({ ...quiet, startRun, store: () => store });
    expect((await post(app(), '/api/runs', { bundled: true })).status).toBe(201);
    expect((await post(app(), '/api/runs', { bundled: true, name: 'x' })).status).toBe(201);
    store.close();
    expect(seen).toEqual([undefined, { bundled: true, name: 'x' }]);
  });

  it('no store: 503 that says so; unknown id: 404 naming it; runs off: 501', async () => {
    expect(await errorOf(await createApp(quiet).request('/api/runs'))).toMatchObject({ status: 503, message: 'no run store is configured on this server' });
    const store = openStore(':memory:');
    expect(await errorOf(await createApp({ ...quiet, store: () => store }).request('/api/runs/abc'))).toMatchObject({ status: 404, message: 'no run "abc"' });
    expect(await (await createApp({ ...quiet, store: () => store }).request('/api/runs')).json()).toEqual({ runs: [] });
    expect(await errorOf(await post(createApp({ ...quiet, startRun: null, store: () => store }), '/api/runs', { bundled: true }))).toMatchObject({
      status: 501,
      message: 'campaign runs are not available in this build',
    });
    store.close();
  });

  it('?seed must be a plain non-negative integer', async () => {
    const store = openStore(':memory:');
    for (const seed of ['1.5', '-1', '1e3', 'x', ' 7', '7 ', '99999999999999999999']) {
      const e = await errorOf(await post(createApp({ ...quiet, store: () => store }), `/api/runs?seed=${encodeURIComponent(seed)}`, 'name: x\n', { 'content-type': 'application/yaml' }));
      expect(e.issues, seed).toEqual([{ path: '?seed', message: 'is not a valid seed', expected: 'an integer >= 0', received: JSON.stringify(seed) }]);
    }
    store.close();
  });
});

describe('request bodies', () => {
  it('a JSON content type with parameters is JSON; text/yaml is YAML; an empty body is a 400 that says so', async () => {
    expect((await post(createApp(quiet), '/api/estimate', spec, { 'content-type': 'Application/JSON; charset=utf-8' })).status).toBe(200);
    expect((await post(createApp(quiet), '/api/estimate', 'model: llama3-8b\nsystem: { gpu: h100-sxm, gpus: 64 }\ntraining: { seqLen: 4096, globalBatch: 256 }\nparallel: { tp: 1, pp: 1, dp: 64 }\n', { 'content-type': 'text/yaml' })).status).toBe(200);
    const empty = await errorOf(await post(createApp(quiet), '/api/estimate', '   '));
    expect(empty).toMatchObject({ status: 400, message: 'the request body is empty' });
    const broken = await errorOf(await post(createApp(quiet), '/api/estimate', '{"a": '));
    expect(broken.message).toBe('the request body is not valid JSON');
    expect(broken.issues?.[0]).toMatchObject({ path: '', expected: 'a JSON document' });
  });
  it('no content type, or an unsupported one, is a 415 that names it', async () => {
    const none = await errorOf(await createApp(quiet).request('/api/estimate', { method: 'POST', body: '{}' }));
    expect(none.status).toBe(415);
    const form = await errorOf(await post(createApp(quiet), '/api/estimate', 'a=b', { 'content-type': 'application/x-www-form-urlencoded' }));
    expect(form).toMatchObject({ status: 415 });
    expect(form.message).toMatch(/application\/x-www-form-urlencoded/);
  });
});
