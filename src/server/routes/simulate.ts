import { Hono } from 'hono';
import { InputError, checkedResult } from '../../core/index.js';
import { parseScenario, summarizeReplications, type ReplicationRunner } from '../../sim/index.js';
import { readBody } from '../read-body.js';
import { resolveStepTimeS } from '../resolve-step-time.js';

/** `POST /api/simulate`: a `colossus simulate` scenario (JSON or YAML) → the same result as `--json`. */
export function simulateRoutes(runner: ReplicationRunner, maxReplications: number): Hono {
  const app = new Hono();
  app.post('/simulate', async (c) => {
    const { value, doc } = await readBody(c);
    const r = parseScenario(doc, value, { resolveStepTimeS });
    if (!r.ok) throw new InputError(r.issues);
    const sc = r.scenario;
    if (sc.replications > maxReplications) {
      throw new InputError([
        { path: 'replications', message: 'is more than this server runs in one request', expected: `at most ${maxReplications}`, received: String(sc.replications) },
      ]);
    }
    const reps = await runner(sc.job, sc.seed, sc.replications);
    return c.json(checkedResult('simulation', summarizeReplications(sc, reps), [], 'job.stepTimeS, job.days, job.targetSteps and reliability'));
  });
  return app;
}
