import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Planner } from './planner.js';
import { describe, expect, it } from 'vitest';
import { defaultColossusBuildout } from '../buildout/default-colossus-buildout.js';
import { parseDocumentText } from '../core/index.js';
import { parseCampaignScenarioOrThrow } from '../scenario/index.js';
import { fixedDegreePlanner } from './fixed-degree-planner.js';
import { runCampaign } from './run-campaign.js';

const root = join(import.meta.dirname, '..', '..');
const load = (name: string) => {
  const file = join(root, 'scenarios', name);
  return parseCampaignScenarioOrThrow(parseDocumentText(readFileSync(file, 'utf8'), file));
};
const online = (p: { gpusOnline: Record<string, number> }, type?: string): number =>
  type ? (p.gpusOnline[type] ?? 0) : Object.values(p.gpusOnline).reduce((a, b) => a + b, 0);

describe('runCampaign on the bundled Colossus scenario (plan search)', () => {
  const input = load('colossus.yaml');
  const r = runCampaign(input);

  it('builds the same site as the sourced defaults of src/buildout', () => {
    // Numbers only: the notes are the YAML comments, and the scenario's horizon is longer.
    const numbers = (b: typeof input.buildout) => ({ ...b, horizonDays: 0, powerPhases: b.powerPhases.map(({ note: _note, ...p }) => p) });
    expect(numbers(input.buildout)).toEqual(numbers(defaultColossusBuildout));
  });

  it('checkpoints follow from a sourced storage bandwidth, at each plan\'s own size, never faster than the storage writes', () => {
    const segs = r.jobs.flatMap((j) => j.segments);
    expect(segs.length).toBeGreaterThan(1);
    expect(input.reliability.checkpointSpec?.storage.source).toMatch(/Tectonic/);
    for (const s of segs) {
      const c = s.checkpoint;
      expect(c.storage).toBe('tectonic-llama3');
      expect(c.bytes).toBeCloseTo(r.training.model.paramsTotal * 14, -6); // bf16 + fp32 master + Adam
      expect(c.storageGBps).toBeLessThanOrEqual(2000);
      expect(c.writeGBps).toBeLessThanOrEqual(c.storageGBps * (1 + 1e-12));
      expect(c.writeGBps).toBeCloseTo(c.bytes / c.intervalS / 1e9, 9);
      expect(c.blockingS).toBeLessThan(c.writeS); // async: snapshot, then drain
    }
    // Daly at the job that runs: a larger job fails more often, so it checkpoints more often.
    for (let i = 1; i < segs.length; i++) {
      const a = segs[i - 1];
      const b = segs[i];
      if (!a || !b || b.gpusUsed <= a.gpusUsed) continue;
      expect(b.checkpoint.intervalS).toBeLessThan(a.checkpoint.intervalS);
      expect(b.restartS).toBeGreaterThan(a.restartS); // NCCL init grows with the ranks
    }
    // The idle GPUs of each plan are spares beside the reserved ones.
    for (const s of segs) expect(s.spareNodes).toBe(input.reliability.spareNodes + Math.floor((s.capacityGpus - s.gpusUsed) / 8));
  });

  it('has ~97.6k H100 online by day 122 on the public power record, then 200,000 GPUs with 50,000 H200', () => {
    const first100k = r.timeline.find((p) => online(p, 'h100-sxm') >= 97_000);
    expect(first100k?.day).toBeLessThanOrEqual(122);
    const full = r.timeline.find((p) => online(p) >= 200_000 && online(p, 'h200-sxm') >= 50_000);
    expect(full?.day).toBeGreaterThan(first100k?.day ?? Infinity);
    expect(r.timeline.every((p) => Object.keys(p.gpusOnline).sort().join() === 'h100-sxm,h200-sxm')).toBe(true);
  });

  it('power is grid + turbines; batteries are a buffer; capital is charged on the GPUs delivered', () => {
    const phase = input.buildout.powerPhases.find((p) => (p.batteryMw ?? 0) > 0);
    expect(phase?.batteryMwh).toBeGreaterThan(0);
    const at = r.timeline.filter((p) => phase && p.day >= phase.startDay && p.day < 486).at(-1);
    // 150 MW grid + 87.5 MW turbines at ~1.39 kW per GPU: the 150 MW of Megapacks add nothing.
    expect(online(at ?? { gpusOnline: {} })).toBeLessThan(175_000);
    const delivered = Object.values(r.deliveredGpus).reduce((a, b) => a + b, 0);
    const charged = Object.values(r.cost.capitalByType).reduce((a, c) => a + c.gpus, 0);
    expect(charged).toBe(delivered);
    expect(delivered).toBeGreaterThan(Object.values(r.peakGpus).reduce((a, b) => a + b, 0));
  });

  it('trains the model to its token budget, with a time-to-model, MFU, ETTR, energy and cost', () => {
    const t = r.training;
    expect(t.startDay).toBeGreaterThanOrEqual(75); // training began 2024-07-22 = day 80 [P]
    expect(t.startDay).toBeLessThanOrEqual(85);
    expect(t.timeToModelDays).not.toBeNull();
    expect(t.tokens).toBeCloseTo(t.tokenBudget, -6);
    expect(t.mfu).toBeGreaterThan(0.15);
    expect(t.mfu).toBeLessThan(0.6);
    expect(t.ettr).toBeGreaterThan(0.5);
    expect(t.ettr).toBeLessThan(1);
    expect(t.replans).toBeGreaterThan(0);
    expect(t.interruptions).toBeGreaterThan(100);
    expect(r.energy.mwh).toBeGreaterThan(0);
    expect(r.energy.peakMw).toBeLessThanOrEqual(300);
    expect(r.cost.campaignUsd).toBeGreaterThan(0);
    expect(r.cost.usdPerMillionTokens).toBeGreaterThan(0);
    expect(r.milestones.map((m) => m.kind)).toEqual(expect.arrayContaining(['training-start', 'model-done', 'online-h100-sxm-100000']));
    expect(r.milestones.find((m) => m.kind === 'training-start')?.date).toBe('2024-07-22');
  });
});

describe('runCampaign properties (fixed degrees, fast)', () => {
  const input = load('colossus.yaml');
  input.training.degrees = { tp: 8, pp: 32, cp: 4, ep: 8 }; // m ≥ pp at every capacity (a pipeline that fills)
  const degrees = input.training.degrees;
  // Made at each call: mutation testing activates its mutant after describe bodies run.
  const planner: Planner = (cap, gpu, byType) => fixedDegreePlanner(input.training, degrees)(cap, gpu, byType);

  it('is deterministic: same seed, same result; another seed, other failures', () => {
    const a = runCampaign(input, { planner, seed: 7 });
    expect(runCampaign(input, { planner, seed: 7 })).toEqual(a);
    const b = runCampaign(input, { planner, seed: 8 });
    expect(b.training.interruptions).not.toBe(a.training.interruptions);
    expect(b.timeline).toEqual(a.timeline);
  });

  it('progress never decreases and reaches the budget on the day the model is done', () => {
    const r = runCampaign(input, { planner });
    const p = r.training.progress;
    for (let i = 1; i < p.length; i++) expect(p[i]?.tokens ?? 0).toBeGreaterThanOrEqual(p[i - 1]?.tokens ?? 0);
    const done = r.training.timeToModelDays ?? Infinity;
    expect(p.find((x) => x.tokens >= r.training.tokenBudget * (1 - 1e-9))?.day).toBe(Math.ceil(done));
    expect(r.endDay).toBe(Math.ceil(done));
  });

  it('runs H100 and H200 as separate jobs: the model trains on the primary type only', () => {
    const r = runCampaign({ ...input, training: { ...input.training, fleet: 'separate' } }, { planner });
    expect(r.jobs.map((j) => [j.gpu, j.trainsModel])).toEqual([
      ['h100-sxm', true],
      ['h200-sxm', false],
    ]);
    expect(r.training.plan?.gpu).toBe('h100-sxm');
  });
});
