import { describeValue, InputError, type Issue } from '../core/issue.js';
import {
  defaultAmortizationYears,
  defaultCapitalCosts,
  defaultUsdPerKwh,
  type GpuCapitalCost,
} from './capital-cost.js';

export interface CostInput {
  /** GPUs bought, by type (e.g. the peak of the capacity timeline: see `peakGpusByType`). */
  gpusPurchased: Readonly<Record<string, number>>;
  /** Facility energy used by the campaign, MWh (from `energyOverTimeline`). */
  energyMwh: number;
  /** Length of the campaign, days: the share of capital charged to it. */
  campaignDays: number;
  /** Tokens trained in the campaign, for $ per million tokens. Optional. */
  tokens?: number;
  capital?: Readonly<Record<string, GpuCapitalCost>>;
  /** Default 0.078 (SemiAnalysis [S]). */
  usdPerKwh?: number;
  /** Default 4 (assumption). */
  amortizationYears?: number;
}

export interface CapitalByType {
  gpus: number;
  gpusUsd: number;
  serversUsd: number;
  networkUsd: number;
  totalUsd: number;
}

export interface CostResult {
  /** Total purchase price of the fleet, USD. */
  capitalUsd: number;
  capitalByType: Record<string, CapitalByType>;
  /** The campaign's share of capital: `capitalUsd × campaignDays / (365 × amortizationYears)`. */
  amortizedCapitalUsd: number;
  energyUsd: number;
  /** `amortizedCapitalUsd + energyUsd`. */
  campaignUsd: number;
  /** `campaignUsd` per million tokens; null without tokens. */
  usdPerMillionTokens: number | null;
  energyUsdPerMillionTokens: number | null;
  usdPerKwh: number;
  amortizationYears: number;
}

/** Capital and operating cost of a campaign. Pure. */
export function campaignCost(input: CostInput): CostResult {
  const capital = input.capital ?? defaultCapitalCosts;
  const usdPerKwh = input.usdPerKwh ?? defaultUsdPerKwh;
  const amortizationYears = input.amortizationYears ?? defaultAmortizationYears;
  const issues: Issue[] = [];
  const bad = (path: string, message: string, expected: string, value: unknown): void => {
    issues.push({ path, message, expected, received: describeValue(value) });
  };
  for (const [type, gpus] of Object.entries(input.gpusPurchased)) {
    if (!capital[type]) bad(`gpusPurchased.${type}`, 'no capital cost for this GPU type', Object.keys(capital).join(' | '), type);
    if (!Number.isFinite(gpus) || gpus < 0) bad(`gpusPurchased.${type}`, 'GPU count must be non-negative', 'a number ≥ 0', gpus);
  }
  if (!Number.isFinite(input.energyMwh) || input.energyMwh < 0) bad('energyMwh', 'energy must be non-negative', 'a number ≥ 0', input.energyMwh);
  if (!Number.isFinite(input.campaignDays) || input.campaignDays < 0) bad('campaignDays', 'days must be non-negative', 'a number ≥ 0', input.campaignDays);
  if (input.tokens !== undefined && !(input.tokens > 0)) bad('tokens', 'tokens must be positive', 'a number > 0', input.tokens);
  if (!Number.isFinite(usdPerKwh) || usdPerKwh < 0) bad('usdPerKwh', 'price must be non-negative', 'a number ≥ 0', usdPerKwh);
  if (!(amortizationYears > 0)) bad('amortizationYears', 'must be positive', 'a number > 0', amortizationYears);
  if (issues.length > 0) throw new InputError(issues);

  const capitalByType: Record<string, CapitalByType> = {};
  let capitalUsd = 0;
  for (const [type, gpus] of Object.entries(input.gpusPurchased)) {
    const cost = capital[type];
    if (!cost) continue;
    const row: CapitalByType = {
      gpus,
      gpusUsd: gpus * cost.gpuUsd,
      serversUsd: gpus * cost.serverUsdPerGpu,
      networkUsd: gpus * cost.networkUsdPerGpu,
      totalUsd: gpus * (cost.gpuUsd + cost.serverUsdPerGpu + cost.networkUsdPerGpu),
    };
    capitalByType[type] = row;
    capitalUsd += row.totalUsd;
  }
  const amortizedCapitalUsd = (capitalUsd * input.campaignDays) / (365 * amortizationYears);
  const energyUsd = input.energyMwh * 1000 * usdPerKwh;
  const campaignUsd = amortizedCapitalUsd + energyUsd;
  const millions = input.tokens !== undefined ? input.tokens / 1e6 : undefined;
  return {
    capitalUsd,
    capitalByType,
    amortizedCapitalUsd,
    energyUsd,
    campaignUsd,
    usdPerMillionTokens: millions !== undefined ? campaignUsd / millions : null,
    energyUsdPerMillionTokens: millions !== undefined ? energyUsd / millions : null,
    usdPerKwh,
    amortizationYears,
  };
}
