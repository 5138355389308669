import type { ErrorStats, ValidationReport } from '../../../src/validation/harness.js';
import { api } from '../api.js';
import { mountChart, type Chart } from '../chart.js';
import { h, replace, table } from '../dom.js';
import { num, pct, signedPct } from '../format.js';

/** Validation: predicted vs measured tokens/s/GPU for every published case, and the error per source. */
export function mountValidation(root: HTMLElement): () => void {
  const chartEl = h('div', { class: 'chart tall', id: 'validation-chart' });
  const statsEl = h('section', { class: 'panel', 'aria-label': 'Error per source' }, h('p', { role: 'status' }, 'Estimating every case…'));
  const rowsEl = h('section', { class: 'panel', 'aria-label': 'Cases' });
  replace(root, h('div', { class: 'validation' }, h('div', { class: 'panel' }, h('h2', {}, 'Predicted vs measured tokens/s per GPU'), chartEl), statsEl, rowsEl));
  let chart: Chart | undefined;
  let alive = true;
  void api<ValidationReport>('/api/validation')
    .then((r) => {
      if (!alive) return;
      chart = mountChart(chartEl, 'Scatter of predicted against measured tokens per second per GPU, one colour per source');
      const sources = Object.keys(r.bySource);
      const ok = r.rows.filter((x) => x.predictedTokensPerSecPerGpu !== null);
      const all = ok.flatMap((x) => [x.measuredTokensPerSecPerGpu, x.predictedTokensPerSecPerGpu ?? 0]);
      const lo = 10 ** Math.floor(Math.log10(Math.min(...all)));
      const hi = 10 ** Math.ceil(Math.log10(Math.max(...all)));
      const line = (f: number, name: string, type: string) => ({ name, type: 'line', symbol: 'none', silent: true, lineStyle: { color: '#888', type, width: 1 }, data: [[lo, lo * f], [hi, hi * f]] });
      chart.set({
        grid: { left: 70, right: 30, top: 40, bottom: 50 },
        legend: { top: 0, type: 'scroll', data: sources },
        tooltip: {
          trigger: 'item',
          formatter: (p: { data: [number, number, string, number]; seriesName: string }) =>
            `${p.data[2]} (${p.seriesName})<br>measured ${num(p.data[0], 0)}<br>predicted ${num(p.data[1], 0)}<br>error ${signedPct(p.data[3])}`,
        },
        xAxis: { type: 'log', name: 'measured tokens/s/GPU', nameLocation: 'middle', nameGap: 30, min: lo, max: hi, axisLabel: { formatter: (v: number) => num(v) } },
        yAxis: { type: 'log', name: 'predicted', min: lo, max: hi, axisLabel: { formatter: (v: number) => num(v) } },
        series: [
          line(1, 'exact', 'solid'),
          line(1.1, '+10%', 'dashed'),
          line(0.9, '−10%', 'dashed'),
          ...sources.map((s) => ({
            name: s,
            type: 'scatter',
            symbolSize: 9,
            data: ok.filter((x) => x.source === s).map((x) => [x.measuredTokensPerSecPerGpu, x.predictedTokensPerSecPerGpu, x.id, x.error]),
          })),
        ],
      });
      const stat = (name: string, s: ErrorStats) => [name, String(s.cases), pct(s.mape), pct(s.median), pct(s.max), signedPct(s.bias)];
      replace(
        statsEl,
        h('h2', {}, 'Error per source'),
        table(['source', 'cases', 'MAPE', 'median', 'max', 'bias'], [...Object.entries(r.bySource).map(([k, s]) => stat(k, s)), ...Object.entries(r.byGroup).map(([k, s]) => stat(k, s)), stat('overall', r.overall)], 'numbers'),
        r.failed ? h('p', { class: 'error' }, `${r.failed} case(s) could not be estimated.`) : null,
      );
      replace(
        rowsEl,
        h('h2', {}, 'Cases'),
        h('details', {}, h('summary', {}, `All ${r.rows.length} cases, predicted and measured`), table(
          ['case', 'source', 'GPU', 'precision', 'measured', 'predicted', 'error'],
          r.rows.map((x) => [x.id, x.source, x.gpu, x.precision, num(x.measuredTokensPerSecPerGpu, 1), x.predictedTokensPerSecPerGpu === null ? 'invalid' : num(x.predictedTokensPerSecPerGpu, 1), x.error === null ? '' : signedPct(x.error)]),
          'numbers',
        )),
      );
    })
    .catch((err: unknown) => replace(statsEl, h('p', { class: 'error', role: 'alert' }, err instanceof Error ? err.message : String(err))));
  return () => {
    alive = false;
    chart?.dispose();
  };
}
