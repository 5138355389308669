import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseSpecValue, type ResolvedSpec } from '../../spec/index.js';
import { estimate } from '../estimate.js';
import { defaultEfficiency } from '../layer/layer-phase.js';
import { explainPipeline, MAX_TIMELINE_OPS } from './explain.js';

// `estimate --explain-pipeline`: the reference simulator on the plan's own per-device times, beside
// the closed form the estimate used. Llama 3 405B's published plan (TP8 PP16 DP128, 16,384 H100).
const text = readFileSync(new URL('../../../examples/llama3-405b.yaml', import.meta.url), 'utf8');
const parsed = parseSpecValue(parse(text));
if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
const spec = parsed.spec;
// Computed inside each test (mutation testing activates its mutant after module and describe bodies run).
const setup = () => {
  const e = estimate(spec);
  const resolved = { ...spec, parallel: e.parallel } as ResolvedSpec;
  const p = e.parallel;
  return { e, resolved, p, x: explainPipeline(resolved), m: spec.training.globalBatch / (p.dp * p.microBatch) };
};

describe('explainPipeline', () => {
  it('its closed form is the estimate\'s pipeline time, and the reference agrees within 2%', () => {
    const { e, p, x } = setup();
    expect(p.pp).toBe(16);
    expect(x.closedFormS).toBeCloseTo(e.pipeline.pipelineS, 9);
    expect(x.referenceS / x.closedFormS).toBeGreaterThan(0.98);
    expect(x.referenceS / x.closedFormS).toBeLessThan(1.02);
  });

  it('plays every micro-batch on every device and ends at the reference step time', () => {
    const { e, p, x, m } = setup();
    expect(e.pipeline.microBatches).toBe(m);
    const mbs = new Set(x.timeline.map((o) => o.microBatch));
    expect(mbs.size).toBe(m);
    const devices = new Set(x.timeline.map((o) => o.device));
    expect([...devices].sort((a, b) => a - b)).toEqual(Array.from({ length: p.pp }, (_, i) => i));
    const forwards = x.timeline.filter((o) => o.op === 'F');
    expect(forwards.length).toBe(m * p.pp * p.vpp);
    expect(Math.max(...x.timeline.map((o) => o.endS))).toBeCloseTo(x.referenceS, 9);
    for (const o of x.timeline) {
      expect(o.endS).toBeGreaterThan(o.startS);
      expect(o.startS).toBeGreaterThanOrEqual(0);
      expect(Object.keys(o).sort()).toEqual(['device', 'endS', 'microBatch', 'op', 'stage', 'startS']);
    }
  });

  it('uses the efficiency model it is given (the GPU\'s defaults otherwise)', () => {
    const { resolved, x } = setup();
    const eff = defaultEfficiency(spec.system.gpu);
    expect(explainPipeline(resolved, eff).closedFormS).toBe(x.closedFormS);
    const slow = explainPipeline(resolved, { ...eff, gemmMaxBf16: eff.gemmMaxBf16 * 0.5, gemmMaxFp8: eff.gemmMaxFp8 * 0.5 });
    expect(slow.closedFormS).toBeGreaterThan(x.closedFormS * 1.2);
  });

  it('a plan without a pipeline plays 1f1b on one device', () => {
    const { resolved } = setup();
    const one = { ...resolved, parallel: { ...resolved.parallel, pp: 1, vpp: 1, dp: 2048, schedule: 'dualpipe' as const } };
    const y = explainPipeline(one);
    expect(new Set(y.timeline.map((o) => o.device))).toEqual(new Set([0]));
    expect(new Set(y.timeline.map((o) => o.microBatch)).size).toBe(1);
    expect(y.referenceS).toBeCloseTo(y.closedFormS, 9);
  });

  it('refuses a timeline over the op limit, saying how many ops', () => {
    const { resolved } = setup();
    const many = { ...resolved, training: { ...resolved.training, globalBatch: 4200 }, parallel: { ...resolved.parallel, dp: 1, microBatch: 1, vpp: 1, schedule: '1f1b' as const } };
    expect(MAX_TIMELINE_OPS).toBe(200_000);
    expect(() => explainPipeline(many)).toThrow('the pipeline timeline would have 201,600 ops (limit 200,000): explain a plan with fewer micro-batches');
  });
});
