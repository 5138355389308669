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

/** An axis value as a curve's name shows it: `16,384 GPUs`, `400 Gb/s`, `seqLen 8192`, or a string as it is. */
export function axisValue(path: string, v: unknown): string {
  const last = path.split('.').at(-1) ?? path;
  if (path === 'parallel') {
    if (v === null || v === undefined) return 'searched plan';
    if (typeof v === 'object') return Object.entries(v as Record<string, unknown>).map(([k, x]) => `${k}${String(x as string | number)}`).join(' ');
  }
  if (v === null || v === undefined) return `${last} none`;
  if (typeof v === 'object') return `${last} ${JSON.stringify(v)}`;
  if (typeof v !== 'number') return String(v as string);
  if (path === 'system.gpus') return `${v.toLocaleString('en-US')} GPUs`;
  if (path === 'system.scaleOutGbpsPerGpu') return `${v} Gb/s`;
  return `${last} ${v}`;
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
    const name = varying.map((p) => axisValue(p, r.axes[p])).join(' · ') || 'best plan';
    const list = groups.get(name) ?? [];
    list.push({ x: r.axes[xPath] as number, tokensPerSecPerGpu: r.tokensPerSecPerGpu, mfu: r.mfu, gpusUsed: r.gpusUsed });
    groups.set(name, list);
  }
  return { series: [...groups.entries()].map(([name, points]) => ({ name, points: points.sort((a, b) => a.x - b.x) })), skipped: rows.length - ok.length };
}

/** Twelve distinguishable colours (Tableau 10 and two more) and four marker shapes: no two curves look alike up to 48. */
const CURVE_COLORS = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#79706e', '#17becf', '#8c564b'];
const CURVE_SYMBOLS = ['circle', 'rect', 'triangle', 'diamond'];

const LEGEND_GLYPH_PX = LABEL_FONT_PX * 0.62;

/**
 * One metric against the swept axis, a line per curve. The legend stands on the right in one column
 * (as wide as its longest name), so many curves never run into the axis names; a log x-axis for
 * GPU counts and bandwidths that double.
 */
export function scalingChart(series: readonly ScalingSeries[], o: { xName: string; metric: ScalingMetric; title?: string; logX?: boolean }): ChartOption {
  const m = SCALING_METRICS[o.metric];
  const longest = Math.max(0, ...series.map((s) => s.name.length));
  const legendPx = series.length > 1 ? Math.ceil(longest * LEGEND_GLYPH_PX) + 44 : 0;
  // ECharts lays the legend out with Arial-like widths (~0.5 em) against the right edge; a wider font
  // would run off it, so the legend keeps that difference free on its right.
  const legendRight = 8 + Math.ceil(longest * LABEL_FONT_PX * 0.14);
  const xs = series.flatMap((s) => s.points.map((p) => p.x));
  const logX = o.logX ?? (xs.length > 1 && Math.min(...xs) > 0 && Math.max(...xs) / Math.min(...xs) >= 8);
  return {
    ...(o.title ? { title: { text: o.title, left: 8, top: 6, textStyle: { fontSize: TITLE_FONT_PX } } } : {}),
    grid: { left: 76, right: 24 + legendPx, top: o.title ? 44 : 16, bottom: 48 },
    tooltip: { trigger: 'axis' },
    ...(series.length > 1 ? { legend: { orient: 'vertical', right: legendRight, top: o.title ? 44 : 16, itemHeight: 10, textStyle: { fontSize: LABEL_FONT_PX } } } : {}),
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
    series: series.map((s, i) => ({
      name: s.name,
      type: 'line',
      symbolSize: 7,
      symbol: CURVE_SYMBOLS[Math.floor(i / CURVE_COLORS.length) % CURVE_SYMBOLS.length],
      color: CURVE_COLORS[i % CURVE_COLORS.length],
      data: s.points.map((p) => [p.x, p[o.metric]]),
    })),
  };
}
