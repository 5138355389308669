import { Hono } from 'hono';
import type { ReplicationRunner } from '../../sim/index.js';
import { readBody } from '../read-body.js';
import { simulateJson } from '../work.js';

/** `POST /api/simulate`: a `colossus simulate` scenario (JSON or YAML) → the same result as `--json`. */
export function simulateRoutes(runner: ReplicationRunner, maxReplications: number): Hono {
  const app = new Hono();
  app.post('/simulate', async (c) => {
    const { value, doc } = await readBody(c);
    return c.json(await simulateJson(value, doc, maxReplications, runner));
  });
  return app;
}
