import { defaultAmortizationYears, defaultUsdPerKwh } from '../energy/capital-cost.js';
import { defaultPowerUtilisation } from '../energy/power-profile.js';
import { checkKeys, readNumber, readObject, type Path, type ReadContext } from '../core/index.js';
import type { CampaignEnergy } from '../campaign/campaign-input.js';

/** `energy: { utilisation, usdPerKwh, amortizationYears }`, each defaulting to src/energy's sourced default. */
export function readEnergy(ctx: ReadContext, value: unknown, path: Path): CampaignEnergy {
  const o = readObject(ctx, value, path, false) ?? {};
  checkKeys(ctx, o, ['utilisation', 'usdPerKwh', 'amortizationYears'], path);
  return {
    utilisation: readNumber(ctx, o, 'utilisation', path, { min: 0, max: 1 }) ?? defaultPowerUtilisation,
    usdPerKwh: readNumber(ctx, o, 'usdPerKwh', path, { min: 0, max: 10 }) ?? defaultUsdPerKwh,
    amortizationYears: readNumber(ctx, o, 'amortizationYears', path, { min: 0.1, max: 50, why: 'hardware is written off over one month to 50 years' }) ?? defaultAmortizationYears,
  };
}
