import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCampaign } from '../campaign/index.js';
import { InputError, parseDocumentText, type Issue } from '../core/index.js';
import { estimate, estimateIssues, type Estimate } from '../model/index.js';
import { parseCampaignScenario } from '../scenario/index.js';
import { parseScenario } from '../sim/index.js';
import { parseSpecValue } from '../spec/index.js';
import { parseCases } from '../validation/index.js';

// Audit hole 8: well-formed but absurd inputs used to give MFU 359%, "Infinity days", "NaN of NaN
// wall days", "$InfinityB", "MAPE 0.0%" over no cases and "0B parameters" with exit 0.
const SPEC = { model: 'llama3-405b', system: { gpu: 'h100-sxm', gpus: 16384 }, training: { seqLen: 8192, globalBatch: 2048, precision: 'bf16' }, parallel: { tp: 8, pp: 16, dp: 128 } };
const campaignText = readFileSync(fileURLToPath(new URL('../../scenarios/colossus.yaml', import.meta.url)), 'utf8');

function specIssues(patch: (s: typeof SPEC & Record<string, unknown>) => unknown): Issue[] {
  const s = structuredClone(SPEC) as typeof SPEC & Record<string, unknown>;
  const r = parseSpecValue(patch(s) ?? s);
  return r.ok ? estimateIssues(estimate(r.spec)) : r.issues;
}

function simIssues(text: string): Issue[] {
  const doc = parseDocumentText(text, 'sim.yaml');
  const r = parseScenario(doc, doc.value);
  return r.ok ? [] : r.issues;
}

describe('absurd inputs are refused with the field that causes them', () => {
  it('a custom GPU whose (inherited) achievable rate is above its peak', () => {
    expect(specIssues((s) => ({ ...s, system: { gpu: { id: 'h100-sxm', bf16Tflops: 100 }, gpus: 16384 } }))[0]).toMatchObject({ path: 'system.gpu.bf16Tflops' });
    expect(specIssues((s) => ({ ...s, system: { gpu: { id: 'h100-sxm', bf16Tflops: 1e-9 }, gpus: 16384 } }))[0]?.path).toBe('system.gpu.bf16Tflops');
    expect(specIssues((s) => ({ ...s, system: { gpu: { id: 'h100-sxm', achievableBf16Tflops: 9890 }, gpus: 16384 } }))[0]).toMatchObject({ path: 'system.gpu.achievableBf16Tflops' });
    expect(specIssues(() => undefined)).toEqual([]);
  });

  it('a denormal network speed', () => {
    for (const gbps of [1e-308, 1e-300, 0.01]) {
      expect(specIssues((s) => ({ ...s, system: { ...s.system, scaleOutGbpsPerGpu: gbps } }))[0]).toMatchObject({ path: 'system.scaleOutGbpsPerGpu', message: 'is out of range' });
    }
  });

  it('every estimate is checked: MFU above 100% or a non-finite field is an issue, not a printed number', () => {
    const r = parseSpecValue(SPEC);
    if (!r.ok) throw new Error('spec');
    const good = estimate(r.spec);
    expect(estimateIssues(good)).toEqual([]);
    expect(estimateIssues({ ...good, mfu: 3.589 } as Estimate)[0]).toMatchObject({ path: 'estimate.mfu', received: '358.9%' });
    expect(estimateIssues({ ...good, stepTimeS: Infinity } as Estimate).map((i) => i.path)).toContain('estimate.stepTimeS');
  });

  it('simulator sizes have physical bounds with the reason, and a work estimate', () => {
    const base = 'cluster: { gpu: h100-sxm, gpus: 16384 }\njob: { gpus: 16384, days: 54, stepTimeS: 10 }\nreliability: { preset: llama3 }\n';
    expect(simIssues(base)).toEqual([]);
    expect(simIssues(base.replace('stepTimeS: 10', 'stepTimeS: 10, targetSteps: 1.0e308'))[0]).toMatchObject({ path: 'job.targetSteps', expected: expect.stringContaining('31 years') });
    const huge = simIssues('cluster: { gpus: 1000000000000 }\njob: { gpus: 1000000000000, days: 3650, stepTimeS: 10 }\nreliability: { preset: llama3 }\nreplications: 1\n');
    expect(huge.map((i) => i.path)).toEqual(['cluster.gpus', 'job.gpus']);
    expect(huge[0]?.expected).toContain('largest cluster built');
    expect(simIssues(base.replace('days: 54', 'days: 1.0e-300'))[0]?.path).toBe('job.days');
    expect(simIssues(base.replace('stepTimeS: 10', 'stepTimeS: 1.0e-300'))[0]?.path).toBe('job.stepTimeS');
    const tooMuch = simIssues(base.replace('preset: llama3 }', 'preset: llama3, rateMultiplier: 1.0e6 }') + 'replications: 100000\n');
    expect(tooMuch[0]).toMatchObject({ path: 'replications', message: 'asks for more simulated failures than one run takes' });
  });

  it('a campaign: amortization over 1e-300 years, and a build-out where no GPU ever comes online', () => {
    const costly = parseDocumentText(campaignText.replace('amortizationYears: 4', 'amortizationYears: 1.0e-300'), 'c.yaml');
    const bad = parseCampaignScenario(costly, costly.value);
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.issues[0]).toMatchObject({ path: 'energy.amortizationYears' });
    const dark = parseDocumentText(campaignText.replace('- { startDay: 0, racksPerDay: 32 } # assumption', '- { startDay: 0, racksPerDay: 0 }'), 'c.yaml');
    const parsed = parseCampaignScenario(dark, dark.value);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
    let err: unknown;
    try {
      runCampaign(parsed.input);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).issues[0]).toMatchObject({ path: 'installPhases', message: expect.stringContaining('no GPU online') });
  });

  it('an empty validation cases file is refused, not "MAPE 0.0%"', () => {
    expect(() => parseCases('\n\n', 'empty.jsonl')).toThrow(/holds no validation cases/);
  });
});
