import { Hono } from 'hono';

/** `GET /api/health`: the server is up; says which optional parts are wired. */
export function healthRoutes(features: Record<string, boolean>): Hono {
  const app = new Hono();
  app.get('/health', (c) => c.json({ ok: true, name: 'colossus', version: '0.1.0', features }));
  return app;
}
