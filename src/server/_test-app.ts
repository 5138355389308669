import type { Hono } from 'hono';

/**
 * An app built afresh for each request, inside the running test. Tests that build one app at
 * `describe` level register every route before mutation testing activates its mutant (StrykerJS
 * activates it in a `beforeAll`), so a mutated route path or handler would go unseen; building per
 * request puts every registration under the active mutant. State lives outside the app (the store
 * is passed in), so nothing is lost between requests.
 */
export function freshApp(make: () => Hono): { request: Hono['request'] } {
  return { request: (...args: Parameters<Hono['request']>) => make().request(...args) };
}
