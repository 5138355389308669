import { timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { HttpError } from './http-error.js';
import { BODY_TYPES, mediaType } from './read-body.js';

/** Who may talk to the server, as `colossus serve` configures it. */
export interface AccessPolicy {
  /** Extra origins (scheme://host[:port]) whose pages may call the API; their hosts are also accepted in `Host`. */
  allowOrigins?: readonly string[];
  /** When set, every request but `GET /api/health` must carry it (`Authorization: Bearer …`, or the cookie `/?token=…` sets). */
  token?: string;
}

export const TOKEN_COOKIE = 'colossus_token';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** The host name of a `Host` header or an origin, lower case, without the port. */
function hostName(hostPort: string): string {
  const h = hostPort.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(0, h.indexOf(']') + 1);
  const colon = h.lastIndexOf(':');
  return colon === -1 ? h : h.slice(0, colon);
}

function originOf(text: string): { origin: string; host: string } | undefined {
  try {
    const u = new URL(text);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return undefined;
    return { origin: u.origin, host: u.host };
  } catch {
    return undefined;
  }
}

function sameToken(given: string | undefined, token: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The browser-facing checks, before any route runs:
 * - `Host` must be a loopback name or the host of an allowed origin (no DNS rebinding), unless a
 *   token is required (a rebinding page cannot know it);
 * - a request with an `Origin` must come from the server's own loopback origin or an allowed one;
 * - with a token, every request but the health check must carry it;
 * - a POST must say it is JSON or YAML (no HTML form or no-cors fetch can), checked before any
 *   route reads the store or the body.
 */
export function requestGuard(policy: AccessPolicy = {}): MiddlewareHandler {
  const allowed = new Map<string, string>();
  for (const o of policy.allowOrigins ?? []) {
    const parsed = originOf(o);
    if (parsed) allowed.set(parsed.origin, hostName(parsed.host));
  }
  const allowedHosts = new Set([...LOOPBACK_HOSTS, ...allowed.values()]);
  const token = policy.token;
  return async (c, next) => {
    const url = new URL(c.req.url);
    const host = c.req.header('host') ?? url.host;
    if (token === undefined && !allowedHosts.has(hostName(host))) {
      throw new HttpError(403, `this server does not answer for the host ${JSON.stringify(host)} (start it with --allow-origin or --token)`);
    }
    const origin = c.req.header('origin');
    if (origin !== undefined) {
      const parsed = originOf(origin);
      const own = parsed !== undefined && parsed.host === host && LOOPBACK_HOSTS.has(hostName(parsed.host));
      if (!own && (parsed === undefined || !allowed.has(parsed.origin))) {
        throw new HttpError(403, `requests from the origin ${JSON.stringify(origin)} are not allowed (start the server with --allow-origin ${origin})`);
      }
    }
    if (token !== undefined) {
      const fromQuery = c.req.method === 'GET' ? url.searchParams.get('token') : null;
      if (fromQuery !== null && sameToken(fromQuery, token)) {
        // Opening /?token=… once stores it for the dashboard's own requests.
        setCookie(c, TOKEN_COOKIE, token, { httpOnly: true, sameSite: 'Strict', path: '/' });
      } else if (!(c.req.method === 'GET' && url.pathname === '/api/health')) {
        const auth = c.req.header('authorization');
        const bearer = auth?.toLowerCase().startsWith('bearer ') ? auth.slice(7).trim() : undefined;
        if (!sameToken(bearer, token) && !sameToken(getCookie(c, TOKEN_COOKIE), token)) {
          throw new HttpError(401, 'this server needs its token (Authorization: Bearer TOKEN, or open /?token=TOKEN once)');
        }
      }
    }
    if (c.req.method === 'POST') {
      const type = mediaType(c);
      if (type === undefined || !(BODY_TYPES as readonly string[]).includes(type)) {
        throw new HttpError(415, type === undefined ? 'the request has no content type' : `unsupported content type ${JSON.stringify(type)}`, [
          { path: '', message: 'has an unsupported content type', expected: 'application/json or application/yaml', received: type === undefined ? 'none' : JSON.stringify(type) },
        ]);
      }
    }
    await next();
  };
}
