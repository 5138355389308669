import type { CampaignResult } from '../campaign/campaign-result.js';
import type { DayAxis } from './capacity-chart.js';
import { chartFrame } from './chart-frame.js';
import { chartEndDay } from './site-of.js';
import { curveUntil, type Point } from './step-points.js';
import type { ChartOption } from './svg-chart.js';

/**
 * The progress curve (trillions of tokens) to `stopDay`: when the model is done by then, the curve
 * ends at its completion day on its budget (progress is sampled at the end of each day).
 */
export function progressPoints(t: CampaignResult['training'], stopDay: number): Point[] {
  const points = t.progress.filter((p, i, all) => i === 0 || p.tokens > (all[i - 1]?.tokens ?? 0) || i === all.length - 1);
  const out = curveUntil(points.map((p): Point => [p.day, p.tokens / 1e12]), stopDay);
  const last = out.at(-1);
  if (t.timeToModelDays !== null && t.timeToModelDays <= stopDay && last) {
    if (last[0] < t.timeToModelDays) out.push([t.timeToModelDays, t.tokenBudget / 1e12]);
    else out[out.length - 1] = [t.timeToModelDays, t.tokenBudget / 1e12];
  }
  return out;
}

/** Tokens trained by day (trillions) against the token budget, drawn until the model is done. */
export function progressChart(result: CampaignResult, axis: DayAxis = {}): ChartOption {
  const t = result.training;
  const end = axis.xMaxDay ?? chartEndDay(result);
  const stop = Math.min(end, t.timeToModelDays ?? end);
  return {
    ...chartFrame({ ...(axis.untitled ? {} : { title: 'Training progress' }), yName: 'tokens (trillions)', xMin: 0, xMax: end }),
    tooltip: { trigger: 'axis' },
    series: [
      {
        name: 'tokens',
        type: 'line',
        symbol: 'none',
        color: '#4e79a7',
        areaStyle: { opacity: 0.15 },
        data: progressPoints(t, stop),
        markLine: {
          symbol: 'none',
          label: { formatter: `budget ${Number((t.tokenBudget / 1e12).toPrecision(3))}T`, position: 'insideStartBottom' },
          lineStyle: { type: 'dashed', color: '#e15759' },
          data: [{ yAxis: t.tokenBudget / 1e12 }],
        },
      },
    ],
  };
}
