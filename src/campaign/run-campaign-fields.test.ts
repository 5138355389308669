/**
 * What `runCampaign` assembles, field by field, against each field's definition computed here from
 * the other fields or from the scenario: GPU-hours conserve the GPU-days held, ETTR is productive over
 * held, interruptions sum their causes, each segment's failure rates sum to its MTBF, progress is
 * dated from the start day, the capital is charged on what was delivered by the end day, cost per
 * token is cost over tokens. Each test runs its own campaign inside the test (bundled scenario, fixed
 * degrees, well under a second): mutation testing activates its mutant after describe bodies run, and
 * a run shared between tests would count as covered by the first test only.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDocumentText } from '../core/index.js';
import { parseCampaignScenarioOrThrow } from '../scenario/index.js';
import type { CampaignInput } from './campaign-input.js';
import type { CampaignResult, JobOutcome } from './campaign-result.js';
import { fixedDegreePlanner } from './fixed-degree-planner.js';
import type { Planner } from './planner.js';
import { CAMPAIGN_STAGES, runCampaign, type CampaignStage } from './run-campaign.js';

const file = join(import.meta.dirname, '..', '..', 'scenarios', 'colossus.yaml');
const degrees = { tp: 8, pp: 32, cp: 4, ep: 8 }; // m ≥ pp at every capacity (a pipeline that fills)
const load = (): CampaignInput => {
  const input = parseCampaignScenarioOrThrow(parseDocumentText(readFileSync(file, 'utf8'), file));
  input.training.degrees = degrees;
  return input;
};
const planner = (input: CampaignInput): Planner => fixedDegreePlanner(input.training, degrees);
/** GPU-days each segment holds until the next one (or `stop`). */
const gpuDays = (job: JobOutcome, stop: number): number =>
  job.segments.reduce((a, s, i) => a + s.gpusUsed * Math.max(0, Math.min(stop, job.segments[i + 1]?.day ?? stop) - s.day), 0);
const sum = (r: Record<string, number>): number => Object.values(r).reduce((a, b) => a + b, 0);

/** The full budget: done on about day 401, after six plans. */
const full = (): { input: CampaignInput; r: CampaignResult } => {
  const input = load();
  return { input, r: runCampaign(input, { planner: planner(input) }) };
};

describe('runCampaign: the model job (bundled scenario, fixed degrees, the full budget)', () => {
  it('GPU-hours: the total is the GPU-days held by the segments until the model is done, and the parts add up to it', () => {
    const { r } = full();
    const job = r.jobs[0];
    if (!job) throw new Error('no job');
    const done = job.doneDay ?? NaN;
    expect(job.segments.length).toBeGreaterThan(3);
    expect(job.gpuHours.total).toBeCloseTo(gpuDays(job, done) * 24, 0);
    const { total, ...parts } = job.gpuHours;
    expect(sum(parts)).toBeCloseTo(total, 0);
    // Each part is a real share of it here (failures, checkpoints, detection and restarts all cost time).
    for (const k of ['productive', 'lostWork', 'checkpoint', 'detection', 'restart'] as const) {
      expect(parts[k], k).toBeGreaterThan(total * 1e-3);
      expect(parts[k], k).toBeLessThan(total);
    }
    expect(job.ettr).toBeCloseTo(parts.productive / total, 12);
  });

  it('interruptions sum their causes; only causes that struck are listed, by their scenario names', () => {
    const { input, r } = full();
    const job = r.jobs[0];
    if (!job) throw new Error('no job');
    expect(job.interruptions).toBeGreaterThan(1000);
    expect(sum(job.interruptionsByCause)).toBe(job.interruptions);
    const names = input.reliability.causes.map((c) => c.name);
    for (const [name, n] of Object.entries(job.interruptionsByCause)) {
      expect(names).toContain(name);
      expect(n).toBeGreaterThan(0);
    }
    expect(Object.keys(job.interruptionsByCause).length).toBeGreaterThan(10);
    expect(r.training.interruptions).toBe(job.interruptions);
  });

  it('segments: one per plan until the model is done, each with failure rates that sum to its MTBF, its fabric and its restart', () => {
    const { r } = full();
    const job = r.jobs[0];
    if (!job) throw new Error('no job');
    const done = job.doneDay ?? NaN;
    expect(job.replans).toBe(job.segments.length - 1);
    expect(r.training.replans).toBe(job.replans);
    expect(job.startDay).toBe(job.segments[0]?.day);
    for (const s of job.segments) {
      expect(s.day).toBeLessThan(done);
      expect(sum(s.failuresPerDay)).toBeCloseTo(86_400 / s.mtbfS, 9);
      expect(s.failuresPerDay['gpu']).toBeGreaterThan(0);
      // A three-tier fat tree sized for the job: more GPUs, more leaf switches.
      expect(s.fabricTiers?.map((t) => t.tier)).toEqual(['leaf', 'spine', 'core']);
      expect(s.restart?.totalS).toBeCloseTo(s.restartS, 6);
      // The checkpoint holds the model's parameters at 14 B each (bf16 weights, fp32 master, Adam moments).
      expect(s.checkpoint.bytes).toBe(r.training.model.paramsTotal * 14);
    }
    for (let i = 1; i < job.segments.length; i++) {
      const a = job.segments[i - 1];
      const b = job.segments[i];
      if (!a || !b) continue;
      expect(b.day).toBeGreaterThan(a.day);
      if (b.gpusUsed > a.gpusUsed) expect(b.fabricTiers?.[0]?.switches).toBeGreaterThan(a.fabricTiers?.[0]?.switches ?? Infinity);
    }
    expect(job.checkpoints).toBeGreaterThan(0);
    expect(job.checkpointIntervalS).toBe(job.segments.at(-1)?.checkpoint.intervalS);
  });

  it('the summary is the model job: plan of the last segment, counts of the model, FLOPs = tokens × FLOPs per token', () => {
    const { input, r } = full();
    const job = r.jobs[0];
    const t = r.training;
    if (!job) throw new Error('no job');
    const last = job.segments.at(-1);
    expect(t.plan).toMatchObject({ gpu: last?.gpu, gpusUsed: last?.gpusUsed, stepTimeS: last?.stepTimeS, ...degrees });
    expect(t.mfu).toBe(job.mfu);
    expect(t.ettr).toBe(job.ettr);
    expect(t.tokens).toBe(job.tokens);
    expect(t.tokens).toBeCloseTo(input.training.tokens, -3);
    expect(t.tokenBudget).toBe(input.training.tokens);
    expect(t.timeToModelDays).toBe(job.doneDay);
    expect(t.startDay).toBe(job.startDay);
    expect(t.trainingDays).toBeCloseTo((job.doneDay ?? NaN) - (job.startDay ?? NaN), 12);
    expect(t.fleet).toBe(input.training.fleet);
    expect(t.model.name).toBe(input.training.model.name);
    expect('source' in t.model).toBe(false); // the bundled model is the scenario's own, uncited
    // A 2.8T-parameter MoE with about a quarter active: 6·N_active ≤ FLOPs per token ≤ 6·N_active·1.2.
    expect(t.model.paramsTotal).toBeGreaterThan(2e12);
    expect(t.model.paramsActive).toBeGreaterThan(t.model.paramsTotal / 5);
    expect(t.model.paramsActive).toBeLessThan(t.model.paramsTotal / 2);
    expect(t.model.flopsPerToken).toBeGreaterThanOrEqual(6 * t.model.paramsActive);
    expect(t.model.flopsPerToken).toBeLessThan(6 * t.model.paramsActive * 1.2);
    expect(t.modelFlops).toBeCloseTo(t.tokens * t.model.flopsPerToken, -12);
    // Progress: one point a day from the day after the start, ending on the model's day at its budget.
    expect(t.progress[0]?.day).toBe((t.startDay ?? NaN) + 1);
    t.progress.forEach((p, i) => expect(p.day).toBe((t.startDay ?? NaN) + i + 1));
    expect(t.progress.at(-1)?.tokens).toBeCloseTo(t.tokens, -3);
  });

  it('the summary\'s model carries the model\'s source when it has one', () => {
    const input = load();
    input.training.model = { ...input.training.model, source: 'test: a cited config' };
    input.training.tokens = 1e12; // a few days of training
    expect(runCampaign(input, { planner: planner(input) }).training.model.source).toBe('test: a cited config');
  });

  it('energy: the series integrates to the energy, its peak is the peak, the average is over the days charged', () => {
    const { r } = full();
    const e = r.energy;
    expect(e.series.reduce((a, s) => a + s.powerMw * (s.toDay - s.fromDay) * 24, 0)).toBeCloseTo(e.mwh, 3);
    expect(e.peakMw).toBe(Math.max(...e.series.map((s) => s.powerMw)));
    expect(e.averageMw).toBeCloseTo(e.mwh / (r.endDay * 24), 6);
    expect(e.itMwh).toBeLessThan(e.mwh);
    expect(e.itMwh).toBeGreaterThan(e.mwh / 2);
    expect(Object.keys(e.gpuHoursByType).sort()).toEqual(['h100-sxm', 'h200-sxm']);
    // The GPU-hours online cover what the job held (its plans used at most the online GPUs less spares).
    expect(sum(e.gpuHoursByType)).toBeGreaterThan(r.jobs[0]?.gpuHours.total ?? Infinity);
    expect(sum(e.gpuHoursByType)).toBeLessThan(2 * (r.jobs[0]?.gpuHours.total ?? 0));
  });
});

describe('runCampaign: an early model, a horizon that ends first, a plan that never fits', () => {
  it('a small budget, done before the deliveries end: capital on what was delivered by the end day, cost per token is cost over tokens', () => {
    const input = load();
    input.training.tokens = 1e12;
    const r = runCampaign(input, { planner: planner(input) });
    const done = r.training.timeToModelDays ?? NaN;
    expect(done).toBeGreaterThan(80);
    expect(done).toBeLessThan(100);
    expect(r.endDay).toBe(Math.ceil(done));
    // Delivered by the end of the last day charged (day endDay − 1), counted from the scenario.
    const delivered = input.buildout.deliveries.filter((d) => d.gpuType === 'h100-sxm' && d.day <= r.endDay - 1).reduce((a, d) => a + d.gpus, 0);
    expect(r.deliveredGpus).toEqual({ 'h100-sxm': delivered, 'h200-sxm': 0 });
    expect(r.cost.capitalByType['h100-sxm']?.gpus).toBe(delivered);
    expect(r.cost.usdPerMillionTokens).toBeCloseTo(r.cost.campaignUsd / (r.training.tokens / 1e6), 9);
    // The energy series stops at the end day, before the later growth.
    expect(r.energy.series.at(-1)?.toDay).toBe(r.endDay);
    expect(r.training.plan?.gpusUsed).toBe(r.jobs[0]?.segments[0]?.gpusUsed);
  });

  it('a horizon that ends before the model: no time-to-model, training days and charges run to the horizon', () => {
    const input = load();
    input.buildout.horizonDays = 150;
    const r = runCampaign(input, { planner: planner(input), seed: 42 });
    const job = r.jobs[0];
    if (!job) throw new Error('no job');
    expect(r.training.timeToModelDays).toBeNull();
    expect(job.doneDay).toBeNull();
    expect(r.endDay).toBe(151);
    expect(r.training.trainingDays).toBe(151 - (r.training.startDay ?? NaN));
    expect(r.training.tokens).toBeGreaterThan(0);
    expect(r.training.tokens).toBeLessThan(input.training.tokens);
    expect(r.training.progress.at(-1)).toEqual({ day: 151, tokens: r.training.tokens });
    expect(job.gpuHours.total).toBeCloseTo(gpuDays(job, 151) * 24, 0);
    for (const s of job.segments) expect(s.day).toBeLessThan(151);
    const delivered = input.buildout.deliveries.filter((d) => d.gpuType === 'h100-sxm' && d.day <= 150).reduce((a, d) => a + d.gpus, 0);
    expect(r.deliveredGpus['h100-sxm']).toBe(delivered);
    expect(r.energy.series.at(-1)?.toDay).toBe(151);
    expect(r.cost.usdPerMillionTokens).toBeCloseTo(r.cost.campaignUsd / (r.training.tokens / 1e6), 9);
    // The seed of the options wins over the scenario's.
    expect(r.scenario.seed).toBe(42);
    expect(input.seed).not.toBe(42);
  });

  it('a planner that never fits: no start, no tokens, no plan, zero figures, and no cost per token', () => {
    const input = load();
    const r = runCampaign(input, { planner: () => undefined });
    const job = r.jobs[0];
    expect(job).toMatchObject({ startDay: null, doneDay: null, tokens: 0, ettr: 0, mfu: 0, interruptions: 0, replans: 0, checkpoints: 0, checkpointIntervalS: 0, segments: [] });
    expect(job?.gpuHours.total).toBe(0);
    expect(r.training).toMatchObject({ plan: null, startDay: null, timeToModelDays: null, trainingDays: 0, tokens: 0, modelFlops: 0, progress: [], mfu: 0, ettr: 0 });
    expect(r.training.model).toMatchObject({ name: input.training.model.name, paramsTotal: 0, paramsActive: 0, flopsPerToken: 0 });
    expect(r.endDay).toBe(input.buildout.horizonDays + 1);
    expect(r.cost.usdPerMillionTokens).toBeNull();
    expect(r.cost.campaignUsd).toBeGreaterThan(0);
  });
});

describe('runCampaign: options and the scenario block', () => {
  it('reports each stage once, in order, with its index and the number of stages', () => {
    const input = load();
    input.training.tokens = 1e12;
    const seen: [CampaignStage, number, number][] = [];
    runCampaign(input, { planner: planner(input), onProgress: (stage, i, n) => seen.push([stage, i, n]) });
    expect(seen).toEqual(CAMPAIGN_STAGES.map((s, i) => [s, i, 4]));
    expect(CAMPAIGN_STAGES).toEqual(['build-out', 'planning', 'training', 'energy and cost']);
  });

  it('asks the planner once per capacity and GPU (the campaign caches it), and uses the planner it is given', () => {
    const input = load();
    input.training.tokens = 1e12;
    const base = planner(input);
    const calls: string[] = [];
    const r = runCampaign(input, {
      planner: (gpus, gpu, byType) => {
        calls.push(`${gpu}:${gpus}`);
        return base(gpus, gpu, byType);
      },
    });
    expect(calls.length).toBeGreaterThan(3);
    expect(new Set(calls).size).toBe(calls.length);
    expect(r.training.plan).toMatchObject(degrees);
  });

  it('without a planner, the scenario\'s fixed degrees plan the campaign', () => {
    const input = load();
    input.training.tokens = 1e12;
    const r = runCampaign(input);
    expect(r.training.plan).toMatchObject(degrees);
    expect(r.training.tokens).toBeCloseTo(1e12, -3);
  });

  it('the scenario block: name, horizon and seed; description and start date only when the scenario has them; supply copied', () => {
    const input = load();
    input.training.tokens = 1e12;
    const r = runCampaign(input, { planner: planner(input) });
    expect(r.scenario).toEqual({ name: input.name, description: input.description, startDate: input.startDate, horizonDays: input.buildout.horizonDays, seed: input.seed });
    expect(input.description).toMatch(/H100/);
    expect(input.startDate).toBe('2024-05-03');
    expect(r.assumptions).toEqual(input.assumptions);
    expect('supply' in r).toBe(false);
    const bare: CampaignInput = { ...input };
    delete bare.description;
    delete bare.startDate;
    const b = runCampaign(bare, { planner: planner(input) });
    expect(Object.keys(b.scenario).sort()).toEqual(['horizonDays', 'name', 'seed']);
    // Without a start date the milestones are undated.
    expect(b.milestones.every((m) => m.date === undefined)).toBe(true);
  });

  it('separate jobs: the model trains on the primary GPU type, wherever it is in the list', () => {
    const input = load();
    input.training.fleet = 'separate';
    input.training.primaryGpu = 'h200-sxm';
    const r = runCampaign(input, { planner: planner(input) });
    expect(r.jobs.map((j) => [j.gpu, j.trainsModel])).toEqual([
      ['h100-sxm', false],
      ['h200-sxm', true],
    ]);
    const h200 = r.jobs[1];
    expect(r.training.plan?.gpu).toBe('h200-sxm');
    expect(r.training.startDay).toBe(h200?.startDay);
    expect(r.training.tokens).toBe(h200?.tokens);
    // The H200s come last: their job starts well after the H100s' and the H100 job finishes its own budget.
    expect(h200?.startDay).toBeGreaterThan((r.jobs[0]?.startDay ?? Infinity) + 100);
    expect(r.jobs[0]?.doneDay).not.toBeNull();
  });
});
