import { ApiError, api } from '../api.js';
import { mountChart, type Chart } from '../chart.js';
import { h, replace, table } from '../dom.js';
import { num, pct } from '../format.js';
import { capacitySeries, interruptionBins, interruptionsByCause, numAt, powerSeries, progressSeries, runEndDay, runFigures, totalCapacity, until, type RunFigures, type RunListing, type StoredRun } from '../run-data.js';

const dash = '—';
const fmt = (v: number | undefined, f: (x: number) => string): string => (v === undefined ? dash : f(v));

/** Campaigns: the stored runs; one run's capacity ramp, progress, interruptions and energy; two side by side. */
export function mountCampaign(root: HTMLElement, selected: string[]): () => void {
  const charts: Chart[] = [];
  const listEl = h('section', { class: 'panel', 'aria-label': 'Stored runs' }, h('h2', {}, 'Stored runs'), h('p', { role: 'status' }, 'Loading…'));
  const detailEl = h('section', { id: 'run-detail', 'aria-label': 'Run detail' });
  replace(root, h('div', { class: 'campaign' }, listEl, detailEl));
  let alive = true;

  const startBtn = h('button', { type: 'button', id: 'start-run' }, 'Run the bundled Colossus scenario');
  const startStatus = h('span', { class: 'hint', role: 'status' });
  startBtn.addEventListener('click', () => {
    startBtn.disabled = true;
    replace(startStatus, ' Running the campaign on the server (a few seconds)…');
    api<{ id: string }>('/api/runs', { bundled: true })
      .then((r) => navigate([r.id]))
      .catch((err: unknown) => replace(startStatus, h('span', { class: 'error' }, ` ${err instanceof Error ? err.message : String(err)}`)))
      .finally(() => {
        startBtn.disabled = false;
      });
  });
  const starter = h('p', {}, startBtn, startStatus);

  const navigate = (ids: string[]): void => {
    location.hash = `#/campaign${ids.length ? `/${ids.map(encodeURIComponent).join(',')}` : ''}`;
  };

  void (async () => {
    let runs: RunListing[];
    try {
      runs = (await api<{ runs: RunListing[] }>('/api/runs')).runs;
    } catch (err) {
      const msg = err instanceof ApiError && err.status === 503 ? 'This server has no run store.' : err instanceof Error ? err.message : String(err);
      replace(listEl, h('h2', {}, 'Stored runs'), h('p', { class: 'error', role: 'alert' }, msg));
      return;
    }
    if (!alive) return;
    if (runs.length === 0) {
      replace(listEl, h('h2', {}, 'Stored runs'), h('p', {}, 'No runs yet. Start one with ', h('code', {}, 'colossus run'), ' or here; it appears in this list.'), starter);
      return;
    }
    const chosen = new Set(selected.filter((id) => runs.some((r) => r.id === id)).slice(0, 2));
    if (chosen.size === 0 && runs[0]) chosen.add(runs[0].id);
    const rows = runs.map((r) => {
      const f = runFigures(r.summary);
      const box = h('input', { type: 'checkbox', 'aria-label': `compare ${r.name}`, checked: chosen.has(r.id) });
      box.addEventListener('change', () => {
        const next = [...chosen].filter((id) => id !== r.id);
        if (box.checked) next.push(r.id);
        navigate(next.slice(-2));
      });
      const seed = numAt(r.summary, 'seed');
      const open = h('a', { href: `#/campaign/${encodeURIComponent(r.id)}`, class: 'run-link' }, r.name, seed !== undefined ? ` (seed ${seed})` : '');
      return [box, open, h('code', {}, r.id), new Date(r.createdAt).toLocaleString(), fmt(f.timeToModelDays, (x) => `${num(x, 1)} d`), fmt(f.ettr, (x) => pct(x)), fmt(f.energyMwh, (x) => `${num(x)} MWh`)];
    });
    replace(listEl, h('h2', {}, 'Stored runs'), h('p', { class: 'hint' }, 'Open a run by its name; tick two to compare them side by side.'), table(['compare', 'run', 'id', 'created', 'time to model', 'ETTR', 'energy'], rows, 'runs'), starter);
    // Compared runs read oldest first, so "second vs first" is the newer run against the older.
    const full = await Promise.all([...chosen].sort().map((id) => api<StoredRun>(`/api/runs/${encodeURIComponent(id)}`)));
    if (!alive) return;
    showRuns(full);
  })().catch((err: unknown) => replace(detailEl, h('p', { class: 'error', role: 'alert' }, err instanceof Error ? err.message : String(err))));

  function showRuns(runs: StoredRun[]): void {
    const figs = runs.map((r) => runFigures(r.summary, r.timeline));
    const compare = runs.length === 2 ? comparisonTable(runs, figs) : null;
    // Shared axes: every chart of the compared runs ends where the later run ends (not the horizon).
    const xMax = Math.ceil(Math.max(...runs.map(runEndDay)) / 10) * 10;
    const overlay = runs.length === 2 ? overlayPanel(runs, xMax) : null;
    const cols = runs.map((r) => runColumn(r, xMax));
    replace(detailEl, compare, overlay?.el ?? null, h('div', { class: `run-columns n${runs.length}` }, ...cols.map((c) => c.el)));
    overlay?.draw();
    for (const c of cols) c.draw();
  }

  /** Both runs on one set of axes: GPUs online, training progress and power, one line each. */
  function overlayPanel(runs: StoredRun[], xMax: number): { el: HTMLElement; draw: () => void } {
    const capEl = h('div', { class: 'chart', id: 'overlay-capacity' });
    const progEl = h('div', { class: 'chart', id: 'overlay-progress' });
    const powEl = h('div', { class: 'chart short', id: 'overlay-power' });
    const el = h(
      'section',
      { class: 'panel', 'aria-label': 'Overlaid' },
      h('h2', {}, 'Overlaid on shared axes'),
      h('div', { class: 'overlay-grid' }, h('figure', {}, h('figcaption', {}, 'GPUs online (all types)'), capEl), h('figure', {}, h('figcaption', {}, 'Training progress'), progEl), h('figure', {}, h('figcaption', {}, 'Facility power'), powEl)),
    );
    const colors = ['#0072B2', '#D55E00'];
    const base = (yName: string): Record<string, unknown> => ({
      grid: { left: 64, right: 16, top: 36, bottom: 44 },
      legend: { top: 0, left: 'center' },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'value', name: 'day', nameLocation: 'middle', nameGap: 26, min: 0, max: xMax },
      yAxis: { type: 'value', name: yName, nameLocation: 'middle', nameGap: 48 },
    });
    const draw = (): void => {
      const cap = mountChart(capEl, 'GPUs online, both runs');
      const prog = mountChart(progEl, 'Training progress, both runs');
      const pow = mountChart(powEl, 'Power, both runs');
      charts.push(cap, prog, pow);
      cap.set({
        ...base('GPUs'),
        yAxis: { type: 'value', name: 'GPUs', nameLocation: 'middle', nameGap: 48, axisLabel: { formatter: (v: number) => (v >= 1000 ? `${v / 1000}k` : String(v)) } },
        series: runs.map((r, i) => ({ name: r.name, type: 'line', step: 'end', symbol: 'none', lineStyle: { color: colors[i] }, itemStyle: { color: colors[i] }, data: until(totalCapacity(r.timeline, xMax), xMax) })),
      });
      const ps = runs.map((r) => progressSeries(r));
      prog.set({
        ...base(ps[0]?.name === 'fraction' ? 'fraction' : (ps[0]?.name ?? '')),
        series: runs.map((r, i) => ({ name: r.name, type: 'line', symbol: 'none', lineStyle: { color: colors[i] }, itemStyle: { color: colors[i] }, data: ps[i] ? until(ps[i].points, runEndDay(r)) : [] })),
      });
      pow.set({
        ...base('MW'),
        series: runs.map((r, i) => ({ name: r.name, type: 'line', step: 'end', symbol: 'none', lineStyle: { color: colors[i] }, itemStyle: { color: colors[i] }, data: powerSeries(r)?.points ?? [] })),
      });
    };
    return { el, draw };
  }

  function comparisonTable(runs: StoredRun[], f: RunFigures[]): HTMLElement {
    const [a, b] = [f[0]!, f[1]!];
    // Deltas in the quantity's own terms: days for dates, points for percentages, relative for amounts.
    type Delta = 'days' | 'points' | 'relative';
    const row = (label: string, key: keyof RunFigures, show: (x: number) => string, kind: Delta = 'relative'): (string | HTMLElement)[] => {
      const x = a[key];
      const y = b[key];
      const sign = (d: number): string => (d >= 0 ? '+' : '−');
      let diff = dash;
      if (x !== undefined && y !== undefined) {
        const d = y - x;
        if (kind === 'days') diff = `${sign(d)}${num(Math.abs(d), 1)} days`;
        else if (kind === 'points') diff = `${sign(d)}${num(Math.abs(d) * 100, 1)} points`;
        else diff = x !== 0 ? `${sign(d)}${show(Math.abs(d))} (${sign(d)}${pct(Math.abs(d / x))})` : `${sign(d)}${show(Math.abs(d))}`;
      }
      return [label, fmt(x, show), fmt(y, show), diff];
    };
    return h(
      'section',
      { class: 'panel', 'aria-label': 'Comparison' },
      h('h2', {}, 'Side by side'),
      table(
        ['', runs[0]!.name, runs[1]!.name, 'second vs first'],
        [
          row('time to model', 'timeToModelDays', (x) => `${num(x, 1)} days`, 'days'),
          row('peak GPUs online', 'peakGpus', (x) => num(x)),
          row('MFU', 'mfu', (x) => pct(x), 'points'),
          row('ETTR', 'ettr', (x) => pct(x), 'points'),
          row('interruptions', 'interruptions', (x) => num(x)),
          row('energy', 'energyMwh', (x) => `${num(x)} MWh`),
          row('peak power', 'peakMw', (x) => `${num(x, 1)} MW`),
          row('cost', 'costUsd', (x) => `$${num(x / 1e9, 2)} B`),
        ],
        'numbers',
      ),
    );
  }

  function runColumn(run: StoredRun, xMax?: number): { el: HTMLElement; draw: () => void } {
    const f = runFigures(run.summary, run.timeline);
    const cap = h('div', { class: 'chart' });
    const prog = h('div', { class: 'chart' });
    const intr = h('div', { class: 'chart short' });
    const pow = h('div', { class: 'chart short' });
    const el = h(
      'article',
      { class: 'panel run', 'data-run': run.id },
      h('h2', {}, run.name, ' ', h('small', {}, run.id)),
      h(
        'div',
        { class: 'metrics' },
        ...(
          [
            ['Time to model', fmt(f.timeToModelDays, (x) => `${num(x, 1)} days`)],
            ['Peak GPUs', fmt(f.peakGpus, (x) => num(x))],
            ['MFU', fmt(f.mfu, (x) => pct(x))],
            ['ETTR', fmt(f.ettr, (x) => pct(x))],
            ['Energy', fmt(f.energyMwh, (x) => `${num(x)} MWh`)],
            ['Cost', fmt(f.costUsd, (x) => `$${num(x / 1e9, 2)} B`)],
          ] as const
        ).map(([k, v]) => h('div', { class: 'metric' }, h('span', { class: 'label' }, k), h('span', { class: 'value' }, v))),
      ),
      h('figure', {}, h('figcaption', {}, 'Capacity online (GPUs by type)'), cap),
      h('figure', {}, h('figcaption', {}, 'Training progress'), prog),
      h('figure', {}, h('figcaption', {}, 'Interruptions'), intr),
      h('figure', {}, h('figcaption', {}, 'Power'), pow),
    );
    const draw = (): void => {
      const capChart = mountChart(cap, `Capacity ramp of ${run.name}`);
      charts.push(capChart);
      const lastDay = run.timeline.at(-1)?.day ?? 0;
      const seen = [progressSeries(run), powerSeries(run)].flatMap((x) => x?.points.at(-1)?.[0] ?? []);
      const end = xMax ?? Math.max(Math.ceil(lastDay * 1.1), ...seen);
      const series = capacitySeries(run.timeline, end).map((s) => ({ ...s, points: until(s.points, end) }));
      const xAxis = { type: 'value', name: 'day', nameLocation: 'middle', nameGap: 25, min: 0, max: end };
      capChart.set({
        grid: { left: 60, right: 20, top: 30, bottom: 40 },
        legend: { top: 0 },
        tooltip: { trigger: 'axis' },
        xAxis,
        yAxis: { type: 'value', axisLabel: { formatter: (v: number) => (v >= 1000 ? `${v / 1000}k` : String(v)) } },
        series: series.map((s) => ({ name: s.name, type: 'line', step: 'end', stack: 'gpus', areaStyle: {}, symbol: 'none', data: s.points })),
      });
      const p = progressSeries(run);
      const progChart = mountChart(prog, `Training progress of ${run.name}`);
      charts.push(progChart);
      progChart.set(
        p
          ? {
              grid: { left: 60, right: 20, top: 30, bottom: 40 },
              tooltip: { trigger: 'axis' },
              xAxis,
              yAxis: { type: 'value', name: p.name, axisLabel: { formatter: (v: number) => (p.name === 'fraction' ? pct(v, 0) : v >= 1e12 ? `${v / 1e12}T` : String(v)) } },
              series: [{ name: p.name, type: 'line', symbol: 'none', data: until(p.points, runEndDay(run)) }],
            }
          : noData('no progress series stored with this run'),
      );
      const last = run.timeline.at(-1)?.day ?? 0;
      const bins = interruptionBins(run.events, 7);
      const causes = interruptionsByCause(run);
      const intrChart = mountChart(intr, `Interruptions of ${run.name}`);
      charts.push(intrChart);
      if (bins.length) {
        intrChart.set({
          title: { text: 'per week', left: 'right', textStyle: { fontSize: 11, fontWeight: 'normal', color: '#555' } },
          grid: { left: 50, right: 20, top: 20, bottom: 40 },
          tooltip: { trigger: 'axis' },
          xAxis: { ...xAxis, max: xMax ?? Math.max(last, (bins.at(-1)?.[0] ?? 0) + 7) },
          yAxis: { type: 'value', minInterval: 1 },
          series: [{ name: 'interruptions', type: 'bar', barWidth: 6, data: bins }],
        });
      } else if (causes.length) {
        const shown = causes.slice(0, 8).reverse();
        intrChart.set({
          title: { text: `${num(causes.reduce((a, [, n]) => a + n, 0))} in all, by cause`, left: 'right', textStyle: { fontSize: 11, fontWeight: 'normal', color: '#555' } },
          grid: { left: 150, right: 40, top: 28, bottom: 25 },
          tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
          xAxis: { type: 'value', minInterval: 1 },
          yAxis: { type: 'category', data: shown.map(([k]) => k) },
          series: [{ name: 'interruptions', type: 'bar', data: shown.map(([, n]) => Math.round(n)), label: { show: true, position: 'right' } }],
        });
      } else {
        intrChart.set(noData(f.interruptions !== undefined ? `${num(f.interruptions)} interruptions (no breakdown stored)` : 'no interruptions stored'));
      }
      const pw = powerSeries(run);
      const powChart = mountChart(pow, `Power of ${run.name}`);
      charts.push(powChart);
      powChart.set(
        pw
          ? {
              grid: { left: 50, right: 20, top: 30, bottom: 40 },
              tooltip: { trigger: 'axis' },
              xAxis,
              yAxis: { type: 'value', name: 'MW' },
              series: [{ name: pw.name, type: 'line', step: 'end', symbol: 'none', areaStyle: {}, data: pw.points }],
            }
          : noData(f.energyMwh !== undefined ? `${num(f.energyMwh)} MWh in all${f.peakMw !== undefined ? `, peak ${num(f.peakMw, 1)} MW` : ''}` : 'no energy figures stored'),
      );
    };
    return { el, draw };
  }

  return () => {
    alive = false;
    for (const c of charts) c.dispose();
  };
}

function noData(text: string): Record<string, unknown> {
  return { title: { text, left: 'center', top: 'middle', textStyle: { fontSize: 13, fontWeight: 'normal', color: '#555' } }, xAxis: { show: false }, yAxis: { show: false }, series: [] };
}
