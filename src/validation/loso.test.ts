import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_BANDS } from '../model/bands/error-bands.js';
import { bandTableFromCases, BUNDLED_BAND_FILES, leaveOneSourceOut, readBundledCases } from './loso.js';
import { runValidation } from './harness.js';

const root = new URL('../../data/validation/', import.meta.url);
const cases = readBundledCases(['public-cases.jsonl', 'stack-cases.jsonl'], root);

describe('leave one source out over the public and other-stack cases', () => {
  const r = leaveOneSourceOut(cases);

  it('covers at least three stacks other than Megatron', () => {
    const stacks = new Set(cases.map((c) => (typeof c.stack?.['name'] === 'string' ? c.stack['name'] : undefined)).filter((x) => x !== undefined));
    const sourceStacks = new Set(['deepspeed', 'torchtitan', 'composer'].filter((s) => stacks.has(s) || cases.some((c) => JSON.stringify(c.spec).includes(`"stack":"${s}`))));
    expect(sourceStacks.size).toBeGreaterThanOrEqual(3);
  });

  it('predicts held-out sources within 12% MAPE', () => {
    expect(r.cases).toBe(217);
    expect(r.heldOut.mape).toBeLessThanOrEqual(0.12);
  });

  it('80% error bands fitted without a source cover 75–85% of its measurements', () => {
    expect(r.bandCoverage).toBeGreaterThanOrEqual(0.75);
    expect(r.bandCoverage).toBeLessThanOrEqual(0.85);
  });
});

describe('cases beyond 30% error', () => {
  const report = runValidation(cases);
  const bad = report.rows.filter((x) => Math.abs(x.error ?? Infinity) > 0.3);
  const doc = readFileSync(new URL('../../docs/model.md', import.meta.url), 'utf8');

  // The target: no more than 5% (10 of 217). Today 7 are beyond 30% (docs/model.md §9).
  it('are no more than 10 of the 217 cases (5%)', () => {
    expect(bad.length).toBeLessThanOrEqual(10);
  });

  it('are each named in docs/model.md with their cause', () => {
    for (const b of bad) expect(doc, b.id).toContain(b.id);
  });
});

describe('bundled error bands', () => {
  it('are what scripts/fit-bands.ts fits from the bundled cases (regenerate after a model change)', () => {
    const fresh = bandTableFromCases(readBundledCases(BUNDLED_BAND_FILES, root));
    expect(Object.keys(ERROR_BANDS.groups).sort()).toEqual(Object.keys(fresh.groups).sort());
    for (const [k, g] of Object.entries(fresh.groups)) {
      expect(ERROR_BANDS.groups[k]?.n, k).toBe(g.n);
      expect(ERROR_BANDS.groups[k]?.q, k).toBeCloseTo(g.q, 3);
    }
  });
});
