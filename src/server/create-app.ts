import { readFileSync } from 'node:fs';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { inProcessRunner } from '../sim/index.js';
import type { AppDeps } from './app-deps.js';
import { BUNDLED_CASES_PATH, builtDashboardDir } from './bundled-paths.js';
import { errorResponse } from './error-response.js';
import { HttpError } from './http-error.js';
import { oneAtATime } from './one-at-a-time.js';
import { planSearch } from './plan-search.js';
import { requestGuard } from './request-guard.js';
import { startCampaign } from './start-campaign.js';
import { catalogRoutes } from './routes/catalog.js';
import { dashboardRoutes } from './routes/dashboard.js';
import { estimateRoutes } from './routes/estimate.js';
import { healthRoutes } from './routes/health.js';
import { runsRoutes } from './routes/runs.js';
import { searchRoutes } from './routes/search.js';
import { simulateRoutes } from './routes/simulate.js';
import { pooledRoutes } from './routes/pooled.js';
import { validationRoutes } from './routes/validation.js';

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/**
 * The HTTP API and the dashboard as one Hono app, with no socket: test it with `app.request()`,
 * serve it with `startServer`. Every error leaves through `onError` → `errorResponse`.
 */
export function createApp(deps: AppDeps = {}): Hono {
  const maxBodyBytes = deps.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  // The request line goes in as an argument, never as the format string (`GET /%c` must not eat the error).
  const logError = deps.logError ?? ((err: unknown, where: string) => console.error('colossus serve: %s:', where, err));
  const runner = oneAtATime(deps.runner ?? inProcessRunner);
  const readCases = deps.validationCases ?? (() => readFileSync(BUNDLED_CASES_PATH, 'utf8'));
  const webDir = deps.webDir === undefined ? builtDashboardDir() : deps.webDir;
  const search = deps.search === undefined ? planSearch : deps.search;
  const startRun = deps.startRun === undefined ? startCampaign : deps.startRun;

  const app = new Hono();
  app.onError((err, c) => {
    const mapped = errorResponse(err);
    if (mapped.log) logError(err, `${c.req.method} ${new URL(c.req.url).pathname}`);
    return c.json(mapped.body, mapped.status);
  });
  app.notFound((c) => {
    const { body, status } = errorResponse(new HttpError(404, `no route ${c.req.method} ${new URL(c.req.url).pathname}`));
    return c.json(body, status);
  });

  app.use('*', requestGuard(deps.access));
  const api = new Hono();
  api.use(
    '*',
    bodyLimit({
      maxSize: maxBodyBytes,
      onError: () => {
        throw new HttpError(413, `the request body is larger than ${maxBodyBytes} bytes`);
      },
    }),
  );
  const pool = deps.pool;
  api.route('/', healthRoutes({ search: search !== null, runs: deps.store !== undefined, startRun: startRun !== null, dashboard: webDir !== null, workers: pool?.usesWorkers === true }, pool ? () => pool.stats() : undefined));
  if (pool) api.route('/', pooledRoutes(pool, logError));
  api.route('/', catalogRoutes());
  api.route('/', estimateRoutes(deps.maxSpecs ?? 1000));
  api.route('/', searchRoutes(search));
  api.route('/', simulateRoutes(runner, deps.maxReplications ?? 100));
  api.route('/', runsRoutes(deps.store, startRun));
  api.route('/', validationRoutes(readCases));
  api.all('*', (c) => {
    throw new HttpError(404, `no route ${c.req.method} ${new URL(c.req.url).pathname}`);
  });

  app.route('/api', api);
  app.route('/', dashboardRoutes(webDir));
  return app;
}
