import { Hono } from 'hono';
import { parseCases, runValidation, type ValidationReport } from '../../validation/index.js';

/** `GET /api/validation`: every published case, predicted vs measured, with the error per source (`colossus validate --json`). */
export function validationRoutes(readCases: () => string): Hono {
  const app = new Hono();
  let report: ValidationReport | undefined;
  app.get('/validation', (c) => {
    report ??= runValidation(parseCases(readCases(), 'public-cases.jsonl'));
    return c.json(report);
  });
  return app;
}
