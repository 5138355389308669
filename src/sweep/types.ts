import type { SweepSearchOptions } from './sweep-file.js';

export type { SweepSearchOptions } from './sweep-file.js';

/** One axis of the grid: a dotted field path into the spec and the values it takes, in order. */
export interface SweepAxis {
  /** Dotted path into the spec, e.g. `system.gpu` or `model`. */
  path: string;
  /** The path split at dots. */
  segments: readonly string[];
  /** Values as written in the file (plain JSON values; `null` removes the field). */
  values: readonly unknown[];
}

/**
 * A validated sweep: a base spec and a grid of axes. Plain data (structured-clonable), so it
 * can be handed to worker threads as it is.
 */
export interface Sweep {
  name?: string;
  /** The base spec as written (a plain object; axes override its fields). */
  base: Record<string, unknown>;
  /** Axes in file order; the first varies slowest, the last fastest. */
  axes: readonly SweepAxis[];
  search: SweepSearchOptions;
  /** Number of points: the product of the axis lengths (1 with no axes). */
  points: number;
  /** Hash of everything that decides the rows (base, axes in order, options); shards of one sweep share it. */
  fingerprint: string;
}

/** `--shard i/N`: this process runs the points k with k mod N = i. */
export interface Shard {
  index: number;
  count: number;
}
