import type { RunListing, StoredRun } from '../run-data.js';

/**
 * Runs played in this browser: kept in the page and in localStorage (so a reload keeps them), never
 * dropped silently — when storage is full the run stays in the page and the caller is told.
 */
const KEY = 'colossus.browserRuns.v1';
const runs = new Map<string, StoredRun>();
let loaded = false;

function storage(): Storage | undefined {
  try {
    return globalThis.localStorage;
  } catch {
    return undefined; // a file:// page may have no storage in some browsers
  }
}

function load(): void {
  if (loaded) return;
  loaded = true;
  const raw = storage()?.getItem(KEY);
  if (!raw) return;
  try {
    for (const r of JSON.parse(raw) as StoredRun[]) if (typeof r.id === 'string') runs.set(r.id, r);
  } catch {
    // A damaged entry is left in storage as it is (not overwritten) until a run is saved.
  }
}

export function isBrowserRun(id: string): boolean {
  return id.startsWith('browser-');
}

export function browserRuns(): RunListing[] {
  load();
  return [...runs.values()].sort((a, b) => b.createdAt.localeCompare(a.createdAt)).map(({ id, createdAt, name, summary }) => ({ id, createdAt, name, summary }));
}

export function browserRun(id: string): StoredRun | undefined {
  load();
  return runs.get(id);
}

/** Keep a run; answers whether it is also in localStorage (false: only until the page closes). */
export function keepBrowserRun(run: StoredRun): boolean {
  load();
  runs.set(run.id, run);
  return persist();
}

export function deleteBrowserRun(id: string): boolean {
  load();
  runs.delete(id);
  return persist();
}

function persist(): boolean {
  const s = storage();
  if (!s) return false;
  try {
    s.setItem(KEY, JSON.stringify([...runs.values()]));
    return true;
  } catch {
    return false;
  }
}
