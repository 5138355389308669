import { GPUS } from '../../../src/catalog/gpus.js';
import { MODELS } from '../../../src/catalog/models.js';
import type { Issue } from '../../../src/core/issue.js';
import { estimate } from '../../../src/model/estimate.js';
import type { Estimate } from '../../../src/model/result.js';
import { parseSpecValue } from '../../../src/spec/parse.js';
import { search } from '../../../src/search/search.js';
import { ApiError } from '../api.js';
import { mountChart, type Chart } from '../chart.js';
import { field, h, replace, table } from '../dom.js';
import { duration, num, pct } from '../format.js';
import { issueList } from '../issues.js';
import { scalingPanel } from './scaling.js';

interface SearchPlan {
  parallel: Estimate['parallel'];
  precision?: string;
  gpusUsed: number;
  estimate: Estimate;
}
interface SearchAnswer {
  plans: SearchPlan[];
  evaluated: number;
  pruned: number;
  elapsedS: number;
}

const NETWORKS = [100, 200, 400, 800, 1600];

function select(id: string, options: readonly [string, string][], value: string): HTMLSelectElement {
  const s = h('select', { id });
  for (const [v, label] of options) s.append(h('option', { value: v, selected: v === value }, label));
  return s;
}

function numberInput(id: string, value: number, min = 1, step = 1): HTMLInputElement {
  return h('input', { id, type: 'number', inputmode: 'numeric', min: String(min), step: String(step), value: String(value) });
}

/** Planner: a spec from a few inputs, estimated live in the browser with the same core as the CLI. */
export function mountPlanner(root: HTMLElement): () => void {
  const model = select('model', Object.keys(MODELS).map((id) => [id, id]), 'llama3-405b');
  const gpu = select('gpu', GPUS.map((g) => [g.id, `${g.id} (${g.hbmGB} GB)`]), 'h100-sxm');
  const gpus = numberInput('gpus', 16384);
  const net = select('net', NETWORKS.map((n) => [String(n), `${n} Gb/s`]), '400');
  const batch = numberInput('batch', 2048);
  const seq = numberInput('seq', 8192, 128);
  const precision = select('precision', [['bf16', 'BF16'], ['fp8', 'FP8']], 'bf16');
  const tokens = h('input', { id: 'tokens', type: 'text', value: '15.6e12', inputmode: 'decimal' });
  const tp = numberInput('tp', 8);
  const pp = numberInput('pp', 16);
  const cp = numberInput('cp', 1);
  const ep = numberInput('ep', 1);
  const epDispatch = select('ep-dispatch', [['alltoall', 'NCCL all-to-all'], ['deepep', 'DeepEP (per node)']], 'alltoall');
  const epOverlap = h('input', { id: 'ep-overlap', type: 'checkbox' });
  const gradPrecision = select('grad-precision', [['', 'FP32 (default)'], ['bf16', 'BF16']], '');
  const dpOut = h('output', { id: 'dp', for: 'gpus tp pp cp' }, '');
  const searchBtn = h('button', { type: 'button', id: 'find-plans' }, 'Find best plans');

  const metrics = h('div', { class: 'metrics', id: 'metrics', 'aria-live': 'polite' });
  const planLine = h('p', { class: 'plan-line', id: 'plan-line' });
  const problems = h('div', { id: 'problems' });
  const stepEl = h('div', { class: 'chart', id: 'step-chart' });
  const memEl = h('div', { class: 'chart short', id: 'mem-chart' });
  const searchOut = h('section', { id: 'search-results', 'aria-label': 'Best plans' });

  const form = h(
    'form',
    { class: 'panel inputs', 'aria-label': 'Spec' },
    h('h2', {}, 'Spec'),
    field('Model', model),
    field('GPU', gpu),
    field('GPU count', gpus),
    field('Network per GPU', net, 'scale-out bandwidth'),
    field('Global batch', batch, 'sequences per step'),
    field('Sequence length', seq),
    field('Precision', precision),
    field('Main gradients', gradPrecision, 'accumulation precision'),
    field('Training tokens', tokens, 'optional, for time to train'),
    h('h3', {}, 'Parallel plan'),
    h('div', { class: 'row' }, field('TP', tp), field('PP', pp), field('CP', cp), field('EP', ep)),
    h('p', { class: 'derived' }, 'DP = GPUs ÷ (TP·PP·CP) = ', dpOut),
    h('p', { class: 'hint' }, 'Micro-batch, interleaving, recomputation and ZeRO are chosen as the fastest that fit.'),
    field('MoE dispatch', epDispatch, 'how tokens reach experts on other nodes'),
    h('div', { class: 'field check' }, epOverlap, h('label', { for: 'ep-overlap' }, 'Overlap the EP all-to-all with another micro-batch')),
    searchBtn,
  );
  form.addEventListener('submit', (e) => e.preventDefault());
  const scaling = scalingPanel(() => specValue(false));
  replace(
    root,
    h(
      'div',
      { class: 'planner' },
      form,
      h(
        'section',
        { class: 'results', 'aria-label': 'Estimate' },
        h('h2', {}, 'Estimate ', h('small', { id: 'computed-in' })),
        problems,
        planLine,
        metrics,
        h('div', { class: 'charts2' }, h('figure', {}, h('figcaption', {}, 'Where the step time goes'), stepEl), h('figure', {}, h('figcaption', {}, 'Memory per GPU'), memEl)),
        searchOut,
        scaling.el,
      ),
    ),
  );
  const stepChart: Chart = mountChart(stepEl, 'Step time breakdown');
  const memChart: Chart = mountChart(memEl, 'Memory breakdown per GPU');

  const int = (el: HTMLInputElement): number => Number(el.value);

  function specValue(withPlan: boolean): { value: Record<string, unknown>; issues: Issue[] } {
    const issues: Issue[] = [];
    const t = tokens.value.trim();
    const training: Record<string, unknown> = { seqLen: int(seq), globalBatch: int(batch), precision: precision.value };
    if (gradPrecision.value !== '') training['gradPrecision'] = gradPrecision.value;
    if (t !== '') {
      const n = Number(t);
      if (Number.isFinite(n) && n > 0) training['tokens'] = n;
      else issues.push({ path: 'training.tokens', message: 'is not a number', expected: 'a token count such as 15.6e12', received: JSON.stringify(t) });
    }
    const value: Record<string, unknown> = {
      model: model.value,
      system: { gpu: gpu.value, gpus: int(gpus), scaleOutGbpsPerGpu: Number(net.value) },
      training,
    };
    if (withPlan) {
      const per = int(tp) * int(pp) * int(cp);
      const dp = int(gpus) / per;
      dpOut.value = Number.isInteger(dp) ? String(dp) : '—';
      if (!Number.isInteger(dp) && per > 0) {
        issues.push({ path: 'system.gpus', message: `is not a multiple of TP·PP·CP = ${per}`, received: String(int(gpus)) });
      }
      value['parallel'] = { tp: int(tp), pp: int(pp), cp: int(cp), ep: int(ep), dp: Number.isInteger(dp) ? dp : Math.max(1, Math.round(dp)) };
    }
    // The EP software facts hold for the estimate and for every plan the search considers.
    const facts: Record<string, unknown> = {};
    if (epDispatch.value === 'deepep') facts['epDispatch'] = 'deepep';
    if (epOverlap.checked) facts['epCommOverlap'] = true;
    if (Object.keys(facts).length > 0) value['parallel'] = { ...(value['parallel'] as Record<string, unknown> | undefined), ...facts };
    return { value, issues };
  }

  function render(): void {
    const { value, issues } = specValue(true);
    const t0 = performance.now();
    const parsed = parseSpecValue(value);
    const all = [...issues, ...(parsed.ok ? [] : parsed.issues)];
    if (!parsed.ok || all.length > 0) {
      replace(problems, issueList(all, 'This spec cannot be estimated'));
      metrics.classList.add('stale');
      return;
    }
    const e = estimate(parsed.spec);
    const dt = performance.now() - t0;
    replace(problems);
    metrics.classList.remove('stale');
    replace(root.querySelector('#computed-in')!, `computed in this browser in ${dt < 1 ? `${Math.round(dt * 1000)} µs` : `${dt.toFixed(1)} ms`}`);
    showEstimate(e);
  }

  function metric(key: string, label: string, valueText: string, extra?: string, bad = false): HTMLElement {
    return h('div', { class: `metric${bad ? ' bad' : ''}`, 'data-metric': key }, h('span', { class: 'label' }, label), h('span', { class: 'value' }, valueText), extra ? h('span', { class: 'extra' }, extra) : null);
  }

  function showEstimate(e: Estimate): void {
    const p = e.parallel;
    replace(
      planLine,
      `Plan: TP ${p.tp} · PP ${p.pp}${p.vpp > 1 ? ` (VPP ${p.vpp})` : ''} · CP ${p.cp} · DP ${p.dp}${p.ep > 1 ? ` · EP ${p.ep}${p.epDispatch === 'deepep' ? ' (DeepEP)' : ''}${p.epCommOverlap ? ' (all-to-all overlapped)' : ''}` : ''}, micro-batch ${p.microBatch} (${num(e.microBatchesPerStep)} per step), recompute ${p.recompute}, ZeRO ${p.zeroStage}`,
    );
    replace(
      metrics,
      metric('stepTimeS', 'Step time', duration(e.stepTimeS)),
      metric(
        'tokensPerSecPerGpu',
        'Tokens/s per GPU',
        num(e.tokensPerSecPerGpu, 1),
        `${e.tokensPerSecPerGpuBand ? `${pct(e.tokensPerSecPerGpuBand.coverage)} band ${num(e.tokensPerSecPerGpuBand.low, 0)}–${num(e.tokensPerSecPerGpuBand.high, 0)} (${e.tokensPerSecPerGpuBand.cases} published runs) · ` : ''}${num(e.tokensPerSec / 1e6, 2)} M tokens/s job`,
      ),
      metric('mfu', 'MFU', pct(e.mfu), `${num(e.modelTflopsPerGpu, 0)} of ${num(e.peakTflops, 0)} TFLOP/s`),
      metric('memory', 'Memory per GPU', `${e.memory.totalGiB.toFixed(1)} GiB`, e.fits ? `fits in ${e.memory.usableGiB.toFixed(0)} GiB` : `does NOT fit in ${e.memory.usableGiB.toFixed(0)} GiB`, !e.fits),
      e.timeToTrainDays !== undefined ? metric('timeToTrainDays', 'Time to train', `${num(e.timeToTrainDays, 1)} days`, 'no failures') : null,
    );
    const b = e.breakdown;
    const c = b.exposedCommS;
    const parts: [string, number][] = [
      ['compute', b.computeS],
      ['TP comm', c.tp],
      ['CP comm', c.cp],
      ['EP all-to-all', c.ep],
      ['PP send/recv', c.pp],
      ['DP grad sync', c.dp],
      ['ZeRO gathers', c.zero],
      ['pipeline bubble', b.bubbleS],
      ['MoE imbalance', b.moeImbalanceS],
      ['stragglers', b.stragglerS],
      ['optimizer', b.optimizerS],
      ['overheads', b.otherS],
    ];
    const shown = parts.filter(([, v]) => v > 0).reverse();
    stepChart.set({
      grid: { left: 110, right: 70, top: 10, bottom: 30 },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (v: unknown) => duration(Number(v)) },
      xAxis: { type: 'value', name: 's', axisLabel: { formatter: (v: number) => `${v}` } },
      yAxis: { type: 'category', data: shown.map(([k]) => k) },
      series: [
        {
          type: 'bar',
          data: shown.map(([, v]) => v),
          label: { show: true, position: 'right', formatter: (x: { value: number }) => pct(x.value / e.stepTimeS, 0) },
        },
      ],
    });
    const m = e.memory;
    const memParts: [string, number][] = [
      ['weights', m.weightsGiB],
      ['gradients', m.gradientsGiB],
      ['optimizer', m.optimizerGiB],
      ['activations', m.activationsGiB],
      ['workspace', m.workspaceGiB],
    ];
    memChart.set({
      grid: { left: 20, right: 40, top: 30, bottom: 70 },
      legend: { bottom: 0, itemWidth: 12, itemHeight: 10, itemGap: 8 },
      tooltip: { trigger: 'item', valueFormatter: (v: unknown) => `${Number(v).toFixed(2)} GiB` },
      xAxis: { type: 'value', name: 'GiB', nameGap: 6, max: Math.ceil((Math.max(m.totalGiB, m.usableGiB) * 1.05) / 10) * 10 },
      yAxis: { type: 'category', data: [''], show: false },
      series: memParts.map(([name, v], i) => ({
        name,
        type: 'bar',
        stack: 'mem',
        data: [v],
        ...(i === 0 ? { markLine: { symbol: 'none', lineStyle: { color: '#D55E00', type: 'dashed' }, label: { formatter: `usable ${m.usableGiB.toFixed(0)} GiB` }, data: [{ xAxis: m.usableGiB }] } } : {}),
      })),
    });
  }

  async function findPlans(): Promise<void> {
    const { value, issues } = specValue(false);
    if (issues.length) {
      replace(searchOut, issueList(issues));
      return;
    }
    searchBtn.disabled = true;
    replace(searchOut, h('p', { role: 'status' }, 'Searching every plan…'));
    try {
      // In this browser, with the same pure core as `colossus search` (no server needed): let the
      // status paint first, then search.
      await new Promise((done) => setTimeout(done, 0));
      const parsed = parseSpecValue(value, undefined, [], { planOptional: true });
      if (!parsed.ok) throw new ApiError(400, 'invalid spec', parsed.issues);
      const r: SearchAnswer = search(parsed.spec, { top: 5 });
      const rows = r.plans.map((pl, i) => {
        const p = pl.parallel;
        const use = h('button', { type: 'button', class: 'small' }, 'Use');
        use.addEventListener('click', () => {
          tp.value = String(p.tp);
          pp.value = String(p.pp);
          cp.value = String(p.cp);
          ep.value = String(p.ep);
          epDispatch.value = p.epDispatch ?? 'alltoall';
          epOverlap.checked = p.epCommOverlap === true;
          if (pl.gpusUsed !== int(gpus)) gpus.value = String(pl.gpusUsed);
          if (pl.precision) precision.value = pl.precision;
          render();
          tp.focus();
        });
        return [
          String(i + 1),
          `TP ${p.tp} · PP ${p.pp}${p.vpp > 1 ? `/${p.vpp}` : ''} · CP ${p.cp} · DP ${p.dp}${p.ep > 1 ? ` · EP ${p.ep}${p.epDispatch === 'deepep' ? ' (DeepEP)' : ''}${p.epCommOverlap ? ' (a2a overlapped)' : ''}` : ''}`,
          `mb ${p.microBatch}, ${p.recompute}, ZeRO ${p.zeroStage}`,
          num(pl.gpusUsed),
          num(pl.estimate.tokensPerSecPerGpu, 1),
          pct(pl.estimate.mfu),
          duration(pl.estimate.stepTimeS),
          `${pl.estimate.memory.totalGiB.toFixed(1)} GiB`,
          use,
        ];
      });
      replace(
        searchOut,
        h('h3', {}, 'Best plans'),
        h('p', { class: 'hint' }, `${num(r.evaluated)} plans evaluated, ${num(r.pruned)} pruned, in ${duration(r.elapsedS)} in this browser.`),
        table(['#', 'plan', 'knobs', 'GPUs', 'tok/s/GPU', 'MFU', 'step', 'memory', ''], rows, 'numbers'),
      );
    } catch (err) {
      if (err instanceof ApiError && err.status === 501) replace(searchOut, h('p', { class: 'hint' }, 'Plan search is not available on this server yet.'));
      else if (err instanceof ApiError && err.issues.length) replace(searchOut, issueList(err.issues, err.message));
      else replace(searchOut, h('p', { class: 'error', role: 'alert' }, err instanceof Error ? err.message : String(err)));
    } finally {
      searchBtn.disabled = false;
    }
  }

  let frame = 0;
  const schedule = (): void => {
    cancelAnimationFrame(frame);
    frame = requestAnimationFrame(render);
  };
  form.addEventListener('input', schedule);
  form.addEventListener('change', schedule);
  searchBtn.addEventListener('click', () => void findPlans());
  render();
  return () => {
    cancelAnimationFrame(frame);
    stepChart.dispose();
    memChart.dispose();
    scaling.dispose();
  };
}
