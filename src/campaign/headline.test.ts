/**
 * The bundled campaign's published headline figures, pinned. README.md prints them (the output of
 * `colossus run`) and docs/campaign.md tabulates them; this test holds the same numbers and checks
 * all three against a fresh run (seed 1, as `colossus run` plays it), to the last digit shown.
 * A change that moves them must update README, docs/campaign.md and PINNED together and say why in
 * its commit message.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDocumentText } from '../core/index.js';
import { parseCampaignScenarioOrThrow } from '../scenario/index.js';
import { runCampaign } from './run-campaign.js';

/** As README.md shows them (2026-12-01, after the schedules of 0fc3f4e, causal MFU of c5b30f0, the merge of the fabric model, stacks, checkpoint/restart and the power record, and 2026-12-02's expert-group ZeRO gathers, component failure rates and fabric power, the scenario's model given the catalog's loss-free balancer, and the MoE router and permutation costs). */
const PINNED = {
  timeToModelDay: 290.7,
  mfuPercent: 24.9,
  ettrPercent: 63.5,
  interruptions: 9489,
  energyGwh: 823.5,
  /** README prints $1.61B: three significant digits. */
  costMusd: 1610,
};
/** Half the last digit README shows. */
const TOLERANCE = { timeToModelDay: 0.05, mfuPercent: 0.05, ettrPercent: 0.05, interruptions: 0, energyGwh: 0.05, costMusd: 5 };

const MOVED = 'campaign headline moved: update README, docs/campaign.md and PINNED in src/campaign/headline.test.ts together and say why in the commit';
const root = join(import.meta.dirname, '..', '..');
const file = join(root, 'scenarios', 'colossus.yaml');
const number = (s: string | undefined) => Number((s ?? 'NaN').replace(/,/g, ''));
/** `$788.0M` or `$1.72B` → millions of dollars. */
const costM = (s: string | undefined) => number(s?.slice(1, -1)) * (s?.endsWith('B') ? 1000 : 1);
/** How README prints a cost: `$1.72B` at or above a billion, else `$788.0M`. */
const costText = (musd: number) => (musd >= 1000 ? `$${(musd / 1000).toFixed(2)}B` : `$${musd.toFixed(1)}M`);

describe('the bundled campaign headline (README, docs/campaign.md, this test)', () => {
  it('a fresh run gives the pinned figures (to the digit shown)', () => {
    // Run inside the test (mutation testing activates its mutant after describe bodies run).
    const r = runCampaign(parseCampaignScenarioOrThrow(parseDocumentText(readFileSync(file, 'utf8'), file)));
    const t = r.training;
    const got = {
      timeToModelDay: t.timeToModelDays ?? NaN,
      mfuPercent: t.mfu * 100,
      ettrPercent: t.ettr * 100,
      interruptions: t.interruptions,
      energyGwh: r.energy.mwh / 1000,
      costMusd: r.cost.campaignUsd / 1e6,
    };
    for (const key of Object.keys(PINNED) as (keyof typeof PINNED)[]) {
      expect(Math.abs(got[key] - PINNED[key]), `${key} is ${got[key]}, pinned ${PINNED[key]}: ${MOVED}`).toBeLessThanOrEqual(TOLERANCE[key] + 1e-9);
    }
  });

  it("README.md's `colossus run` output shows the pinned figures", () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const shown = {
      timeToModelDay: number(/time-to-model\s+day ([\d.]+)/.exec(readme)?.[1]),
      mfuPercent: number(/\n\s+MFU\s+([\d.]+)%/.exec(readme)?.[1]),
      ettrPercent: number(/\n\s+ETTR\s+([\d.]+)%/.exec(readme)?.[1]),
      interruptions: number(/\n\s+interruptions\s+([\d,]+)/.exec(readme)?.[1]),
      energyGwh: number(/\n\s+energy\s+([\d.,]+) GWh/.exec(readme)?.[1]),
      costMusd: costM(/\n\s+cost\s+(\$[\d.,]+[MB])/.exec(readme)?.[1]),
    };
    expect(shown, MOVED).toEqual(PINNED);
  });

  it("docs/campaign.md's table row for colossus.yaml shows them (rounded as it prints them)", () => {
    const doc = readFileSync(join(root, 'docs', 'campaign.md'), 'utf8');
    const row = doc.split('\n').find((l) => l.startsWith('| `colossus.yaml` |')) ?? '';
    expect(row, MOVED).toContain(`day ${PINNED.timeToModelDay.toFixed(1)}`);
    expect(row, MOVED).toContain(`${PINNED.mfuPercent.toFixed(1)}%`);
    expect(row, MOVED).toContain(`${PINNED.ettrPercent.toFixed(1)}%`);
    expect(row, MOVED).toContain(PINNED.interruptions.toLocaleString('en-US'));
    expect(row, MOVED).toContain(`${Math.round(PINNED.energyGwh)} GWh`);
    expect(row, MOVED).toContain(PINNED.costMusd >= 1000 ? costText(PINNED.costMusd) : `$${Math.round(PINNED.costMusd)}M`);
  });
});
