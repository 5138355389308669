import { capacityChart } from '../../../src/report/capacity-chart.js';
import { energyChart } from '../../../src/report/energy-chart.js';
import { progressChart } from '../../../src/report/progress-chart.js';
import bundledScenario from '../../../scenarios/colossus.yaml?raw';
import { ApiError, STATIC, api, postYaml } from '../api.js';
import { browserRun, browserRuns, deleteBrowserRun, isBrowserRun, keepBrowserRun } from '../campaign/browser-runs.js';
import { checkScenario } from '../campaign/check-scenario.js';
import type { CampaignMessage, CampaignRequest } from '../campaign/protocol.js';
import { newCampaignWorker } from '../campaign/start-worker.js';
import { mountChart, type Chart } from '../chart.js';
import { field, h, replace, table } from '../dom.js';
import { num, pct } from '../format.js';
import { issueList } from '../issues.js';
import { capacitySeries, interruptionBins, interruptionsByCause, numAt, powerSeries, progressSeries, resultOf, runEndDay, runFigures, until, type RunListing, type StoredRun } from '../run-data.js';
import { comparePanel } from './compare.js';

const dash = '—';
const fmt = (v: number | undefined, f: (x: number) => string): string => (v === undefined ? dash : f(v));

/** The scenario as last edited here (kept while the page is open, so a route change does not lose it). */
let draft: { text: string; seed: string; name: string } = { text: bundledScenario, seed: '', name: '' };
/** The editor's last word (a run played, where it is kept) and whether it was open: shown again after the route changes to the new run. */
let lastWord = '';
let editorOpen = false;

/**
 * Campaigns: the stored runs (server) and the runs played in this browser; one run's capacity ramp,
 * progress, interruptions and power; two compared on shared axes; a new run from an edited scenario,
 * checked as the CLI checks it and played in this browser (a worker) or on the server.
 */
export function mountCampaign(root: HTMLElement, selected: string[]): () => void {
  const charts: Chart[] = [];
  const listEl = h('section', { class: 'panel', 'aria-label': 'Runs' }, h('h2', {}, 'Runs'), h('p', { role: 'status' }, 'Loading…'));
  const detailEl = h('section', { id: 'run-detail', 'aria-label': 'Run detail' });
  const newRun = newRunPanel();
  replace(root, h('div', { class: 'campaign' }, listEl, newRun.el, detailEl));
  let alive = true;
  let chosenNow: string[] = [];

  const navigate = (ids: string[]): void => {
    location.hash = `#/campaign${ids.length ? `/${ids.map(encodeURIComponent).join(',')}` : ''}`;
  };

  void (async () => {
    let stored: RunListing[] = [];
    let storeNote: string | null = null;
    if (STATIC) storeNote = 'This is the static dashboard (no server): campaigns run in this browser and are kept in it; the run store needs `colossus serve`.';
    else {
      try {
        stored = (await api<{ runs: RunListing[] }>('/api/runs')).runs;
      } catch (err) {
        storeNote = err instanceof ApiError && err.status === 503 ? 'This server has no run store.' : err instanceof Error ? err.message : String(err);
      }
    }
    if (!alive) return;
    const local = browserRuns();
    const all = [...local, ...stored];
    const head = [h('h2', {}, 'Runs'), storeNote ? h('p', { class: STATIC ? 'hint' : 'error', role: STATIC ? 'note' : 'alert' }, storeNote) : null];
    if (all.length === 0) {
      replace(listEl, ...head, h('p', {}, 'No runs yet. Start one with ', h('code', {}, 'colossus run'), ' or below (the bundled Colossus scenario, edited as you like).'));
      newRun.open();
      return;
    }
    const chosen = selected.filter((id) => all.some((r) => r.id === id)).slice(0, 2);
    if (chosen.length === 0 && all[0]) chosen.push(all[0].id);
    chosenNow = chosen;
    const rows = all.map((r) => {
      const f = runFigures(r.summary);
      const box = h('input', { type: 'checkbox', 'aria-label': `compare ${r.name}`, checked: chosen.includes(r.id) });
      box.addEventListener('change', () => {
        const next = chosen.filter((id) => id !== r.id);
        if (box.checked) next.push(r.id);
        navigate(next.slice(-2));
      });
      const seed = numAt(r.summary, 'seed');
      const open = h('a', { href: `#/campaign/${encodeURIComponent(r.id)}`, class: 'run-link' }, r.name, seed !== undefined ? ` (seed ${seed})` : '');
      const local = isBrowserRun(r.id);
      let del: HTMLElement | string = '';
      if (local) {
        const b = h('button', { type: 'button', class: 'small secondary', 'aria-label': `delete ${r.name}` }, 'Delete');
        b.addEventListener('click', () => {
          if (!confirm(`Delete the run ${r.name} played in this browser?`)) return;
          deleteBrowserRun(r.id);
          navigate(chosen.filter((id) => id !== r.id));
          if (chosen.every((id) => id !== r.id)) location.reload();
        });
        del = b;
      }
      return [box, open, local ? 'this browser' : 'server store', h('code', {}, r.id), new Date(r.createdAt).toLocaleString(), fmt(f.timeToModelDays, (x) => `${num(x, 1)} d`), fmt(f.ettr, (x) => pct(x)), fmt(f.energyMwh, (x) => `${num(x)} MWh`), del];
    });
    replace(listEl, ...head, h('p', { class: 'hint' }, 'Open a run by its name; tick two to compare them.'), table(['compare', 'run', 'where', 'id', 'created', 'time to model', 'ETTR', 'energy', ''], rows, 'runs'));
    const full = await Promise.all(chosen.map((id) => (isBrowserRun(id) ? Promise.resolve(browserRun(id)) : api<StoredRun>(`/api/runs/${encodeURIComponent(id)}`))));
    if (!alive) return;
    // Compared runs read oldest first, so "second vs first" is the newer run against the older.
    showRuns(full.filter((r): r is StoredRun => r !== undefined).sort((x, y) => x.createdAt.localeCompare(y.createdAt)));
  })().catch((err: unknown) => replace(detailEl, h('p', { class: 'error', role: 'alert' }, err instanceof Error ? err.message : String(err))));

  function showRuns(runs: StoredRun[]): void {
    // Shared axes: every chart of the compared runs ends where the later run ends (not the horizon).
    const xMax = Math.ceil(Math.max(...runs.map(runEndDay)));
    const compare = runs.length === 2 ? comparePanel([runs[0]!, runs[1]!], charts) : null;
    const cols = runs.map((r) => runColumn(r, runs.length === 2 ? xMax : undefined));
    replace(detailEl, compare?.el ?? null, h('div', { class: `run-columns n${runs.length}` }, ...cols.map((c) => c.el)));
    compare?.draw();
    for (const c of cols) c.draw();
  }

  /** Edit a scenario (the bundled one to start with), checked on every edit; play it here or on the server. */
  function newRunPanel(): { el: HTMLElement; open: () => void } {
    const text = h('textarea', { id: 'scenario-text', spellcheck: 'false', rows: '18', 'aria-describedby': 'scenario-check' });
    text.value = draft.text;
    const runName = h('input', { id: 'scenario-name', type: 'text', placeholder: 'the scenario\'s name', value: draft.name });
    const seed = h('input', { id: 'scenario-seed', type: 'number', min: '0', step: '1', inputmode: 'numeric', placeholder: 'the scenario\'s', value: draft.seed });
    const check = h('div', { id: 'scenario-check', role: 'status', 'aria-live': 'polite' });
    const runHere = h('button', { type: 'button', id: 'run-browser' }, 'Run in this browser');
    const runServer = STATIC ? null : h('button', { type: 'button', id: 'run-server', class: 'secondary' }, 'Run on the server and save');
    const reset = h('button', { type: 'button', class: 'small secondary', id: 'scenario-reset' }, 'Back to the bundled scenario');
    const progress = h('p', { id: 'run-progress', role: 'status', 'aria-live': 'polite', class: 'hint' }, lastWord);
    lastWord = '';
    const details = h(
      'details',
      { class: 'panel new-run', id: 'new-run', open: editorOpen },
      h('summary', {}, 'New run from an edited scenario'),
      h('p', { class: 'hint' }, 'The bundled Colossus scenario, as ', h('code', {}, 'colossus run'), ' plays it. Edit any field (deliveries, power phases, spares, token budget…); it is checked as the CLI checks a file, with line and column.'),
      text,
      h('div', { class: 'row-inline' }, field('Run name', runName, 'for runs played here; the server names a run by the scenario\'s name: field'), field('Seed', seed, 'empty: the scenario\'s own'), reset),
      check,
      h('p', {}, runHere, ' ', runServer),
      progress,
    );
    const fileName = 'scenario.yaml';
    const seedValue = (): number | undefined => (seed.value.trim() === '' ? undefined : Number(seed.value));
    const validate = (): boolean => {
      draft = { text: text.value, seed: seed.value, name: runName.value };
      const s = seedValue();
      if (s !== undefined && (!Number.isSafeInteger(s) || s < 0)) {
        replace(check, issueList([{ path: 'seed', message: 'is not a valid seed', expected: 'an integer >= 0', received: JSON.stringify(seed.value) }], 'This scenario cannot be run'));
        return false;
      }
      const r = checkScenario(text.value, fileName, s);
      if (!r.ok) {
        replace(check, issueList(r.issues, 'This scenario cannot be run'));
        runHere.disabled = true;
        if (runServer) runServer.disabled = true;
        return false;
      }
      const b = r.input.buildout;
      const gpus = b.deliveries.reduce((a, d) => a + d.gpus, 0);
      replace(check, h('p', { class: 'ok' }, `✓ ${r.input.name}: ${num(gpus)} GPUs in ${b.deliveries.length} deliveries, ${b.powerPhases.length} power phases, ${num(r.input.training.tokens / 1e12, 1)}T tokens, seed ${r.input.seed}, horizon ${b.horizonDays} days`));
      runHere.disabled = false;
      if (runServer) runServer.disabled = false;
      return true;
    };
    let timer = 0;
    const later = (): void => {
      clearTimeout(timer);
      timer = window.setTimeout(validate, 200);
    };
    text.addEventListener('input', later);
    seed.addEventListener('input', later);
    runName.addEventListener('input', later);
    reset.addEventListener('click', () => {
      text.value = bundledScenario;
      validate();
    });
    const busy = (on: boolean): void => {
      runHere.disabled = on;
      if (runServer) runServer.disabled = on;
    };
    const done = (played: StoredRun, how: string): void => {
      // Named as asked, else the scenario's name, marked when its text was edited.
      const name = runName.value.trim() || (text.value === bundledScenario ? played.name : `${played.name} (edited)`);
      const run = { ...played, name };
      const persisted = keepBrowserRun(run);
      lastWord = `${how}${persisted ? ' Kept in this browser.' : ' Kept only until this page closes (the browser has no room to store it).'}`;
      replace(progress, lastWord);
      // A new run is compared with the run shown when it was started.
      navigate([...chosenNow.slice(-1), run.id]);
    };
    runHere.addEventListener('click', () => {
      if (!validate()) return;
      busy(true);
      replace(progress, 'Starting…');
      const req: CampaignRequest = { text: text.value, fileName, ...(seedValue() !== undefined ? { seed: seedValue()! } : {}) };
      let worker: Worker | undefined;
      try {
        worker = newCampaignWorker();
      } catch {
        worker = undefined;
      }
      if (!worker) {
        busy(false);
        replace(progress, h('span', { class: 'error', role: 'alert' }, 'this browser refuses a Web Worker here, so the campaign cannot run in the page (use colossus run, or Run on the server)'));
        return;
      }
      const w = worker;
      w.addEventListener('message', (e: MessageEvent<CampaignMessage>) => {
        const m = e.data;
        if (m.type === 'progress') {
          replace(progress, `Playing the campaign in this browser: ${m.index + 1}/${m.total} ${m.stage}…`);
          return;
        }
        w.terminate();
        busy(false);
        if (m.type === 'done') done(m.run, `Played in this browser in ${m.elapsedS.toFixed(1)} s (same core as colossus run).`);
        else if (m.type === 'issues') replace(progress, issueList(m.issues, 'This scenario cannot be run'));
        else replace(progress, h('span', { class: 'error', role: 'alert' }, m.message));
      });
      w.addEventListener('error', (e) => {
        w.terminate();
        busy(false);
        replace(progress, h('span', { class: 'error', role: 'alert' }, `the campaign worker failed: ${e.message}`));
      });
      w.postMessage(req);
    });
    runServer?.addEventListener('click', () => {
      if (!validate()) return;
      busy(true);
      replace(progress, 'Running the campaign on the server (a few seconds)…');
      const s = seedValue();
      postYaml<{ id: string }>(`/api/runs${s !== undefined ? `?seed=${s}` : ''}`, text.value)
        .then((r) => navigate([...chosenNow.slice(-1), r.id]))
        .catch((err: unknown) => replace(progress, err instanceof ApiError && err.issues.length ? issueList(err.issues, err.message) : h('span', { class: 'error', role: 'alert' }, err instanceof Error ? err.message : String(err))))
        .finally(() => busy(false));
    });
    details.addEventListener('toggle', () => {
      editorOpen = details.open;
    });
    validate();
    return {
      el: details,
      open: () => {
        details.open = true;
        editorOpen = true;
      },
    };
  }

  function runColumn(run: StoredRun, xMax?: number): { el: HTMLElement; draw: () => void } {
    const f = runFigures(run.summary, run.timeline);
    const cap = h('div', { class: 'chart' });
    const prog = h('div', { class: 'chart' });
    const intr = h('div', { class: 'chart short' });
    // The caption says what the bars count (in the chart, a title would crowd the longest bar's label).
    const intrCaption = h('figcaption', {}, 'Interruptions');
    const pow = h('div', { class: 'chart' });
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
      h('figure', {}, h('figcaption', {}, 'GPUs online by type, against delivered and burnt in'), cap),
      h('figure', {}, h('figcaption', {}, 'Training progress'), prog),
      h('figure', {}, intrCaption, intr),
      h('figure', {}, h('figcaption', {}, 'Power against the site\'s limit, and energy'), pow),
    );
    const draw = (): void => {
      const capChart = mountChart(cap, `Capacity ramp of ${run.name}`);
      charts.push(capChart);
      const progChart = mountChart(prog, `Training progress of ${run.name}`);
      charts.push(progChart);
      const lastDay = run.timeline.at(-1)?.day ?? 0;
      const result = resultOf(run);
      // The run's end: the model done, else its last point (a run compared with a later one shares that one's axis).
      const end = xMax ?? (result ? result.endDay : Math.max(Math.ceil(lastDay * 1.1), ...[progressSeries(run), powerSeries(run)].flatMap((x) => x?.points.at(-1)?.[0] ?? [])));
      const xAxis = { type: 'value', name: 'day', nameLocation: 'middle', nameGap: 25, min: 0, max: end };
      if (result) {
        // The report's own charts (same layout, same lines), untitled: the figure captions name them.
        capChart.set(capacityChart(result, { xMaxDay: end, untitled: true }));
        progChart.set(progressChart(result, { xMaxDay: end, untitled: true }));
      } else {
        const series = capacitySeries(run.timeline, end).map((s) => ({ ...s, points: until(s.points, end) }));
        capChart.set({
          grid: { left: 60, right: 20, top: 16, bottom: 64 },
          legend: { bottom: 0 },
          tooltip: { trigger: 'axis' },
          xAxis,
          yAxis: { type: 'value', axisLabel: { formatter: (v: number) => (v >= 1000 ? `${v / 1000}k` : String(v)) } },
          series: series.map((s) => ({ name: s.name, type: 'line', step: 'end', stack: 'gpus', areaStyle: {}, symbol: 'none', data: s.points })),
        });
        const p = progressSeries(run);
        progChart.set(
          p
            ? {
                grid: { left: 60, right: 20, top: 16, bottom: 40 },
                tooltip: { trigger: 'axis' },
                xAxis,
                yAxis: { type: 'value', name: p.name, nameLocation: 'middle', nameGap: 44, axisLabel: { formatter: (v: number) => (p.name === 'fraction' ? pct(v, 0) : v >= 1e12 ? `${v / 1e12}T` : String(v)) } },
                series: [{ name: p.name, type: 'line', symbol: 'none', data: until(p.points, runEndDay(run)) }],
              }
            : noData('no progress series stored with this run'),
        );
      }
      const last = run.timeline.at(-1)?.day ?? 0;
      const bins = interruptionBins(run.events, 7);
      const causes = interruptionsByCause(run);
      const intrChart = mountChart(intr, `Interruptions of ${run.name}`);
      charts.push(intrChart);
      if (bins.length) {
        replace(intrCaption, 'Interruptions per week');
        intrChart.set({
          grid: { left: 50, right: 20, top: 16, bottom: 40 },
          tooltip: { trigger: 'axis' },
          xAxis: { ...xAxis, max: xMax ?? Math.max(last, (bins.at(-1)?.[0] ?? 0) + 7) },
          yAxis: { type: 'value', minInterval: 1 },
          series: [{ name: 'interruptions', type: 'bar', barWidth: 6, data: bins }],
        });
      } else if (causes.length) {
        const shown = causes.slice(0, 8).reverse();
        replace(intrCaption, `Interruptions by cause (${num(causes.reduce((a, [, n]) => a + n, 0))} in all${causes.length > 8 ? '; the 8 most frequent' : ''})`);
        intrChart.set({
          grid: { left: 150, right: 48, top: 10, bottom: 25 },
          tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
          xAxis: { type: 'value', minInterval: 1 },
          yAxis: { type: 'category', data: shown.map(([k]) => k) },
          series: [{ name: 'interruptions', type: 'bar', data: shown.map(([, n]) => Math.round(n)), label: { show: true, position: 'right' } }],
        });
      } else {
        intrChart.set(noData(f.interruptions !== undefined ? `${num(f.interruptions)} interruptions (no breakdown stored)` : 'no interruptions stored'));
      }
      const powChart = mountChart(pow, `Power of ${run.name}`);
      charts.push(powChart);
      const pw = powerSeries(run);
      if (result) powChart.set(energyChart(result, { xMaxDay: end, untitled: true }));
      else {
        powChart.set(
          pw
            ? {
                grid: { left: 60, right: 20, top: 16, bottom: 40 },
                tooltip: { trigger: 'axis' },
                xAxis,
                yAxis: { type: 'value', name: 'MW', nameLocation: 'middle', nameGap: 40 },
                series: [{ name: pw.name, type: 'line', step: 'end', symbol: 'none', areaStyle: {}, data: until(pw.points, end) }],
              }
            : noData(f.energyMwh !== undefined ? `${num(f.energyMwh)} MWh in all${f.peakMw !== undefined ? `, peak ${num(f.peakMw, 1)} MW` : ''}` : 'no energy figures stored'),
        );
      }
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
