import type { SiteStep } from '../buildout/site-steps.js';
import type { CampaignResult } from '../campaign/campaign-result.js';

/** The site steps of a result (runs stored before they were recorded have none). */
export function siteOf(r: CampaignResult): SiteStep[] {
  const s = (r as { site?: unknown }).site;
  return Array.isArray(s) ? (s as SiteStep[]) : [];
}

/** Where a run's charts end: the day the model is done (rounded up), else the end of the horizon. */
export function chartEndDay(r: CampaignResult): number {
  return r.endDay;
}
