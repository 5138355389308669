import type { Issue } from '../../src/core/issue.js';

/** An API answer other than 2xx: its status, message and field-level issues (as the CLI prints them). */
export class ApiError extends Error {
  readonly status: number;
  readonly issues: Issue[];
  constructor(status: number, message: string, issues: Issue[] = []) {
    super(message);
    this.status = status;
    this.issues = issues;
  }
}

/** The build of dist/web-static (opened from disk or a static host): no API to call. */
declare const __COLOSSUS_STATIC__: boolean | undefined;
export const STATIC = typeof __COLOSSUS_STATIC__ !== 'undefined' && __COLOSSUS_STATIC__;

interface ErrorBody {
  error?: { message?: string; issues?: Issue[] };
}

/** Fetch JSON from the colossus API (GET without `body`; POST of `body` as JSON); non-2xx answers become an ApiError. */
export async function api<T>(path: string, body?: unknown): Promise<T> {
  return request<T>(path, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

/** POST a YAML document (a scenario as edited): the server parses it like a file, issues with line and column. */
export async function postYaml<T>(path: string, text: string): Promise<T> {
  return request<T>(path, { method: 'POST', headers: { 'content-type': 'application/yaml' }, body: text });
}

async function request<T>(path: string, init: RequestInit): Promise<T> {
  if (STATIC) throw new ApiError(0, 'this is the static dashboard (no server): the planner, its search and campaigns run here; stored runs and the validation cases need `colossus serve`');
  let res: Response;
  try {
    res = await fetch(path, init);
  } catch {
    throw new ApiError(0, 'the colossus server cannot be reached');
  }
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    throw new ApiError(res.status, `the server answered ${res.status} with something that is not JSON`);
  }
  if (!res.ok) {
    const e = (json as ErrorBody | undefined)?.error;
    throw new ApiError(res.status, e?.message ?? `HTTP ${res.status}`, e?.issues ?? []);
  }
  return json as T;
}
