import type { MemoryMeasurement } from './profile.js';
import type { FitPoint } from './fit-result.js';
import { median } from './median.js';

export interface MemoryFit {
  hbm: number;
  /** Copy bandwidth as a fraction of the catalog HBM bandwidth, when measured. */
  copyFraction: number | undefined;
  points: FitPoint[];
  from: string;
}

/**
 * The estimator's `hbm`: the fraction of the catalog HBM bandwidth that element-wise kernels
 * reach. The median over the element-wise kernels (add, LayerNorm, ...); a copy alone stands
 * in when none was measured (copies run a little faster than element-wise kernels). The
 * points (residuals) are the kernels the value was taken from.
 */
export function fitMemory(rows: readonly { index: number; m: MemoryMeasurement }[], hbmTBps: number): MemoryFit {
  const frac = rows.map(({ index, m }) => ({ index, m, f: (m.bandwidthGBps * 1e9) / (hbmTBps * 1e12) }));
  const elementwise = frac.filter((r) => r.m.kernel !== 'copy');
  const copies = frac.filter((r) => r.m.kernel === 'copy');
  const used = elementwise.length > 0 ? elementwise : copies;
  const hbm = median(used.map((r) => r.f));
  const copyFraction = copies.length > 0 ? median(copies.map((r) => r.f)) : undefined;
  const kinds = [...new Set(used.map((r) => r.m.kernel))].join(', ');
  return {
    hbm,
    copyFraction,
    points: used.map((r) => ({ table: 'memory', row: r.index, label: r.m.kernel, measured: r.f, fitted: hbm })),
    from: `memory: median of ${used.length} ${elementwise.length > 0 ? 'element-wise' : 'copy (no element-wise kernel measured)'} bandwidth${used.length === 1 ? '' : 's'} (${kinds}) ÷ catalog ${hbmTBps} TB/s`,
  };
}
