import { describe, expect, it } from 'vitest';
import { parseDocumentText } from '../core/index.js';
import { optimizeCheckpoint } from './optimize.js';
import { inProcessRunner, runReplications } from './replicate.js';
import { parseScenarioOrThrow } from './scenario.js';
import { summarizeReplications } from './summary.js';

const text = (seed: number, interval = 'auto') => `job: { gpus: 16384, days: 20, stepTimeS: 10 }
reliability:
  preset: llama3
  restartS: 300
  checkpoint: { intervalS: ${interval}, writeS: 30, restoreS: 60 }
  spareNodes: 64
seed: ${seed}
replications: 8
`;

function resultJson(seed: number): string {
  const sc = parseScenarioOrThrow(parseDocumentText(text(seed), 's.yaml'));
  return JSON.stringify(summarizeReplications(sc, runReplications(sc.job, sc.seed, 0, sc.replications)), null, 2);
}

describe('summarizeReplications', () => {
  it('same seed → byte-identical JSON; different seed → different', () => {
    const a = resultJson(7);
    expect(resultJson(7)).toBe(a);
    expect(resultJson(8)).not.toBe(a);
  });

  it('has the contract fields, with means and percentiles that are consistent', () => {
    const r = JSON.parse(resultJson(7)) as Record<string, unknown> & {
      ettr: number;
      interruptions: { total: number; byCause: Record<string, number> };
      percentiles: { ettr: { p10: number; p50: number; p90: number } };
      checkpoint: { intervalS: number; dalyS: number };
      progress: { day: number; steps: number }[];
    };
    for (const k of ['ettr', 'interruptions', 'wallDays', 'productiveDays', 'lostWorkHours', 'checkpoint', 'percentiles', 'downtimeHours'])
      expect(r).toHaveProperty(k);
    expect(r.ettr).toBeGreaterThan(0.7);
    expect(r.ettr).toBeLessThan(1);
    expect(r.percentiles.ettr.p10).toBeLessThanOrEqual(r.percentiles.ettr.p50);
    expect(r.percentiles.ettr.p50).toBeLessThanOrEqual(r.percentiles.ettr.p90);
    const sum = Object.values(r.interruptions.byCause).reduce((a, b) => a + b, 0);
    expect(sum).toBeCloseTo(r.interruptions.total, 3);
    expect(r.checkpoint.intervalS).toBe(r.checkpoint.dalyS);
    expect(r.progress).toHaveLength(20);
    expect(r.progress[19]?.day).toBe(20);
  });
});

describe('optimizeCheckpoint', () => {
  it('finds an interval at least as good as Daly, and Daly is within a point of the best', async () => {
    const sc = parseScenarioOrThrow(parseDocumentText(text(3), 's.yaml'));
    const opt = await optimizeCheckpoint(sc, inProcessRunner, 11);
    expect(opt.sweep.length).toBeGreaterThanOrEqual(10);
    expect(opt.best.ettr).toBeGreaterThanOrEqual(opt.daly.ettr);
    expect(opt.gainOverDalyPoints).toBeLessThan(1);
    expect(opt.best.intervalS).toBeGreaterThan(opt.daly.intervalS / 3);
    expect(opt.best.intervalS).toBeLessThan(opt.daly.intervalS * 3);
    // Far-off intervals are clearly worse: the sweep has a maximum inside.
    expect((opt.sweep[0] as { ettr: number }).ettr).toBeLessThan(opt.best.ettr);
    expect((opt.sweep[opt.sweep.length - 1] as { ettr: number }).ettr).toBeLessThan(opt.best.ettr);
  });
});
