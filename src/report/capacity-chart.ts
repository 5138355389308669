import type { CampaignResult } from '../campaign/campaign-result.js';
import { chartFrame } from './chart-frame.js';
import { gpuColor } from './palette.js';
import { chartEndDay, siteOf } from './site-of.js';
import { stepsUntil, type Point } from './step-points.js';
import type { ChartOption } from './svg-chart.js';

export interface DayAxis {
  /** End of the x-axis (default: the run's end). Compared runs share one. */
  xMaxDay?: number;
  /** Leave out the title (the dashboard captions its charts). */
  untitled?: boolean;
}

/**
 * GPUs online by day, stacked by GPU type, against GPUs delivered and burnt in (the gap between
 * them is what racking, burn-in or power holds back), with the training start and the model marked.
 * The x-axis ends where the run ends.
 */
export function capacityChart(result: CampaignResult, axis: DayAxis = {}): ChartOption {
  const types = Object.keys(result.timeline[0]?.gpusOnline ?? {});
  const end = axis.xMaxDay ?? chartEndDay(result);
  const site = siteOf(result);
  const marks: { xAxis: number; name: string }[] = [];
  if (result.training.startDay !== null && result.training.startDay <= end) marks.push({ xAxis: result.training.startDay, name: 'training starts' });
  if (result.training.timeToModelDays !== null && result.training.timeToModelDays <= end) marks.push({ xAxis: result.training.timeToModelDays, name: 'model done' });
  const line = (name: string, key: 'gpusDelivered' | 'gpusReady', color: string, dashed: boolean): Record<string, unknown> => ({
    name,
    type: 'line',
    step: 'end',
    symbol: 'none',
    color,
    lineStyle: { width: 1.5, ...(dashed ? { type: 'dashed' } : {}) },
    data: stepsUntil(site.map((s): Point => [s.day, s[key]]), end),
  });
  return {
    ...chartFrame({ ...(axis.untitled ? {} : { title: 'GPUs online by type, against delivered and burnt in' }), yName: 'GPUs', xMin: 0, xMax: end, legend: true }),
    tooltip: { trigger: 'axis' },
    series: [
      ...types.map((type, i) => ({
        name: `${type} online`,
        type: 'line',
        step: 'end',
        stack: 'online',
        symbol: 'none',
        areaStyle: { opacity: 0.7 },
        lineStyle: { width: 1 },
        color: gpuColor(type, i),
        data: stepsUntil(result.timeline.map((s): Point => [s.day, s.gpusOnline[type] ?? 0]), end),
        ...(i === 0 && marks.length > 0
          ? { markLine: { symbol: 'none', label: { formatter: '{b}', position: 'insideEndTop' }, lineStyle: { type: 'dashed', color: '#555' }, data: marks } }
          : {}),
      })),
      ...(site.length > 0 ? [line('delivered', 'gpusDelivered', '#222', false), line('burnt in', 'gpusReady', '#8c564b', true)] : []),
    ],
  };
}
