import type { CampaignResult } from '../campaign/campaign-result.js';
import type { ChartOption } from './svg-chart.js';

/** Interruptions of the model's job by cause (most frequent first). */
export function interruptionsChart(result: CampaignResult): ChartOption {
  const job = result.jobs.find((j) => j.trainsModel);
  const rows = Object.entries(job?.interruptionsByCause ?? {}).sort((a, b) => b[1] - a[1]);
  return {
    title: { text: `Interruptions by cause (${(job?.interruptions ?? 0).toLocaleString('en-US')} in all)`, left: 8, textStyle: { fontSize: 14 } },
    grid: { left: 180, right: 48, top: 40, bottom: 24 },
    xAxis: { type: 'value' },
    yAxis: { type: 'category', inverse: true, data: rows.map(([name]) => name), axisLabel: { fontSize: 11 } },
    series: [{ type: 'bar', color: '#e15759', data: rows.map(([, n]) => n), label: { show: true, position: 'right', fontSize: 10 } }],
  };
}

/** Where the job's GPU-hours went (productive, lost work, checkpoints, detection, restart, waiting). */
export function gpuTimeChart(result: CampaignResult): ChartOption {
  const job = result.jobs.find((j) => j.trainsModel);
  const h = job?.gpuHours;
  const rows: [string, number][] = h
    ? [
        ['productive', h.productive],
        ['lost work (rollback)', h.lostWork],
        ['checkpoint (blocked)', h.checkpoint],
        ['detection', h.detection],
        ['restart + restore', h.restart],
        ['waiting for repair', h.waiting],
        ['running shrunk', h.degraded],
      ]
    : [];
  return {
    title: { text: 'Where the GPU-hours went (millions)', left: 8, textStyle: { fontSize: 14 } },
    grid: { left: 180, right: 64, top: 40, bottom: 24 },
    xAxis: { type: 'value' },
    yAxis: { type: 'category', inverse: true, data: rows.map(([name]) => name) },
    series: [
      {
        type: 'bar',
        color: '#59a14f',
        data: rows.map(([, v]) => Number((v / 1e6).toFixed(3))),
        label: { show: true, position: 'right', fontSize: 10 },
      },
    ],
  };
}
