import { Hono, type Context } from 'hono';
import { mediaType } from '../read-body.js';
import type { WorkPool } from '../work-pool.js';
import type { WorkKind } from '../work.js';

/**
 * The four POST routes when a work pool is configured (`colossus serve`): the body text goes to a
 * worker thread, which parses, computes (and saves campaign runs) and serialises the answer; this
 * thread only forwards text. A client that disconnects cancels its request.
 */
export function pooledRoutes(pool: WorkPool, logError: (err: unknown, where: string) => void): Hono {
  const app = new Hono();
  const routes: [string, WorkKind][] = [
    ['/estimate', 'estimate'],
    ['/search', 'search'],
    ['/simulate', 'simulate'],
    ['/runs', 'campaign'],
  ];
  for (const [path, kind] of routes) {
    app.post(path, async (c: Context) => {
      const query: Record<string, string | undefined> = {};
      for (const [k, v] of Object.entries(c.req.query())) query[k] = v;
      const text = await c.req.text();
      const a = await pool.run({ kind, query, type: mediaType(c), text }, c.req.raw.signal);
      if (a.logged) logError(a.logged, `${c.req.method} ${new URL(c.req.url).pathname}`);
      return c.body(a.text, a.status as 200, { 'content-type': 'application/json; charset=UTF-8', ...(a.headers ?? {}) });
    });
  }
  return app;
}
