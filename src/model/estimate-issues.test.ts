import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseSpecValue } from '../spec/index.js';
import { estimate } from './estimate.js';
import { estimateIssues } from './estimate-invariants.js';
import type { Estimate } from './result.js';

// The invariants an estimate must hold before it is printed, served or stored, each on a copy of a
// real estimate broken in one field.
const text = readFileSync(new URL('../../examples/llama3-405b.yaml', import.meta.url), 'utf8');
const parsed = parseSpecValue(parse(text));
if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
const good = estimate(parsed.spec);
const broken = (over: Partial<Estimate>): Estimate => ({ ...good, ...over });
const inputs = 'system.gpu, system.scaleOutGbpsPerGpu, model and training';
const notPhysical = `is not physical: the inputs give an impossible estimate (check ${inputs})`;

describe('estimateIssues', () => {
  it('holds for a real estimate', () => {
    expect(good.mfu).toBeGreaterThan(0);
    expect(estimateIssues(good)).toEqual([]);
  });

  it('MFU above 100%, with the received value to four digits', () => {
    expect(estimateIssues(broken({ mfu: 1.2346, hfu: 0.9 }))).toEqual([
      { path: 'estimate.mfu', message: notPhysical, expected: 'MFU <= 100% (model FLOPs cannot exceed the peak)', received: '123.5%' },
    ]);
  });

  it('HFU above 100%', () => {
    expect(estimateIssues(broken({ mfu: 0.5, hfu: 1.5 }))).toEqual([
      { path: 'estimate.hfu', message: notPhysical, expected: 'HFU <= 100% (hardware FLOPs cannot exceed the peak)', received: '150.0%' },
    ]);
  });

  it('exactly 100% and exactly 0 hold (the bounds are inclusive)', () => {
    expect(estimateIssues(broken({ mfu: 1, hfu: 1 }))).toEqual([]);
    expect(estimateIssues(broken({ mfu: 0, hfu: 0 }))).toEqual([]);
  });

  it('negative MFU or HFU, either one', () => {
    const neg = { path: 'estimate.mfu', message: notPhysical, expected: 'MFU and HFU >= 0' };
    expect(estimateIssues(broken({ mfu: -0.1, hfu: 0.2 }))).toEqual([{ ...neg, received: '-10.00%, 20.00%' }]);
    expect(estimateIssues(broken({ mfu: 0.1, hfu: -0.2 }))).toEqual([{ ...neg, received: '10.00%, -20.00%' }]);
  });

  it('a step time that is zero, negative or NaN', () => {
    const issue = (received: string) => ({ path: 'estimate.stepTimeS', message: notPhysical, expected: 'a step time > 0', received });
    expect(estimateIssues(broken({ stepTimeS: 0 }))).toEqual([issue('0')]);
    expect(estimateIssues(broken({ stepTimeS: -1 }))).toEqual([issue('-1')]);
    const nan = estimateIssues(broken({ stepTimeS: NaN }));
    expect(nan.map((i) => i.path)).toEqual(['estimate.stepTimeS', 'estimate.stepTimeS']);
    expect(nan[0]).toEqual({ path: 'estimate.stepTimeS', message: `is not a finite number: the inputs give no meaningful estimate (check ${inputs})`, expected: 'a finite number', received: 'NaN or Infinity' });
    expect(nan[1]).toEqual(issue('NaN'));
  });

  it('a tiny positive step time holds', () => {
    expect(estimateIssues(broken({ stepTimeS: 1e-9 }))).toEqual([]);
  });
});
