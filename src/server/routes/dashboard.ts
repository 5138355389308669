import { readFile } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import { Hono } from 'hono';
import { HttpError } from '../http-error.js';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

/** The built dashboard: `/` is its index.html, `/assets/*` its hashed bundles. Nothing outside `webDir` is ever read. */
export function dashboardRoutes(webDir: string | null): Hono {
  const app = new Hono();
  const root = webDir === null ? null : resolve(webDir);
  app.get('/*', async (c) => {
    if (root === null) throw new HttpError(404, 'the dashboard is not part of this server');
    let urlPath: string;
    try {
      urlPath = decodeURIComponent(new URL(c.req.url).pathname);
    } catch {
      throw new HttpError(400, 'the URL path is not valid percent-encoding');
    }
    const rel = urlPath === '/' || urlPath === '/index.html' ? 'index.html' : urlPath.replace(/^\/+/, '');
    const file = resolve(root, rel);
    if (!file.startsWith(root + sep) || rel.includes('\0')) throw new HttpError(404, 'not found');
    let bytes: Buffer;
    try {
      bytes = await readFile(file);
    } catch {
      if (rel === 'index.html') throw new HttpError(404, 'the dashboard is not built (run `npm run build:web`)');
      throw new HttpError(404, 'not found');
    }
    const type = TYPES[extname(file)] ?? 'application/octet-stream';
    const cache = rel.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
    return c.body(new Uint8Array(bytes), 200, { 'content-type': type, 'cache-control': cache, 'x-content-type-options': 'nosniff' });
  });
  return app;
}
