/**
 * Path traversal against the dashboard's static files, sent as raw bytes over a socket (node:net),
 * so that no client-side URL parser normalises the path first: encoded slashes and dots, backslashes
 * (raw and encoded), overlong UTF-8, NUL. A secret file sits next to the web folder; no request may
 * read it (nor one in a sibling folder named like the web folder), and none may be answered with a 500.
 *
 * The test proves it can fail: the same raw requests, sent to an echo route on the same server stack,
 * show that the route receives `..` segments that resolve outside the web folder (so the dashboard's
 * guard, not the URL parser, is what stops them). By hand: with the guard in routes/dashboard.ts
 * removed (`!file.startsWith(root + sep) ||`), `/..%2fsecret.txt` is served and this test fails.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve, sep } from 'node:path';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from './create-app.js';
import { startServer, type RunningServer } from './start-server.js';

const SECRET = 'top-secret-0f3c';

/** One raw HTTP/1.1 request with `target` exactly as written; resolves to the status and body. */
function rawGet(port: number, target: string): Promise<{ status: number; body: string }> {
  return new Promise((done, fail) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.setTimeout(10_000, () => socket.destroy(new Error(`timeout on ${target}`)));
    socket.on('connect', () => socket.write(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`, 'latin1'));
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', fail);
    socket.on('end', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? NaN);
      done({ status, body: text.slice(text.indexOf('\r\n\r\n') + 4) });
    });
  });
}

const ATTACKS = [
  '/..%2fsecret.txt',
  '/..%2fweb-private%2fsecret.txt',
  '/%2e%2e%2fsecret.txt',
  '/%2e%2e/secret.txt',
  '/assets/..%2f..%2fsecret.txt',
  '/..%2f..%2f..%2f..%2f..%2f..%2f..%2f..%2fetc%2fhostname',
  '/..%5csecret.txt',
  '/..\\secret.txt',
  '/assets\\..\\..\\secret.txt',
  '/%c0%ae%c0%ae%c0%afsecret.txt',
  '/%c0%ae%c0%ae/secret.txt',
  '/..%c0%afsecret.txt',
  '/%252e%252e%252fsecret.txt',
  '/index.html%00.txt',
  '/..%00/secret.txt',
];
/** The attacks whose decoded path really leaves the web folder (checked below against the echo route). */
const ESCAPING = ['/..%2fsecret.txt', '/..%2fweb-private%2fsecret.txt', '/%2e%2e%2fsecret.txt', '/assets/..%2f..%2fsecret.txt', '/..%2f..%2f..%2f..%2f..%2f..%2f..%2f..%2fetc%2fhostname'];

describe('dashboard static files: raw traversal paths', () => {
  let dir: string;
  let web: string;
  let server: RunningServer;
  let echo: RunningServer;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'colossus-traversal-'));
    web = join(dir, 'web');
    mkdirSync(join(web, 'assets'), { recursive: true });
    writeFileSync(join(web, 'index.html'), '<!doctype html><title>ok</title>');
    writeFileSync(join(web, 'assets', 'app.js'), 'console.log(1)');
    writeFileSync(join(dir, 'secret.txt'), SECRET);
    // A sibling whose name starts with the web folder's: a prefix check without the separator lets it through.
    mkdirSync(join(dir, 'web-private'));
    writeFileSync(join(dir, 'web-private', 'secret.txt'), SECRET);
    server = await startServer(createApp({ logError: () => undefined, webDir: web }));
    // The same server stack (@hono/node-server + Hono), a route that reports the path it was given.
    const probe = new Hono();
    probe.get('/*', (c) => c.text(new URL(c.req.url).pathname));
    echo = await startServer(probe);
  });
  afterAll(async () => {
    await server?.close();
    await echo?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the files inside the web folder are served over the same raw requests', async () => {
    expect(await rawGet(server.port, '/')).toMatchObject({ status: 200, body: expect.stringContaining('<title>ok</title>') });
    expect(await rawGet(server.port, '/assets/app.js')).toMatchObject({ status: 200, body: 'console.log(1)' });
  });

  it('the escaping attacks reach the route un-normalised: decoded, they resolve outside the web folder', async () => {
    for (const target of ESCAPING) {
      const { status, body } = await rawGet(echo.port, target);
      expect(status).toBe(200);
      const rel = decodeURIComponent(body).replace(/^\/+/, '');
      expect(resolve(web, rel).startsWith(web + sep), `${target} arrives as ${body}`).toBe(false);
    }
  });

  it.each(ATTACKS)('%s → 4xx, never the secret, never a 500', async (target) => {
    const { status, body } = await rawGet(server.port, target);
    expect(status).toBeGreaterThanOrEqual(400);
    expect(status).toBeLessThan(500);
    expect(body).not.toContain(SECRET);
    expect(body).not.toMatch(/root:|localhost|\bat .*\.(ts|js):\d+/);
  });
});
