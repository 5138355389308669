import { createRequire } from 'node:module';

type Echarts = typeof import('echarts');
/** The option object of one chart (ECharts' own type is far stricter than these builders need). */
export type ChartOption = Record<string, unknown>;

let echarts: Echarts | undefined;

export const REPORT_FONT = "Arial, 'Liberation Sans', Helvetica, sans-serif";

/** ECharts' single-file CommonJS build loads ~3× faster than its ES module tree. Loaded on first use. */
function load(): Echarts {
  echarts ??= createRequire(import.meta.url)('echarts') as Echarts;
  return echarts;
}

/** Render one chart to a standalone SVG string, server-side (no DOM, no animation). */
export function renderSvgChart(option: ChartOption, widthPx = 880, heightPx = 320): string {
  const chart = load().init(null, null, { renderer: 'svg', ssr: true, width: widthPx, height: heightPx });
  try {
    // A font with Arial's metrics first: ECharts lays out legends and labels with Arial-like widths
    // when it renders without a browser, so a wider font (DejaVu Sans) would make them collide.
    chart.setOption({ animation: false, textStyle: { fontFamily: REPORT_FONT }, ...option });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}
