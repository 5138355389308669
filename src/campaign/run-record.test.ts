import { describe, expect, it } from 'vitest';
import type { CampaignInput } from './campaign-input.js';
import type { CampaignResult } from './campaign-result.js';
import { campaignRunRecord, runSummary } from './run-record.js';

// A hand-built result with only the fields a run record reads.
const result = {
  scenario: { name: 'colossus-like', seed: 7 },
  training: { timeToModelDays: 120.5, startDay: 30, mfu: 0.31, ettr: 0.88, tokens: 1.5e13, interruptions: 42 },
  timeline: [
    { day: 0, gpusOnline: { H100: 10 } },
    { day: 50, gpusOnline: { H100: 100_000, H200: 50_000 } },
  ],
  energy: { mwh: 123_456, peakMw: 250 },
  cost: { campaignUsd: 1.6e9, usdPerMillionTokens: 0.11 },
  milestones: [
    { kind: 'model-done', label: 'model', day: 150.5 },
    { kind: 'first-online', label: 'first', day: 2 },
  ],
  jobs: [
    { trainsModel: false, segments: [{ day: 0 }, { day: 5 }] },
    { trainsModel: true, segments: [{ day: 30 }, { day: 90 }, { day: 60 }] },
  ],
} as unknown as CampaignResult;

describe('runSummary', () => {
  it('lists the figures a run is compared by, the peak GPUs from the last day of the timeline', () => {
    expect(runSummary(result)).toEqual({
      scenario: 'colossus-like',
      seed: 7,
      timeToModelDays: 120.5,
      startDay: 30,
      mfu: 0.31,
      ettr: 0.88,
      tokens: 1.5e13,
      interruptions: 42,
      peakGpus: 150_000,
      energyMwh: 123_456,
      peakMw: 250,
      campaignUsd: 1.6e9,
      usdPerMillionTokens: 0.11,
    });
  });
  it('counts 0 peak GPUs for an empty timeline', () => {
    expect(runSummary({ ...result, timeline: [] } as unknown as CampaignResult)['peakGpus']).toBe(0);
  });
});

describe('campaignRunRecord', () => {
  const input = { scenario: { name: 'x' } } as unknown as CampaignInput;
  it('keeps the summary, the scenario and where it came from, the timeline and the whole result', () => {
    const r = campaignRunRecord(result, input, 'colossus.yaml');
    expect(r.name).toBe('colossus-like');
    expect(r.summary).toEqual(runSummary(result));
    expect(r.scenario).toEqual({ file: 'colossus.yaml', input });
    expect(r.timeline).toBe(result.timeline);
    expect(r.blobs).toEqual({ result });
  });
  it('events: the milestones and the model job\'s re-plans (not its first plan, not other jobs), in day order', () => {
    const r = campaignRunRecord(result, input, 'posted');
    expect(r.events).toEqual([
      { day: 2, kind: 'first-online', data: result.milestones[1] },
      { day: 60, kind: 'replan', data: { day: 60 } },
      { day: 90, kind: 'replan', data: { day: 90 } },
      { day: 150.5, kind: 'model-done', data: result.milestones[0] },
    ]);
  });
  it('has only milestone events when no job trains the model', () => {
    const noModel = { ...result, jobs: [{ trainsModel: false, segments: [{ day: 0 }, { day: 5 }] }] } as unknown as CampaignResult;
    expect((campaignRunRecord(noModel, input, 'f').events ?? []).map((e) => e.kind)).toEqual(['first-online', 'model-done']);
  });
});
