import type { CampaignResult } from '../campaign/campaign-result.js';
import { capacityChart } from './capacity-chart.js';
import { energyChart } from './energy-chart.js';
import { escapeHtml, htmlTable } from './html.js';
import { gpuTimeChart, interruptionsChart } from './interruptions-chart.js';
import { energy, fixed, int, pct, planText, tokens, usd } from './numbers.js';
import { progressChart } from './progress-chart.js';
import { renderSvgChart } from './svg-chart.js';

export interface ReportContext {
  runId?: string;
  /** ISO time the run was saved. */
  createdAt?: string;
}

const STYLE = `
body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:960px;color:#222;padding:0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}
.sub{color:#666;margin:0 0 16px}.cards{display:flex;flex-wrap:wrap;gap:10px}
.card{border:1px solid #ddd;border-radius:6px;padding:8px 12px;min-width:150px}.card b{display:block;font-size:20px}
.card span{color:#666;font-size:12px}table{border-collapse:collapse;margin:8px 0;font-size:13px}
th,td{border-bottom:1px solid #eee;padding:3px 10px;text-align:right}th:first-child,td:first-child{text-align:left}
figure{margin:12px 0}svg{max-width:100%;height:auto}ul{margin:4px 0;padding-left:20px}.note{color:#666;font-size:12px}`;

/**
 * The campaign report: one self-contained HTML page (inline CSS and SVG charts rendered
 * server-side, no scripts, nothing fetched), readable offline. Pure: result in, text out.
 */
export function renderCampaignReport(r: CampaignResult, ctx: ReportContext = {}): string {
  const t = r.training;
  const title = `colossus run: ${r.scenario.name}`;
  const card = (value: string, label: string): string => `<div class="card"><b>${escapeHtml(value)}</b><span>${escapeHtml(label)}</span></div>`;
  const cards = [
    card(t.timeToModelDays !== null ? `day ${fixed(t.timeToModelDays, 1)}` : 'not reached', 'time-to-model'),
    card(pct(t.mfu), 'MFU (GPU-time-weighted)'),
    card(pct(t.ettr), 'ETTR'),
    card(int(t.interruptions), 'interruptions'),
    card(energy(r.energy.mwh), `energy, peak ${fixed(r.energy.peakMw, 0)} MW`),
    card(usd(r.cost.campaignUsd), 'campaign cost'),
  ].join('');
  const milestones = htmlTable(
    ['milestone', 'day', 'date'],
    r.milestones.map((m) => [m.label, fixed(m.day, m.day % 1 === 0 ? 0 : 1), m.date ?? '']),
  );
  const job = r.jobs.find((j) => j.trainsModel);
  const plans = htmlTable(
    ['from day', 'GPU', 'usable', 'used', 'plan', 'step (s)', 'tokens/s/GPU', 'MFU'],
    (job?.segments ?? []).map((s) => [
      String(s.day),
      s.gpu,
      int(s.capacityGpus),
      int(s.gpusUsed),
      planText(s.parallel),
      fixed(s.stepTimeS, 2),
      fixed(s.tokensPerSecPerGpu, 1),
      pct(s.mfu),
    ]),
  );
  const c = r.cost;
  const cost = htmlTable(
    ['item', 'USD'],
    [
      ...Object.entries(c.capitalByType).map(([g, x]) => [`capital: ${int(x.gpus)} × ${g} (GPU, server, network)`, usd(x.totalUsd)]),
      [`capital share charged to ${r.endDay} days (${c.amortizationYears}-year write-off)`, usd(c.amortizedCapitalUsd)],
      [`energy: ${energy(r.energy.mwh)} at $${c.usdPerKwh}/kWh`, usd(c.energyUsd)],
      ['campaign', usd(c.campaignUsd)],
      ['per million tokens', c.usdPerMillionTokens !== null ? usd(c.usdPerMillionTokens) : '—'],
    ],
  );
  const supply = r.supply
    ? `<h2>Supply</h2><p>${escapeHtml(`${r.supply.customer}'s deliveries come from the ${r.supply.market} market (${r.supply.policy} allocation)${
        r.supply.changes[0] ? `, with ${r.supply.changes[0].customer}'s orders ×${r.supply.changes[0].factor}` : ''
      }. Completion month of each customer's orders, without and with the change:`)}</p>${htmlTable(
        ['customer', 'ordered', 'done (baseline)', 'done (what-if)', 'delay'],
        r.supply.rows.map((row) => [
          row.customer,
          int(row.scenarioUnitsOrdered),
          row.baselineCompletionDate ?? String(row.baselineCompletionMonth ?? '—'),
          row.scenarioCompletionDate ?? String(row.scenarioCompletionMonth ?? '—'),
          row.delayMonths !== null ? `${row.delayMonths} months` : 'incomplete',
        ]),
      )}`
    : '';
  const figure = (svg: string): string => `<figure>${svg}</figure>`;
  const charts = [
    renderSvgChart(capacityChart(r)),
    renderSvgChart(progressChart(r)),
    renderSvgChart(interruptionsChart(r), 880, 360),
    renderSvgChart(gpuTimeChart(r), 880, 260),
    renderSvgChart(energyChart(r)),
  ];
  const sub = [
    r.scenario.description,
    ctx.runId ? `run ${ctx.runId}` : undefined,
    ctx.createdAt ? `saved ${ctx.createdAt}` : undefined,
    `seed ${r.scenario.seed}`,
    r.scenario.startDate ? `day 0 = ${r.scenario.startDate}` : undefined,
  ].filter((x): x is string => x !== undefined);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body>
<h1>${escapeHtml(title)}</h1>
<p class="sub">${escapeHtml(sub.join(' · '))}</p>
<div class="cards">${cards}</div>
<h2>Capacity</h2>
${figure(charts[0] ?? '')}
${milestones}
<h2>Training</h2>
<p>${escapeHtml(
    `${t.model.name}: ${fixed(t.model.paramsTotal / 1e9, 0)}B parameters (${fixed(t.model.paramsActive / 1e9, 0)}B active), ` +
      `${tokens(t.tokens)} of ${tokens(t.tokenBudget)} tokens, ${t.modelFlops.toExponential(2)} model FLOPs; fleet: ${t.fleet}.`,
  )}</p>
${figure(charts[1] ?? '')}
${plans}
<h2>Interruptions</h2>
<p>${escapeHtml(`${int(t.interruptions)} interruptions; checkpoint every ${fixed((job?.checkpointIntervalS ?? 0) / 60, 1)} min of compute (${int(job?.checkpoints ?? 0)} checkpoints).`)}</p>
${figure(charts[2] ?? '')}
${figure(charts[3] ?? '')}
<h2>Energy and cost</h2>
${figure(charts[4] ?? '')}
${cost}
${supply}
<h2>Assumptions</h2>
<ul>${r.assumptions.map((a) => `<li>${escapeHtml(a)}</li>`).join('')}</ul>
<p class="note">Generated by colossus. Every number in the scenario file carries its source or is marked as an assumption.</p>
</body></html>
`;
}
