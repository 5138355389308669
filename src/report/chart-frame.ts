import type { ChartOption } from './svg-chart.js';

/**
 * One layout for every chart of the report and the dashboard, so that no two labels overlap: the
 * title alone on the top line, the y-axis names turned along their axes (outside the tick labels),
 * the x-axis name under the ticks, and the legend on its own line at the bottom.
 */
export interface FrameOptions {
  title?: string;
  xName?: string;
  xMin?: number;
  xMax?: number;
  yName: string;
  /** A right-hand axis (its series name `yAxisIndex: 1`). */
  y2Name?: string;
  legend?: boolean;
  /** Tick labels of the left axis (default: compact numbers, 12k). */
  yFormat?: (v: number) => string;
}

export const TITLE_FONT_PX = 14;
export const LABEL_FONT_PX = 12;

/** 12,000 → 12k, 1,500,000 → 1.5M (below 10,000 as it is: 1024): tick labels that fit the axis margin. */
export function compactNumber(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e6) return `${Number((v / 1e6).toPrecision(3))}M`;
  if (a >= 1e4) return `${Number((v / 1e3).toPrecision(3))}k`;
  return String(Number(v.toPrecision(4)));
}

export function chartFrame(o: FrameOptions): ChartOption {
  const top = o.title ? 44 : 16;
  const bottom = o.legend ? 68 : 44;
  const yAxis = (name: string, right: boolean, format: (v: number) => string = compactNumber): Record<string, unknown> => ({
    type: 'value',
    name,
    nameLocation: 'middle',
    nameGap: right ? 46 : 52,
    nameTextStyle: { fontSize: LABEL_FONT_PX },
    axisLabel: { fontSize: LABEL_FONT_PX, formatter: format },
    ...(right ? { splitLine: { show: false } } : {}),
  });
  const frame: ChartOption = {
    grid: { left: 76, right: o.y2Name ? 70 : 24, top, bottom },
    xAxis: {
      type: 'value',
      name: o.xName ?? 'day',
      nameLocation: 'middle',
      nameGap: 26,
      nameTextStyle: { fontSize: LABEL_FONT_PX },
      // The last tick ends at the axis' end instead of straddling it (where a right axis' labels are).
      axisLabel: { fontSize: LABEL_FONT_PX, hideOverlap: true, alignMaxLabel: 'right' },
      ...(o.xMin !== undefined ? { min: o.xMin } : {}),
      ...(o.xMax !== undefined ? { max: o.xMax } : {}),
    },
    yAxis: o.y2Name ? [yAxis(o.yName, false, o.yFormat), yAxis(o.y2Name, true)] : yAxis(o.yName, false, o.yFormat),
  };
  if (o.title) frame['title'] = { text: o.title, left: 8, top: 6, textStyle: { fontSize: TITLE_FONT_PX } };
  // One row that scrolls (with a pager) when the chart is too narrow: a wrapped second row would run into the x-axis name.
  if (o.legend) frame['legend'] = { type: 'scroll', bottom: 4, left: 'center', itemHeight: 10, itemGap: 22, textStyle: { fontSize: LABEL_FONT_PX } };
  return frame;
}
