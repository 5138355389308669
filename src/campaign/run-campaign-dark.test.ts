import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError, parseDocumentText } from '../core/index.js';
import { parseCampaignScenarioOrThrow } from '../scenario/index.js';
import type { CampaignInput } from './campaign-input.js';
import { CAMPAIGN_STAGES, runCampaign } from './run-campaign.js';

// A build-out that never brings a GPU online is refused before any planning, naming what keeps the
// fleet dark. Fast: only the build-out runs.
const file = join(import.meta.dirname, '..', '..', 'scenarios', 'colossus.yaml');
const colossus = (): CampaignInput => parseCampaignScenarioOrThrow(parseDocumentText(readFileSync(file, 'utf8'), file));

function refusal(input: CampaignInput): { path: string; message: string; expected?: string } {
  try {
    runCampaign(input);
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    const issue = (e as InputError).issues[0];
    expect((e as InputError).issues).toHaveLength(1);
    return issue as { path: string; message: string; expected?: string };
  }
  throw new Error('runCampaign did not refuse a dark build-out');
}

describe('runCampaign on a build-out that never brings a GPU online', () => {
  it('names the install phases when no phase installs a rack', () => {
    const c = colossus();
    const issue = refusal({ ...c, buildout: { ...c.buildout, installPhases: c.buildout.installPhases.map((p) => ({ ...p, racksPerDay: 0 })) } });
    expect(issue).toEqual({ path: 'installPhases', message: 'leaves no GPU online within the horizon: no phase installs any racks', expected: 'a build-out that brings at least one rack online' });
  });

  it('names the power phases when no phase has grid power or on-site generation (batteries are no supply)', () => {
    const c = colossus();
    expect(c.buildout.powerPhases.length).toBeGreaterThan(0);
    const dark = c.buildout.powerPhases.map(({ generationMw: _g, ...p }) => ({ ...p, gridMw: 0, batteryMw: 100, batteryMwh: 50 }));
    const issue = refusal({ ...c, buildout: { ...c.buildout, powerPhases: dark } });
    expect(issue.path).toBe('powerPhases');
    expect(issue.message).toBe('leaves no GPU online within the horizon: no phase has any grid power or on-site generation');
  });

  it('with turbines but no grid and too short a horizon, blames the horizon, not the power', () => {
    const c = colossus();
    const turbinesOnly = c.buildout.powerPhases.map((p) => ({ ...p, gridMw: 0, generationMw: 100 }));
    const issue = refusal({ ...c, buildout: { ...c.buildout, powerPhases: turbinesOnly, horizonDays: 1 } });
    expect(issue.path).toBe('horizonDays');
  });

  it('names the horizon when the first GPUs cannot come online in time', () => {
    const c = colossus();
    const issue = refusal({ ...c, buildout: { ...c.buildout, horizonDays: 1 } });
    expect(issue.path).toBe('horizonDays');
    expect(issue.message).toBe('leaves no GPU online within the horizon: the first GPUs are not delivered, installed, networked and burnt in within 1 days');
  });

  it('blames the horizon, not the crews or the power, when only some phases install racks or have power', () => {
    const c = colossus();
    const installPhases = [{ startDay: 0, racksPerDay: 0 }, { startDay: 50, racksPerDay: 32 }];
    const powerPhases = [{ startDay: 0, gridMw: 0 }, { startDay: 60, gridMw: 8, generationMw: 35 }];
    expect(refusal({ ...c, buildout: { ...c.buildout, installPhases, powerPhases, horizonDays: 1 } }).path).toBe('horizonDays');
  });

  it('with no power phases (power unlimited) and too short a horizon, blames the horizon', () => {
    const c = colossus();
    expect(refusal({ ...c, buildout: { ...c.buildout, powerPhases: [], horizonDays: 1 } }).path).toBe('horizonDays');
  });

  it('reports the build-out stage, and only it, before refusing', () => {
    const c = colossus();
    const seen: [string, number, number][] = [];
    expect(() => runCampaign({ ...c, buildout: { ...c.buildout, horizonDays: 1 } }, { onProgress: (s, i, n) => seen.push([s, i, n]) })).toThrow(InputError);
    expect(seen).toEqual([['build-out', 0, CAMPAIGN_STAGES.length]]);
    expect(CAMPAIGN_STAGES).toEqual(['build-out', 'planning', 'training', 'energy and cost']);
  });
});
