import { BarChart, LineChart, ScatterChart } from 'echarts/charts';
import { AriaComponent, DataZoomComponent, GridComponent, LegendComponent, MarkLineComponent, TitleComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';

echarts.use([BarChart, LineChart, ScatterChart, AriaComponent, DataZoomComponent, GridComponent, LegendComponent, MarkLineComponent, TitleComponent, TooltipComponent, SVGRenderer]);

/** The page's font, named (ECharts measures text with it; 'inherit' would mis-measure legends). */
const FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";

export type ChartOption = echarts.EChartsCoreOption;

export interface Chart {
  set(option: ChartOption): void;
  dispose(): void;
}

/** The palette, colour-blind friendly (Okabe–Ito). */
export const COLORS = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#F0E442', '#000000', '#999999'];

/** An ECharts chart in `el` (SVG), resized with its box; `label` is read by screen readers. */
export function mountChart(el: HTMLElement, label: string): Chart {
  el.setAttribute('role', 'img');
  el.setAttribute('aria-label', label);
  const chart = echarts.init(el, undefined, { renderer: 'svg' });
  const ro = new ResizeObserver(() => chart.resize());
  ro.observe(el);
  return {
    set(option) {
      chart.setOption({ color: COLORS, aria: { enabled: true }, animation: false, textStyle: { fontFamily: FONT }, ...option }, { notMerge: true });
    },
    dispose() {
      ro.disconnect();
      chart.dispose();
    },
  };
}
