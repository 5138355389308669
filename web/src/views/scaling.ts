import type { Issue } from '../../../src/core/issue.js';
import { scalingChart, type ScalingMetric, type ScalingPoint } from '../../../src/report/scaling-chart.js';
import { parseSpecValue } from '../../../src/spec/parse.js';
import { search } from '../../../src/search/search.js';
import { mountChart, type Chart } from '../chart.js';
import { h, replace, table } from '../dom.js';
import { num, pct } from '../format.js';
import { issueList } from '../issues.js';

/** The GPU counts a scaling curve visits around `gpus`: ÷8 … ×4, whole 8-GPU nodes, 8 to 200,000. */
export function gpuLadder(gpus: number): number[] {
  const out = [1 / 8, 1 / 4, 1 / 2, 1, 2, 4].map((f) => Math.min(200_000, Math.max(8, Math.round((gpus * f) / 8) * 8)));
  return [...new Set(out)].sort((a, b) => a - b);
}

export const NETWORK_LADDER = [100, 200, 400, 800, 1600];

/**
 * The best plan's tokens/s per GPU and MFU along the GPU count or the scale-out bandwidth: the plan
 * search (the same core as `colossus search`) at each point, in this browser, one point at a time.
 */
export function scalingPanel(specValue: () => { value: Record<string, unknown>; issues: Issue[] }): { el: HTMLElement; dispose: () => void } {
  const byGpus = h('button', { type: 'button', id: 'scale-gpus', class: 'secondary' }, 'vs GPU count');
  const byNet = h('button', { type: 'button', id: 'scale-net', class: 'secondary' }, 'vs network bandwidth');
  const status = h('p', { class: 'hint', id: 'scaling-status', role: 'status', 'aria-live': 'polite' });
  const tokEl = h('div', { class: 'chart', id: 'scaling-tokens' });
  const mfuEl = h('div', { class: 'chart', id: 'scaling-mfu' });
  const rowsEl = h('div', { id: 'scaling-rows' });
  const figs = h('div', { class: 'charts-even', hidden: true }, h('figure', {}, h('figcaption', {}, 'Tokens/s per GPU, best plan'), tokEl), h('figure', {}, h('figcaption', {}, 'MFU, best plan'), mfuEl));
  const el = h('section', { class: 'panel scaling', 'aria-label': 'Scaling' }, h('h3', {}, 'How the best plan scales'), h('p', { class: 'hint' }, 'A plan search at each point, in this browser: the spec above with the GPU count (÷8 to ×4) or the scale-out bandwidth varied.'), h('p', {}, byGpus, ' ', byNet), status, figs, rowsEl);
  const charts: Chart[] = [];
  let token = 0;

  async function scan(kind: 'gpus' | 'net'): Promise<void> {
    const mine = ++token;
    const { value, issues } = specValue();
    if (issues.length) {
      replace(status, issueList(issues));
      return;
    }
    const system = value['system'] as Record<string, unknown>;
    const xs = kind === 'gpus' ? gpuLadder(Number(system['gpus'])) : NETWORK_LADDER;
    const points: (ScalingPoint & { plan: string })[] = [];
    const t0 = performance.now();
    byGpus.disabled = byNet.disabled = true;
    try {
      for (const [i, x] of xs.entries()) {
        replace(status, `Searching ${i + 1} of ${xs.length}: ${kind === 'gpus' ? `${num(x)} GPUs` : `${x} Gb/s`}…`);
        await new Promise((done) => setTimeout(done, 0));
        if (mine !== token) return;
        const v = { ...value, system: { ...system, ...(kind === 'gpus' ? { gpus: x } : { scaleOutGbpsPerGpu: x }) } };
        const parsed = parseSpecValue(v, undefined, [], { planOptional: true });
        if (!parsed.ok) {
          replace(status, issueList(parsed.issues, `At ${x}:`));
          return;
        }
        const best = search(parsed.spec, { top: 1 }).plans[0];
        if (!best) continue; // no plan fits at this size: a gap in the curve, said below
        const p = best.parallel;
        points.push({ x, tokensPerSecPerGpu: best.estimate.tokensPerSecPerGpu, mfu: best.estimate.mfu, gpusUsed: best.gpusUsed, plan: `TP${p.tp} PP${p.pp} DP${p.dp}${p.cp > 1 ? ` CP${p.cp}` : ''}${p.ep > 1 ? ` EP${p.ep}` : ''}` });
      }
      const xName = kind === 'gpus' ? 'GPUs' : 'scale-out Gb/s per GPU';
      const missing = xs.length - points.length;
      replace(status, `${points.length} searches in ${((performance.now() - t0) / 1000).toFixed(1)} s in this browser${missing ? `; no plan fits at ${missing} point(s)` : ''}.`);
      figs.hidden = false;
      for (const c of charts.splice(0)) c.dispose();
      for (const [target, metric] of [
        [tokEl, 'tokensPerSecPerGpu'],
        [mfuEl, 'mfu'],
      ] as [HTMLElement, ScalingMetric][]) {
        const c = mountChart(target, `${metric === 'mfu' ? 'MFU' : 'tokens/s per GPU'} vs ${xName}`);
        charts.push(c);
        c.set(scalingChart([{ name: 'best plan', points }], { xName, metric, logX: true }));
      }
      replace(rowsEl, table([xName, 'plan', 'GPUs used', 'tok/s/GPU', 'MFU'], points.map((p) => [num(p.x), p.plan, num(p.gpusUsed ?? 0), num(p.tokensPerSecPerGpu, 1), pct(p.mfu)]), 'numbers'));
    } finally {
      if (mine === token) byGpus.disabled = byNet.disabled = false;
    }
  }
  byGpus.addEventListener('click', () => void scan('gpus'));
  byNet.addEventListener('click', () => void scan('net'));
  return {
    el,
    dispose: () => {
      token++;
      for (const c of charts) c.dispose();
    },
  };
}
