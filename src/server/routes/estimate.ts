import { Hono } from 'hono';
import { InputError, type Issue } from '../../core/index.js';
import { estimate, estimateIssues, type Estimate } from '../../model/index.js';
import { parseSpecValue } from '../../spec/index.js';
import { HttpError } from '../http-error.js';
import { readBody } from '../read-body.js';

/**
 * `POST /api/estimate`: the estimate contract over HTTP. One spec → one Estimate (400 with the
 * issues when invalid); an array → an array in the same order, invalid elements as `{error}` like
 * `colossus estimate --json`, and a 400 only when none is valid.
 */
export function estimateRoutes(maxSpecs: number): Hono {
  const app = new Hono();
  app.post('/estimate', async (c) => {
    const { value, doc } = await readBody(c);
    if (!Array.isArray(value)) {
      const r = parseSpecValue(value, doc);
      if (!r.ok) throw new InputError(r.issues);
      const e = estimate(r.spec);
      const broken = estimateIssues(e);
      if (broken.length > 0) throw new InputError(broken);
      return c.json(e);
    }
    if (value.length === 0) throw new HttpError(400, 'the array of specs is empty', [{ path: '', message: 'is empty', expected: 'at least one spec' }]);
    if (value.length > maxSpecs) {
      throw new HttpError(413, `too many specs in one request (at most ${maxSpecs})`, [
        { path: '', message: 'has too many specs', expected: `at most ${maxSpecs}`, received: String(value.length) },
      ]);
    }
    const issues: Issue[] = [];
    const out = value.map((v: unknown, i) => {
      const r = parseSpecValue(v, doc, [i]);
      const e = r.ok ? estimate(r.spec) : undefined;
      const bad = r.ok ? estimateIssues(e as Estimate).map((x) => ({ ...x, path: `[${i}].${x.path}` })) : r.issues;
      if (bad.length === 0) return e as Estimate;
      issues.push(...bad);
      return { error: { message: r.ok ? 'the spec gives a result that is not physical' : 'invalid spec', issues: bad } };
    });
    if (out.every((o) => 'error' in o)) throw new InputError(issues);
    return c.json(out);
  });
  return app;
}
