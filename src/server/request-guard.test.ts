import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { errorResponse } from './error-response.js';
import { requestGuard, type AccessPolicy } from './request-guard.js';

/** The guard in front of routes that never read a body: whatever they answer, the guard let through. */
function guarded(policy: AccessPolicy = {}) {
  const ran: string[] = [];
  const app = new Hono();
  app.onError((err, c) => {
    const { body, status } = errorResponse(err);
    return c.json(body, status);
  });
  app.use('*', requestGuard(policy));
  app.all('/api/*', (c) => {
    ran.push(`${c.req.method} ${new URL(c.req.url).pathname}`);
    return c.text('ran');
  });
  return { app, ran };
}

const message = async (res: Response) => ((await res.json()) as { error: { message: string; issues?: unknown[] } }).error;

describe('requestGuard (before any route runs)', () => {
  it('a POST that is not JSON or YAML is a 415 before the route runs, even one that reads no body', async () => {
    const { app, ran } = guarded();
    const plain = await app.request('/api/poke', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' });
    expect(plain.status).toBe(415);
    expect(await message(plain)).toEqual({
      status: 415,
      message: 'unsupported content type "text/plain"',
      issues: [{ path: '', message: 'has an unsupported content type', expected: 'application/json or application/yaml', received: '"text/plain"' }],
    });
    const none = await app.request('/api/poke', { method: 'POST' });
    expect(none.status).toBe(415);
    expect(await message(none)).toMatchObject({ message: 'the request has no content type', issues: [{ received: 'none' }] });
    expect(ran).toEqual([]);
    expect((await app.request('/api/poke', { method: 'POST', headers: { 'content-type': 'application/yaml; charset=utf-8' }, body: 'a: 1' })).status).toBe(200);
    expect((await app.request('/api/poke')).status).toBe(200); // a GET needs no content type
    expect((await app.request('/api/poke', { method: 'DELETE' })).status).toBe(200);
    expect(ran).toEqual(['POST /api/poke', 'GET /api/poke', 'DELETE /api/poke']);
  });

  it('IPv6 loopback hosts, with or without a port, are loopback; other IPv6 hosts are not', async () => {
    const { app } = guarded();
    expect((await app.request('http://[::1]/api/x', { headers: { host: '[::1]' } })).status).toBe(200);
    expect((await app.request('http://[::1]:8080/api/x', { headers: { host: '[::1]:8080' } })).status).toBe(200);
    const other = await app.request('http://[::2]:8080/api/x', { headers: { host: '[::2]:8080' } });
    expect(other.status).toBe(403);
    expect((await message(other)).message).toBe('this server does not answer for the host "[::2]:8080" (start it with --allow-origin or --token)');
  });

  it('an Origin that is not http(s) is refused even when it names the server itself, and the message says how to allow one', async () => {
    const { app } = guarded();
    const host = { host: '127.0.0.1:8080' };
    expect((await app.request('http://127.0.0.1:8080/api/x', { headers: { ...host, origin: 'http://127.0.0.1:8080' } })).status).toBe(200);
    const ftp = await app.request('http://127.0.0.1:8080/api/x', { headers: { ...host, origin: 'ftp://127.0.0.1:8080' } });
    expect(ftp.status).toBe(403);
    expect((await message(ftp)).message).toBe('requests from the origin "ftp://127.0.0.1:8080" are not allowed (start the server with --allow-origin ftp://127.0.0.1:8080)');
  });

  it('an --allow-origin that is not a URL is ignored, the others still work', async () => {
    const { app } = guarded({ allowOrigins: ['not a url', 'mailto:a@b.example', 'https://plans.example.com'] });
    expect((await app.request('https://plans.example.com/api/x', { headers: { host: 'plans.example.com', origin: 'https://plans.example.com' } })).status).toBe(200);
    expect((await app.request('/api/x', { headers: { origin: 'not a url' } })).status).toBe(403);
  });

  it('token: only a GET carries it in the query; the cookie is HttpOnly, Strict, for the whole site', async () => {
    const { app, ran } = guarded({ token: 's3cret' });
    const json = { 'content-type': 'application/json' };
    const post = await app.request('/api/poke?token=s3cret', { method: 'POST', headers: json, body: '{}' });
    expect(post.status).toBe(401);
    expect(post.headers.get('set-cookie')).toBe(null);
    expect((await message(post)).message).toBe('this server needs its token (Authorization: Bearer TOKEN, or open /?token=TOKEN once)');
    expect(ran).toEqual([]);
    const open = await app.request('/api/x?token=s3cret');
    expect(open.status).toBe(200);
    const cookie = open.headers.get('set-cookie') ?? '';
    expect(cookie.split(';').map((s) => s.trim())).toEqual(expect.arrayContaining(['colossus_token=s3cret', 'Path=/', 'HttpOnly', 'SameSite=Strict']));
  });

  it('token: the health check is open to GET only; Bearer is case-insensitive and trimmed; no other scheme passes', async () => {
    const { app } = guarded({ token: 's3cret' });
    const json = { 'content-type': 'application/json' };
    expect((await app.request('/api/health')).status).toBe(200);
    expect((await app.request('/api/health', { method: 'POST', headers: json, body: '{}' })).status).toBe(401);
    expect((await app.request('/api/x', { headers: { authorization: 'bearer   s3cret ' } })).status).toBe(200);
    expect((await app.request('/api/x', { headers: { authorization: 'Token: s3cret' } })).status).toBe(401);
    expect((await app.request('/api/x', { headers: { authorization: 's3cret' } })).status).toBe(401);
  });
});
