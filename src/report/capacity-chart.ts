import type { CampaignResult } from '../campaign/campaign-result.js';
import { gpuColor } from './palette.js';
import type { ChartOption } from './svg-chart.js';

/** GPUs online by day, stacked by GPU type, with the training start and the model marked. */
export function capacityChart(result: CampaignResult): ChartOption {
  const types = Object.keys(result.timeline[0]?.gpusOnline ?? {});
  const lastDay = result.scenario.horizonDays;
  const marks: { xAxis: number; name: string }[] = [];
  if (result.training.startDay !== null) marks.push({ xAxis: result.training.startDay, name: 'training starts' });
  if (result.training.timeToModelDays !== null) marks.push({ xAxis: Math.round(result.training.timeToModelDays), name: 'model done' });
  return {
    title: { text: 'GPUs online, by type', left: 8, textStyle: { fontSize: 14 } },
    legend: { top: 4, right: 8 },
    grid: { left: 72, right: 24, top: 40, bottom: 40 },
    xAxis: { type: 'value', name: 'day', nameLocation: 'middle', nameGap: 26, min: 0, max: lastDay },
    yAxis: { type: 'value', name: 'GPUs' },
    series: types.map((type, i) => ({
      name: type,
      type: 'line',
      step: 'end',
      stack: 'gpus',
      symbol: 'none',
      areaStyle: { opacity: 0.7 },
      lineStyle: { width: 1 },
      color: gpuColor(type, i),
      data: [...result.timeline.map((s) => [s.day, s.gpusOnline[type] ?? 0]), [lastDay, result.timeline[result.timeline.length - 1]?.gpusOnline[type] ?? 0]],
      ...(i === 0 && marks.length > 0
        ? { markLine: { symbol: 'none', label: { formatter: '{b}', position: 'insideEndTop' }, lineStyle: { type: 'dashed', color: '#555' }, data: marks } }
        : {}),
    })),
  };
}
