import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCampaign } from '../campaign/run-campaign.js';
import { parseDocumentText } from '../core/index.js';
import { parseCampaignScenarioOrThrow } from '../scenario/index.js';
import { labelsOutside, overlappingLabels, svgTextBoxes } from './_text-boxes.js';
import { capacityChart } from './capacity-chart.js';
import { compareCapacityChart, comparePowerChart, compareProgressChart } from './compare-charts.js';
import { energyChart } from './energy-chart.js';
import { gpuTimeChart, interruptionsChart } from './interruptions-chart.js';
import { progressChart } from './progress-chart.js';
import { renderCampaignReport } from './render-report.js';
import { scalingChart, type ScalingSeries } from './scaling-chart.js';
import { curveUntil, stepsUntil, type Point } from './step-points.js';
import { renderSvgChart, type ChartOption } from './svg-chart.js';

const file = join(import.meta.dirname, '..', '..', 'scenarios', 'colossus.yaml');
const input = parseCampaignScenarioOrThrow(parseDocumentText(readFileSync(file, 'utf8'), file));
const r = runCampaign(input);
// A second run: every delivery a month late (the compare view's what-if).
const late = runCampaign({ ...input, buildout: { ...input.buildout, deliveries: input.buildout.deliveries.map((d) => ({ ...d, day: d.day + 30 })) } });

const seriesOf = (o: ChartOption): { name?: string; data: Point[]; yAxisIndex?: number }[] => o['series'] as { name?: string; data: Point[] }[];
const xMaxOf = (o: ChartOption): unknown => (o['xAxis'] as { max?: number }).max;
/** The x-axis tick labels of a rendered chart: the numbers on the row just under the plot. */
function xTicks(svg: string): number[] {
  const boxes = svgTextBoxes(svg).filter((b) => /^\d+$/.test(b.text));
  const bottom = Math.max(...boxes.map((b) => b.y0));
  return boxes.filter((b) => Math.abs(b.y0 - bottom) < 2).map((b) => Number(b.text));
}

const charts: [string, ChartOption, number, number][] = [
  ['capacity', capacityChart(r), 880, 320],
  ['progress', progressChart(r), 880, 320],
  ['interruptions', interruptionsChart(r), 880, 360],
  ['gpu-time', gpuTimeChart(r), 880, 260],
  ['energy', energyChart(r), 880, 320],
  ['compare capacity', compareCapacityChart([{ name: 'colossus', result: r }, { name: 'deliveries +30 days', result: late }]), 880, 320],
  ['compare progress', compareProgressChart([{ name: 'colossus', result: r }, { name: 'deliveries +30 days', result: late }]), 880, 320],
  ['compare power', comparePowerChart([{ name: 'colossus', result: r }, { name: 'deliveries +30 days', result: late }]), 880, 320],
];

describe('report charts: geometry', () => {
  // At the report's size. The dashboard's narrower charts are measured in Chromium with the browser's
  // own text metrics (src/server/dashboard*.e2e.test.ts): here ECharts lays text out with Arial-like
  // estimates that the 0.62 em boxes exceed, so a narrow legend would "overlap" only in this estimate.
  it.each(charts)('%s: no two labels overlap (titles, axis names, ticks, legend) and none leaves the chart', (_name, option, w, h) => {
    const boxes = svgTextBoxes(renderSvgChart(option, w, h));
    expect(boxes.length).toBeGreaterThan(5);
    expect(overlappingLabels(boxes)).toEqual([]);
    expect(labelsOutside(boxes, w, h)).toEqual([]);
  });

  it('the overlap check finds overlaps: a legend put on the title line collides with it', () => {
    const bad = { ...capacityChart(r), legend: { top: 6, left: 8 } };
    expect(overlappingLabels(svgTextBoxes(renderSvgChart(bad, 880, 320))).length).toBeGreaterThan(0);
    const yNameOnTop = { ...progressChart(r), yAxis: { type: 'value', name: 'tokens (trillions)' }, title: { text: 'Training progress', left: 8, top: 30 } };
    expect(overlappingLabels(svgTextBoxes(renderSvgChart(yNameOnTop, 880, 320))).length).toBeGreaterThan(0);
  });

  it('the x-axis ends at the run\'s end (the model done, day 310), not at the horizon (day 500)', () => {
    expect(r.training.timeToModelDays).not.toBeNull();
    expect(r.endDay).toBe(Math.ceil(r.training.timeToModelDays ?? 0));
    expect(r.endDay).toBeLessThan(r.scenario.horizonDays - 100);
    for (const o of [capacityChart(r), progressChart(r), energyChart(r)]) {
      expect(xMaxOf(o)).toBe(r.endDay);
      for (const s of seriesOf(o)) for (const [d] of s.data) expect(d).toBeLessThanOrEqual(r.endDay);
      const ticks = xTicks(renderSvgChart(o, 880, 320));
      expect(Math.max(...ticks)).toBeLessThanOrEqual(r.endDay);
      expect(Math.max(...ticks)).toBeGreaterThan(r.endDay - 60);
    }
    // The capacity lines are drawn on to the end, not stopped at their last change.
    for (const s of seriesOf(capacityChart(r))) expect(s.data.at(-1)?.[0]).toBe(r.endDay);
  });

  it('progress stops when the model is done, at its token budget', () => {
    const [tokens] = seriesOf(progressChart(r));
    const last = tokens?.data.at(-1);
    expect(last?.[0]).toBeCloseTo(r.training.timeToModelDays ?? NaN, 6);
    expect(last?.[1]).toBeCloseTo(r.training.tokenBudget / 1e12, 3);
    expect(tokens?.data.filter(([d]) => d > (r.training.timeToModelDays ?? 0))).toEqual([]);
  });

  it('capacity: GPUs delivered >= burnt in >= online at every step, and power holds GPUs back somewhere', () => {
    const s = seriesOf(capacityChart(r));
    const delivered = s.find((x) => x.name === 'delivered')?.data ?? [];
    const ready = s.find((x) => x.name === 'burnt in')?.data ?? [];
    expect(delivered.length).toBeGreaterThan(10);
    const at = (pts: Point[], day: number): number => pts.filter(([d]) => d <= day).at(-1)?.[1] ?? 0;
    const online = (day: number): number => Object.values(r.timeline.filter((p) => p.day <= day).at(-1)?.gpusOnline ?? {}).reduce((a, b) => a + b, 0);
    let held = 0;
    for (let day = 0; day <= r.endDay; day++) {
      expect(at(delivered, day)).toBeGreaterThanOrEqual(at(ready, day));
      expect(at(ready, day)).toBeGreaterThanOrEqual(online(day));
      held = Math.max(held, at(ready, day) - online(day));
    }
    expect(held).toBeGreaterThan(10_000); // the bundled run waits for power
  });

  it('power: the online GPUs at full load never exceed the power limit, and reach it while power holds capacity', () => {
    const s = seriesOf(energyChart(r));
    const limit = s.find((x) => x.name === 'power limit')?.data ?? [];
    const used = s.find((x) => x.name === 'online GPUs at full load')?.data ?? [];
    expect(limit.length).toBeGreaterThan(2);
    const at = (pts: Point[], day: number): number => pts.filter(([d]) => d <= day).at(-1)?.[1] ?? 0;
    let atLimit = 0;
    for (let day = 0; day <= r.endDay; day++) {
      expect(at(used, day)).toBeLessThanOrEqual(at(limit, day) + 1e-6);
      if (at(limit, day) - at(used, day) < 0.01 && at(used, day) > 0) atLimit++;
    }
    expect(atLimit).toBeGreaterThan(30);
  });

  it('compared runs share one x-axis that ends where the later run ends', () => {
    expect(late.endDay).toBeGreaterThan(r.endDay);
    const runs = [{ name: 'a', result: r }, { name: 'b', result: late }];
    for (const o of [compareCapacityChart(runs), compareProgressChart(runs), comparePowerChart(runs)]) {
      expect(xMaxOf(o)).toBe(late.endDay);
      const names = seriesOf(o).map((x) => x.name ?? '');
      expect(names.some((n) => n.startsWith('a'))).toBe(true);
      expect(names.some((n) => n.startsWith('b'))).toBe(true);
    }
    // Each run's progress stops at its own completion.
    const prog = seriesOf(compareProgressChart(runs));
    expect(prog[0]?.data.at(-1)?.[0]).toBeCloseTo(r.training.timeToModelDays ?? NaN, 6);
    expect(prog[1]?.data.at(-1)?.[0]).toBeCloseTo(late.training.timeToModelDays ?? NaN, 6);
  });

  it('the report holds the delivered and power-limit lines and every chart ends at the run\'s end', () => {
    const html = renderCampaignReport(r, { runId: 'x' });
    expect(html).toContain('delivered');
    expect(html).toContain('power limit');
    expect(html.match(/<svg/g)?.length).toBe(5);
  });
});

describe('scaling charts (sweep and search results)', () => {
  const curves: ScalingSeries[] = ['llama3-405b', 'grok-1'].flatMap((m) =>
    ['h100-sxm', 'h200-sxm', 'b200'].flatMap((g) =>
      [400, 800].map((gbps) => ({ name: `${m} · ${g} · ${gbps} Gb/s`, points: [1024, 4096, 16384, 65536].map((x, i) => ({ x, tokensPerSecPerGpu: 900 - 100 * i + gbps / 10, mfu: 0.45 - 0.03 * i })) })),
    ),
  );
  it.each(['tokensPerSecPerGpu', 'mfu'] as const)('%s vs GPU count, 12 curves: no labels overlap, the legend beside the plot, none outside', (metric) => {
    const o = scalingChart(curves, { xName: 'GPUs', metric, title: 'vs GPUs' });
    const boxes = svgTextBoxes(renderSvgChart(o, 880, 340));
    expect(overlappingLabels(boxes)).toEqual([]);
    expect(labelsOutside(boxes, 880, 340)).toEqual([]);
    // GPU counts that quadruple are on a log axis; every curve is drawn.
    expect((o['xAxis'] as { type: string }).type).toBe('log');
    expect(seriesOf(o)).toHaveLength(12);
    expect(seriesOf(o)[0]?.data).toEqual(curves[0]!.points.map((p) => [p.x, p[metric]]));
  });
});

describe('step and curve cuts', () => {
  it('stepsUntil drops later points and draws the value in force on to the end', () => {
    expect(stepsUntil([[0, 1], [10, 2], [30, 3]], 20)).toEqual([[0, 1], [10, 2], [20, 2]]);
    expect(stepsUntil([[0, 1], [20, 2]], 20)).toEqual([[0, 1], [20, 2]]);
    expect(stepsUntil([], 20)).toEqual([]);
  });
  it('curveUntil interpolates at the end and never runs flat past the curve\'s last point', () => {
    expect(curveUntil([[0, 0], [10, 10], [20, 30]], 15)).toEqual([[0, 0], [10, 10], [15, 20]]);
    expect(curveUntil([[0, 0], [10, 10]], 50)).toEqual([[0, 0], [10, 10]]);
  });
});
