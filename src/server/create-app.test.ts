import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore, type RunStore } from '../store/index.js';
import { freshApp } from './_test-app.js';
import { createApp } from './create-app.js';

const llama = {
  model: 'llama3-405b',
  system: { gpu: 'h100-sxm', gpus: 16384 },
  training: { seqLen: 8192, globalBatch: 2048, precision: 'bf16' },
  parallel: { tp: 8, pp: 16, dp: 128 },
};
const quiet = { logError: () => undefined, webDir: null };

const post = (app: { request: ReturnType<typeof createApp>['request'] }, path: string, body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
  app.request(path, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });

describe('HTTP API (in-process)', () => {
  const app = freshApp(() => createApp(quiet));

  it('GET /api/health', async () => {
    const res = await app.request('/api/health');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, name: 'colossus' });
  });

  it('GET /api/catalog lists GPUs and models by id', async () => {
    const body = (await (await app.request('/api/catalog')).json()) as { gpus: { id: string }[]; models: { id: string }[] };
    expect(body.gpus.map((g) => g.id)).toContain('h100-sxm');
    expect(body.models.map((m) => m.id)).toContain('llama3-405b');
  });

  it('POST /api/estimate: a valid spec → 200 with tokensPerSecPerGpu', async () => {
    const res = await post(app, '/api/estimate', llama);
    expect(res.status).toBe(200);
    const e = (await res.json()) as { tokensPerSecPerGpu: number; fits: boolean; parallel: { tp: number } };
    expect(e.tokensPerSecPerGpu).toBeGreaterThan(100);
    expect(e.parallel.tp).toBe(8);
  });

  it('POST /api/estimate: {"model":{"layers":-1}} → 400 with field-level issues, no stack', async () => {
    const res = await post(app, '/api/estimate', { model: { layers: -1 } });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    const text = await res.text();
    expect(text).not.toMatch(/\bat .*\.(ts|js):\d+/);
    const body = JSON.parse(text) as { error: { status: number; issues: { path: string; message: string }[] } };
    expect(body.error.status).toBe(400);
    const paths = body.error.issues.map((i) => i.path);
    expect(paths).toContain('model.layers');
    expect(paths).toContain('system');
  });

  it('YAML bodies give issues with line numbers', async () => {
    const res = await post(app, '/api/estimate', 'model: llama3-405b\nsystem: { gpu: h100-sxm, gpus: 0 }\ntraining: { seqLen: 8192, globalBatch: 2048 }\nparallel: { tp: 8, pp: 16, dp: 128 }\n', {
      'content-type': 'application/yaml',
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { issues: { path: string; line?: number }[] } };
    expect(body.error.issues.find((i) => i.path === 'system.gpus')?.line).toBe(2);
  });

  it('an array of specs → an array, invalid elements as {error}', async () => {
    const res = await post(app, '/api/estimate', [llama, { ...llama, parallel: { tp: 3, pp: 1, dp: 1 } }]);
    expect(res.status).toBe(200);
    const out = (await res.json()) as ({ tokensPerSecPerGpu: number } | { error: { issues: { path: string }[] } })[];
    expect(out).toHaveLength(2);
    expect('tokensPerSecPerGpu' in out[0]!).toBe(true);
    expect('error' in out[1]! && out[1].error.issues[0]?.path.startsWith('[1]')).toBe(true);
  });

  it('malformed JSON → 400; wrong content type → 415; empty → 400', async () => {
    expect((await post(app, '/api/estimate', '{"model":')).status).toBe(400);
    expect((await post(app, '/api/estimate', 'a=b', { 'content-type': 'application/x-www-form-urlencoded' })).status).toBe(415);
    expect((await post(app, '/api/estimate', '')).status).toBe(400);
  });

  it('a body over the limit → 413', async () => {
    const small = createApp({ ...quiet, maxBodyBytes: 1000 });
    const res = await post(small, '/api/estimate', { ...llama, notes: 'x'.repeat(5000) });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/larger than 1000 bytes/);
  });

  it('unknown routes → 404 JSON, API and elsewhere', async () => {
    for (const path of ['/api/nope', '/nope', '/']) {
      const res = await app.request(path);
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ error: { status: 404 } });
    }
    expect((await app.request('/api/estimate')).status).toBe(404);
  });

  it('a bug → 500 with a fixed message; the stack goes to the log only', async () => {
    const logged: unknown[] = [];
    const broken = createApp({
      webDir: null,
      logError: (e) => logged.push(e),
      validationCases: () => {
        throw new Error('secret detail at /home/x/file.ts:12');
      },
    });
    const res = await broken.request('/api/validation');
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toMatch(/secret|file\.ts/);
    expect(logged).toHaveLength(1);
  });

  it('POST /api/simulate runs a scenario; job.model resolves through the performance model', async () => {
    const res = await post(app, '/api/simulate', { job: { gpus: 1024, days: 2, stepTimeS: 5 }, reliability: { preset: 'llama3' }, replications: 2 });
    expect(res.status).toBe(200);
    const r = (await res.json()) as { ettr: number; replications: number };
    expect(r.replications).toBe(2);
    expect(r.ettr).toBeGreaterThan(0.5);
    const withModel = await post(app, '/api/simulate', {
      cluster: { gpu: 'h100-sxm' },
      job: { gpus: 16384, days: 1, model: 'llama3-405b', training: llama.training, parallel: llama.parallel },
      reliability: { preset: 'llama3' },
    });
    expect(withModel.status).toBe(200);
    expect(((await withModel.json()) as { scenario: { stepTimeS: number } }).scenario.stepTimeS).toBeGreaterThan(1);
    const bad = await post(app, '/api/simulate', { job: { gpus: 64, days: 1, model: { layers: -1 } } });
    expect(bad.status).toBe(400);
    const issues = ((await bad.json()) as { error: { issues: { path: string }[] } }).error.issues.map((i) => i.path);
    expect(issues).toContain('job.model.layers');
    const many = await post(app, '/api/simulate', { job: { gpus: 64, days: 1, stepTimeS: 1 }, replications: 101 });
    expect(many.status).toBe(400);
  });

  it('GET /api/validation: predicted vs measured with the error per source', async () => {
    const r = (await (await app.request('/api/validation')).json()) as { rows: unknown[]; bySource: Record<string, { mape: number }> };
    expect(r.rows.length).toBeGreaterThan(5);
    expect(Object.keys(r.bySource).length).toBeGreaterThan(1);
  });

  it('POST /api/search: best plans for a spec without a plan; bad query or spec → 400', async () => {
    const { parallel: _omit, ...noPlan } = llama;
    const res = await post(app, '/api/search?top=3', noPlan);
    expect(res.status).toBe(200);
    const r = (await res.json()) as { plans: { parallel: { tp: number; pp: number; dp: number }; gpusUsed: number; estimate: { tokensPerSecPerGpu: number } }[]; evaluated: number };
    expect(r.plans).toHaveLength(3);
    expect(r.evaluated).toBeGreaterThan(0);
    const [a, b] = [r.plans[0]!, r.plans[1]!];
    expect(a.estimate.tokensPerSecPerGpu * a.gpusUsed).toBeGreaterThanOrEqual(b.estimate.tokensPerSecPerGpu * b.gpusUsed);
    const bad = await post(app, '/api/search?top=0&objective=speed', { ...noPlan, system: { gpu: 'h100-sxm', gpus: -1 } });
    expect(bad.status).toBe(400);
    const paths = ((await bad.json()) as { error: { issues: { path: string }[] } }).error.issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['?top', '?objective', 'system.gpus']));
    expect((await post(createApp({ ...quiet, search: null }), '/api/search', noPlan)).status).toBe(501);
  });

  it('runs without a store answer 503; POST /api/runs can be turned off (501)', async () => {
    expect((await app.request('/api/runs')).status).toBe(503);
    const off = createApp({ ...quiet, startRun: null, store: () => openStore(':memory:') });
    expect((await post(off, '/api/runs', {})).status).toBe(501);
  });
});

describe('runs endpoints', () => {
  const dir = mkdtempSync(join(tmpdir(), 'colossus-server-'));
  let store: RunStore | undefined;
  afterAll(() => {
    store?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const app = freshApp(() =>
    createApp({
      ...quiet,
      store: () => (store ??= openStore(join(dir, 'runs.db'))),
    }),
  );

  it('lists runs newest first and returns one in full; unknown id → 404', async () => {
    const s = (store ??= openStore(join(dir, 'runs.db')));
    const a = s.saveRun({ name: 'first', summary: { days: 100 }, timeline: [{ day: 0, gpusOnline: { 'h100-sxm': 0 } }, { day: 10, gpusOnline: { 'h100-sxm': 1000 } }] });
    const b = s.saveRun({ name: 'second', summary: { days: 90 } });
    const list = (await (await app.request('/api/runs')).json()) as { runs: { id: string; name: string }[] };
    expect(list.runs.map((r) => r.id)).toEqual([b.id, a.id]);
    const one = (await (await app.request(`/api/runs/${a.id}`)).json()) as { name: string; timeline: unknown[] };
    expect(one.name).toBe('first');
    expect(one.timeline).toHaveLength(2);
    expect((await app.request('/api/runs/nope')).status).toBe(404);
  });

  it('POST /api/runs plays a campaign and stores it as `colossus run` does; a bad scenario → 400, nothing stored', async () => {
    const tiny = `name: tiny
horizonDays: 120
deliveries:
  - { gpu: h100-sxm, gpus: 2048, fromDay: 0, toDay: 9 }
site: { gpusPerServer: 8, serversPerRack: 8, racksPerArray: 8 }
training: { model: llama3-8b, seqLen: 8192, globalBatch: 512, tokens: 2e11, startFraction: 0.5 }
reliability: { preset: llama3 }
`;
    const before = (store ??= openStore(join(dir, 'runs.db'))).listRuns().length;
    const res = await post(app, '/api/runs?seed=3', tiny, { 'content-type': 'application/yaml' });
    expect(res.status).toBe(201);
    const started = (await res.json()) as { id: string; summary: { timeToModelDays: number; seed: number } };
    expect(res.headers.get('location')).toBe(`/api/runs/${started.id}`);
    expect(started.summary.seed).toBe(3);
    expect(started.summary.timeToModelDays).toBeGreaterThan(0);
    const run = (await (await app.request(`/api/runs/${started.id}`)).json()) as { timeline: unknown[]; blobs: { result: { training: { progress: unknown[] } } } };
    expect(run.timeline.length).toBeGreaterThan(1);
    expect(run.blobs.result.training.progress.length).toBeGreaterThan(1);

    const bad = await post(app, '/api/runs', 'name: x\ndeliveries: []\n', { 'content-type': 'application/yaml' });
    expect(bad.status).toBe(400);
    const issues = ((await bad.json()) as { error: { issues: { path: string; line?: number }[] } }).error.issues;
    expect(issues.find((i) => i.path === 'deliveries')?.line).toBe(2);
    expect((await post(app, '/api/runs?seed=x', tiny, { 'content-type': 'application/yaml' })).status).toBe(400);
    expect(store.listRuns().length).toBe(before + 1);
  });

  it('serves the built dashboard from webDir, nothing outside it', async () => {
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>t</title>');
    const web = createApp({ ...quiet, webDir: dir });
    const res = await web.request('/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect((await web.request('/%2e%2e/%2e%2e/etc/passwd')).status).toBe(404);
    expect((await web.request('/assets/missing.js')).status).toBe(404);
  });
});
