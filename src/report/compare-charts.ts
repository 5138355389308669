import type { CampaignResult } from '../campaign/campaign-result.js';
import { chartFrame, compactNumber } from './chart-frame.js';
import { chartEndDay, siteOf } from './site-of.js';
import { progressPoints } from './progress-chart.js';
import { stepsUntil, type Point } from './step-points.js';
import type { ChartOption } from './svg-chart.js';

/** A run to compare: its name (the legend's) and result. */
export interface NamedRun {
  name: string;
  result: CampaignResult;
}

/** One colour per compared run (Okabe–Ito, colour-blind friendly). */
export const RUN_COLORS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7'];

export interface CompareOptions {
  title?: string;
  /** End of the shared x-axis (default: where the latest run ends). */
  xMaxDay?: number;
}

/** The shared x-axis of compared runs: it ends where the latest of them ends. */
export function sharedEndDay(runs: readonly NamedRun[]): number {
  return Math.max(0, ...runs.map((r) => chartEndDay(r.result)));
}

const total = (r: Record<string, number>): number => Object.values(r).reduce((a, b) => a + b, 0);

/**
 * Series that share a run's name (one legend entry per run toggles them all); the tooltip names each
 * line by its own label.
 */
function overlay(lines: { run: number; label: string; series: Record<string, unknown> }[], runs: readonly NamedRun[], format: (v: number) => string): Record<string, unknown> {
  return {
    tooltip: {
      trigger: 'axis',
      formatter: (params: { seriesIndex: number; value: Point }[]) =>
        [`day ${Math.round(params[0]?.value[0] ?? 0)}`, ...params.map((p) => `${lines[p.seriesIndex]?.label ?? ''}: ${format(p.value[1])}`)].join('<br>'),
    },
    series: lines.map((l) => ({ ...l.series, name: runs[l.run]?.name ?? '', color: RUN_COLORS[l.run % RUN_COLORS.length], symbol: 'none' })),
  };
}

/** GPUs online (solid) and delivered (dashed) of each run on one axis. */
export function compareCapacityChart(runs: readonly NamedRun[], o: CompareOptions = {}): ChartOption {
  const end = o.xMaxDay ?? sharedEndDay(runs);
  const lines = runs.flatMap((r, i) => [
    { run: i, label: `${r.name}: online`, series: { type: 'line', step: 'end', lineStyle: { width: 2 }, data: stepsUntil(r.result.timeline.map((p): Point => [p.day, total(p.gpusOnline)]), end) } },
    ...(siteOf(r.result).length > 0
      ? [{ run: i, label: `${r.name}: delivered`, series: { type: 'line', step: 'end', lineStyle: { width: 1, type: 'dashed' }, data: stepsUntil(siteOf(r.result).map((s): Point => [s.day, s.gpusDelivered]), end) } }]
      : []),
  ]);
  return { ...chartFrame({ ...(o.title ? { title: o.title } : {}), yName: 'GPUs', xMin: 0, xMax: end, legend: true }), ...overlay(lines, runs, (v) => Math.round(v).toLocaleString('en-US')) };
}

/** Tokens trained by each run (trillions), each line stopping when its model is done; the budgets dashed. */
export function compareProgressChart(runs: readonly NamedRun[], o: CompareOptions = {}): ChartOption {
  const end = o.xMaxDay ?? sharedEndDay(runs);
  const lines = runs.map((r, i) => {
    const t = r.result.training;
    const stop = Math.min(end, t.timeToModelDays ?? end);
    const first = runs.findIndex((x) => x.result.training.tokenBudget === t.tokenBudget) === i;
    return {
      run: i,
      label: `${r.name}: tokens`,
      series: {
        type: 'line',
        lineStyle: { width: 2 },
        data: progressPoints(t, stop),
        ...(first
          ? { markLine: { symbol: 'none', silent: true, label: { formatter: `budget ${compactNumber(t.tokenBudget / 1e12)}T`, position: 'insideStartBottom' }, lineStyle: { type: 'dashed', color: '#888' }, data: [{ yAxis: t.tokenBudget / 1e12 }] } }
          : {}),
      },
    };
  });
  return { ...chartFrame({ ...(o.title ? { title: o.title } : {}), yName: 'tokens (trillions)', xMin: 0, xMax: end, legend: true }), ...overlay(lines, runs, (v) => `${v.toFixed(1)}T`) };
}

/** Power the online GPUs draw at full load (solid) against each run's power limit (dashed), MW. */
export function comparePowerChart(runs: readonly NamedRun[], o: CompareOptions = {}): ChartOption {
  const end = o.xMaxDay ?? sharedEndDay(runs);
  const lines = runs.flatMap((r, i) => {
    const site = siteOf(r.result);
    const limit = site.filter((s) => s.powerLimitMw !== null).map((s): Point => [s.day, s.powerLimitMw ?? 0]);
    const used: Point[] = site.length > 0 ? site.map((s) => [s.day, s.powerUsedMw]) : r.result.energy.series.map((s) => [s.fromDay, s.powerMw]);
    return [
      { run: i, label: `${r.name}: ${site.length > 0 ? 'online GPUs at full load' : 'drawn'}`, series: { type: 'line', step: 'end', lineStyle: { width: 2 }, data: stepsUntil(used, end) } },
      ...(limit.length > 0 ? [{ run: i, label: `${r.name}: power limit`, series: { type: 'line', step: 'end', lineStyle: { width: 1, type: 'dashed' }, data: stepsUntil(limit, end) } }] : []),
    ];
  });
  return { ...chartFrame({ ...(o.title ? { title: o.title } : {}), yName: 'MW', xMin: 0, xMax: end, legend: true }), ...overlay(lines, runs, (v) => `${v.toFixed(1)} MW`) };
}
