import type { SweepRow, SweepRowOk } from '../sweep/row.js';
import { LABEL_FONT_PX, TITLE_FONT_PX, compactNumber } from './chart-frame.js';
import type { ChartOption } from './svg-chart.js';

/** One answered point of a scaling curve: the best plan (or the given one) at an x value. */
export interface ScalingPoint {
  x: number;
  tokensPerSecPerGpu: number;
  mfu: number;
  gpusUsed?: number;
}

export interface ScalingSeries {
  name: string;
  points: ScalingPoint[];
}

export type ScalingMetric = 'tokensPerSecPerGpu' | 'mfu';

export const SCALING_METRICS: Readonly<Record<ScalingMetric, { label: string; format: (v: number) => string }>> = {
  tokensPerSecPerGpu: { label: 'tokens/s per GPU', format: compactNumber },
  mfu: { label: 'MFU (%)', format: (v) => `${Number((v * 100).toFixed(1))}` },
};

/** Axis names for the sweep paths that scale (GPU count, network bandwidth); other paths are named as they are. */
export function axisName(path: string): string {
  if (path === 'system.gpus') return 'GPUs';
  if (path === 'system.scaleOutGbpsPerGpu') return 'scale-out Gb/s per GPU';
  return path;
}

/**
 * The sweep's answered rows as curves along one numeric axis: one curve for each combination of the
 * other axes (named by their values), points sorted by x. Error rows are left out (and counted).
 */
export function sweepScalingSeries(rows: readonly SweepRow[], xPath: string): { series: ScalingSeries[]; skipped: number } {
  const ok = rows.filter((r): r is SweepRowOk => r.ok && typeof r.axes[xPath] === 'number');
  const others = [...new Set(rows.flatMap((r) => Object.keys(r.axes)))].filter((p) => p !== xPath);
  // Name curves by the other axes that vary (an axis with one value says nothing).
  const varying = others.filter((p) => new Set(ok.map((r) => JSON.stringify(r.axes[p]))).size > 1);
  const groups = new Map<string, ScalingPoint[]>();
  for (const r of ok) {
    const name = varying.map((p) => String(r.axes[p] as string | number)).join(' · ') || 'best plan';
    const list = groups.get(name) ?? [];
    list.push({ x: r.axes[xPath] as number, tokensPerSecPerGpu: r.tokensPerSecPerGpu, mfu: r.mfu, gpusUsed: r.gpusUsed });
    groups.set(name, list);
  }
  return { series: [...groups.entries()].map(([name, points]) => ({ name, points: points.sort((a, b) => a.x - b.x) })), skipped: rows.length - ok.length };
}

const LEGEND_GLYPH_PX = LABEL_FONT_PX * 0.62;

/**
 * One metric against the swept axis, a line per curve. The legend stands on the right in one column
 * (as wide as its longest name), so many curves never run into the axis names; a log x-axis for
 * GPU counts and bandwidths that double.
 */
export function scalingChart(series: readonly ScalingSeries[], o: { xName: string; metric: ScalingMetric; title?: string; logX?: boolean }): ChartOption {
  const m = SCALING_METRICS[o.metric];
  const legendPx = series.length > 1 ? Math.ceil(Math.max(...series.map((s) => s.name.length)) * LEGEND_GLYPH_PX) + 44 : 0;
  const xs = series.flatMap((s) => s.points.map((p) => p.x));
  const logX = o.logX ?? (xs.length > 1 && Math.min(...xs) > 0 && Math.max(...xs) / Math.min(...xs) >= 8);
  return {
    ...(o.title ? { title: { text: o.title, left: 8, top: 6, textStyle: { fontSize: TITLE_FONT_PX } } } : {}),
    grid: { left: 76, right: 24 + legendPx, top: o.title ? 44 : 16, bottom: 48 },
    tooltip: { trigger: 'axis' },
    ...(series.length > 1 ? { legend: { orient: 'vertical', right: 8, top: o.title ? 44 : 16, itemHeight: 10, textStyle: { fontSize: LABEL_FONT_PX } } } : {}),
    xAxis: {
      type: logX ? 'log' : 'value',
      ...(logX ? { logBase: 2 } : {}),
      name: o.xName,
      nameLocation: 'middle',
      nameGap: 28,
      min: xs.length ? Math.min(...xs) : 0,
      max: xs.length ? Math.max(...xs) : 1,
      axisLabel: { fontSize: LABEL_FONT_PX, hideOverlap: true, formatter: compactNumber },
      nameTextStyle: { fontSize: LABEL_FONT_PX },
    },
    yAxis: { type: 'value', name: m.label, nameLocation: 'middle', nameGap: 52, min: 0, axisLabel: { fontSize: LABEL_FONT_PX, formatter: m.format }, nameTextStyle: { fontSize: LABEL_FONT_PX } },
    series: series.map((s) => ({ name: s.name, type: 'line', symbolSize: 6, data: s.points.map((p) => [p.x, p[o.metric]]) })),
  };
}
