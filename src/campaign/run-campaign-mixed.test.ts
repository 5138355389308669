/**
 * How `runCampaign` lays out a fleet of two GPU types: `mixed` hands days with both types online to
 * the mixed-fleet planner (per-type counts, the types joined by `+`), which asks the campaign's
 * planner only for single types; `combined` asks the campaign's planner for the slowest type online,
 * never with per-type counts. A small build-out (256 H100 from day 0, 128 H200 from day 5) and a
 * stub planner that records what it is asked keep each run well under a second.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findModel } from '../catalog/index.js';
import { parseDocumentText } from '../core/index.js';
import type { Estimate } from '../model/result.js';
import { parseCampaignScenarioOrThrow } from '../scenario/index.js';
import type { ParallelPlan } from '../spec/types.js';
import type { CampaignInput, FleetMode } from './campaign-input.js';
import type { Planner } from './planner.js';
import { runCampaign } from './run-campaign.js';

const file = join(import.meta.dirname, '..', '..', 'scenarios', 'colossus.yaml');
const small = (fleet: FleetMode): CampaignInput => {
  const input = parseCampaignScenarioOrThrow(parseDocumentText(readFileSync(file, 'utf8'), file));
  const model = findModel('llama3-8b');
  if (!model) throw new Error('llama3-8b is in the catalog');
  input.buildout = {
    ...input.buildout,
    deliveries: [
      { day: 0, gpuType: 'h100-sxm', gpus: 256 },
      { day: 5, gpuType: 'h200-sxm', gpus: 128 },
    ],
    horizonDays: 40,
    powerPhases: [{ startDay: 0, gridMw: 100 }],
  };
  input.reliability = { ...input.reliability, spareNodes: 0 };
  const { degrees: _d, ...training } = input.training;
  input.training = { ...training, model, seqLen: 4096, globalBatch: 64, tokens: 1e15, startFraction: 0.5, fleet };
  return input;
};

interface Ask {
  gpus: number;
  gpu: string;
  byType: Readonly<Record<string, number>> | undefined;
}
const parallel = { tp: 1, pp: 1, cp: 1, ep: 1, dp: 128, vpp: 1, microBatch: 1, sequenceParallel: false, recompute: 'none', distributedOptimizer: true, zeroStage: 1, tpCommOverlap: true } as ParallelPlan;
/** Answers every ask with 128 GPUs at a huge throughput (so it beats any mixed layout), recording the ask. */
const recording = (asks: Ask[]): Planner => (gpus, gpu, byType) => {
  asks.push({ gpus, gpu, byType });
  const estimate = { stepTimeS: 1, tokensPerSec: 1e12, tokensPerSecPerGpu: 1e12 / 128, mfu: 0.4, memory: { totalGiB: 40 }, paramsTotal: 8e9, paramsActive: 8e9, modelFlopsPerToken: 4.8e10, modelFlopsPerTokenCausal: 4.8e10, peakTflops: 989 } as unknown as Estimate;
  return { parallel, gpusUsed: 128, estimate };
};

describe('runCampaign on a fleet of two GPU types', () => {
  it('mixed: days with both types online go to the mixed-fleet planner; the campaign\'s planner is asked for single types only', () => {
    const asks: Ask[] = [];
    const r = runCampaign(small('mixed'), { planner: recording(asks) });
    const gpus = r.jobs[0]?.segments.map((s) => s.gpu) ?? [];
    expect(gpus[0]).toBe('h100-sxm');
    expect(gpus).toContain('h100-sxm+h200-sxm');
    expect(asks.length).toBeGreaterThan(1);
    for (const a of asks) {
      expect(a.gpu).not.toContain('+');
      expect(a.byType).toBeUndefined();
    }
  });

  it('combined: the campaign\'s planner is asked for the slowest type online, never with per-type counts', () => {
    const asks: Ask[] = [];
    const r = runCampaign(small('combined'), { planner: recording(asks) });
    expect(r.jobs[0]?.segments.map((s) => s.gpu).every((g) => g === 'h100-sxm')).toBe(true);
    expect(asks.map((a) => a.gpu).every((g) => g === 'h100-sxm')).toBe(true);
    expect(asks.every((a) => a.byType === undefined)).toBe(true);
    // Both types count: a plan is asked for once the H200s add a quarter to the capacity.
    expect(asks.map((a) => a.gpus)).toContain(384);
  });
});
