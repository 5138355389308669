import type { CampaignResult } from '../../../src/campaign/campaign-result.js';
import { compareCapacityChart, comparePowerChart, compareProgressChart, sharedEndDay, type NamedRun } from '../../../src/report/compare-charts.js';
import { planText, usd } from '../../../src/report/numbers.js';
import { mountChart, type Chart } from '../chart.js';
import { h, table, type Child } from '../dom.js';
import { num, pct } from '../format.js';
import { resultOf, runFigures, type RunFigures, type StoredRun } from '../run-data.js';

const dash = '—';
const sign = (d: number): string => (d > 0 ? '+' : d < 0 ? '−' : '±');

/** Deltas in the quantity's own terms: days for dates, points for percentages, absolute and relative for amounts. */
export type DeltaKind = 'days' | 'points' | 'relative';

export function delta(x: number | undefined | null, y: number | undefined | null, kind: DeltaKind, show: (v: number) => string): string {
  if (x === undefined || x === null || y === undefined || y === null) return dash;
  const d = y - x;
  if (kind === 'days') return `${sign(d)}${num(Math.abs(d), 1)} days`;
  if (kind === 'points') return `${sign(d)}${num(Math.abs(d) * 100, 1)} points`;
  return x !== 0 ? `${sign(d)}${show(Math.abs(d))} (${sign(d)}${pct(Math.abs(d / x))})` : `${sign(d)}${show(Math.abs(d))}`;
}

const fmt = (v: number | undefined | null, f: (x: number) => string): string => (v === undefined || v === null ? dash : f(v));

/**
 * Two runs compared: the headline figures with deltas, both runs overlaid on shared axes (GPUs
 * online and delivered, progress, power against its limit), milestones side by side, each run's
 * plan segments and the cost.
 */
export function comparePanel(runs: readonly [StoredRun, StoredRun], charts: Chart[]): { el: HTMLElement; draw: () => void } {
  const [a, b] = runs;
  const [fa, fb] = [runFigures(a.summary, a.timeline), runFigures(b.summary, b.timeline)];
  const [ra, rb] = [resultOf(a), resultOf(b)];
  const names = uniqueNames(a, b);
  const header = ['', names[0], names[1], 'second vs first'];
  const row = (label: string, key: keyof RunFigures, show: (x: number) => string, kind: DeltaKind = 'relative'): Child[] => [label, fmt(fa[key], show), fmt(fb[key], show), delta(fa[key], fb[key], kind, show)];
  const headline = table(
    header,
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
  );
  const el = h('section', { class: 'panel compare', 'aria-label': 'Comparison' }, h('h2', {}, 'Compared: ', names[0], ' vs ', names[1]), headline);
  const both = ra && rb ? ([ra, rb] as const) : undefined;
  if (!both) {
    el.append(h('p', { class: 'hint' }, 'Milestones, plan segments and cost need runs saved with their whole result (colossus run, or a run started here).'));
    return { el, draw: () => undefined };
  }
  const named: NamedRun[] = [
    { name: names[0], result: both[0] },
    { name: names[1], result: both[1] },
  ];
  const end = sharedEndDay(named);
  const capEl = h('div', { class: 'chart', id: 'overlay-capacity' });
  const progEl = h('div', { class: 'chart', id: 'overlay-progress' });
  const powEl = h('div', { class: 'chart', id: 'overlay-power' });
  el.append(
    h('h3', {}, 'On shared axes ', h('small', {}, `days 0–${end}, where the later run ends`)),
    h(
      'div',
      { class: 'overlay-grid', 'aria-label': 'Overlaid' },
      h('figure', {}, h('figcaption', {}, 'GPUs online (solid) and delivered (dashed)'), capEl),
      h('figure', {}, h('figcaption', {}, 'Training progress (each line stops when its model is done)'), progEl),
      h('figure', {}, h('figcaption', {}, 'Power at full load (solid) and the power limit (dashed)'), powEl),
    ),
    h('h3', {}, 'Milestones'),
    milestoneTable(both, header),
    h('h3', {}, 'Cost'),
    costTable(both, header),
    h('h3', {}, 'Plan segments'),
    h('div', { class: 'segments' }, ...both.map((r, i) => h('div', {}, h('h4', {}, names[i] ?? ''), segmentTable(r)))),
  );
  const draw = (): void => {
    const opts = { xMaxDay: end };
    for (const [target, label, option] of [
      [capEl, 'GPUs online and delivered, both runs', compareCapacityChart(named, opts)],
      [progEl, 'Training progress, both runs', compareProgressChart(named, opts)],
      [powEl, 'Power and power limit, both runs', comparePowerChart(named, opts)],
    ] as const) {
      const c = mountChart(target, label);
      charts.push(c);
      c.set(option);
    }
  };
  return { el, draw };
}

/** Legend names: the runs' names, told apart by their ids when they are the same. */
function uniqueNames(a: StoredRun, b: StoredRun): [string, string] {
  if (a.name !== b.name) return [a.name, b.name];
  const short = (r: StoredRun): string => r.id.slice(-8);
  return [`${a.name} (${short(a)})`, `${b.name} (${short(b)})`];
}

/** Milestones by label, in the order they first happen; a dash where a run never reached one. */
export function milestoneRows(results: readonly CampaignResult[]): { label: string; days: (number | null)[] }[] {
  const order: string[] = [];
  const first = new Map<string, number>();
  for (const r of results) {
    for (const m of r.milestones) {
      if (!first.has(m.label)) order.push(m.label);
      first.set(m.label, Math.min(first.get(m.label) ?? Infinity, m.day));
    }
  }
  order.sort((x, y) => (first.get(x) ?? 0) - (first.get(y) ?? 0));
  return order.map((label) => ({ label, days: results.map((r) => r.milestones.find((m) => m.label === label)?.day ?? null) }));
}

function milestoneTable(results: readonly [CampaignResult, CampaignResult], header: string[]): HTMLElement {
  const day = (d: number | null): string => (d === null ? 'not reached' : `day ${num(d, d % 1 === 0 ? 0 : 1)}`);
  return table(
    header,
    milestoneRows(results).map((m) => [m.label, day(m.days[0] ?? null), day(m.days[1] ?? null), delta(m.days[0], m.days[1], 'days', String)]),
    'numbers milestones',
  );
}

function costTable(results: readonly [CampaignResult, CampaignResult], header: string[]): HTMLElement {
  const [ca, cb] = [results[0].cost, results[1].cost];
  const row = (label: string, x: number | null, y: number | null): Child[] => [label, fmt(x, usd), fmt(y, usd), delta(x, y, 'relative', usd)];
  return table(
    header,
    [
      row('capital (GPUs, servers, network)', ca.capitalUsd, cb.capitalUsd),
      row('capital share charged to the run', ca.amortizedCapitalUsd, cb.amortizedCapitalUsd),
      row('energy', ca.energyUsd, cb.energyUsd),
      row('campaign', ca.campaignUsd, cb.campaignUsd),
      row('per million tokens', ca.usdPerMillionTokens, cb.usdPerMillionTokens),
    ],
    'numbers cost',
  );
}

function segmentTable(r: CampaignResult): HTMLElement {
  const job = r.jobs.find((j) => j.trainsModel);
  return table(
    ['from day', 'GPU', 'used of usable', 'plan', 'step', 'tok/s/GPU', 'MFU'],
    (job?.segments ?? []).map((s) => [String(s.day), s.gpu, `${num(s.gpusUsed)} of ${num(s.capacityGpus)}`, planText(s.parallel), `${num(s.stepTimeS, 2)} s`, num(s.tokensPerSecPerGpu, 1), pct(s.mfu)]),
    'numbers segments',
  );
}
