import { Hono } from 'hono';
import { readBody } from '../read-body.js';
import { estimateJson } from '../work.js';

/**
 * `POST /api/estimate`: the estimate contract over HTTP. One spec → one Estimate (400 with the
 * issues when invalid); an array → an array in the same order, invalid elements as `{error}` like
 * `colossus estimate --json`, and a 400 only when none is valid.
 */
export function estimateRoutes(maxSpecs: number): Hono {
  const app = new Hono();
  app.post('/estimate', async (c) => {
    const { value, doc } = await readBody(c);
    return c.json(estimateJson(value, doc, maxSpecs));
  });
  return app;
}
