import { describe, expect, it } from 'vitest';
import { InputError, formatIssues, parseDocumentText } from '../core/index.js';
import { pointAxes, pointId } from './expand.js';
import { parseSweepDocument } from './parse-sweep.js';
import { runPoint } from './run-point.js';
import { SMALL_SWEEP_YAML, smallSweep } from './_test-sweep.js';

const parse = (text: string) => parseSweepDocument(parseDocumentText(text, 'sweep.yaml'));
const issuesOf = (text: string) => {
  const r = parse(text);
  if (r.ok) throw new Error('expected issues');
  return r.issues;
};
const BASE = `base:
  model: llama3-8b
  system: { gpu: h100-sxm, gpus: 8 }
  training: { seqLen: 4096, globalBatch: 64 }
`;

describe('sweep file', () => {
  it('expands axes like nested loops in file order (first slowest), with stable ids', () => {
    const s = smallSweep();
    expect(s.points).toBe(12);
    expect(s.axes.map((a) => a.path)).toEqual(['system.gpu', 'system.gpus', 'parallel']);
    expect(pointAxes(s.axes, 0)).toEqual({ 'system.gpu': 'h100-sxm', 'system.gpus': 8, parallel: null });
    expect(pointAxes(s.axes, 1)).toEqual({ 'system.gpu': 'h100-sxm', 'system.gpus': 8, parallel: { tp: 2, pp: 1, dp: 8 } });
    expect(pointAxes(s.axes, 11)).toEqual({ 'system.gpu': 'b200', 'system.gpus': 32, parallel: { tp: 2, pp: 1, dp: 8 } });
    // The id names the combination: reordering the axes or adding values keeps it.
    const reordered = smallSweep(SMALL_SWEEP_YAML.replace(/grid:\n((?: {2}.*\n)+)/, (_m, axes: string) => `grid:\n${axes.split('\n').filter(Boolean).reverse().join('\n')}\n`).replace('[8, 16, 32]', '[8, 16, 32, 64]'));
    expect(reordered.axes[0]?.path).toBe('parallel');
    const ids = new Set(Array.from({ length: reordered.points }, (_, k) => pointId(pointAxes(reordered.axes, k))));
    for (let k = 0; k < s.points; k++) expect(ids.has(pointId(pointAxes(s.axes, k)))).toBe(true);
    expect(reordered.fingerprint).not.toBe(s.fingerprint);
  });

  it('searches points without a plan and estimates points with one; an inconsistent plan is an error row', () => {
    const s = smallSweep();
    const searched = runPoint(s, 0);
    expect(searched.mode).toBe('search');
    expect(searched.ok && searched.tokensPerSecPerGpu > 0 && searched.plansEvaluated! > 0).toBe(true);
    // Point 3: 16 GPUs with the fixed plan tp2·pp1·dp8 = 16.
    const estimated = runPoint(s, 3);
    expect(estimated).toMatchObject({ mode: 'estimate', ok: true, gpusUsed: 16, spareGpus: 0, plansEvaluated: null, parallel: { tp: 2, pp: 1, dp: 8 } });
    // Points 1 and 5: 8 and 32 GPUs with a plan of 16: a row with the spec's issue, not a refused file.
    for (const k of [1, 5]) {
      const wrong = runPoint(s, k);
      expect(wrong).toMatchObject({ mode: 'estimate', ok: false, error: 'the point is not a valid spec' });
      if (!wrong.ok) expect(wrong.issues[0]).toMatchObject({ path: 'parallel', message: expect.stringMatching(/must equal system.gpus/) });
    }
  });

  it('a field that is invalid on its own refuses the file, at the value in the grid', () => {
    const issues = issuesOf(`${BASE}grid:\n  system.gpu: [h100-sxm, h20-sxm]\n  system.gpus: [8, 16]\n`);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ path: 'grid["system.gpu"][1]', file: 'sweep.yaml', line: 6 });
    expect(issues[0]?.message).toMatch(/not a GPU in the catalog/);
  });

  it('a typo in the base is placed in the base', () => {
    const issues = issuesOf(BASE.replace('seqLen', 'seqLne') + 'grid:\n  system.gpus: [8, 16]\n');
    expect(issues.map((i) => i.path)).toContain('base.training.seqLne');
    expect(issues.find((i) => i.path === 'base.training.seqLne')?.line).toBe(4);
  });

  it('refuses bad axes with field paths', () => {
    const cases: [string, RegExp][] = [
      ['grid:\n  sytem.gpus: [8]\n', /grid\.sytem\.gpus: does not start with a spec field \(did you mean "system"\?\)/],
      ['grid:\n  system.gpus: 8\n', /grid\.system\.gpus: has the wrong type \(expected a non-empty list of values/],
      ['grid:\n  system.gpus: []\n', /non-empty list/],
      ['grid:\n  system.gpus: [8, 8]\n', /grid\.system\.gpus\[1\]: repeats value \[0\]/],
      ['grid:\n  system: [{ gpu: b200, gpus: 8 }]\n  system.gpus: [8]\n', /overlaps the axis system/],
      ['grid:\n  "system gpus": [8]\n', /not a dotted field path/],
      ['grid:\n  model.layers: [32]\n', /runs through a field of the spec that is not an object/],
      ['grid:\n  system.gpus: [8]\nsearch: { objective: speed }\n', /search\.objective: is not an allowed value/],
      ['grid:\n  system.gpus: [8]\nsearch: { precisions: [bf16, fp4] }\n', /search\.precisions\[1\]/],
      ['grid:\n  system.gpus: [8]\nextra: 1\n', /extra: is not a known field/],
      ['grid:\n  system.gpus: [2, 3, 5, 7, 11, 13, 17, 19, 23, 29]\n  training.seqLen: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\n  training.globalBatch: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\n  model: [llama3-8b, grok-1, llama3-405b, gpt3-175b, llama3-70b, a, b, c, d, e]\n  system.gpusPerNode: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\n  system.nvlinkDomain: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\n  system.scaleOutGbpsPerGpu: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\n', /grid: has 10,000,000 points/],
    ];
    for (const [grid, re] of cases) {
      const r = parse(BASE + grid);
      expect(r.ok, grid).toBe(false);
      if (!r.ok) expect(formatIssues(r.issues), grid).toMatch(re);
    }
  });

  it('refuses a sweep in which no point is a valid spec, with the first point\'s issues', () => {
    const issues = issuesOf(`${BASE}  parallel: { tp: 2, pp: 1, dp: 2 }\ngrid:\n  system.gpus: [8, 16]\n`);
    expect(issues[0]?.message).toMatch(/no point of the sweep is a valid spec/);
    expect(issues[1]).toMatchObject({ path: 'base.parallel' });
  });

  it('parseSweep throws an InputError; a sweep without a grid is one point', async () => {
    const { parseSweep } = await import('./parse-sweep.js');
    expect(() => parseSweep(parseDocumentText('[1, 2]', 'x.yaml'))).toThrow(InputError);
    const one = parse(BASE);
    expect(one.ok && one.sweep.points).toBe(1);
  });
});
