/**
 * Set `segments` in a plain object tree, creating objects on the way; `null` removes the field.
 * Returns false (and changes nothing) when the path runs through a value that is not an object.
 */
/** Names that would reach an object's prototype instead of one of its fields. */
export const FORBIDDEN_SEGMENTS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export function setPath(root: Record<string, unknown>, segments: readonly string[], value: unknown): boolean {
  if (segments.some((s) => FORBIDDEN_SEGMENTS.has(s))) return false;
  let node: Record<string, unknown> = root;
  for (let i = 0; i < segments.length - 1; i++) {
    const seg = segments[i] as string;
    const next = Object.hasOwn(node, seg) ? node[seg] : undefined;
    if (next === undefined || next === null) {
      if (value === null) return true; // removing below an absent field: nothing to do
      const created: Record<string, unknown> = {};
      node[seg] = created;
      node = created;
    } else if (typeof next === 'object' && !Array.isArray(next)) {
      node = next as Record<string, unknown>;
    } else {
      return false;
    }
  }
  const last = segments[segments.length - 1] as string;
  if (value === null) delete node[last];
  else Object.defineProperty(node, last, { value, enumerable: true, writable: true, configurable: true });
  return true;
}

/** Deep copy of plain JSON data (objects, arrays, scalars). */
export function cloneJson<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(cloneJson) as T;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    Object.defineProperty(out, k, { value: cloneJson(v), enumerable: true, writable: true, configurable: true });
  }
  return out as T;
}
