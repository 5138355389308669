/**
 * The HTTP API checked against the in-process core on the same inputs (an oracle that is not the
 * route itself), and the server's caps and one-at-a-time runners each with a test that fails without
 * them. Every test runs twice, as h3's describeMatrix does: in-process through `app.request()` and
 * over a real socket against `startServer`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { estimate } from '../model/index.js';
import { searchFleet } from '../fleet/index.js';
import { parseScenario, runReplications, summarizeReplications, type ReplicationRunner } from '../sim/index.js';
import { parseSpecValue } from '../spec/index.js';
import type { AppDeps, StartRunFactory } from './app-deps.js';
import { createApp } from './create-app.js';
import { resolveStepTimeS } from '../search/index.js';
import { startServer, type RunningServer } from './start-server.js';

type Call = (path: string, init?: RequestInit) => Promise<Response>;
interface Target {
  call: Call;
  post(path: string, body: unknown, type?: string): Promise<Response>;
}

/** One app under test, reachable in-process or over a listening socket (started lazily, closed after the suite). */
function matrix(name: string, build: (deps: AppDeps) => ReturnType<typeof createApp>, body: (target: (deps?: AppDeps) => Target) => void): void {
  for (const mode of ['in-process', 'listening server'] as const) {
    describe(`${name} (${mode})`, () => {
      const servers: RunningServer[] = [];
      afterAll(async () => {
        await Promise.all(servers.map((s) => s.close()));
      });
      body((deps: AppDeps = {}) => {
        // Built on the first request, inside a test: mutation testing activates its mutant in a
        // beforeAll, after the describe bodies ran, so an app built here would miss it.
        let app: ReturnType<typeof createApp> | undefined;
        const get = () => (app ??= build({ logError: () => undefined, webDir: null, ...deps }));
        let server: Promise<RunningServer> | undefined;
        const call: Call =
          mode === 'in-process'
            ? (path, init) => Promise.resolve(get().request(path, init))
            : async (path, init) => {
                server ??= startServer(get()).then((s) => (servers.push(s), s));
                return fetch(`${(await server).url}${path}`, init);
              };
        return {
          call,
          post: (path, value, type = 'application/json') =>
            call(path, { method: 'POST', headers: { 'content-type': type }, body: typeof value === 'string' ? value : JSON.stringify(value) }),
        };
      });
    });
  }
}

const plan = (tp: number, pp: number, dp: number, extra: Record<string, unknown> = {}) => ({ tp, pp, dp, ...extra });
/** Specs over dense and MoE models, two GPU types and the plan knobs the estimate reads. */
const SPECS: Record<string, unknown>[] = [
  { model: 'llama3-405b', system: { gpu: 'h100-sxm', gpus: 16384 }, training: { seqLen: 8192, globalBatch: 2048, precision: 'bf16' }, parallel: plan(8, 16, 128) },
  { model: 'llama3-70b', system: { gpu: 'h200-sxm', gpus: 1024 }, training: { seqLen: 8192, globalBatch: 1024, precision: 'fp8' }, parallel: plan(4, 4, 64, { microBatch: 2, zeroStage: 1, vpp: 2 }) },
  { model: 'llama3-8b', system: { gpu: 'h100-sxm', gpus: 64 }, training: { seqLen: 4096, globalBatch: 512, precision: 'bf16' }, parallel: plan(1, 1, 64, { zeroStage: 3, recompute: 'full' }) },
  { model: 'mixtral-8x7b', system: { gpu: 'h100-sxm', gpus: 512 }, training: { seqLen: 4096, globalBatch: 1024, precision: 'bf16' }, parallel: plan(2, 4, 64, { ep: 8 }) },
  { model: 'gpt3-175b', system: { gpu: 'a100-sxm-80gb', gpus: 1024 }, training: { seqLen: 2048, globalBatch: 1536, precision: 'bf16' }, parallel: plan(8, 8, 16) },
];

/** The in-process estimate for a spec as the API would send it (JSON-encoded). */
function coreEstimate(value: unknown): unknown {
  const r = parseSpecValue(value, undefined);
  if (!r.ok) throw new Error(`test spec invalid: ${JSON.stringify(r.issues)}`);
  return JSON.parse(JSON.stringify(estimate(r.spec))) as unknown;
}

matrix('HTTP API against the in-process core', createApp, (target) => {
  const api = target();

  it('POST /api/estimate equals estimate() on the same spec, field for field, for each spec', async () => {
    for (const spec of SPECS) {
      const res = await api.post('/api/estimate', spec);
      expect(res.status, JSON.stringify(spec)).toBe(200);
      expect(await res.json()).toEqual(coreEstimate(spec));
    }
  });

  it('POST /api/estimate with an array equals estimate() element by element, in order', async () => {
    const res = await api.post('/api/estimate', SPECS);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(SPECS.map(coreEstimate));
    // Different specs give different answers: a constant response cannot pass the element-wise check.
    const steps = new Set(SPECS.map((s) => (coreEstimate(s) as { stepTimeS: number }).stepTimeS));
    expect(steps.size).toBe(SPECS.length);
  });

  it('POST /api/search equals search() on the same spec (all but the wall time)', async () => {
    const { parallel: _p, ...noPlan } = SPECS[1]!;
    const res = await api.post('/api/search?top=4&objective=tokens-per-sec', noPlan);
    expect(res.status).toBe(200);
    const got = (await res.json()) as { elapsedS: number };
    const parsed = parseSpecValue(noPlan, undefined, [], { planOptional: true });
    if (!parsed.ok) throw new Error('spec');
    const want = JSON.parse(JSON.stringify(searchFleet(parsed.spec, { top: 4, objective: 'tokens-per-sec' }))) as { elapsedS: number };
    expect({ ...got, elapsedS: 0 }).toEqual({ ...want, elapsedS: 0 });
  });

  it('POST /api/simulate equals the scenario run in this thread with the same seed', async () => {
    const scenario = { job: { gpus: 4096, days: 3, stepTimeS: 4 }, reliability: { preset: 'llama3' }, seed: 11, replications: 3 };
    const res = await api.post('/api/simulate', scenario);
    expect(res.status).toBe(200);
    const parsed = parseScenario(undefined, scenario, { resolveStepTimeS });
    if (!parsed.ok) throw new Error('scenario');
    const sc = parsed.scenario;
    const want = summarizeReplications(sc, runReplications(sc.job, sc.seed, 0, sc.replications));
    expect(await res.json()).toEqual(JSON.parse(JSON.stringify(want)));
  });

  it('POST /api/simulate: more replications than maxReplications → 400 on `replications`; exactly the cap runs', async () => {
    const capped = target({ maxReplications: 2 });
    const scenario = { job: { gpus: 64, days: 1, stepTimeS: 1 }, reliability: { preset: 'llama3' } };
    const over = await capped.post('/api/simulate', { ...scenario, replications: 3 });
    expect(over.status).toBe(400);
    const issues = ((await over.json()) as { error: { issues: { path: string; expected: string }[] } }).error.issues;
    expect(issues).toEqual([expect.objectContaining({ path: 'replications', expected: 'at most 2' })]);
    const at = await capped.post('/api/simulate', { ...scenario, replications: 2 });
    expect(at.status).toBe(200);
    expect(((await at.json()) as { replications: number }).replications).toBe(2);
    // The default cap is 100: 101 is refused on `replications` (valid for the scenario reader, up to 100,000).
    const dflt = await api.post('/api/simulate', { ...scenario, replications: 101 });
    expect(dflt.status).toBe(400);
    expect(((await dflt.json()) as { error: { issues: { path: string; expected: string }[] } }).error.issues).toEqual([
      expect.objectContaining({ path: 'replications', expected: 'at most 100' }),
    ]);
  });

  it('POST /api/estimate: more specs than maxSpecs → 413; exactly the cap → 200', async () => {
    const capped = target({ maxSpecs: 2 });
    const over = await capped.post('/api/estimate', SPECS.slice(0, 3));
    expect(over.status).toBe(413);
    expect(((await over.json()) as { error: { message: string } }).error.message).toMatch(/at most 2/);
    expect((await capped.post('/api/estimate', SPECS.slice(0, 2))).status).toBe(200);
  });

  it('POST /api/search: top above 100 → 400 on `?top`; top=100 is allowed', async () => {
    const { parallel: _p, ...noPlan } = SPECS[2]!;
    const over = await api.post('/api/search?top=101', noPlan);
    expect(over.status).toBe(400);
    expect(((await over.json()) as { error: { issues: { path: string }[] } }).error.issues.map((i) => i.path)).toEqual(['?top']);
    expect((await api.post('/api/search?top=100', noPlan)).status).toBe(200);
  });

  it('simulations run one batch at a time, in arrival order, and a failed batch does not block the next', async () => {
    let inFlight = 0;
    let most = 0;
    const order: number[] = [];
    const runner: ReplicationRunner = async (job, seed, count) => {
      inFlight++;
      most = Math.max(most, inFlight);
      order.push(seed);
      await new Promise((r) => setTimeout(r, 30));
      inFlight--;
      if (seed === 2) throw new Error('worker died');
      return runReplications(job, seed, 0, count);
    };
    const app = target({ runner });
    const body = (seed: number) => ({ job: { gpus: 64, days: 1, stepTimeS: 1 }, reliability: { preset: 'llama3' }, seed, replications: 1 });
    const statuses = await Promise.all([1, 2, 3, 4].map((s) => app.post('/api/simulate', body(s)).then((r) => r.status)));
    expect(most).toBe(1);
    expect(order).toEqual([1, 2, 3, 4]);
    expect(statuses).toEqual([200, 500, 200, 200]);
  });

  it('campaign runs play one at a time, in arrival order', async () => {
    let inFlight = 0;
    let most = 0;
    const order: string[] = [];
    const startRun: StartRunFactory = (query) => async () => {
      inFlight++;
      most = Math.max(most, inFlight);
      order.push(query.seed ?? '');
      await new Promise((r) => setTimeout(r, 30));
      inFlight--;
      return { id: `run-${query.seed}` };
    };
    const { openStore } = await import('../store/index.js');
    const store = openStore(':memory:');
    const app = target({ startRun, store: () => store });
    const ids = await Promise.all(['1', '2', '3'].map((s) => app.post(`/api/runs?seed=${s}`, { bundled: true }).then(async (r) => ((await r.json()) as { id: string }).id)));
    store.close();
    expect(most).toBe(1);
    expect(order).toEqual(['1', '2', '3']);
    expect(ids).toEqual(['run-1', 'run-2', 'run-3']);
  });
});

describe('the matrix really listens', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer(createApp({ logError: () => undefined, webDir: null }));
  });
  afterAll(() => server.close());
  it('startServer binds an ephemeral loopback port that answers /api/health', async () => {
    expect(server.port).toBeGreaterThan(0);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    expect(await (await fetch(`${server.url}/api/health`)).json()).toMatchObject({ ok: true });
  });
});
