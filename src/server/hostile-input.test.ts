import { afterEach, describe, expect, it, vi } from 'vitest';
import { freshApp } from './_test-app.js';
import { createApp } from './create-app.js';

const quiet = { logError: () => undefined, webDir: null };
const ROUTES = ['/api/estimate', '/api/search', '/api/simulate', '/api/runs'] as const;
const STACK = /\bat .*\.(ts|js):\d+|node:internal|Error:/;

const post = (app: { request: ReturnType<typeof createApp>['request'] }, path: string, body: string, type?: string, extra: Record<string, string> = {}) =>
  app.request(path, { method: 'POST', headers: { ...(type === undefined ? {} : { 'content-type': type }), ...extra }, body });

describe('hostile request bodies (audit holes 1, 2, 5)', () => {
  const app = freshApp(() => createApp(quiet));

  it('a 2 KB YAML nested 1,000 deep, posted again and again to every POST route: 400 "nests too deeply" each time', async () => {
    const deep = '['.repeat(1000) + ']'.repeat(1000);
    for (const route of ROUTES) {
      for (let i = 0; i < 3; i++) {
        const res = await post(app, route, deep, 'application/yaml');
        expect(res.status).toBe(400);
        const body = (await res.json()) as { error: { issues: { message: string; line?: number }[] } };
        expect(body.error.issues[0]).toMatchObject({ message: 'nests too deeply', line: 1 });
      }
    }
    // 100,000 deep as YAML and as JSON: refused the same way.
    const deeper = '['.repeat(100_000) + ']'.repeat(100_000);
    expect((await post(app, '/api/estimate', deeper, 'text/yaml')).status).toBe(400);
    const json = await post(app, '/api/estimate', deeper, 'application/json');
    expect(json.status).toBe(400);
    expect(JSON.stringify(await json.json())).toContain('nests too deeply');
  });

  it('an undefined alias, a billion-laughs body and an unknown tag are 400s naming the field, never 500', async () => {
    const laughs = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++) laughs.push(`${'abcdefghi'[i]}: &${'abcdefghi'[i]} [${Array(9).fill(`*${'abcdefghi'[i - 1]}`).join(', ')}]`);
    for (const route of ROUTES) {
      const alias = await post(app, route, 'model: *nope\n', 'application/yaml');
      expect(alias.status).toBe(400);
      const text = await alias.text();
      expect(text).not.toMatch(STACK);
      expect(JSON.parse(text)).toMatchObject({ error: { issues: [{ path: 'model', line: 1, column: 8, received: '*nope' }] } });
      expect((await post(app, route, laughs.join('\n'), 'application/yaml')).status).toBe(400);
      expect((await post(app, route, 'a: !!binary aGk=\n', 'application/yaml')).status).toBe(400);
    }
  });

  it('60,000 unknown keys in a YAML body: refused in well under a second', async () => {
    const body = 'model: llama3-405b\n' + Array.from({ length: 60_000 }, (_, i) => `k${i}: 1`).join('\n');
    const t0 = performance.now();
    const res = await post(app, '/api/estimate', body, 'application/yaml');
    expect(performance.now() - t0).toBeLessThan(3000);
    expect(res.status).toBe(400);
  });
});

describe('content types and bodies (audit hole 4: no cross-site form can post)', () => {
  const app = freshApp(() => createApp(quiet));

  it('text/plain, form, multipart and no content type are 415 on every POST route, even with an empty body', async () => {
    for (const route of ROUTES) {
      for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', undefined]) {
        expect((await post(app, route, '', type)).status).toBe(415);
        expect((await post(app, route, '{}', type)).status).toBe(415);
      }
    }
  });

  it('an empty JSON body is a 400; {"bundled": true} is how POST /api/runs plays the bundled scenario', async () => {
    for (const route of ROUTES) expect((await post(app, route, '', 'application/json')).status).toBe(400);
    // No store configured here: the body is accepted as far as the store (503), not refused as a body.
    expect((await post(app, '/api/runs', '{"bundled": true}', 'application/json; charset=utf-8')).status).toBe(503);
  });
});

describe('URLs and logs (audit hole 9)', () => {
  afterEach(() => vi.restoreAllMocks());

  it('malformed percent-encoding is a 400, not a 500', async () => {
    const app = createApp({ ...quiet, webDir: '/nonexistent' });
    for (const path of ['/%', '/%ff%fe', '/%E0%A4%A', '/%c', '/assets/%E0']) {
      const res = await app.request(path);
      expect(res.status, path).toBe(400);
    }
  });

  it('the request line is logged as data, never as a console format string', async () => {
    const spy = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const boom = new Error('boom');
    const app = createApp({
      webDir: null,
      search: () => () => Promise.reject(boom),
    });
    const res = await app.request('/api/search?x=%c', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(500);
    expect(await res.text()).not.toMatch(STACK);
    const res2 = await createApp({ webDir: null, search: () => () => Promise.reject(boom) }).request('/api/%c%s%d', { method: 'GET' });
    expect(res2.status).toBe(404);
    expect(spy).toHaveBeenCalledTimes(1);
    const [format, where, err] = spy.mock.calls[0] as [string, string, unknown];
    expect(format).toBe('colossus serve: %s:');
    expect(where).toBe('POST /api/search');
    expect(err).toBe(boom);
  });
});

describe('Origin, Host and token (audit hole 4: CSRF and DNS rebinding)', () => {
  const llama = JSON.stringify({ model: 'llama3-8b', system: { gpu: 'h100-sxm', gpus: 8 }, training: { seqLen: 4096, globalBatch: 64 }, parallel: { tp: 1, pp: 1, dp: 8 } });

  it('loopback by default: a foreign Origin or Host is a 403, the own loopback origin is served', async () => {
    const app = createApp(quiet);
    expect((await post(app, '/api/runs?seed=7', '', 'text/plain', { origin: 'http://evil.example' })).status).toBe(403);
    expect((await post(app, '/api/estimate', llama, 'application/json', { origin: 'http://evil.example' })).status).toBe(403);
    expect((await post(app, '/api/estimate', llama, 'application/json', { origin: 'null' })).status).toBe(403);
    expect((await app.request('http://evil.example/api/runs', { headers: { host: 'evil.example' } })).status).toBe(403);
    expect((await app.request('http://127.0.0.1:8080/api/health', { headers: { host: '127.0.0.1:8080' } })).status).toBe(200);
    expect((await post(app, 'http://127.0.0.1:8080/api/estimate', llama, 'application/json', { host: '127.0.0.1:8080', origin: 'http://127.0.0.1:8080' })).status).toBe(200);
    // Same host name, other port: another origin.
    expect((await post(app, 'http://127.0.0.1:8080/api/estimate', llama, 'application/json', { host: '127.0.0.1:8080', origin: 'http://127.0.0.1:9999' })).status).toBe(403);
  });

  it('--allow-origin admits that origin and its host', async () => {
    const app = createApp({ ...quiet, access: { allowOrigins: ['https://plans.example.com'] } });
    expect((await post(app, 'https://plans.example.com/api/estimate', llama, 'application/json', { host: 'plans.example.com', origin: 'https://plans.example.com' })).status).toBe(200);
    expect((await post(app, '/api/estimate', llama, 'application/json', { origin: 'https://other.example.com' })).status).toBe(403);
  });

  it('with a token: 401 without it; Bearer or the cookie set by /?token= work; health stays open', async () => {
    const app = createApp({ ...quiet, access: { token: 's3cret' } });
    expect((await app.request('http://10.0.0.5:8080/api/health', { headers: { host: '10.0.0.5:8080' } })).status).toBe(200);
    expect((await app.request('/api/catalog')).status).toBe(401);
    expect((await app.request('/api/catalog', { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    expect((await app.request('/api/catalog', { headers: { authorization: 'Bearer s3cret' } })).status).toBe(200);
    const open = await app.request('/?token=s3cret');
    const cookie = open.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/colossus_token=s3cret/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect((await app.request('/api/catalog', { headers: { cookie: cookie.split(';')[0] as string } })).status).toBe(200);
  });
});
