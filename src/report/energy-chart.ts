import type { CampaignResult } from '../campaign/campaign-result.js';
import type { ChartOption } from './svg-chart.js';

/** Facility power (MW) and cumulative energy (GWh) over the campaign. */
export function energyChart(result: CampaignResult): ChartOption {
  const series = result.energy.series;
  const power: [number, number][] = [];
  const energy: [number, number][] = [[series[0]?.fromDay ?? 0, 0]];
  let cumulativeMwh = 0;
  for (const s of series) {
    power.push([s.fromDay, s.powerMw]);
    cumulativeMwh += s.powerMw * (s.toDay - s.fromDay) * 24;
    energy.push([s.toDay, cumulativeMwh / 1000]);
  }
  const last = series[series.length - 1];
  if (last) power.push([last.toDay, last.powerMw]);
  return {
    title: { text: 'Facility power (MW) and energy (GWh)', left: 8, textStyle: { fontSize: 14 } },
    legend: { top: 4, right: 8 },
    grid: { left: 64, right: 64, top: 40, bottom: 40 },
    xAxis: { type: 'value', name: 'day', nameLocation: 'middle', nameGap: 26, min: 0, max: result.endDay },
    yAxis: [
      { type: 'value', name: 'MW' },
      { type: 'value', name: 'GWh', splitLine: { show: false } },
    ],
    series: [
      { name: 'power (MW)', type: 'line', step: 'end', symbol: 'none', color: '#f28e2b', areaStyle: { opacity: 0.2 }, data: power },
      { name: 'energy (GWh)', type: 'line', yAxisIndex: 1, symbol: 'none', color: '#4e79a7', data: energy },
    ],
  };
}
