import { Hono } from 'hono';
import type { RunStore } from '../../store/index.js';
import type { StartRunFactory } from '../app-deps.js';
import { oneAtATime } from '../one-at-a-time.js';
import { HttpError } from '../http-error.js';
import { readBody } from '../read-body.js';
import { isBundledRequest } from '../work.js';

/** `GET /api/runs`, `GET /api/runs/:id`, `POST /api/runs[?seed=N]` (a campaign scenario; `{"bundled": true}` = the bundled one): the stored campaign runs. */
export function runsRoutes(store: (() => RunStore) | undefined, startRun: StartRunFactory | null): Hono {
  const app = new Hono();
  // Campaigns run in this thread for seconds each: one at a time, in arrival order.
  const play = oneAtATime((run: () => Promise<{ id: string } & Record<string, unknown>>) => run());
  const open = (): RunStore => {
    if (!store) throw new HttpError(503, 'no run store is configured on this server');
    return store();
  };
  app.get('/runs', (c) => {
    const s = open();
    const runs = s.listRuns();
    const damaged = s.damaged();
    // Damaged rows are skipped and named, never a 500 for the whole list.
    return c.json(damaged.length > 0 ? { runs, damaged } : { runs });
  });
  app.get('/runs/:id', (c) => {
    const id = c.req.param('id');
    const run = open().getRun(id);
    if (!run) throw new HttpError(404, `no run ${JSON.stringify(id)}`);
    return c.json(run);
  });
  app.post('/runs', async (c) => {
    if (!startRun) throw new HttpError(501, 'campaign runs are not available in this build');
    const read = await readBody(c);
    const s = open();
    // `{"bundled": true}` plays the bundled scenario (a POST always has a body, so no cross-site form can start a run).
    const input = isBundledRequest(read.value) ? { value: undefined, doc: undefined } : read;
    const handler = startRun({ seed: c.req.query('seed') });
    const started = await play(() => handler(input, s));
    return c.json(started, 201, { location: `/api/runs/${encodeURIComponent(started.id)}` });
  });
  return app;
}
