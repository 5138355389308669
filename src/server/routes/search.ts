import { Hono } from 'hono';
import type { SearchFactory } from '../app-deps.js';
import { HttpError } from '../http-error.js';
import { readBody } from '../read-body.js';

/** `POST /api/search?top=K&objective=NAME`: a spec whose plan may be left out → the best plans. */
export function searchRoutes(search: SearchFactory | null): Hono {
  const app = new Hono();
  app.post('/search', async (c) => {
    if (!search) throw new HttpError(501, 'plan search is not available in this build');
    const handler = search({ top: c.req.query('top'), objective: c.req.query('objective') });
    return c.json(await handler(await readBody(c)));
  });
  return app;
}
