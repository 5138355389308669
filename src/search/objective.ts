import type { GpuSpec } from '../catalog/index.js';
import type { Objective, SearchOptions } from './types.js';

/** Purchase price amortised over 4 years plus power at $0.078/kWh (EIA US industrial average, 2024). */
const AMORTIZATION_HOURS = 4 * 8760;
const USD_PER_KWH = 0.078;
/** Node (CPUs, NICs, fans), network and cooling on top of GPU TDP (assumption, ~PUE 1.2 × 1.2). */
const OVERHEAD_FACTOR = 1.45;
/** Fallback price where the catalog has none (assumption). */
const FALLBACK_PRICE_USD = 30000;

export interface Rates {
  usdPerGpuHour: number;
  wattsPerGpu: number;
}

export function ratesFor(gpu: GpuSpec, opts: SearchOptions): Rates {
  const wattsPerGpu = opts.wattsPerGpu ?? gpu.tdpW * OVERHEAD_FACTOR;
  const usdPerGpuHour = opts.usdPerGpuHour ?? (gpu.priceUsd ?? FALLBACK_PRICE_USD) / AMORTIZATION_HOURS + (wattsPerGpu / 1000) * USD_PER_KWH;
  return { usdPerGpuHour, wattsPerGpu };
}

/** $ per million tokens and tokens per joule of a job at these rates. */
export function costPerToken(tokensPerSec: number, gpusUsed: number, rates: Rates): { usdPerMillionTokens: number; tokensPerJoule: number } {
  return {
    usdPerMillionTokens: ((rates.usdPerGpuHour * gpusUsed) / 3600 / tokensPerSec) * 1e6,
    tokensPerJoule: tokensPerSec / (gpusUsed * rates.wattsPerGpu),
  };
}

/**
 * Score of a plan, higher is better, from the job's tokens per second and the GPUs it uses.
 * tokens-per-sec and time-to-train rank alike (the latter reported as 1/days).
 */
export function score(objective: Objective, tokensPerSec: number, gpusUsed: number, rates: Rates, trainTokens: number | undefined): number {
  switch (objective) {
    case 'tokens-per-sec':
      return tokensPerSec;
    case 'time-to-train':
      return trainTokens === undefined ? tokensPerSec : tokensPerSec / trainTokens * 86400;
    case 'tokens-per-dollar':
      return (tokensPerSec * 3600) / (gpusUsed * rates.usdPerGpuHour);
    case 'tokens-per-joule':
      return tokensPerSec / (gpusUsed * rates.wattsPerGpu);
  }
}

/** Whether the objective rewards the job's total throughput (true) or throughput per GPU (false). */
export function isJobObjective(objective: Objective): boolean {
  return objective === 'tokens-per-sec' || objective === 'time-to-train';
}
