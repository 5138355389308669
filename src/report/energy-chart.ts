import type { CampaignResult } from '../campaign/campaign-result.js';
import type { DayAxis } from './capacity-chart.js';
import { chartFrame } from './chart-frame.js';
import { chartEndDay, siteOf } from './site-of.js';
import { stepsUntil, type Point } from './step-points.js';
import type { ChartOption } from './svg-chart.js';

/**
 * Facility power against the site's power limit (MW; where the two meet, power holds the capacity
 * back) and the cumulative energy drawn (GWh, right axis), to the run's end.
 */
export function energyChart(result: CampaignResult, axis: DayAxis = {}): ChartOption {
  const end = axis.xMaxDay ?? chartEndDay(result);
  const site = siteOf(result);
  const series = result.energy.series;
  const drawn: Point[] = series.map((s) => [s.fromDay, s.powerMw]);
  const energy: Point[] = [[series[0]?.fromDay ?? 0, 0]];
  let cumulativeMwh = 0;
  for (const s of series) {
    cumulativeMwh += s.powerMw * (s.toDay - s.fromDay) * 24;
    energy.push([s.toDay, cumulativeMwh / 1000]);
  }
  const last = series[series.length - 1];
  if (last) drawn.push([last.toDay, last.powerMw]);
  const limit = site.filter((s) => s.powerLimitMw !== null).map((s): Point => [s.day, s.powerLimitMw ?? 0]);
  const fullLoad = site.map((s): Point => [s.day, s.powerUsedMw]);
  return {
    ...chartFrame({ ...(axis.untitled ? {} : { title: 'Facility power and energy' }), yName: 'MW', y2Name: 'GWh', xMin: 0, xMax: end, legend: true }),
    tooltip: { trigger: 'axis' },
    series: [
      ...(limit.length > 0 ? [{ name: 'power limit', type: 'line', step: 'end', symbol: 'none', color: '#d62728', lineStyle: { type: 'dashed', width: 2 }, data: stepsUntil(limit, end) }] : []),
      ...(fullLoad.length > 0 ? [{ name: 'online GPUs at full load', type: 'line', step: 'end', symbol: 'none', color: '#9467bd', lineStyle: { width: 1.5 }, data: stepsUntil(fullLoad, end) }] : []),
      { name: 'drawn (average)', type: 'line', step: 'end', symbol: 'none', color: '#f28e2b', areaStyle: { opacity: 0.2 }, data: stepsUntil(drawn, end) },
      { name: 'energy (GWh)', type: 'line', yAxisIndex: 1, symbol: 'none', color: '#4e79a7', data: energy.filter(([d]) => d <= end) },
    ],
  };
}
