import type { Spec } from '../../spec/types.js';
import { gpuArch } from '../stack/stack.js';
import { ERROR_BANDS } from './error-bands.js';

/**
 * Error bands: how far to trust a throughput estimate. Split-conformal intervals from the
 * validation residuals (log of predicted/measured on the bundled published runs), grouped by
 * what drives them — stack family, GPU generation, dense or MoE, sequence length — falling back
 * to a coarser group where a group has fewer than MIN_GROUP_CASES cases. The interval at
 * coverage c is the ⌈(n+1)·c⌉-th smallest absolute log residual of the group (Vovk et al.;
 * Lei et al. 2018, split conformal prediction), applied symmetrically in log space.
 */
export const BAND_COVERAGE = 0.8;
export const MIN_GROUP_CASES = 8;

/** What a case's residual is grouped by. */
export interface BandDrivers {
  family: 'megatron' | 'other';
  arch: string;
  moe: boolean;
  long: boolean;
}

export function bandDrivers(spec: Pick<Spec, 'model' | 'system' | 'training'>): BandDrivers {
  const stack = (spec.training.stack ?? 'megatron-core').split('@')[0] ?? 'megatron-core';
  return {
    family: stack === 'megatron-core' || stack === 'nemo' ? 'megatron' : 'other',
    arch: gpuArch(spec.system.gpu),
    moe: spec.model.moe !== undefined,
    long: spec.training.seqLen >= 16384,
  };
}

/** Group keys from the most specific to the overall one. */
export function bandKeys(d: BandDrivers): string[] {
  const kind = d.moe ? 'moe' : 'dense';
  return [`${d.family}|${d.arch}|${kind}|${d.long ? 'long' : 'short'}`, `${d.family}|${d.arch}|${kind}`, `${d.family}|${kind}`, kind, 'all'];
}

export interface BandTable {
  coverage: number;
  /** Per group: conformal quantile of |log(predicted/measured)| and the cases it rests on. */
  groups: Record<string, { q: number; n: number }>;
}

/** Fit a band table from residuals (log predicted/measured) and each case's drivers. */
export function fitBands(residuals: readonly { logRatio: number; drivers: BandDrivers }[], coverage = BAND_COVERAGE): BandTable {
  const by: Record<string, number[]> = {};
  for (const r of residuals) for (const k of bandKeys(r.drivers)) (by[k] ??= []).push(Math.abs(r.logRatio));
  const groups: BandTable['groups'] = {};
  for (const [k, v] of Object.entries(by)) {
    v.sort((a, b) => a - b);
    const idx = Math.min(v.length, Math.ceil((v.length + 1) * coverage)) - 1;
    groups[k] = { q: v[Math.max(0, idx)] as number, n: v.length };
  }
  return { coverage, groups };
}

export interface ThroughputBand {
  low: number;
  high: number;
  coverage: number;
  /** The residual group the band comes from, and how many published runs it rests on. */
  group: string;
  cases: number;
}

/** The band of one prediction from a table (the bundled one by default). */
export function bandFor(predicted: number, d: BandDrivers, table: BandTable = ERROR_BANDS): ThroughputBand | undefined {
  for (const k of bandKeys(d)) {
    const g = table.groups[k];
    if (g && g.n >= MIN_GROUP_CASES) return { low: predicted * Math.exp(-g.q), high: predicted * Math.exp(g.q), coverage: table.coverage, group: k, cases: g.n };
  }
  return undefined;
}
