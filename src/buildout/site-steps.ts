import type { BuildoutResult } from './buildout-result.js';

/**
 * The site as steps (day 0 and every day something changes): GPUs delivered, burnt in and online
 * (all types summed), the power the site may draw and what the online GPUs draw at full load. What
 * the charts need to show which stage holds the capacity back (deliveries, racking, burn-in, power).
 */
export interface SiteStep {
  day: number;
  gpusDelivered: number;
  /** Burnt in and ready to run, powered or not. */
  gpusReady: number;
  gpusOnline: number;
  /** Site power available (MW); null = unlimited. */
  powerLimitMw: number | null;
  /** Facility power of the online GPUs at full load (MW). */
  powerUsedMw: number;
}

const sum = (r: Record<string, number>): number => Object.values(r).reduce((a, b) => a + b, 0);

export function siteSteps(result: BuildoutResult): SiteStep[] {
  const out: SiteStep[] = [];
  for (const d of result.days) {
    const step: SiteStep = {
      day: d.day,
      gpusDelivered: sum(d.gpusDelivered),
      gpusReady: sum(d.gpusReady),
      gpusOnline: d.gpusOnlineTotal,
      powerLimitMw: d.powerLimitMw,
      powerUsedMw: Math.round(d.powerUsedMw * 1000) / 1000,
    };
    const prev = out.at(-1);
    if (
      prev &&
      prev.gpusDelivered === step.gpusDelivered &&
      prev.gpusReady === step.gpusReady &&
      prev.gpusOnline === step.gpusOnline &&
      prev.powerLimitMw === step.powerLimitMw &&
      prev.powerUsedMw === step.powerUsedMw
    ) {
      continue;
    }
    out.push(step);
  }
  return out;
}
