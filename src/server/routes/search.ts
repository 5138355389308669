import { Hono } from 'hono';
import type { SearchHandler } from '../app-deps.js';
import { HttpError } from '../http-error.js';
import { readBody } from '../read-body.js';

/** `POST /api/search`: a spec whose plan may be left out → the best plans. */
export function searchRoutes(search: SearchHandler | undefined): Hono {
  const app = new Hono();
  app.post('/search', async (c) => {
    if (!search) throw new HttpError(501, 'plan search is not available in this build');
    return c.json(await search(await readBody(c)));
  });
  return app;
}
