import { canonicalJson } from './canonical-json.js';
import { cloneJson, setPath } from './dotted-path.js';
import { hash64Hex } from './hash.js';
import type { SweepAxis } from './types.js';

/**
 * Which value of each axis point `k` takes. Points are numbered like nested loops written in
 * file order: the first axis varies slowest, the last fastest (row-major), so the numbering
 * depends only on the axes and their values, never on how the sweep is run.
 */
export function axisValueIndices(axes: readonly SweepAxis[], point: number): number[] {
  const out = new Array<number>(axes.length);
  let rest = point;
  for (let a = axes.length - 1; a >= 0; a--) {
    const n = (axes[a] as SweepAxis).values.length;
    out[a] = rest % n;
    rest = Math.floor(rest / n);
  }
  return out;
}

/** The axis values of point `k`, keyed by axis path in file order. */
export function pointAxes(axes: readonly SweepAxis[], point: number): Record<string, unknown> {
  const idx = axisValueIndices(axes, point);
  const out: Record<string, unknown> = {};
  axes.forEach((axis, a) => {
    out[axis.path] = axis.values[idx[a] as number];
  });
  return out;
}

/**
 * The spec of point `k` as plain data: a copy of the base with every axis value set at its path
 * (`null` removes the field). Returns the index of the first axis whose path runs through a
 * non-object value instead of setting it, as `blockedAxis`.
 */
export function pointSpecValue(
  base: Record<string, unknown>,
  axes: readonly SweepAxis[],
  point: number,
): { value: Record<string, unknown>; blockedAxis?: number } {
  const value = cloneJson(base);
  const idx = axisValueIndices(axes, point);
  for (let a = 0; a < axes.length; a++) {
    const axis = axes[a] as SweepAxis;
    if (!setPath(value, axis.segments, cloneJson(axis.values[idx[a] as number]))) return { value, blockedAxis: a };
  }
  return { value };
}

/**
 * A point's id: a hash of its axis values by path (keys sorted), so it names the combination,
 * not the position — it stays the same when axes are reordered or values added.
 */
export function pointId(axisValues: Record<string, unknown>): string {
  return hash64Hex(canonicalJson(axisValues)).slice(0, 12);
}
