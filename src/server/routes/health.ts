import { Hono } from 'hono';

/** `GET /api/health`: the server is up; says which optional parts are wired, and (with a work pool) how busy it is. */
export function healthRoutes(features: Record<string, boolean>, work?: () => Record<string, number>): Hono {
  const app = new Hono();
  app.get('/health', (c) => c.json({ ok: true, name: 'colossus', version: '0.1.0', features, ...(work ? { work: work() } : {}) }));
  return app;
}
