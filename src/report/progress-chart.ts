import type { CampaignResult } from '../campaign/campaign-result.js';
import type { ChartOption } from './svg-chart.js';

/** Tokens trained by day (trillions), against the token budget. */
export function progressChart(result: CampaignResult): ChartOption {
  const t = result.training;
  const points = t.progress.filter((p, i, all) => i === 0 || p.tokens > (all[i - 1]?.tokens ?? 0) || i === all.length - 1);
  const end = t.timeToModelDays ?? result.scenario.horizonDays;
  return {
    title: { text: 'Training progress (tokens, trillions)', left: 8, textStyle: { fontSize: 14 } },
    grid: { left: 72, right: 24, top: 40, bottom: 40 },
    xAxis: { type: 'value', name: 'day', nameLocation: 'middle', nameGap: 26, min: t.startDay ?? 0, max: Math.ceil(end) },
    yAxis: { type: 'value', name: 'T tokens' },
    series: [
      {
        name: 'tokens',
        type: 'line',
        symbol: 'none',
        color: '#4e79a7',
        areaStyle: { opacity: 0.15 },
        data: points.filter((p) => p.day <= Math.ceil(end)).map((p) => [p.day, p.tokens / 1e12]),
        markLine: {
          symbol: 'none',
          label: { formatter: 'budget', position: 'insideEndTop' },
          lineStyle: { type: 'dashed', color: '#e15759' },
          data: [{ yAxis: t.tokenBudget / 1e12 }],
        },
      },
    ],
  };
}
