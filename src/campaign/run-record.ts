import type { RunInput } from '../store/run-record.js';
import type { CampaignInput } from './campaign-input.js';
import type { CampaignResult } from './campaign-result.js';

/** The figures a run is listed and compared by (`colossus runs list`, the dashboard). */
export function runSummary(r: CampaignResult): Record<string, unknown> {
  const t = r.training;
  return {
    scenario: r.scenario.name,
    seed: r.scenario.seed,
    timeToModelDays: t.timeToModelDays,
    startDay: t.startDay,
    mfu: t.mfu,
    ettr: t.ettr,
    tokens: t.tokens,
    interruptions: t.interruptions,
    peakGpus: Object.values(r.timeline[r.timeline.length - 1]?.gpusOnline ?? {}).reduce((a, b) => a + b, 0),
    energyMwh: r.energy.mwh,
    peakMw: r.energy.peakMw,
    campaignUsd: r.cost.campaignUsd,
    usdPerMillionTokens: r.cost.usdPerMillionTokens,
  };
}

/**
 * What the store keeps of a campaign run: its summary, the scenario it came from (`source`: a
 * file name or where it was posted), the capacity timeline, milestones and re-plans as events,
 * and the whole result. One shape for the CLI and the HTTP API.
 */
export function campaignRunRecord(result: CampaignResult, input: CampaignInput, source: string): RunInput {
  return {
    name: result.scenario.name,
    summary: runSummary(result),
    scenario: { file: source, input },
    timeline: result.timeline,
    events: [
      ...result.milestones.map((m) => ({ day: m.day, kind: m.kind, data: m })),
      ...(result.jobs.find((j) => j.trainsModel)?.segments.slice(1) ?? []).map((s) => ({ day: s.day, kind: 'replan', data: s })),
    ].sort((a, b) => a.day - b.day),
    blobs: { result },
  };
}
