import { Hono } from 'hono';
import { GPUS, MODELS } from '../../catalog/index.js';

/** `GET /api/catalog`: the GPUs and models a spec may name by id, with their sources. */
export function catalogRoutes(): Hono {
  const app = new Hono();
  const body = { gpus: GPUS, models: Object.entries(MODELS).map(([id, m]) => ({ id, ...m })) };
  app.get('/catalog', (c) => c.json(body));
  return app;
}
